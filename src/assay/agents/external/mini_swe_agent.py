"""mini-swe-agent: ``mini -y --exit-immediately``; chat completions, not streamed; one bash tool."""

from __future__ import annotations

import json
from typing import Any

from assay.agents.external.base import (
    Adapter,
    Context,
    Invocation,
    Observation,
    Package,
    ServeHints,
    obj,
    usage_of,
)

SUBMIT = "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT"


class MiniSweAgent(Adapter):
    """``mini`` through litellm's OpenAI provider; its trajectory file is its event record."""

    name = "mini-swe-agent"
    title = "mini-swe-agent"
    # Without the mcp package it retries with a growing backoff and looks hung.
    package = Package("pypi", "mini-swe-agent", "2.4.6", "mini", extras=("mcp==2.3.0",))
    dialects = ("chat",)
    hints = ServeHints(finish_command=SUBMIT)

    def invocation(self, ctx: Context) -> Invocation:
        """The bundled ``mini.yaml`` config with the endpoint as litellm's ``api_base``."""
        args = ["-m", f"openai/{ctx.model}", "-t", ctx.prompt, "-y", "--exit-immediately"]
        args += ["-c", "mini.yaml", "-c", f"model.model_kwargs.api_base={ctx.root_url}/v1"]
        args += ["-o", str(ctx.outputs / "trajectory.json")]
        env = {
            "MSWEA_GLOBAL_CONFIG_DIR": str(ctx.home / ".mini"),
            "MSWEA_CONFIGURED": "true",
            "MSWEA_COST_TRACKING": "ignore_errors",
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "OPENAI_API_KEY": "assay-dummy-key",
        }
        return Invocation(args, env)

    def after(self, ctx: Context) -> list[Observation]:
        """The trajectory: each bash call, each response's usage, the exit status."""
        try:
            data = json.loads((ctx.outputs / "trajectory.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return [Observation("error", text="no trajectory written")]
        out: list[Observation] = []
        for message in data.get("messages") or []:
            if isinstance(message, dict) and message.get("role") == "assistant":
                out += self._assistant(message)
        info = obj(data.get("info"))
        status = str(info.get("exit_status") or "")
        if status and status != "Submitted":
            out.append(Observation("error", text=f"exit status {status}"))
        return out

    @staticmethod
    def _assistant(message: dict[str, Any]) -> list[Observation]:
        out = []
        for call in message.get("tool_calls") or []:
            fn = call.get("function") if isinstance(call, dict) else None
            if isinstance(fn, dict):
                try:
                    args = json.loads(fn.get("arguments") or "{}")
                except ValueError:
                    args = {"raw": fn.get("arguments")}
                out.append(
                    Observation("tool", str(fn.get("name")), args if isinstance(args, dict) else {})
                )
        if message.get("content"):
            out.append(Observation("text", text=str(message["content"])))
        extra = obj(message.get("extra"))
        response = obj(extra.get("response"))
        usage = obj(response.get("usage"))
        details = usage.get("prompt_tokens_details")
        cached = details.get("cached_tokens") if isinstance(details, dict) else 0
        out.append(usage_of(usage, "prompt_tokens", "completion_tokens"))
        if cached:
            out.append(Observation("usage", cached=int(cached)))
        return out
