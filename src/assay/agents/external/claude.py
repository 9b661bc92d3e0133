"""Claude Code: ``claude -p --output-format stream-json``, Anthropic messages, streamed."""

from __future__ import annotations

from typing import Any

from assay.agents.external.base import (
    Adapter,
    Context,
    Invocation,
    Observation,
    Package,
    obj,
    usage_of,
)


def stream_json(data: dict[str, Any]) -> list[Observation]:
    """Claude-style stream-json (also Qwen Code's): assistant blocks, the final result."""
    kind = data.get("type")
    message = data.get("message")
    if kind == "assistant" and isinstance(message, dict):
        out = []
        for block in message.get("content") or []:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "tool_use":
                args = obj(block.get("input"))
                out.append(Observation("tool", str(block.get("name")), args))
            elif block.get("type") == "text" and block.get("text"):
                out.append(Observation("text", text=str(block["text"])))
        return out
    if kind == "result":
        out = [
            usage_of(data.get("usage"), "input_tokens", "output_tokens", "cache_read_input_tokens")
        ]
        if data.get("is_error"):
            out.append(Observation("error", text=str(data.get("result") or data.get("subtype"))))
        elif isinstance(data.get("result"), str) and data["result"]:
            out.append(Observation("text", text=data["result"]))
        return out
    return []


class Claude(Adapter):
    """``claude -p`` with every permission granted inside assay's confinement."""

    name = "claude"
    title = "Claude Code"
    package = Package("npm", "@anthropic-ai/claude-code", "2.1.328", "claude")
    dialects = ("anthropic",)

    def invocation(self, ctx: Context) -> Invocation:
        """Base URL and key from the environment; nonessential traffic, updates, telemetry off."""
        env = {
            "ANTHROPIC_BASE_URL": ctx.root_url,
            "ANTHROPIC_API_KEY": "assay-dummy-key",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "DISABLE_AUTOUPDATER": "1",
            "DISABLE_TELEMETRY": "1",
            "DISABLE_ERROR_REPORTING": "1",
            "IS_SANDBOX": "1",  # --dangerously-skip-permissions refuses root without it
        }
        args = ["-p", ctx.prompt, "--model", ctx.model, "--output-format", "stream-json"]
        args += ["--verbose", "--dangerously-skip-permissions"]
        return Invocation(args, env)

    def observe_json(self, data: dict[str, Any]) -> list[Observation]:
        """Tool uses and text of assistant messages; usage and errors of the result."""
        return stream_json(data)
