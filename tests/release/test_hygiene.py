"""``assay release clean`` and ``assay artifacts write/verify`` on a real run directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_assay
from tests.support.rundir import copy_run, make_run

# Built by concatenation so that this file itself never holds a whole planted secret.
PLANTED = {
    "openai_key": "sk-proj-" + "Qx7" * 12,
    "anthropic_key": "sk-ant-api03-" + "Zr4_" * 10,
    "github_token": "ghp_" + "a1B2c3D4e5" * 4,
    "aws_key": "AKIA" + "QWERTYUIOPASDFGH",
    "private_key": "-----BEGIN OPENSSH " + "PRIVATE KEY-----",
    "home_path": "/home/" + "alice/projects/secret-plans.txt",
}


NOTES = "events/notes.jsonl"
"""A file among assay's records: only those are rewritten (test_clean_scope.py)."""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("release"))


def clean_json(folder: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    done = run_assay("release", "clean", str(folder), "--json", *extra)
    assert done.returncode in (0, 1), done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return done.returncode, data


def test_a_fresh_run_is_clean(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "fresh")
    code, data = clean_json(copy)
    assert code == 0, data["findings"]
    assert data["clean"] is True and data["findings"] == []


def test_caches_are_removed_and_absolute_paths_made_relative(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "messy")
    (copy / "inputs" / "__pycache__").mkdir(parents=True)
    (copy / "inputs" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0\1")
    (copy / ".DS_Store").write_bytes(b"\0")
    home_file = Path.home() / "notes" / "run.txt"
    (copy / NOTES).write_text(
        f"events at {copy.resolve()}/events/a.jsonl\nroot {copy.resolve()}\nhome {home_file}\n"
        f"masked dirs: {json.dumps([str(Path.home()), '/tmp'])}\n"
    )
    manifest_before = (copy / "manifest.json").read_bytes()
    code, data = clean_json(copy)
    assert code == 0, data["findings"]
    assert sorted(data["removed"]) == [".DS_Store", "inputs/__pycache__"]
    assert not (copy / "inputs" / "__pycache__").exists()
    assert data["rewritten"] == {NOTES: 3}
    assert (copy / NOTES).read_text() == (
        "events at events/a.jsonl\nroot .\nhome ~/notes/run.txt\n"
        f"masked dirs: {json.dumps([str(Path.home()), '/tmp'])}\n"
    )
    assert (copy / "manifest.json").read_bytes() == manifest_before
    claims = run_assay("claims", str(copy), "--json")
    assert "manifest_changed" not in claims.stdout  # the hashed manifest was left alone


def test_dry_run_changes_nothing(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "dry")
    (copy / "__pycache__").mkdir()
    (copy / NOTES).write_text(f"see {copy.resolve()}/summary.csv\n")
    code, data = clean_json(copy, "--dry-run")
    assert code == 1  # the path is still there, so the scan still finds it
    assert data["removed"] == ["__pycache__"] and data["rewritten"] == {NOTES: 1}
    assert {f["kind"] for f in data["findings"]} == {"absolute_path"}
    assert (copy / "__pycache__").is_dir()
    assert str(copy.resolve()) in (copy / NOTES).read_text()


def test_planted_secrets_are_found_typed_and_never_echoed(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "leaky")
    (copy / "events" / "extra.jsonl").write_text(
        "\n".join(json.dumps({"note": f"here: {v}"}) for v in PLANTED.values()) + "\n"
    )
    code, data = clean_json(copy)
    assert code == 1
    found = {(f["kind"], f["path"]) for f in data["findings"]}
    assert found == {(kind, "events/extra.jsonl") for kind in PLANTED}
    human = run_assay("release", "clean", str(copy))
    assert human.returncode == 1
    for kind, value in PLANTED.items():
        assert kind in human.stdout
        if kind != "home_path":
            assert value not in human.stdout and value not in json.dumps(data)


def test_manifest_write_then_verify(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "art")
    done = run_assay("artifacts", "write", str(copy))
    assert done.returncode == 0, done.stderr
    art = json.loads((copy / "artifacts.json").read_text())
    assert art["schema"] == "assay.artifacts.v1"
    paths = [f["path"] for f in art["files"]]
    assert "attempts.jsonl" in paths and "artifacts.json" not in paths
    assert all(not p.startswith("/") for p in paths)
    size = {f["path"]: f["bytes"] for f in art["files"]}
    assert size["attempts.jsonl"] == (copy / "attempts.jsonl").stat().st_size
    digest = (copy / "manifest.sha256").read_text().strip()
    assert art["parents"] == [{"kind": "run_manifest", "name": "manifest.json", "sha256": digest}]
    ok = run_assay("artifacts", "verify", str(copy))
    assert ok.returncode == 0, ok.stdout
    assert f"verified: {len(paths)} files" in ok.stdout


def test_verify_catches_modified_missing_and_extra_files(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "tamper")
    assert run_assay("artifacts", "write", str(copy)).returncode == 0
    patch = next((copy / "diffs").glob("*.patch"))
    patch.write_text(patch.read_text() + "+ one more line\n")
    (copy / "summary.csv").unlink()
    (copy / "smuggled.txt").write_text("hi\n")
    done = run_assay("artifacts", "verify", str(copy), "--json")
    assert done.returncode == 1
    problems = {(p["problem"], p["path"]) for p in json.loads(done.stdout)}
    assert problems == {
        ("modified", f"diffs/{patch.name}"),
        ("missing", "summary.csv"),
        ("extra", "smuggled.txt"),
    }


def test_verify_catches_a_changed_run_manifest(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "remanifest")
    assert run_assay("artifacts", "write", str(copy)).returncode == 0
    manifest = copy / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"seeds": 1', '"seeds": 2'))
    done = run_assay("artifacts", "verify", str(copy), "--json")
    assert done.returncode == 1
    problems = {(p["problem"], p["path"]) for p in json.loads(done.stdout)}
    assert problems == {("modified", "manifest.json"), ("parent_mismatch", "manifest.json")}


def test_a_report_names_its_run_as_parent(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "parent")
    report = tmp_path / "report"
    assert run_assay("report", str(copy), "--out", str(report)).returncode == 0
    assert run_assay("artifacts", "write", str(copy)).returncode == 0
    assert run_assay("artifacts", "write", str(report), "--parent", str(copy)).returncode == 0
    art = json.loads((report / "artifacts.json").read_text())
    (parent,) = art["parents"]
    assert parent["kind"] == "artifacts" and parent["name"] == "parent"
    assert run_assay("artifacts", "verify", str(report), "--parent", str(copy)).returncode == 0
    (copy / "summary.csv").write_text("changed\n")
    assert run_assay("artifacts", "write", str(copy)).returncode == 0
    moved = run_assay("artifacts", "verify", str(report), "--parent", str(copy), "--json")
    assert moved.returncode == 1
    assert [p["problem"] for p in json.loads(moved.stdout)] == ["parent_mismatch"]
    assert run_assay("release", "clean", str(report)).returncode == 0


def test_verify_without_a_manifest_is_bad_input(tmp_path: Path) -> None:
    done = run_assay("artifacts", "verify", str(tmp_path))
    assert done.returncode == 2
    assert "no artifact index" in done.stderr and "fix:" in done.stderr
