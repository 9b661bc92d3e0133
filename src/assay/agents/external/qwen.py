"""Qwen Code: ``qwen -o stream-json``, OpenAI chat completions."""

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
)
from assay.agents.external.claude import stream_json


class Qwen(Adapter):
    """``qwen`` with the OpenAI auth type pointed at the endpoint; usage statistics off."""

    name = "qwen"
    title = "Qwen Code"
    package = Package("npm", "@qwen-code/qwen-code", "0.24.4", "qwen")
    dialects = ("chat",)
    hints = ServeHints(read_before_write=True)

    def invocation(self, ctx: Context) -> Invocation:
        """Endpoint on the command line, settings in the throwaway home."""
        settings = {"privacy": {"usageStatisticsEnabled": False}}
        args = ["--auth-type", "openai", "--openai-base-url", f"{ctx.root_url}/v1"]
        args += ["--openai-api-key", "assay-dummy-key", "-m", ctx.model]
        args += ["--approval-mode", "yolo", "-o", "stream-json", ctx.prompt]
        env = {"QWEN_CODE_SUPPRESS_YOLO_WARNING": "1"}
        return Invocation(args, env, {ctx.home / ".qwen" / "settings.json": json.dumps(settings)})

    def observe_json(self, data: dict[str, Any]) -> list[Observation]:
        """The same stream-json as Claude Code's."""
        return stream_json(data)
