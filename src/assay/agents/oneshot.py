"""The one-shot agent: prompt → completion → extracted code, n samples per problem.

For HumanEval-style sampling and candidate pools: each sample records its temperature,
seed, usage and cost, and the code extracted from it; a fault is recorded per sample, never
raised, so one dead call does not lose the others. :class:`OneShotRound` is the same agent
as a runner agent kind (``--agent oneshot``): one call per attempt, its code written into
the task's module, verified by the gate like any attempt.
"""

from __future__ import annotations

import ast
import hashlib
import re
import threading
import time
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from assay.agents.loop import AgentResult, Emit
from assay.agents.tools import Toolbox
from assay.models.protocol import Model, ModelFault
from assay.models.types import META_CONVERSATION, META_TASK, Message, Request, Usage
from assay.verify.batch import module_of
from assay.verify.function.gate import read_source

_FENCE = re.compile(r"```(?:python|py|Python)?[ \t]*\n(.*?)```", re.DOTALL)
SYSTEM = "Complete the Python function. Answer with the whole function in one ```python block."


@dataclass(frozen=True)
class Sample:
    """One completion and the candidate code taken from it."""

    index: int
    text: str
    code: str
    temperature: float | None
    seed: int | None
    usage: Usage
    latency_s: float
    cost_usd: float | None
    fault: str | None = None


def _parse(code: str) -> ast.Module | None:
    """The module's tree, or None: a reply may hold anything (null bytes, deep nesting)."""
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _parses(code: str) -> bool:
    return _parse(code) is not None


def _defines(code: str, name: str) -> bool:
    tree = _parse(code)
    if tree is None:
        return False
    return any(
        isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name
        for n in ast.walk(tree)
    )


def _longest_parsing_prefix(code: str) -> str:
    """Drop trailing lines (prose after the code) until the rest parses; else keep it all."""
    if _parses(code):
        return code
    lines = code.splitlines()
    for end in range(len(lines) - 1, 0, -1):
        head = "\n".join(lines[:end]) + "\n"
        if _parses(head):
            return head
    return code


def extract_code(text: str, prompt: str = "", entry_point: str | None = None) -> str:
    """Take the candidate code out of a completion.

    Prefer a fenced block that defines ``entry_point``, then any fenced block, then the raw
    text; code that does not define the entry point is treated as a body continuing the
    prompt (completion style). The prompt's imports are kept in front of a full definition.
    """
    # Without a complete fenced block, drop stray fence lines (small models often close a
    # block they never opened) and take the rest as code.
    bare = "\n".join(line for line in text.splitlines() if not line.strip().startswith("```"))
    blocks: list[str] = _FENCE.findall(text) or [bare]
    chosen = next((b for b in blocks if entry_point and _defines(b, entry_point)), blocks[0])
    chosen = _longest_parsing_prefix(chosen)
    if entry_point and not _defines(chosen, entry_point):
        joined = prompt + chosen
        return joined if _parses(joined) else chosen
    imports = [line for line in prompt.splitlines() if line.startswith(("import ", "from "))]
    missing = [line for line in imports if line not in chosen]
    return "\n".join([*missing, chosen.strip("\n")]) + "\n"


class OneShotAgent:
    """Samples completions for a prompt."""

    def __init__(
        self, model: Model, *, temperature: float | None = 0.8, max_tokens: int = 512
    ) -> None:
        self.model = model
        self.temperature = temperature
        self.max_tokens = max_tokens

    def sample(
        self,
        problem_id: str,
        prompt: str,
        *,
        n: int = 1,
        seed: int = 0,
        entry_point: str | None = None,
    ) -> list[Sample]:
        """Draw ``n`` samples; sample ``i`` uses seed ``seed + i``."""
        out = []
        for i in range(n):
            request = Request(
                messages=(Message("system", SYSTEM), Message("user", prompt)),
                temperature=self.temperature,
                max_tokens=self.max_tokens,
                seed=seed + i,
                # One conversation per sampling call: a script answers sample i with its turn i.
                metadata={META_TASK: problem_id, META_CONVERSATION: f"{problem_id}/seed{seed}"},
            )
            try:
                reply = self.model.generate(request)
            except ModelFault as fault:
                out.append(
                    Sample(
                        i, "", "", self.temperature, seed + i, Usage(), 0.0, None, fault=str(fault)
                    )
                )
                continue
            out.append(
                Sample(
                    i,
                    reply.text,
                    extract_code(reply.text, prompt, entry_point),
                    self.temperature,
                    seed + i,
                    reply.usage,
                    reply.latency_s,
                    reply.cost_usd,
                )
            )
        return out


class OneShotConfig(BaseModel):
    """Settings of the one-shot agent kind (a manifest agent's ``config``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    temperature: float | None = Field(default=0.8, ge=0.0, le=2.0)
    """Sampling temperature (None: the provider's default)."""
    max_tokens: int = Field(default=512, ge=1, le=32768)
    """Completion tokens of the one call."""
    seed: int = 0
    """Base seed: the attempt with seed ``s`` asks the model for seed ``seed + s``."""


def code_prefix(stub: str) -> str:
    """The module as a completion prefix: a trailing ``raise NotImplementedError`` line cut.

    A model that answers with a body only (completion style) is joined to this prefix.
    """
    lines = stub.rstrip("\n").splitlines()
    if lines and lines[-1].strip() == "raise NotImplementedError":
        lines = lines[:-1]
    return "\n".join(lines) + "\n" if lines else ""


class OneShotRound:
    """The one-shot agent as a runner agent kind (``kind = "oneshot"``).

    One round is one model call: the task's prompt (PROMPT.md, plus the module when the
    prompt does not show it) → a completion → the code extracted from it written over the
    task's candidate module in the workspace. The round ends ``completed`` (the one-shot
    agent always submits what it wrote; the gate decides success), ``stagnated`` when no
    code could be extracted, ``fault`` when the call failed. A ``oneshot_sample`` event keeps
    the temperature, seed, tokens and the sha256 of the code written.
    """

    def __init__(self, model: Model, config: OneShotConfig, seed: int) -> None:
        self.model, self.config, self.seed = model, config, seed

    def run(
        self,
        toolbox: Toolbox,
        *,
        prompt: str,
        conversation: str,
        emit: Emit,
        stop: threading.Event | None = None,
    ) -> AgentResult:
        """Make the one call, write the code, say how it ended."""
        start = time.monotonic()
        if stop is not None and stop.is_set():
            return AgentResult(outcome="interrupted", pass_reasons=["interrupted"])
        task = toolbox.task
        module = module_of(task)
        if module is None:
            return AgentResult(
                outcome="fault",
                pass_reasons=["fault"],
                fault="oneshot: the task has no single candidate module to write",
            )
        target = toolbox.ws.root / module
        stub, _ = read_source(target)
        prefix = code_prefix(stub or "")
        fn = task.spec.verify.function
        entry = fn.entry_point if fn is not None else None
        shown = (
            prompt
            if prefix.strip() and prefix.strip() in prompt
            else (f"{prompt}\n\n`{module}`:\n```python\n{stub or ''}```\n")
        )
        seed = self.config.seed + self.seed
        request = Request(
            messages=(Message("system", SYSTEM), Message("user", shown)),
            temperature=self.config.temperature,
            max_tokens=self.config.max_tokens,
            seed=seed,
            metadata={META_TASK: task.id, META_CONVERSATION: conversation},
        )
        result = AgentResult(outcome="completed", model_calls=1)
        try:
            reply = self.model.generate(request)
        except ModelFault as fault:
            result.outcome, result.pass_reasons, result.cost_usd = "fault", ["fault"], None
            result.fault = f"oneshot: {fault}"[:500]
            emit("oneshot_sample", {"seed": seed, "fault": str(fault)[:500]})
            result.duration_s = round(time.monotonic() - start, 4)
            return result
        code = extract_code(reply.text, prefix, entry)
        result.prompt_tokens, result.completion_tokens = reply.usage.prompt, reply.usage.completion
        result.cached_tokens, result.cost_usd = reply.usage.cached, reply.cost_usd
        result.model_time_s = round(reply.latency_s, 4)
        written = bool(code.strip())
        if written:
            target.unlink(missing_ok=True)  # a link planted there is replaced, never followed
            target.write_text(code, encoding="utf-8")
            toolbox.stats.counts["write_file"] = toolbox.stats.counts.get("write_file", 0) + 1
        result.outcome = "completed" if written else "stagnated"
        result.pass_reasons = ["completed" if written else "model_stop"]
        result.tool_counts = dict(toolbox.stats.counts)
        emit(
            "model_call",
            {
                "pass": 0,
                "step": 0,
                "model": reply.model,
                "finish_reason": reply.finish_reason,
                "latency_s": round(reply.latency_s, 4),
                "prompt_tokens": reply.usage.prompt,
                "completion_tokens": reply.usage.completion,
                "cached_tokens": reply.usage.cached,
                "cost_usd": reply.cost_usd,
                "attempts": reply.attempts,
                "clipped": reply.clipped,
                "tool_calls": [],
                "text_chars": len(reply.text),
            },
        )
        emit(
            "oneshot_sample",
            {
                "seed": seed,
                "temperature": self.config.temperature,
                "max_tokens": self.config.max_tokens,
                "module": module,
                "code_sha256": hashlib.sha256(code.encode()).hexdigest() if written else None,
                "finish_reason": reply.finish_reason,
                "prompt_tokens": reply.usage.prompt,
                "completion_tokens": reply.usage.completion,
            },
        )
        result.duration_s = round(time.monotonic() - start, 4)
        return result
