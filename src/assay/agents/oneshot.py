"""The one-shot agent: prompt → completion → extracted code, n samples per problem.

For HumanEval-style sampling and candidate pools: each sample records its temperature,
seed, usage and cost, and the code extracted from it; a fault is recorded per sample, never
raised, so one dead call does not lose the others.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from assay.models.protocol import Model, ModelFault
from assay.models.types import META_CONVERSATION, META_TASK, Message, Request, Usage

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


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return True


def _defines(code: str, name: str) -> bool:
    try:
        tree = ast.parse(code)
    except SyntaxError:
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
