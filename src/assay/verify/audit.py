"""The audit policy of a verification process (stdlib only; both gate paths install it).

Python offers no boundary inside one process, so candidate code could reach the reporter by
the generic tools for reaching into a process: gc walks, ctypes, tracing, ``/proc/*/mem``,
its own ``/proc`` descriptors, code replacement, patching the test machinery's classes. An
audit hook (which cannot be removed once added) refuses those events.
"""

from __future__ import annotations

import os
from typing import Any

BLOCKED_EVENTS = frozenset(
    {
        "sys.settrace",
        "sys.setprofile",
        "gc.get_objects",
        "gc.get_referrers",
        "gc.get_referents",
        "sys._current_frames",
    }
)
GUARDED_PACKAGES = frozenset({"_pytest", "pytest", "pluggy", "assay"})


def refusal(event: str, args: tuple[Any, ...]) -> str | None:
    """Why an audited event is refused during verification, or None to allow it."""
    if event in BLOCKED_EVENTS:
        return event
    if event.startswith("ctypes.") and not (event == "ctypes.dlopen" and args[0] is None):
        return event
    if event == "open" and isinstance(args[0], str | bytes):
        path = os.fsdecode(args[0])
        if path.startswith("/dev/fd/") or (
            path.startswith("/proc/") and ("/fd/" in path or path.endswith(("/mem", "/environ")))
        ):
            return f"open {path}"
    if event == "object.__setattr__":
        target, name = args[0], args[1]
        module = str(getattr(target, "__module__", "") or "").split(".")[0]
        if name == "__code__" or (isinstance(target, type) and module in GUARDED_PACKAGES):
            return f"setattr {getattr(target, '__qualname__', target)!s}.{name}"
    return None
