"""The loop agent's tools: read, write, edit, list, run an allowlisted command, and done.

There is no shell tool on purpose: every change goes through ``write_file``/``edit_file``,
so it is visible in the events, and commands run in the same sandbox as the gate.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assay.agents.elision import Elision
from assay.agents.workspace import READ_LIMIT, ToolError, Workspace, clip_output
from assay.models.types import ToolSpec
from assay.records.attempt import MUTATION_TOOLS, ORIENTATION_TOOLS
from assay.records.verdict import Verdict
from assay.sandbox import process
from assay.sandbox.isolation import Plan
from assay.sandbox.limits import UNPRIVILEGED_UID, Limits
from assay.sandbox.profiles import SANDBOX_ROOT
from assay.sandbox.scratch import give_tree, scratch_dir
from assay.tasks.load import Task
from assay.tasks.suite import BUNDLED_ROOT

LOAD_TOOLS = ORIENTATION_TOOLS
ACT_TOOLS = MUTATION_TOOLS
_PYTEST_REFUSED = ("-p", "-c", "--rootdir", "--confcutdir", "--override-ini", "-o", "--pyargs")
RUN_TIMEOUT_S = 60.0


def _obj(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required}


_STR = {"type": "string"}
SPECS: dict[str, ToolSpec] = {
    "read_file": ToolSpec(
        "read_file", "Read a text file of the workspace.", _obj({"path": _STR}, ["path"])
    ),
    "write_file": ToolSpec(
        "write_file",
        "Create or overwrite a file with the given content.",
        _obj({"path": _STR, "content": _STR}, ["path", "content"]),
    ),
    "edit_file": ToolSpec(
        "edit_file",
        "Replace old_string (which must occur exactly once) with new_string in a file.",
        _obj(
            {"path": _STR, "old_string": _STR, "new_string": _STR},
            ["path", "old_string", "new_string"],
        ),
    ),
    "list_dir": ToolSpec(
        "list_dir", "List a folder of the workspace (default: its root).", _obj({"path": _STR}, [])
    ),
    "run": ToolSpec(
        "run",
        "Run one allowlisted command without a shell: python FILE.py [ARGS], "
        "python -m pytest [ARGS], pytest [ARGS], ruff check|format [ARGS].",
        _obj({"command": {"type": "array", "items": _STR}}, ["command"]),
    ),
    "done": ToolSpec(
        "done",
        "Finish: runs the tests. The task ends only if they pass; otherwise you get the failures.",
        _obj({"summary": _STR}, []),
    ),
}


def load_act_ratio(counts: dict[str, int]) -> float | None:
    """Reads and listings per write or edit (the stagnation signature); None without writes."""
    load = sum(v for k, v in counts.items() if k in LOAD_TOOLS)
    act = sum(v for k, v in counts.items() if k in ACT_TOOLS)
    return round(load / act, 3) if act else None


@dataclass
class ToolStats:
    """What the tools did during one attempt."""

    counts: dict[str, int] = field(default_factory=dict)
    read_bytes: int = 0
    elided_reads: int = 0
    errors: int = 0
    elision: Elision = field(default_factory=Elision)
    """What the latest verification showed passing (fed whether elision is on or off)."""


@dataclass
class ToolResult:
    """What a tool call returned to the model."""

    output: str
    ok: bool
    verdict: Verdict | None = None
    elided: bool = False
    """A read answered with the elision notice instead of the file."""


class Toolbox:
    """Executes tool calls for one attempt in one workspace."""

    def __init__(
        self,
        task: Task,
        workspace: Workspace,
        *,
        plan: Plan,
        verify_public: Callable[[], Verdict],
        elide_passing: bool,
    ) -> None:
        self.task = task
        self.ws = workspace
        self.plan = plan
        self._verify_public = verify_public
        self.elide_passing = elide_passing
        self.stats = ToolStats()

    def call(self, name: str, args: dict[str, Any]) -> ToolResult:
        """Run one tool; errors come back as results for the model, never as exceptions."""
        self.stats.counts[name] = self.stats.counts.get(name, 0) + 1
        handler = getattr(self, f"_tool_{name}", None)
        try:
            if name not in SPECS or handler is None:
                raise ToolError(f"unknown tool {name!r}; valid tools: {', '.join(SPECS)}")
            missing = [k for k in SPECS[name].parameters["required"] if k not in args]
            if missing:
                raise ToolError(f"{name}: missing argument(s) {', '.join(missing)}")
            result: ToolResult = handler(args)
        except ToolError as exc:
            self.stats.errors += 1
            return ToolResult(f"error: {exc}", ok=False)
        return result

    # -- tools -----------------------------------------------------------------------------
    def _tool_read_file(self, args: dict[str, Any]) -> ToolResult:
        real, rel = self.ws.resolve(str(args["path"]))
        if not real.is_file():
            raise ToolError(f"{rel}: no such file")
        notice = self.stats.elision.notice(rel) if self.elide_passing else None
        if notice is not None:
            self.stats.elided_reads += 1
            return ToolResult(notice, ok=True, elided=True)
        data = real.read_bytes()[:READ_LIMIT]
        self.stats.read_bytes += len(data)
        return ToolResult(clip_output(data.decode("utf-8", "replace")), ok=True)

    def _tool_write_file(self, args: dict[str, Any]) -> ToolResult:
        real, rel = self.ws.resolve(str(args["path"]), for_write=True)
        content = args["content"]
        if not isinstance(content, str):
            raise ToolError("content must be a string")
        real.parent.mkdir(parents=True, exist_ok=True)
        real.write_text(content, encoding="utf-8")
        self.stats.elision.touched(rel)
        return ToolResult(f"wrote {rel} ({len(content.encode())} bytes)", ok=True)

    def _tool_edit_file(self, args: dict[str, Any]) -> ToolResult:
        real, rel = self.ws.resolve(str(args["path"]), for_write=True)
        old, new = args["old_string"], args["new_string"]
        if not isinstance(old, str) or not isinstance(new, str):
            raise ToolError("old_string and new_string must be strings")
        if not old:
            raise ToolError("old_string must not be empty")
        if old == new:
            raise ToolError("old_string and new_string are identical")
        if not real.is_file():
            raise ToolError(f"{rel}: no such file")
        text = real.read_text(encoding="utf-8", errors="replace")
        count = text.count(old)
        if count != 1:
            raise ToolError(f"old_string occurs {count} times in {rel}; it must occur once")
        real.write_text(text.replace(old, new, 1), encoding="utf-8")
        self.stats.elision.touched(rel)
        return ToolResult(f"edited {rel}", ok=True)

    def _tool_list_dir(self, args: dict[str, Any]) -> ToolResult:
        real, rel = self.ws.resolve(str(args.get("path") or "."))
        if not real.is_dir():
            raise ToolError(f"{rel}: not a folder")
        lines = []
        for entry in sorted(real.iterdir(), key=lambda p: p.name):
            if entry.name in {"__pycache__", ".pytest_cache"}:
                continue
            if entry.is_dir():
                lines.append(f"{entry.name}/")
            else:
                lines.append(f"{entry.name} ({entry.stat().st_size} bytes)")
        return ToolResult("\n".join(lines) or "(empty)", ok=True)

    def _tool_run(self, args: dict[str, Any]) -> ToolResult:
        # Commands run on a throwaway copy: only write_file/edit_file change the workspace.
        with scratch_dir("assay-run-") as scratch:
            work, logdir = scratch / "work", scratch / "log"
            argv = self._allowed_command(
                args["command"], SANDBOX_ROOT if self.plan.bwrap else str(work)
            )
            shutil.copytree(self.ws.root, work, symlinks=True)
            logdir.mkdir()
            if self.plan.drop_uid:
                give_tree(work, UNPRIVILEGED_UID)
            exit_ = process.run(
                argv,
                plan=self.plan,
                workdir=work,
                env={
                    "PATH": "/usr/bin:/bin",
                    "HOME": "/tmp",
                    "LANG": "C.UTF-8",
                    "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
                },
                limits=Limits(cpu_s=int(RUN_TIMEOUT_S), memory_mb=1024),
                timeout_s=RUN_TIMEOUT_S,
                logdir=logdir,
                masks=[p for p in (self.task.root, BUNDLED_ROOT) if p.exists()],
            )
        status = "timed out" if exit_.timed_out else f"exit code {exit_.returncode}"
        body = (exit_.stdout + ("\n" + exit_.stderr if exit_.stderr.strip() else "")).strip()
        return ToolResult(clip_output(f"[{status}]\n{body}"), ok=exit_.returncode == 0)

    def verify_public(self) -> Verdict:
        """Run the gate on the public tests only (the agent never sees hidden ones).

        Every verification the agent triggers (``done``, the end-of-pass probe) comes
        through here and feeds elision.
        """
        verdict = self._verify_public()
        self.stats.elision.update(verdict, self.ws.root)
        return verdict

    def _tool_done(self, args: dict[str, Any]) -> ToolResult:
        verdict = self.verify_public()
        if verdict.passed:
            return ToolResult("Verification PASSED.", ok=True, verdict=verdict)
        why = ", ".join(verdict.reasons)
        text = (
            f"Verification FAILED ({why}) — fix the issues below and call done again.\n"
            f"{verdict.failure_excerpt}"
        )
        return ToolResult(clip_output(text), ok=False, verdict=verdict)

    # -- helpers ---------------------------------------------------------------------------
    def _allowed_command(self, command: Any, root: str) -> list[str]:
        if (
            not isinstance(command, list)
            or not command
            or not all(isinstance(c, str) for c in command)
        ):
            raise ToolError("command must be a non-empty list of strings")
        head, rest = command[0], command[1:]
        py = [sys.executable, "-I", "-B"]
        if head in {"python", "python3"}:
            if rest[:2] == ["-m", "pytest"]:
                return self._pytest(py, rest[2:], root)
            if rest[:2] == ["-m", "ruff"]:
                return self._ruff(py, rest[2:])
            if rest and rest[0].endswith(".py") and not rest[0].startswith("-"):
                self.ws.resolve(rest[0])
                return [*py, f"{root}/{rest[0]}", *rest[1:]]
            raise ToolError("python may run a FILE.py, -m pytest or -m ruff only")
        if head == "pytest":
            return self._pytest(py, rest, root)
        if head == "ruff":
            return self._ruff(py, rest)
        raise ToolError(f"{head!r} is not allowed; allowed: python, pytest, ruff")

    @staticmethod
    def _pytest(py: list[str], rest: list[str], root: str) -> list[str]:
        refused = [a for a in rest if a.split("=", 1)[0] in _PYTEST_REFUSED]
        if refused:
            raise ToolError(f"pytest options not allowed: {' '.join(refused)}")
        return [
            *py,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            f"--rootdir={root}",
            "-o",
            f"pythonpath={root}",
            *rest,
        ]

    @staticmethod
    def _ruff(py: list[str], rest: list[str]) -> list[str]:
        if importlib.util.find_spec("ruff") is None or not shutil.which(
            "ruff", path=str(Path(sys.executable).parent)
        ):
            raise ToolError("ruff is not installed here")
        if not rest or rest[0] not in {"check", "format"}:
            raise ToolError("ruff may run 'check' or 'format' only")
        return [*py, "-m", "ruff", *rest, "--no-cache"]
