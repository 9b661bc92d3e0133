"""The verification gate: ``verify(task, workspace) -> Verdict``, and suite checks.

The face is lazy: the gate's pytest plugin (``assay.verify.plugin``) and the fast path's
servers import this package inside every sandboxed run, so importing it must load nothing.
The names below are imported on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assay.verify.gate import expected_tests, verify
    from assay.verify.suite_check import check_suite, check_task

_HOME = {
    "check_suite": "assay.verify.suite_check",
    "check_task": "assay.verify.suite_check",
    "expected_tests": "assay.verify.gate",
    "verify": "assay.verify.gate",
}
__all__ = ["check_suite", "check_task", "expected_tests", "verify"]


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(_HOME[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
