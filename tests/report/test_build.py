"""``assay report`` on a real run: tables with intervals, claims, plots, HTML, limitations."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from assay.release.secrets import scan_text
from tests.conftest import run_assay
from tests.support.rundir import CLAIM_IDS, CONDITIONS, copy_run, make_run, pristine_folder

REASONS = {
    "insufficient_evidence",
    "ci_includes_margin",
    "direction_ns",
    "multiplicity",
    "looks_exhausted",
    "data_invalid",
    "manifest_changed",
    "missing_artifacts",
}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def report(run: Path) -> Path:
    out = run.parent / "report"
    done = run_assay("report", str(run), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(out / "report.md"), str(out / "report.html")]
    return out


def section(md: str, title: str) -> str:
    start = md.index(f"## {title}\n")
    end = md.find("\n## ", start + 1)
    return md[start : end if end != -1 else len(md)]


def table_rows(text: str) -> list[list[str]]:
    lines = [ln for ln in text.splitlines() if ln.startswith("| ")]
    return [[c.strip() for c in ln.strip("|").split(" | ")] for ln in lines[2:]]


def test_success_table_has_every_condition_with_an_interval_over_tasks(report: Path) -> None:
    md = (report / "report.md").read_text()
    rows = table_rows(section(md, "Success and utility"))
    assert [r[0] for r in rows] == CONDITIONS
    for row in rows:
        assert row[3] == "3"  # n counts tasks
        assert re.fullmatch(r"\d+% \[\d+%, \d+%\]", row[5]), row
    side = table_rows(section(md, "Side by side"))
    assert [r[0] for r in side] == CONDITIONS


def test_claims_table_gives_a_verdict_and_typed_reason_for_every_claim(report: Path) -> None:
    md = (report / "report.md").read_text()
    rows = table_rows(section(md, "Claims"))
    assert [r[0].strip("`") for r in rows] == CLAIM_IDS
    for row in rows:
        verdict, reason = row[10], row[11]
        assert verdict in {"supported", "fail_closed"}
        assert (reason in REASONS) if verdict == "fail_closed" else reason == "—"
    # Three tasks can never pass an exact sign test at alpha 0.025: the gate fails closed.
    assert {r[10] for r in rows} == {"fail_closed"}
    assert {r[11] for r in rows} == {"insufficient_evidence"}


def test_plots_are_written_and_embedded_in_the_html(report: Path) -> None:
    names = ["success_vs_oversight.png", "claims_forest.png", "channels.png"]
    for name in names:
        data = (report / name).read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 5_000
    md = (report / "report.md").read_text()
    assert all(f"]({name})" in md for name in names)
    html = (report / "report.html").read_text()
    uris = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(uris) == len(names)
    assert sorted(base64.b64decode(u) for u in uris) == sorted(
        (report / n).read_bytes() for n in names
    )


def test_html_is_self_contained(report: Path) -> None:
    html = (report / "report.html").read_text()
    assert "<script" not in html
    assert not re.search(r"(src|href)=\"(?!data:)", html)
    assert "http://" not in html and "https://" not in html
    assert "default-src 'none'" in html  # the page may not fetch anything even if it tried


def test_report_has_no_absolute_paths_or_secrets(report: Path, run: Path) -> None:
    for name in ("report.md", "report.html"):
        text = (report / name).read_text()
        # The run was copied from the session's one real run: neither folder may show.
        folders = [str(run.parent), str(pristine_folder())]
        assert not any(f in text for f in folders)
        assert scan_text(text, extra_paths=[*folders, str(Path.home())]) == []


def test_limitations_are_generated_from_the_data(report: Path) -> None:
    items = section((report / "report.md").read_text(), "Limitations")
    assert "Only 3 tasks" in items
    assert "One seed" in items
    assert "scripted" in items and "real model" in items
    assert "`insufficient_evidence`" in items and "escalate-beats-solo" in items
    assert "No claim is supported" in items
    assert "interrupted" not in items  # nothing was interrupted: no boilerplate about it


def test_report_is_regenerated_identically_from_the_run_alone(report: Path, run: Path) -> None:
    again = run.parent / "report-again"
    assert run_assay("report", str(run), "--out", str(again)).returncode == 0
    assert (again / "report.md").read_text() == (report / "report.md").read_text()
    assert (again / "report.html").read_bytes() == (report / "report.html").read_bytes()
    # Deciding the same claims on the same data is the same look, not a new one.
    ledger = (run / "claims" / "ledger.jsonl").read_text().splitlines()
    assert len(ledger) == len(CLAIM_IDS)


def test_several_runs_are_compared_side_by_side(run: Path, tmp_path: Path) -> None:
    a = copy_run(run, tmp_path / "run-a")
    b = copy_run(run, tmp_path / "run-b")
    out = tmp_path / "both"
    done = run_assay("report", str(a), str(b), "--out", str(out))
    assert done.returncode == 0, done.stderr
    md = (out / "report.md").read_text()
    header = section(md, "Side by side").splitlines()[4]
    assert "run-a: loop" in header and "run-b: loop" in header
    html = (out / "report.html").read_text()
    assert html.count('<th class="group" colspan="4">') == 2
    claims = table_rows(section(md, "Claims"))
    assert [r[0] for r in claims] == ["`run-a`", "`run-a`", "`run-b`", "`run-b`"]
    assert "not a paired comparison" in section(md, "Limitations")


def test_a_changed_manifest_shows_in_the_report(run: Path, tmp_path: Path) -> None:
    changed = copy_run(run, tmp_path / "changed")
    manifest = changed / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"mini-report"', '"renamed"'))
    out = tmp_path / "rep"
    assert run_assay("report", str(changed), "--out", str(out)).returncode == 0
    md = (out / "report.md").read_text()
    assert {r[11] for r in table_rows(section(md, "Claims"))} == {"manifest_changed"}
    assert "no longer hashes" in section(md, "Limitations")


def chromium() -> str | None:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def headless(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_html_report_renders_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    browser = chromium()
    if browser is None:
        pytest.skip("chromium is not installed (make sysdeps installs it as root on Debian)")
    url = (report / "report.html").resolve().as_uri()
    dom = headless(browser, tmp_path / "profile-dom", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for claim in CLAIM_IDS:
        assert f"<code>{claim}</code>" in dom.stdout
    for condition in CONDITIONS:
        assert f"<td>{condition}</td>" in dom.stdout
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', dom.stdout)
    assert len(images) == 3 and all(len(base64.b64decode(i)) > 5_000 for i in images)

    shot = tmp_path / "shot.png"
    done = headless(
        browser,
        tmp_path / "profile-shot",
        f"--screenshot={shot}",
        "--window-size=1280,6000",
        "--hide-scrollbars",
        url,
    )
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    from matplotlib.image import imread

    pixels = imread(shot)[:, :, :3]
    assert pixels.std() > 0.05  # not a blank page
    # The success plot's points and bars are drawn in #0969da, a colour no table uses: it is
    # on screen only if the embedded images were decoded and painted.
    blue = (abs(pixels - [9 / 255, 105 / 255, 218 / 255]).max(axis=2) < 0.03).sum()
    assert blue > 200
