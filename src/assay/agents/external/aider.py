"""aider: ``aider --message``, chat completions without tools; edits in its whole-file format."""

from __future__ import annotations

import json
import re

from assay.agents.external.base import (
    Adapter,
    Context,
    Invocation,
    Observation,
    Package,
    ServeHints,
)

_TOKENS = re.compile(r"Tokens: ([\d.]+)(k?) sent, ([\d.]+)(k?) received")
_APPLIED = re.compile(r"^Applied edit to (.+)$")


def _count(number: str, kilo: str) -> int:
    return round(float(number) * (1000 if kilo else 1))


class Aider(Adapter):
    """``aider`` without git, updates, analytics or a price download (a local metadata file)."""

    name = "aider"
    title = "aider"
    package = Package("pypi", "aider-chat", "0.86.2", "aider")
    dialects = ("chat",)
    # Its prompts hold example exchanges, so turns are counted by distinct requests.
    hints = ServeHints(text_edits=True, turns="sequence")

    def invocation(self, ctx: Context) -> Invocation:
        """Whole-file edit format; its history files go to the throwaway home."""
        meta = {
            f"openai/{ctx.model}": {
                "max_input_tokens": 128000,
                "max_output_tokens": 4096,
                "max_tokens": 4096,
                "input_cost_per_token": 0,
                "output_cost_per_token": 0,
                "litellm_provider": "openai",
                "mode": "chat",
            }
        }
        args = ["--model", f"openai/{ctx.model}", "--openai-api-base", f"{ctx.root_url}/v1"]
        args += ["--openai-api-key", "assay-dummy-key"]
        args += ["--model-metadata-file", str(ctx.home / "meta.json"), "--edit-format", "whole"]
        args += ["--yes-always", "--no-git", "--no-check-update", "--analytics-disable"]
        args += ["--no-show-model-warnings", "--no-pretty", "--no-fancy-input", "--map-tokens", "0"]
        args += ["--chat-history-file", str(ctx.home / "chat.md")]
        args += ["--input-history-file", str(ctx.home / "input.txt")]
        args += ["--message", ctx.prompt]
        env = {"LITELLM_LOCAL_MODEL_COST_MAP": "True"}
        return Invocation(args, env, {ctx.home / "meta.json": json.dumps(meta)})

    def observe(self, line: str) -> list[Observation]:
        """Plain text: ``Applied edit to FILE`` lines and ``Tokens: N sent, M received``."""
        line = line.strip()
        applied = _APPLIED.match(line)
        if applied:
            return [Observation("tool", "write", {"path": applied[1]}, ok=True)]
        tokens = _TOKENS.search(line)
        if tokens:
            prompt, completion = _count(tokens[1], tokens[2]), _count(tokens[3], tokens[4])
            return [Observation("usage", prompt=prompt, completion=completion)]
        return []
