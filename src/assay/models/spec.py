"""Model spec strings, e.g. ``openai:gpt-4o-mini`` or ``ollama:qwen2.5-coder:7b``.

=============================  ===============================================================
``scripted:PATH``              replay a script file (``assay.models.script_format``); offline
``openai:MODEL[@BASE_URL]``    any OpenAI-compatible endpoint; key from ``OPENAI_API_KEY``
``ollama:MODEL[@BASE_URL]``    the openai provider at ``http://127.0.0.1:11434/v1``, no key
``anthropic:MODEL[@BASE_URL]`` Anthropic messages; key from ``ANTHROPIC_API_KEY``
``gemini:MODEL[@BASE_URL]``    Gemini; key from ``GEMINI_API_KEY`` or ``GOOGLE_API_KEY``
=============================  ===============================================================

A loopback ``BASE_URL`` (127.0.0.1, ::1, localhost) needs no key. Keys are never part of a
spec: they come from the environment only.
"""

from __future__ import annotations

from assay.errors import InputError
from assay.models.pricing import PriceTable
from assay.models.protocol import Model
from assay.models.retry import OnTry, Retrier, RetryPolicy

OLLAMA_URL = "http://127.0.0.1:11434/v1"
PROVIDERS = ("scripted", "openai", "ollama", "anthropic", "gemini")
FIX = (
    "write PROVIDER:MODEL[@BASE_URL] with PROVIDER one of "
    + ", ".join(PROVIDERS)
    + ", e.g. openai:gpt-4o-mini or ollama:qwen2.5-coder:7b or scripted:replies.toml"
)


def _split_url(spec: str, rest: str) -> tuple[str, str | None]:
    model, at, url = rest.partition("@")
    if not at:
        return rest, None
    if not url.startswith(("http://", "https://")) or not model:
        raise InputError.single(
            "model spec", spec, f"bad base URL {url!r}", "write MODEL@http(s)://host:port/path"
        )
    return model, url


def load_model(
    spec: str,
    *,
    price_table: PriceTable | None = None,
    retry: RetryPolicy | None = None,
    on_try: OnTry | None = None,
    stream: bool = False,
    timeout_s: float = 600.0,
) -> Model:
    """Build the model a spec string names; raise ``InputError`` saying how to fix a bad one.

    ``retry`` and ``on_try`` configure the retry loop (every try is reported to
    ``on_try``; scripted replay waits in simulated time); ``stream`` applies to
    OpenAI-compatible endpoints; ``timeout_s`` bounds each try of an HTTP call.
    """
    provider, colon, rest = spec.strip().partition(":")
    if not colon or not rest:
        raise InputError.single("model spec", spec, "not of the form PROVIDER:MODEL", FIX)
    if provider == "scripted":
        from assay.models.scripted import ScriptedModel, simulated_sleep

        retrier = Retrier(retry, on_try, sleep=simulated_sleep)
        return ScriptedModel.from_file(rest, price_table=price_table, retrier=retrier)
    retrier = Retrier(retry, on_try)
    if provider not in PROVIDERS:
        raise InputError.single("model spec", spec, f"unknown provider {provider!r}", FIX)
    model, base_url = _split_url(spec, rest)
    if provider in ("openai", "ollama"):
        from assay.models.openai_provider import OpenAIModel

        return OpenAIModel(
            model,
            base_url=base_url or (OLLAMA_URL if provider == "ollama" else None),
            provider=provider,
            stream=stream,
            timeout_s=timeout_s,
            price_table=price_table,
            retrier=retrier,
        )
    if provider == "anthropic":
        from assay.models.anthropic_provider import AnthropicModel

        return AnthropicModel(
            model,
            base_url=base_url,
            timeout_s=timeout_s,
            price_table=price_table,
            retrier=retrier,
        )
    from assay.models.gemini_provider import GeminiModel

    return GeminiModel(
        model, base_url=base_url, timeout_s=timeout_s, price_table=price_table, retrier=retrier
    )
