"""Pi: ``pi --mode json -p``; speaks chat completions, Responses, Anthropic and Gemini."""

from __future__ import annotations

import json
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

API = {
    "chat": ("openai-completions", "/v1"),
    "responses": ("openai-responses", "/v1"),
    "anthropic": ("anthropic-messages", ""),
    "gemini": ("google-generative-ai", "/v1beta"),
}


class Pi(Adapter):
    """``pi`` with one provider in ``models.json``, offline, without a session file."""

    name = "pi"
    title = "Pi coding agent"
    package = Package("npm", "@mariozechner/pi-coding-agent", "0.73.1", "pi")
    dialects = ("chat", "responses", "anthropic", "gemini")

    def invocation(self, ctx: Context) -> Invocation:
        """``models.json`` in ``PI_CODING_AGENT_DIR`` names the endpoint and its dialect."""
        api, path = API[ctx.dialect]
        provider = {
            "baseUrl": ctx.root_url + path,
            "api": api,
            "apiKey": "assay-dummy-key",
            "compat": {"supportsDeveloperRole": False, "supportsReasoningEffort": False},
            "models": [{"id": ctx.model, "contextWindow": 128000, "maxTokens": 4096}],
        }
        folder = ctx.home / ".pi"
        models = json.dumps({"providers": {"assay": provider}})
        args = ["--provider", "assay", "--model", ctx.model, "--mode", "json", "--no-session"]
        env = {"PI_CODING_AGENT_DIR": str(folder), "PI_OFFLINE": "1"}
        return Invocation([*args, "-p", ctx.prompt], env, {folder / "models.json": models})

    def observe_json(self, data: dict[str, Any]) -> list[Observation]:
        """Tool executions, and text and usage of each finished assistant message."""
        kind = data.get("type")
        if kind == "tool_execution_start":
            args = obj(data.get("args"))
            return [Observation("tool", str(data.get("toolName")), args)]
        message = data.get("message")
        if kind != "message_end" or not isinstance(message, dict):
            return []
        if message.get("role") != "assistant":
            return []
        out = [usage_of(message.get("usage"), "input", "output", "cacheRead")]
        text = "".join(
            str(b.get("text") or "")
            for b in message.get("content") or []
            if isinstance(b, dict) and b.get("type") == "text"
        )
        if text:
            out.append(Observation("text", text=text))
        if message.get("stopReason") == "error":
            out.append(Observation("error", text=str(message.get("errorMessage") or "error")))
        return out
