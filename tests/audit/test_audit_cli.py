"""``assay audit`` on a hand-made suite of tiny pytest tasks, through the real CLI and gate.

The suite (one audit run, shared by the module) holds three tasks around ``add3(a)``, whose
reference ``return a + 3`` has exactly three distinct mutants (``a - 3``, ``a + 4``, ``a + 2``):

- ``strong``: the hidden test pins a value (kills all three); the public test asserts
  nothing (kills none);
- ``weak``: the hidden test asserts only that something came back (kills none): flagged
  ``below_min_kill`` under ``--min-kill 0.8``; its public test holds that same assertion,
  formatted differently: flagged ``leak`` too;
- ``flaky``: a hidden test fails on every other run. Why it works with the two-process
  gate: the hidden tests run in the trusted pytest process (not in the candidate's
  sandbox), as the machine's user, so a test can claim a ticket in a folder outside the
  workspace with ``O_CREAT | O_EXCL`` (atomic across concurrent runs) and fail on odd
  tickets. The audit verifies the reference ``repeats`` times in one phase of its own, so
  those runs draw consecutive tickets: with 2 or more repeats, one odd and one even, always.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.records.task_audit import SuiteAudit
from tests.conftest import run_assay

REFERENCE = "def add3(a):\n    return a + 3\n"
STUB = "def add3(a):\n    raise NotImplementedError\n"
STRONG = "from calc import add3\n\n\ndef test_value():\n    assert add3(1) == 4\n"
NOTHING = "from calc import add3\n\n\ndef test_runs():\n    add3(0)\n"
WEAK = "from calc import add3\n\n\ndef test_something():\n    assert add3(1) is not None\n"
LEAKED_PUBLIC = (
    "from calc import add3\n\n\ndef test_public():\n"
    "    assert (add3( 1 )) is not None, 'same'  # a copy\n"
)
FLAKY = """
import os
from calc import add3

TICKETS = {tickets!r}


def test_value():
    assert add3(1) == 4


def test_every_other_run():
    k = 0
    while True:
        try:
            os.close(os.open(os.path.join(TICKETS, str(k)), os.O_CREAT | os.O_EXCL))
            break
        except FileExistsError:
            k += 1
    assert k % 2 == 0
"""


def _task(root: Path, name: str, hidden: str, public: str) -> None:
    d = root / name
    for sub in ("workspace", "solution", "tests"):
        (d / sub).mkdir(parents=True)
    (d / "task.toml").write_text(
        f'id = "{name}"\ntitle = "{name}"\nprotected = ["test_*.py"]\n\n[verify]\n'
        'public_tests = ["test_calc.py"]\nrepeats = 1\ntimeout_s = 20\n'
    )
    (d / "PROMPT.md").write_text("Make add3 add three.\n")
    (d / "workspace/calc.py").write_text(STUB)
    (d / "workspace/test_calc.py").write_text(public)
    (d / "solution/calc.py").write_text(REFERENCE)
    (d / "tests/test_calc_hidden.py").write_text(hidden)


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("audit")
    suite = root / "suite"
    tickets = root / "tickets"
    tickets.mkdir()
    tickets.chmod(0o777)
    _task(suite, "strong", STRONG, NOTHING)
    _task(suite, "weak", WEAK, LEAKED_PUBLIC)
    _task(suite, "flaky", FLAKY.format(tickets=str(tickets)), NOTHING)
    out = root / "out"
    done = run_assay(
        "audit", str(suite), "--json", "--min-kill", "0.8", "--repeats", "2", "--out", str(out)
    )
    audit = SuiteAudit.model_validate_json(done.stdout)
    return {"done": done, "audit": audit, "out": out, "by": {t.task_id: t for t in audit.tasks}}


def test_kill_rates_on_a_tiny_pytest_task(audited) -> None:
    strong = audited["by"]["strong"]
    assert strong.reference_passes and strong.workspace_fails
    assert strong.hidden.mutants == 3 and strong.hidden.killed == 3 and strong.hidden.rate == 1.0
    assert strong.hidden.survivors == []
    # The public test asserts nothing: every mutant gets through it, each listed with a diff.
    assert strong.public.killed == 0 and strong.public.rate == 0.0
    diffs = {s.mutant: s.diff for s in strong.public.survivors}
    assert sorted(diffs) == ["m000", "m001", "m002"]
    assert "-    return a + 3\n+    return a - 3\n" in diffs["m000"]
    assert strong.flagged == [] and strong.verify_s > 0 and strong.audit_s >= strong.verify_s


def test_a_weak_task_is_flagged_and_exits_1(audited) -> None:
    weak = audited["by"]["weak"]
    assert weak.hidden.killed == 0 and weak.hidden.rate == 0.0
    assert len(weak.hidden.survivors) == 3
    assert "below_min_kill" in weak.flagged
    assert audited["done"].returncode == 1, audited["done"].stderr


def test_leakage_is_detected(audited) -> None:
    weak, strong = audited["by"]["weak"], audited["by"]["strong"]
    assert weak.leakage.leaked == ["assert add3(1) is not None"] and weak.leakage.leak
    assert "leak" in weak.flagged
    assert strong.leakage.hidden == 1 and strong.leakage.leaked == []


def test_flakiness_is_detected(audited) -> None:
    flaky = audited["by"]["flaky"].flakiness
    assert flaky.flaky and len(set(flaky.reference_passed)) == 2
    assert any(t.endswith("test_every_other_run") for t in flaky.unstable_tests)
    assert not audited["by"]["strong"].flakiness.flaky
    assert audited["by"]["strong"].flakiness.reference_passed == [True, True]


def test_out_folder_holds_the_record_and_the_markdown(audited) -> None:
    out = audited["out"]
    data = json.loads((out / "audit.json").read_text())
    assert data["schema"] == "assay.audit.v1"
    assert SuiteAudit.model_validate(data) == audited["audit"]
    md = (out / "audit.md").read_text()
    assert "| weak | 0.00 (0/3) |" in md and "```diff" in md


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["no-such-suite"], "neither a folder nor a bundled suite"),
        (["repair", "--min-kill", "1.5"], "--min-kill"),
    ],
)
def test_bad_input_exits_2(args: list[str], needle: str) -> None:
    done = run_assay("audit", *args)
    assert done.returncode == 2
    assert needle in done.stderr and "Traceback" not in done.stderr
