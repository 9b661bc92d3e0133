"""OpenAI Codex CLI: ``codex exec --json``, OpenAI Responses only, streamed."""

from __future__ import annotations

import json
from typing import Any

from assay.agents.external.base import Adapter, Context, Invocation, Observation, Package, usage_of

KEY_ENV = "ASSAY_MODEL_KEY"


class Codex(Adapter):
    """``codex exec`` with a custom model provider and no sandbox of its own (assay's holds)."""

    name = "codex"
    title = "OpenAI Codex CLI"
    package = Package("npm", "@openai/codex", "0.169.0", "codex")
    dialects = ("responses",)

    def invocation(self, ctx: Context) -> Invocation:
        """No config file: everything on the command line; analytics and plugins off."""
        provider = (
            f'model_providers.assay={{name="assay",base_url="{ctx.root_url}/v1",'
            f'env_key="{KEY_ENV}",wire_api="responses"}}'
        )
        args = ["exec", "--ephemeral", "--skip-git-repo-check", "--json"]
        args += ["-c", "analytics.enabled=false", "--disable", "plugins"]
        args += [
            "-c",
            f"model={json.dumps(ctx.model)}",
            "-c",
            "model_provider=assay",
            "-c",
            provider,
        ]
        # Codex's own sandbox cannot start from a temporary home; assay's confinement holds.
        args += ["--dangerously-bypass-approvals-and-sandbox", "-C", str(ctx.workspace), ctx.prompt]
        env = {"CODEX_HOME": str(ctx.home / ".codex"), KEY_ENV: "assay-dummy-key"}
        return Invocation(args, env, {ctx.home / ".codex" / ".keep": ""})

    def observe_json(self, data: dict[str, Any]) -> list[Observation]:
        """``item.completed`` items (commands, file changes, messages), usage per turn."""
        kind = data.get("type")
        if kind == "turn.completed":
            return [
                usage_of(data.get("usage"), "input_tokens", "output_tokens", "cached_input_tokens")
            ]
        if kind in ("error", "turn.failed"):
            error = data.get("error")
            message = error.get("message") if isinstance(error, dict) else data.get("message")
            return [Observation("error", text=str(message))]
        item = data.get("item")
        if kind != "item.completed" or not isinstance(item, dict):
            return []
        itype = item.get("type")
        if itype == "command_execution":
            ok = item.get("exit_code") == 0
            return [Observation("tool", "exec_command", {"command": item.get("command")}, ok=ok)]
        if itype == "file_change":
            paths = [c.get("path") for c in item.get("changes") or [] if isinstance(c, dict)]
            ok = item.get("status") == "completed"
            return [Observation("tool", "apply_patch", {"paths": paths}, ok=ok)]
        if itype in ("mcp_tool_call", "web_search"):
            return [Observation("tool", str(item.get("tool") or itype), {}, ok=None)]
        if itype == "agent_message":
            return [Observation("text", text=str(item.get("text") or ""))]
        if itype == "error":
            return [Observation("error", text=str(item.get("message") or ""))]
        return []
