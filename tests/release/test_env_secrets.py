"""The secret scan finds the literal values of the credentials in the environment.

Issue 19, item 11: keys that match no pattern (``sk-test-…``, ``sk-ant-test-…``, an AWS
secret value on its own, a Bearer token) went unnoticed in a run directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assay.release.secrets import redact, scan_text
from tests.conftest import REPO
from tests.support.rundir import copy_run, make_run

# Built by concatenation so that this file itself never holds a whole planted value.
PLANTED = {
    "OPENAI_API_KEY": "sk-test-" + "abc123",
    "ANTHROPIC_API_KEY": "sk-ant-test-" + "xyz789",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI" + "/K7MDENG/bPxRfiCY" + "EXAMPLEKEY",
    "HF_TOKEN": "plain" + "token" + "0042",
    "MY_SERVICE_PASSWORD": "correct-horse-" + "battery",
}
BEARER = "Bearer " + "eyJhbGciOiJIUzI1NiJ9" + ".payload.sig"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("envsecrets"))


def _scan(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assay.cli", "release", "scan", str(folder), "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


def test_configured_key_values_are_found_and_never_printed(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "leaky")
    lines = [json.dumps({"note": f"sent {name}={value}"}) for name, value in PLANTED.items()]
    lines.append(json.dumps({"headers": {"authorization": BEARER}}))
    (copy / "events" / "leak.jsonl").write_text("\n".join(lines) + "\n")
    done = _scan(copy, PLANTED)
    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)
    by_line = {f["line"]: f for f in findings if f["path"] == "events/leak.jsonl"}
    assert sorted(by_line) == list(range(1, len(PLANTED) + 2))
    for n, name in enumerate(PLANTED, start=1):
        assert by_line[n]["kind"] == "env_secret" and name in by_line[n]["excerpt"]
    assert by_line[len(PLANTED) + 1]["kind"] == "bearer_token"
    for value in [*PLANTED.values(), BEARER.split()[1]]:
        assert value not in done.stdout and value not in done.stderr


def test_values_are_found_without_the_variable_set_only_by_pattern(
    run: Path, tmp_path: Path
) -> None:
    copy = copy_run(run, tmp_path / "nokeys")
    (copy / "events" / "leak.jsonl").write_text(json.dumps({"k": PLANTED["HF_TOKEN"]}) + "\n")
    env = {k: "" for k in PLANTED}
    done = _scan(copy, env)
    assert done.returncode == 0, done.stdout  # nothing tells this token from any word


def test_short_or_common_values_are_not_treated_as_secrets(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "short")
    done = _scan(copy, {"OPENAI_API_KEY": "x", "GITHUB_TOKEN": "true", "API_KEY": "loop"})
    assert done.returncode == 0, done.stdout


_VALUE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=8,
    max_size=40,
).filter(lambda v: not v.startswith("/") and v.strip() == v)


@settings(max_examples=300, deadline=None)
@given(value=_VALUE, before=st.text(max_size=30), after=st.text(max_size=30))
def test_any_configured_value_is_found_in_any_line_and_never_echoed(
    value: str, before: str, after: str
) -> None:
    assume(value not in "[redacted:$SOME_SERVICE_TOKEN]")
    line = (before + value + after).replace("\n", " ").replace("\r", " ")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOME_SERVICE_TOKEN", value)
        findings = scan_text(line, path="x")
    mine = [f for f in findings if f.kind == "env_secret"]
    assert mine and all("SOME_SERVICE_TOKEN" in f.excerpt for f in mine)
    assert all(value not in f.excerpt for f in findings if f.kind == "env_secret")
    assert value not in redact_with(value, line)


def redact_with(value: str, text: str) -> str:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOME_SERVICE_TOKEN", value)
        return redact(text)
