"""Which POST paths the model server and the recording proxy serve, and in which dialect.

OpenAI chat completions and Responses, Anthropic messages (and their token count), and Gemini
(``/v1beta``, ``/v1alpha`` or ``/v1``; ``generateContent``, ``streamGenerateContent``,
``countTokens``), each with or without the ``/v1`` prefix the clients differ on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assay.serve.anthropic import AnthropicDialect
from assay.serve.chat import ChatDialect
from assay.serve.dialect import Dialect
from assay.serve.gemini import GeminiDialect
from assay.serve.responses import ResponsesDialect

MAX_BODY = 64 << 20
"""Request bodies above this are refused (413) rather than read into memory."""
CHAT, RESPONSES, ANTHROPIC, GEMINI = (
    ChatDialect(),
    ResponsesDialect(),
    AnthropicDialect(),
    GeminiDialect(),
)
_GEMINI_PATH = re.compile(
    r"^(?:/v1beta|/v1alpha|/v1)?/models/([^/:]+):(generateContent|streamGenerateContent|countTokens)$"
)


@dataclass(frozen=True)
class Route:
    """Where a POST goes: the dialect, and what the path itself says."""

    dialect: Dialect
    model: str | None = None
    stream: bool = False
    count_tokens: bool = False
    sse: bool = True


def route_of(raw_path: str) -> Route | None:
    """The route of a POST path, or None when no dialect serves it."""
    path, _, query = raw_path.partition("?")
    path = path.rstrip("/")
    if path in ("/v1/chat/completions", "/chat/completions"):
        return Route(CHAT)
    if path in ("/v1/responses", "/responses"):
        return Route(RESPONSES)
    if path in ("/v1/messages", "/messages"):
        return Route(ANTHROPIC)
    if path in ("/v1/messages/count_tokens", "/messages/count_tokens"):
        return Route(ANTHROPIC, count_tokens=True)
    match = _GEMINI_PATH.match(path)
    if match:
        method = match[2]
        return Route(
            GEMINI,
            model=match[1],
            stream=method == "streamGenerateContent",
            count_tokens=method == "countTokens",
            sse="alt=sse" in query.split("&"),
        )
    return None
