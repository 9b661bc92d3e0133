"""A live provider behind the recording proxy, as a CLI's model endpoint.

The model spec (``openai:MODEL[@URL]``, ``ollama:...``, ``anthropic:...``, ``gemini:...``)
names the upstream; the CLI talks to the proxy on loopback with a dummy key, and the proxy
puts the real key (from the environment) on the way out and records every call.
"""

from __future__ import annotations

from typing import Any

from assay.agents.external.base import Adapter, DialectName
from assay.errors import InputError
from assay.serve.proxy import Auth, RunningProxy, Upstream, start_proxy

PROVIDERS: dict[str, tuple[tuple[DialectName, ...], str, Auth, tuple[str, ...], str]] = {
    "openai": (
        ("responses", "chat"),
        "https://api.openai.com",
        "bearer",
        ("OPENAI_API_KEY",),
        "/v1",
    ),
    "ollama": (("chat", "responses"), "http://127.0.0.1:11434", "none", (), "/v1"),
    "anthropic": (
        ("anthropic",),
        "https://api.anthropic.com",
        "x-api-key",
        ("ANTHROPIC_API_KEY",),
        "/v1",
    ),
    "gemini": (
        ("gemini",),
        "https://generativelanguage.googleapis.com",
        "x-goog-api-key",
        ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
        "/v1beta",
    ),
}
"""Per provider: dialects it serves, default root URL, auth header, key variables, API path."""


class ProxyEndpoint:
    """The recording proxy for one run of a CLI."""

    def __init__(self, upstream: Upstream, *, dialect: DialectName, model: str) -> None:
        self.dialect = dialect
        self.model = model
        self._running: RunningProxy = start_proxy(upstream)

    @property
    def port(self) -> int:
        """The loopback port."""
        return self._running.port

    def records(self) -> list[dict[str, Any]]:
        """Every model call passed through (once the last one is recorded)."""
        self._running.server.settle()
        return list(self._running.server.calls)

    def problems(self) -> list[dict[str, Any]]:
        """Calls the upstream did not answer."""
        self._running.server.settle()
        return list(self._running.server.problems)

    def close(self) -> None:
        """Stop the proxy."""
        self._running.close()


def parse_live(spec: str, adapter: Adapter) -> tuple[Upstream, DialectName, str]:
    """The upstream, the dialect the CLI speaks to it, and the model name, from a model spec."""
    provider, _, rest = spec.partition(":")
    if provider not in PROVIDERS or not rest:
        raise InputError.single(
            "model spec",
            spec,
            "a CLI agent needs a scripted model or a live provider",
            f"use scripted:PATH or one of {', '.join(p + ':MODEL[@URL]' for p in PROVIDERS)}",
        )
    dialects, root, auth, keys, api = PROVIDERS[provider]
    model, _, url = rest.partition("@")
    if url:
        root = url.rstrip("/").removesuffix(api).removesuffix("/v1")
    spoken = [d for d in adapter.dialects if d in dialects]
    if not spoken:
        raise InputError.single(
            "agent",
            f"cli:{adapter.name}",
            f"speaks {', '.join(adapter.dialects)}, not {provider}'s API",
            "pick a provider the CLI speaks, or another CLI",
        )
    return Upstream(root, auth, keys), spoken[0], model


def live_endpoint(spec: str, adapter: Adapter) -> ProxyEndpoint:
    """Start the recording proxy to the live model ``spec`` names."""
    upstream, dialect, model = parse_live(spec, adapter)
    return ProxyEndpoint(upstream, dialect=dialect, model=model)
