"""OpenCode: ``opencode run --format json``, OpenAI chat completions (openai-compatible)."""

from __future__ import annotations

import json
from typing import Any

from assay.agents.external.base import Adapter, Context, Invocation, Observation, Package, obj


class OpenCode(Adapter):
    """``opencode run`` with one provider, permissions granted, no updates, shares or plugins."""

    name = "opencode"
    title = "OpenCode"
    package = Package("npm", "opencode-ai", "1.18.33", "opencode")
    dialects = ("chat",)

    def invocation(self, ctx: Context) -> Invocation:
        """A config file and an ``.npmrc`` pointing at a dead registry (no plugin installs)."""
        model = {"tool_call": True, "limit": {"context": 128000, "output": 4096}}
        config = {
            "autoupdate": False,
            "share": "disabled",
            "model": f"assay/{ctx.model}",
            "small_model": f"assay/{ctx.model}",
            "provider": {
                "assay": {
                    "npm": "@ai-sdk/openai-compatible",
                    "options": {"baseURL": f"{ctx.root_url}/v1", "apiKey": "assay-dummy-key"},
                    "models": {ctx.model: model},
                }
            },
            "permission": {"edit": "allow", "bash": "allow", "webfetch": "deny"},
        }
        path = ctx.home / "opencode.json"
        env = {
            "OPENCODE_CONFIG": str(path),
            "OPENCODE_DISABLE_AUTOUPDATE": "1",
            "OPENCODE_DISABLE_MODELS_FETCH": "1",
            "OPENCODE_DISABLE_LSP_DOWNLOAD": "1",
            "OPENCODE_DISABLE_DEFAULT_PLUGINS": "1",
            "OPENCODE_DISABLE_SHARE": "1",
        }
        files = {path: json.dumps(config), ctx.home / ".npmrc": "registry=http://127.0.0.1:9/\n"}
        # --title spares the extra request that would name the session.
        return Invocation(["run", "--format", "json", "--title", "assay", ctx.prompt], env, files)

    def observe_json(self, data: dict[str, Any]) -> list[Observation]:
        """Tool parts, text parts, and tokens per finished step."""
        kind, part = data.get("type"), data.get("part")
        part = part if isinstance(part, dict) else {}
        if kind == "tool_use":
            state = obj(part.get("state"))
            args = obj(state.get("input"))
            ok = {"completed": True, "error": False}.get(str(state.get("status")))
            return [Observation("tool", str(part.get("tool")), args, ok=ok)]
        if kind == "text" and part.get("text"):
            return [Observation("text", text=str(part["text"]))]
        if kind == "step_finish":
            tokens = obj(part.get("tokens"))
            cache = obj(tokens.get("cache"))
            return [
                Observation(
                    "usage",
                    prompt=int(tokens.get("input") or 0),
                    completion=int(tokens.get("output") or 0),
                    cached=int(cache.get("read") or 0),
                )
            ]
        if kind == "error":
            return [Observation("error", text=json.dumps(data.get("error") or data)[:2000])]
        return []
