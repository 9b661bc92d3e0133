"""``assay judge`` on a real small run: two scripted judges, agreement, position bias, resume.

The judges disagree in a known way, so Krippendorff's alpha is computed here by hand from
the scripts alone (what each judge scores solution A and B per task) and compared with what
``assay judge`` prints and the report shows.
"""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import pytest

from assay.judge import position_of, read_judgments
from assay.records.judgment import JUDGMENTS_FILE
from tests.conftest import ASSAY, run_assay
from tests.judge.conftest import CONDITIONS, TASKS, reply_text

# Scores each judge gives solution A and solution B (every dimension alike), per task.
JUDGE_A = {"window-sums": (8, 5), "lru-cache": (6, 6)}
JUDGE_B = {"window-sums": (7, 4), "lru-cache": (3, 9)}


def _units(scores: dict[str, tuple[int, int]]) -> list[float]:
    """One judge's values over the units (attempt, position, side), in a fixed order."""
    out = []
    for task, _condition, position in itertools.product(TASKS, CONDITIONS, ("first", "second")):
        a, b = scores[task]
        subject, reference = (a, b) if position == "first" else (b, a)
        out += [subject, reference]
    return out


def _alpha_by_hand(one: list[float], two: list[float]) -> float:
    """Interval alpha, two coders on every unit: 1 − D_o / D_e."""
    values = one + two
    n = len(values)
    observed = sum(2 * (x - y) ** 2 for x, y in zip(one, two, strict=True)) / n
    expected = sum((x - y) ** 2 for x, y in itertools.permutations(values, 2)) / (n * (n - 1))
    return 1 - observed / expected


def _judge(run: Path, *specs: str, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    args = [arg for spec in specs for arg in ("--judge-model", spec)]
    return run_assay("judge", str(run), *args, "--all", "--both-orders", *extra)


def test_two_judges_agreement_position_bias_and_report(judged_copy, judge_script):
    run = judged_copy
    attempts_before = (run / "attempts.jsonl").read_bytes()
    a = judge_script("judge-a", {t: reply_text(*s) for t, s in JUDGE_A.items()})
    b = judge_script("judge-b", {t: reply_text(*s) for t, s in JUDGE_B.items()})
    done = _judge(run, a, b)
    assert done.returncode == 0, done.stderr
    n_attempts = len(TASKS) * len(CONDITIONS)
    judgments = read_judgments(run)
    assert len(judgments) == n_attempts * 2 * 2
    assert len({j.key for j in judgments}) == len(judgments)
    assert all(j.status == "ok" and j.blind for j in judgments)
    # The first order of every pair is the seeded draw, the same for both judges.
    for spec in (a, b):
        mine = [j for j in judgments if j.judge_spec == spec]
        for pair in {j.pair_id for j in mine}:
            first = next(j for j in mine if j.pair_id == pair)
            assert first.position == position_of(0, pair)
    # Scores land on the right side: the subject is A when shown first.
    for j in judgments:
        sa, sb = (JUDGE_A if j.judge_model == "scripted:judge-a" else JUDGE_B)[j.task_id]
        want = (sa, sb) if j.position == "first" else (sb, sa)
        assert (j.subject.total, j.reference.total) == (  # type: ignore[union-attr]
            pytest.approx(want[0]),
            pytest.approx(want[1]),
        )
        assert j.subject_lint.total is not None and j.tokens.prompt > 0

    want = _alpha_by_hand(_units(JUDGE_A), _units(JUDGE_B))
    printed = [line for line in done.stdout.splitlines() if line.startswith("alpha ")]
    assert len(printed) == 9  # eight dimensions and the total
    for line in printed:
        assert f": {want:.3f} over {2 * n_attempts * 2} unit(s)" in line, (line, want)

    # Judging changes no attempt.
    assert (run / "attempts.jsonl").read_bytes() == attempts_before

    report = run_assay("report", str(run), "--out", str(run / "report"))
    assert report.returncode == 0, report.stderr
    md = (run / "report" / "report.md").read_text()
    section = md.split("## Code quality (not a gate)")[1].split("## Limitations")[0]
    for condition in CONDITIONS:
        assert f"| loop/{condition} | scripted:scripted-demo | 2 | 2 |" in section
    assert section.count(f"| {want:.3f} | {2 * n_attempts * 2} | 2 |") == 9
    # judge A: +3 on window-sums pairs, 0 on lru-cache: mean +1.50, 2 flips of 4 pairs;
    # judge B: +3 and −6: mean −1.50, every pair flips.
    lines = {line.split("|")[1].strip(): line for line in section.splitlines() if "judge-" in line}
    assert "| 4 | +1.50 [" in lines[f"`{a}`"] and lines[f"`{a}`"].rstrip().endswith("| 2 |")
    assert "| 4 | -1.50 [" in lines[f"`{b}`"] and lines[f"`{b}`"].rstrip().endswith("| 4 |")


def test_a_cut_judgment_file_resumes_without_duplicates(judged_copy, judge_script):
    run = judged_copy
    a = judge_script("judge-a", {t: reply_text(*s) for t, s in JUDGE_A.items()})
    hostile = judge_script("judge-h", {"*": reply_text(5, 5), "lru-cache": '{"A": {"clarity":'})
    assert _judge(run, a, hostile).returncode == 0
    full = (run / JUDGMENTS_FILE).read_text().splitlines(keepends=True)
    assert len(full) == 16
    failed = [j for j in read_judgments(run) if j.status == "failed"]
    assert len(failed) == 4 and all(j.task_id == "lru-cache" for j in failed)
    assert all(j.failure == "no JSON object in the reply" and j.subject is None for j in failed)
    # A crash after five records, in the middle of the sixth.
    (run / JUDGMENTS_FILE).write_text("".join(full[:5]) + full[5][: len(full[5]) // 2])
    again = _judge(run, a, hostile)
    assert again.returncode == 0, again.stderr
    kept_failed = sum('"status": "failed"' in line for line in full[:5])
    assert f"11 judgment(s) written ({4 - kept_failed} failed), 5 already recorded" in again.stdout
    lines = (run / JUDGMENTS_FILE).read_text().splitlines(keepends=True)
    assert lines[:5] == full[:5]
    assert len({j.key for j in read_judgments(run)}) == len(lines) == 16


def test_bad_rubrics_and_a_missing_extra_exit_2_naming_them(judged_copy, judge_script, tmp_path):
    run = judged_copy
    spec = judge_script("judge-a", {"*": reply_text(5, 5)})
    rubric = (Path(__file__).parents[2] / "src/assay/judge/rubrics/code-quality@1.toml").read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(rubric.replace("weight = 0.25", "weight = 0.2"))
    done = run_assay("judge", str(run), "--judge-model", spec, "--rubric", str(bad))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert str(bad) in done.stderr and "weights sum to 0.95, not 1" in done.stderr
    done = run_assay("judge", str(run), "--judge-model", spec, "--rubric", "nope@9")
    assert done.returncode == 2 and "code-quality@1" in done.stderr
    v2 = tmp_path / "v2.toml"
    v2.write_text(rubric.replace('version = "1"', 'version = "2"'))

    # Without krippendorff two judges are refused before any call; without ruff one judge
    # still judges, its lint counts recorded as unavailable.
    shim = tmp_path / "shim"
    (shim / "ruff").mkdir(parents=True)
    (shim / "krippendorff.py").write_text("raise ImportError('hidden by the test')\n")
    (shim / "ruff" / "__init__.py").write_text("raise ImportError('hidden by the test')\n")
    env = {"PYTHONPATH": str(shim), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())}
    other = judge_script("judge-b", {"*": reply_text(4, 4)})
    cmd = [*ASSAY, "judge", str(run), "--judge-model", spec]
    done = subprocess.run(
        [*cmd, "--judge-model", other],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).parents[2],
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "krippendorff" in done.stderr and "assay[judge]" in done.stderr
    assert not (run / JUDGMENTS_FILE).exists()
    done = subprocess.run(
        cmd, capture_output=True, text=True, env=env, cwd=Path(__file__).parents[2], timeout=120
    )
    assert done.returncode == 0, done.stderr
    judgments = read_judgments(run)
    assert judgments and all(j.status == "ok" for j in judgments)
    assert all(j.subject_lint.total is None and j.subject_lint.unavailable for j in judgments)
    assert all("ruff" in (j.subject_lint.unavailable or "") for j in judgments)

    # A valid rubric of another version cannot be mixed into the judgments already made.
    done = run_assay("judge", str(run), "--judge-model", spec, "--rubric", str(v2))
    assert done.returncode == 2 and "code-quality@1" in done.stderr and "seed 0" in done.stderr
    assert len(read_judgments(run)) == len(judgments)

    # A judgment line that is not a record is bad input, named by file and line.
    with (run / JUDGMENTS_FILE).open("a") as fh:
        fh.write('{"schema": "assay.judgment.v1"}\n')
    done = run_assay("judge", str(run), "--judge-model", spec)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{JUDGMENTS_FILE}: line {len(judgments) + 1}: not a judgment record" in done.stderr
