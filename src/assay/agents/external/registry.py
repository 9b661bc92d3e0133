"""The adapters, by name (``--agent cli:NAME``)."""

from __future__ import annotations

from assay.agents.external.aider import Aider
from assay.agents.external.base import Adapter
from assay.agents.external.claude import Claude
from assay.agents.external.codex import Codex
from assay.agents.external.gemini import Gemini
from assay.agents.external.mini_swe_agent import MiniSweAgent
from assay.agents.external.opencode import OpenCode
from assay.agents.external.pi import Pi
from assay.agents.external.qwen import Qwen
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
