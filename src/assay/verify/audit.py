"""The audit policy of a verification process (stdlib only; both gate paths install it).

Python offers no boundary inside one process, so candidate code could reach the reporter by
the generic tools for reaching into a process: gc walks, ctypes, tracing, ``/proc/*/mem``,
its own ``/proc`` descriptors, code replacement, patching the test machinery's or the result
channel's classes. An audit hook (which cannot be removed once added) refuses those events.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable
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
GUARDED_PACKAGES = frozenset(
    {"_pytest", "pytest", "pluggy", "assay", "json", "_json", "hashlib", "_hashlib", "_blake2"}
)
"""Packages whose classes may not be patched: the test machinery and the channel's encoders."""

Refusal = Callable[[str, tuple[Any, ...]], "str | None"]


def policy() -> Refusal:
    """Return the refusal rule with every name it uses bound now.

    The hook runs for the candidate's own events: if it looked up a module global or a builtin
    when called, a candidate could rebind that name (``audit.BLOCKED_EVENTS``,
    ``os.fsdecode``, ``builtins.isinstance``) and then do what the rule refuses.
    """
    blocked, guarded = BLOCKED_EVENTS, GUARDED_PACKAGES
    fsdecode, is_a, get, text = os.fsdecode, builtins.isinstance, builtins.getattr, builtins.str
    kind, path_types = builtins.type, (builtins.str, builtins.bytes)

    def refusal(event: str, args: tuple[Any, ...]) -> str | None:
        if event in blocked:
            return event
        if event.startswith("ctypes.") and not (event == "ctypes.dlopen" and args[0] is None):
            return event
        if event == "open" and is_a(args[0], path_types):
            path = fsdecode(args[0])
            if path.startswith("/dev/fd/") or (
                path.startswith("/proc/")
                and ("/fd/" in path or path.endswith(("/mem", "/environ")))
            ):
                return f"open {path}"
        if event == "object.__setattr__":
            target, name = args[0], args[1]
            module = text(get(target, "__module__", "") or "").split(".")[0]
            if name == "__code__" or (is_a(target, kind) and module in guarded):
                return f"setattr {get(target, '__qualname__', target)!s}.{name}"
        return None

    return refusal
