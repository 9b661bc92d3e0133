"""Gemini CLI: ``gemini -p --output-format stream-json``, Gemini ``streamGenerateContent``."""

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

SETTINGS = {
    "general": {"enableAutoUpdate": False, "enableAutoUpdateNotification": False},
    "privacy": {"usageStatisticsEnabled": False},
    "telemetry": {"enabled": False},
    "security": {"auth": {"selectedType": "gemini-api-key"}, "folderTrust": {"enabled": False}},
}


class Gemini(Adapter):
    """``gemini -p`` in yolo mode; without the auth setting it exits 41."""

    name = "gemini"
    title = "Gemini CLI"
    package = Package("npm", "@google/gemini-cli", "0.61.0", "gemini")
    dialects = ("gemini",)

    def invocation(self, ctx: Context) -> Invocation:
        """Base URL and key from the environment; updates, statistics and telemetry off."""
        env = {
            "GEMINI_CLI_HOME": str(ctx.home),
            "GEMINI_API_KEY": "assay-dummy-key",
            "GOOGLE_GEMINI_BASE_URL": ctx.root_url,
            "GEMINI_CLI_TRUST_WORKSPACE": "true",
        }
        args = ["-p", ctx.prompt, "-m", ctx.model, "--output-format", "stream-json"]
        args += ["--approval-mode", "yolo"]
        return Invocation(args, env, {ctx.home / ".gemini" / "settings.json": json.dumps(SETTINGS)})

    def observe_json(self, data: dict[str, Any]) -> list[Observation]:
        """Tool uses, assistant text (streamed as deltas), and the result's token stats."""
        kind = data.get("type")
        if kind == "tool_use":
            args = obj(data.get("parameters"))
            return [Observation("tool", str(data.get("tool_name")), args)]
        if kind == "message" and data.get("role") == "assistant":
            delta = {"append": True} if data.get("delta") else {}
            return [Observation("text", args=delta, text=str(data.get("content") or ""))]
        if kind == "result":
            out = [usage_of(data.get("stats"), "input_tokens", "output_tokens", "cached")]
            if data.get("status") != "success":
                out.append(Observation("error", text=json.dumps(data.get("error") or data)[:2000]))
            return out
        if kind == "error":
            return [Observation("error", text=str(data.get("message") or data))]
        return []
