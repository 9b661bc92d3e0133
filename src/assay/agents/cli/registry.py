"""The adapters, by name (``--agent cli:NAME``)."""

from __future__ import annotations

from assay.agents.cli.aider import Aider
from assay.agents.cli.base import Adapter
from assay.agents.cli.claude import Claude
from assay.agents.cli.codex import Codex
from assay.agents.cli.gemini import Gemini
from assay.agents.cli.mini_swe_agent import MiniSweAgent
from assay.agents.cli.opencode import OpenCode
from assay.agents.cli.pi import Pi
from assay.agents.cli.qwen import Qwen
from assay.errors import InputError

ADAPTERS: dict[str, Adapter] = {
    a.name: a
    for a in (Codex(), Claude(), Gemini(), OpenCode(), Pi(), Qwen(), MiniSweAgent(), Aider())
}


def adapter(name: str) -> Adapter:
    """The adapter called ``name``; raise ``InputError`` naming the known ones."""
    if name not in ADAPTERS:
        raise InputError.single(
            "agent", f"cli:{name}", "unknown agent CLI", f"use one of: {', '.join(ADAPTERS)}"
        )
    return ADAPTERS[name]
