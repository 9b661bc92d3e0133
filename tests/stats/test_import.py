"""Importing the statistics and the CLI stays light: ``assay --help`` never loads scipy."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
sys.argv = ["assay", "--help"]
import assay.stats, assay.claims
from assay.cli.app import main
try:
    main()
except SystemExit:
    pass
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"numpy", "scipy", "statsmodels"})
print("HEAVY", heavy)
"""


def test_help_and_package_imports_load_no_numerics() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    assert "stats" in done.stdout
    assert "claims" in done.stdout
    assert "HEAVY []" in done.stdout
