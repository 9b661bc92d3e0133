"""The built-in replay script of the ``kits`` suite (``scripted:builtin:kits``).

Written from each kit's own files, replayed by context (``turns_by = "context"``): every
fresh-context pass starts the same trajectory again, as a stateless model answering the
same context would. The trajectory is a careful engineer's on a multi-module kit:

1. ``done`` first, to see what fails (this verification feeds elision);
2. list the folder, read every public test module, then every source module;
3. write the first module of the reference, call ``done`` (still failing when the kit has
   more than one broken module: a partial fix, then feedback), write the rest, ``done``.

Under a context budget that the reads alone exhaust, the pass ends (``context``) before the
first write, every pass repeats it, and the attempt stagnates; with elision the reads of
passing test modules and of the modules only they cover are short notices, the writes fit,
and the attempt completes. On the unsatisfiable ``stuck`` kit the writes change nothing the
tests accept: its passes repeat the same write and it stagnates under any budget.
"""

from __future__ import annotations

from typing import Any

from assay.tasks.load import Task, list_files

Turn = dict[str, Any]


def _call(name: str, **args: Any) -> Turn:
    return {"tool_calls": [{"name": name, "arguments": args}]}


def kit_turns(task: Task) -> list[Turn]:
    """The turns of one kit's trajectory (one pass's worth; every pass replays them)."""
    files = list_files(task.workspace)
    tests = [f for f in files if task.is_protected(f)]
    sources = [f for f in files if f.endswith(".py") and f not in tests]
    fixes = [
        _call("write_file", path=rel, content=(task.solution / rel).read_text(encoding="utf-8"))
        for rel in list_files(task.solution)
    ]
    done = _call("done", summary="the failing modules are fixed")
    reads = [_call("read_file", path=rel) for rel in [*tests, *sources]]
    return [done, _call("list_dir"), *reads, fixes[0], done, *fixes[1:], done]


def kits_script(tasks: list[Task]) -> dict[str, Any]:
    """The agent script of the kits (``assay.script.v1``, replayed by context)."""
    return {
        "schema": "assay.script.v1",
        "model": "scripted-kits",
        "turns_by": "context",
        "tasks": {t.id: kit_turns(t) for t in sorted(tasks, key=lambda t: t.id)},
    }
