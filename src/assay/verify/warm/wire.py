"""The JSON lines between the pool and a warm server (the server reads them as plain dicts)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WireModule(_Wire):
    """A test module of a run: the server compiles ``source`` once and caches it by ``sha``."""

    path: str
    sha: str
    source: str | None = None
    """Omitted when the server already holds the module."""


class RunRequest(_Wire):
    """One run: a fresh child, the candidate's files, the counted test modules, the limits."""

    run: int
    key: str = Field(repr=False)
    """The per-run MAC key (hex); only this run's child learns it."""
    files: dict[str, str]
    modules: list[WireModule]
    limits: dict[str, int]
    timeout_s: float


class RunReply(_Wire):
    """How a run ended, as the server saw it; ``stream`` holds the child's signed lines."""

    run: int
    returncode: int | None = None
    timed_out: bool = False
    duration_s: float = 0.0
    stream: str = ""
    """Base64 of everything the child wrote on its result pipe."""
    overflow: bool = False
    output: str = ""
    """The tail of the child's stdout and stderr (never read for the verdict)."""
    error: str | None = None
    """The server could not start the run (nothing of the candidate's ran)."""
    missing: list[str] = Field(default_factory=list)
    """Module hashes the server does not hold; the pool resends their sources."""


class Ready(_Wire):
    """The server's first line."""

    ready: bool
    pid: int
    sweep: bool
    """The server kills every other process of its pid namespace after each run."""
