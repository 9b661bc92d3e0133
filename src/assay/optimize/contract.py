"""The harness contract: what of a harness folder reaches the agent in an evaluation.

- ``AGENTS.md`` — appended to the loop agent's system prompt (``LoopConfig.instructions``);
- ``harness.toml`` — ``[agent]``: loop-agent settings over the project's
  ``evaluation.config`` (``max_passes``, ``max_steps``, ``memory``, ``temperature``...);
  ``setup``: commands (argv lists) run in the evaluation's throwaway copy of the harness,
  in the gate's sandbox, before the run (their by-products stay in that copy);
- ``scripts/`` — copied into every evaluated attempt's workspace at the same paths, as part
  of its starting files (:mod:`assay.optimize.scripts`); the agent is told they exist;
- every other file is the proposer's to use (notes, drafts); evaluations ignore it.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assay.agents.config import LoopConfig
from assay.errors import InputError
from assay.optimize.scripts import harness_scripts, scripts_note
from assay.sandbox import process
from assay.sandbox.isolation import plan_for
from assay.sandbox.limits import UNPRIVILEGED_UID, Limits
from assay.sandbox.scratch import give_tree, scratch_dir

INSTRUCTIONS_FILE: Final = "AGENTS.md"
CONFIG_FILE: Final = "harness.toml"


class HarnessConfig(BaseModel):
    """``harness.toml`` of a harness folder."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    agent: dict[str, Any] = Field(default_factory=dict)
    """Loop-agent settings (``assay.agents.config.LoopConfig``; not ``instructions``)."""
    setup: list[list[str]] = Field(default_factory=list)
    """Commands run in the throwaway copy before the evaluation (argv lists)."""


@dataclass(frozen=True)
class Harness:
    """What an evaluation takes from a harness folder."""

    instructions: str | None
    config: HarnessConfig = field(default_factory=HarnessConfig)
    scripts: list[str] = field(default_factory=list)
    """``scripts/...`` paths laid into every evaluated workspace."""

    def agent_config(self, base: dict[str, Any], source: str) -> dict[str, Any]:
        """The loop agent's settings: the project's, the harness's, AGENTS.md, the scripts."""
        merged = {**base, **self.config.agent}
        parts = [self.instructions] if self.instructions is not None else []
        if self.scripts:
            parts.append(scripts_note(self.scripts))
        if parts:
            merged["instructions"] = "\n\n".join(parts)
        try:
            LoopConfig.model_validate(merged)
        except ValidationError as exc:
            raise InputError.from_validation(
                exc, source, fix="use the loop agent's settings (assay.agents.config)"
            ) from None
        return merged


def read_harness(folder: Path) -> Harness:
    """Read a harness folder under the contract; a bad ``harness.toml`` is an ``InputError``."""
    agents = folder / INSTRUCTIONS_FILE
    instructions = agents.read_text(encoding="utf-8") if agents.is_file() else None
    config_path = folder / CONFIG_FILE
    config = HarnessConfig()
    if config_path.is_file():
        try:
            raw = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError.single(
                config_path, "", f"not valid TOML: {exc}", "fix the syntax"
            ) from None
        try:
            config = HarnessConfig.model_validate(raw)
        except ValidationError as exc:
            raise InputError.from_validation(
                exc, config_path, fix="harness.toml holds [agent] settings and setup commands"
            ) from None
        if "instructions" in config.agent:
            raise InputError.single(
                config_path,
                "agent.instructions",
                "instructions come from AGENTS.md",
                "write them into AGENTS.md",
            )
    return Harness(instructions=instructions, config=config, scripts=harness_scripts(folder))


@dataclass(frozen=True)
class SetupResult:
    """One setup command and how it ended."""

    argv: list[str]
    returncode: int
    timed_out: bool
    stdout: str
    stderr: str


def run_setup(harness: Harness, copy: Path, logdir: Path, *, timeout_s: float) -> list[SetupResult]:
    """Run the harness's setup commands in ``copy`` (the gate's sandbox); stop at a failure."""
    plan = plan_for()
    results = []
    for index, argv in enumerate(harness.config.setup):
        if plan.drop_uid:
            give_tree(copy, UNPRIVILEGED_UID)
        log = logdir / f"setup-{index}"
        log.mkdir(parents=True, exist_ok=True)
        with scratch_dir("assay-optimize-log-") as tmp:
            done = process.run(
                argv,
                plan=plan,
                workdir=copy,
                env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"},
                limits=Limits(cpu_s=int(timeout_s) + 1, memory_mb=1024),
                timeout_s=timeout_s,
                logdir=tmp,
            )
            for name in ("stdout.txt", "stderr.txt"):
                shutil.copyfile(tmp / name, log / name)
        results.append(SetupResult(argv, done.returncode, done.timed_out, done.stdout, done.stderr))
        if done.timed_out or done.returncode != 0:
            break
    return results
