"""What every agent-CLI adapter declares: its package, its invocation, how to read its output."""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

DialectName = Literal["chat", "responses", "anthropic", "gemini"]


class CliConfig(BaseModel):
    """Settings of a CLI agent arm (``[[agents]] config`` for ``kind = "cli:NAME"``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    timeout_s: float = Field(default=600.0, gt=0, le=24 * 3600)
    """Wall-clock limit of one run of the CLI; its whole process tree is killed then."""
    max_output_mb: float = Field(default=32.0, gt=0, le=4096)
    """Stdout plus stderr beyond this is an output flood: the CLI is killed, the logs clipped."""
    network: Literal["auto", "isolated", "host"] = "auto"
    """``isolated``: only the model endpoint is reachable (a network namespace; fails where
    the machine cannot make one); ``auto``: isolated where possible; ``host``: no isolation."""
    dialect: DialectName | None = None
    """Force the wire protocol the CLI speaks to a scripted model (default: its first)."""
    extra_args: list[str] = Field(default_factory=list)
    """Arguments appended to the CLI's command line."""


@dataclass(frozen=True)
class Package:
    """Where an adapter's CLI comes from."""

    registry: Literal["npm", "pypi"]
    name: str
    version: str
    binary: str
    extras: tuple[str, ...] = ()
    """More packages installed beside it (pypi: e.g. ``mcp`` for mini-swe-agent)."""

    @property
    def spec(self) -> str:
        """The pinned install spec (``name@version`` or ``name==version``)."""
        return (
            f"{self.name}@{self.version}"
            if self.registry == "npm"
            else f"{self.name}=={self.version}"
        )


@dataclass(frozen=True)
class ServeHints:
    """How a scripted server must talk to this client."""

    text_edits: bool = False
    """The client offers no tools: edits go as text in its edit format."""
    finish_command: str | None = None
    """A shell command by which the client ends its session."""
    turns: Literal["history", "sequence"] = "history"
    """How the server counts turns (``sequence`` when prompts hold example exchanges)."""
    read_before_write: bool = False
    """The client refuses to change a file it has not read in the session."""


@dataclass(frozen=True)
class Context:
    """Everything an invocation is built from."""

    binary: Path
    home: Path
    """A throwaway home folder (configs, caches, sessions)."""
    workspace: Path
    prompt: str
    dialect: DialectName
    root_url: str
    """``http://127.0.0.1:PORT`` of the model endpoint (no path)."""
    model: str
    outputs: Path
    """Where the CLI may leave files worth keeping (e.g. a trajectory)."""


@dataclass
class Invocation:
    """How to start the CLI: arguments after the binary, environment, files to write first."""

    args: list[str]
    env: dict[str, str] = field(default_factory=dict)
    files: dict[Path, str] = field(default_factory=dict)


ObservationKind = Literal["tool", "text", "usage", "error"]


@dataclass(frozen=True)
class Observation:
    """One thing the CLI's own output says happened."""

    kind: ObservationKind
    name: str = ""
    args: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    prompt: int = 0
    completion: int = 0
    cached: int = 0
    ok: bool | None = None


class Adapter(ABC):
    """One third-party agent CLI."""

    name: ClassVar[str]
    title: ClassVar[str]
    package: ClassVar[Package]
    dialects: ClassVar[tuple[DialectName, ...]]
    """Wire protocols it can speak, preferred first."""
    hints: ClassVar[ServeHints] = ServeHints()

    @abstractmethod
    def invocation(self, ctx: Context) -> Invocation:
        """The command line, environment and config files of one non-interactive run."""

    def observe(self, line: str) -> list[Observation]:
        """Observations in one line of stdout (JSON-lines CLIs override ``observe_json``)."""
        line = line.strip()
        if not line.startswith("{"):
            return []
        try:
            data = json.loads(line)
        except ValueError:
            return []
        return self.observe_json(data) if isinstance(data, dict) else []

    def observe_json(self, data: dict[str, Any]) -> list[Observation]:
        """Observations in one JSON event of the CLI's stream."""
        return []

    def after(self, ctx: Context) -> list[Observation]:
        """Observations from files the CLI left (e.g. a trajectory), read after it exits."""
        return []


CANONICAL = {
    "write_file": {"write", "writefile", "createfile", "writetofile"},
    "edit_file": {"edit", "editfile", "replace", "strreplace", "multiedit", "applypatch", "patch"},
    "read_file": {"read", "readfile", "view", "readmanyfiles"},
    "list_dir": {"ls", "list", "listdir", "listdirectory", "glob", "find"},
    "run": {
        "bash",
        "shell",
        "execcommand",
        "runshellcommand",
        "commandexecution",
        "runcommand",
    },
}


def canonical(tool: str) -> str:
    """The loop agent's name for a CLI tool when it does the same job, else the tool's own."""
    norm = re.sub(r"[^a-z0-9]", "", tool.lower())
    for name, aliases in CANONICAL.items():
        if norm in aliases:
            return name
    return tool


def obj(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def usage_of(data: Any, prompt: str, completion: str, cached: str | None = None) -> Observation:
    """A usage observation from a mapping of token counts (missing counts are 0)."""
    data = data if isinstance(data, dict) else {}

    def num(key: str | None) -> int:
        value = data.get(key) if key else 0
        return int(value) if isinstance(value, int | float) else 0

    return Observation("usage", prompt=num(prompt), completion=num(completion), cached=num(cached))
