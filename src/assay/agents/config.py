"""Configuration of the loop agent (recorded with every attempt)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class LoopConfig(BaseModel):
    """Budgets and switches of the loop agent."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    max_passes: int = Field(default=8, ge=1, le=200)
    """Fresh-context passes per attempt before the outcome is ``budget``."""
    max_steps: int = Field(default=30, ge=1, le=1000)
    """Model calls per pass."""
    ctx_limit: int = Field(default=65536, ge=256)
    """Context tokens per pass (from the last reply's reported usage)."""
    max_stale: int = Field(default=3, ge=1)
    """Consecutive passes that leave the workspace unchanged before ``stagnated``."""
    max_format_errors: int = Field(default=3, ge=1)
    """Consecutive malformed actions that end a pass."""
    done_loop: int = Field(default=3, ge=1)
    """Failed ``done`` calls in a pass with no write in between that end it."""
    memory: bool = True
    """Keep PROGRESS.md across passes (switch off for the memory ablation)."""
    elide_passing: bool = True
    """Spec elision (``assay.agents.elision``): answer reads of test modules whose tests passed
    in the latest verification, and of the source modules only such tests import, with a
    short notice. Off for the elision ablation."""
    protocol: Literal["auto", "native", "text"] = "auto"
    """Native tool calls, the text action protocol, or native when the model supports it."""
    temperature: float | None = None
    max_tokens: int | None = 4096
    seed: int | None = None
    instructions: str | None = Field(
        default=None, max_length=64_000, exclude_if=lambda v: v is None
    )
    """Text appended to the system prompt (a harness's AGENTS.md); left out of the recorded
    configuration when absent, so records written before it keep their shape."""
