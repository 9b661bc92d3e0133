"""The bundled demo reproduces, attempt by attempt and number by number, its golden fingerprint.

The golden was taken before the house was restructured (issue 11) and regenerated for honest
accounting (issue 12; demo_fingerprint.py says how): any change of an outcome, a record field
(time aside) or a report number fails here, with the attempts that differ.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.runner.demo_fingerprint import fingerprint

GOLDEN = Path(__file__).with_name("demo_golden.json")


def test_demo_matches_its_golden_fingerprint(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "assay.cli", "run", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(json.dumps(fingerprint(out), sort_keys=True))
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    differing = sorted(
        k
        for k in set(got["attempts"]) | set(want["attempts"])
        if got["attempts"].get(k) != want["attempts"].get(k)
    )
    assert not differing, [(k, got["attempts"].get(k), want["attempts"].get(k)) for k in differing]
    assert got["arms"] == want["arms"]
    assert got["claims"] == want["claims"]
