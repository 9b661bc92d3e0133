"""``assay preflight`` and the preflight ``assay run`` makes first (issue 12)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from assay.claims.feasibility import paired_feasibility, replicate_feasibility
from assay.records.claim import ClaimSpec
from assay.records.preflight import PreflightRecord
from tests.conftest import run_assay

MANIFEST = """
schema = "assay.manifest.v1"
name = "pre"
suites = ["repair"]
tasks = ["window-sums", "lru-cache"]
seeds = 2

[[agents]]
id = "loop"
model = "{model}"
config = {{ max_passes = 2, max_steps = 8, max_stale = 2 }}

[[conditions]]
id = "solo"

[[conditions]]
id = "auto"
channels = ["public-tests"]

[[claims]]
id = "auto-beats-solo"
metric = "success"
treatment = "auto"
control = "solo"
min_n = {min_n}
"""


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_endpoint_and_an_unsupportable_claim_exit_1_naming_both(tmp_path: Path) -> None:
    model = f"openai:tiny@http://127.0.0.1:{_closed_port()}/v1"
    m = tmp_path / "m.toml"
    m.write_text(MANIFEST.format(model=model, min_n=10))
    done = run_assay("preflight", str(m))
    assert done.returncode == 1, done.stderr
    failed = [ln for ln in done.stdout.splitlines() if "FAILED" in ln]
    assert any(f"endpoint {model}" in ln and "no answer" in ln for ln in failed), done.stdout
    assert any("claim auto-beats-solo" in ln and "min_n 10" in ln for ln in failed), done.stdout
    data = json.loads(run_assay("preflight", str(m), "--json").stdout)
    record = PreflightRecord.model_validate(data)
    assert record.schema_id == "assay.preflight.v1" and not record.ok
    assert record.planned_attempts == 2 * 2 * 2
    assert {c.kind for c in record.checks if not c.ok} == {"endpoint", "claim"}
    assert all(c.ok for c in record.checks if c.kind == "tasks")
    # assay run refuses the same manifest before writing anything.
    run = run_assay("run", str(m), "--out", str(tmp_path / "r"), "--quiet")
    assert run.returncode == 1 and "--no-preflight" in run.stderr
    assert not (tmp_path / "r").exists()


def test_run_stores_its_preflight_and_warns_of_a_claim_it_can_never_support(
    tmp_path: Path,
) -> None:
    m = tmp_path / "m.toml"
    m.write_text(MANIFEST.format(model="scripted:builtin:repair-demo", min_n=2))
    done = run_assay("run", str(m), "--out", str(tmp_path / "r"), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "warning: claim auto-beats-solo can never be supported" in done.stderr
    record = PreflightRecord.model_validate_json((tmp_path / "r" / "preflight.json").read_text())
    assert record.ok is False  # the claim; every resource check passed
    assert all(c.ok for c in record.checks if c.kind != "claim")
    assert record.estimate_low_s is not None and record.estimate_low_s < record.estimate_high_s
    skipped = run_assay("run", str(m), "--out", str(tmp_path / "s"), "--quiet", "--no-preflight")
    assert skipped.returncode == 0 and not (tmp_path / "s" / "preflight.json").exists()


def test_smallest_effect_is_what_the_gate_supports() -> None:
    spec = ClaimSpec(id="c", metric="success", treatment="B", control="A")
    assert paired_feasibility(spec, 5, 3, binary=True).smallest_effect is None  # sign test
    assert paired_feasibility(spec, 6, 1, binary=True).smallest_effect is None
    twelve = paired_feasibility(spec, 12, 3, binary=True).smallest_effect
    thirty = paired_feasibility(spec, 30, 3, binary=True).smallest_effect
    assert twelve is not None and thirty is not None and thirty < twelve < 1
    rep = ClaimSpec(id="r", metric="success", treatment="B", control="A", design="replicates")
    rep = rep.model_copy(update={"margin": 0.0})
    assert replicate_feasibility(rep, 4).smallest_effect is None  # below min_runs 5
    # 5/7 against 0/7: Fisher p = 21/2002 = 0.0105; 4/7 against 0/7: 35/1001 = 0.035 > 0.025.
    assert replicate_feasibility(rep, 7).smallest_effect == 5 / 7
