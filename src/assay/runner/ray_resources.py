"""What a Ray task of one attempt asks of the cluster, and what a cluster must advertise.

Every attempt asks for one CPU and one ``assay_sandbox`` slot (a node advertises as many as
it can run gates at once). An attempt whose model is served over HTTP also asks for one
unit of ``endpoint:HOST`` — when the cluster advertises that resource — and the driver
never has more of that endpoint's attempts in flight than the manifest's
``concurrency.model_connections``, whatever the cluster's size: Ray's custom resources are
per node, so the driver's count is what bounds the endpoint cluster-wide.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlparse

from assay.models.spec import OLLAMA_URL

SANDBOX: Final = "assay_sandbox"
"""The custom resource of one gate slot on a node."""
ENDPOINT_PREFIX: Final = "endpoint:"
_DEFAULT_HOSTS: Final = {
    "openai": "api.openai.com",
    "anthropic": "api.anthropic.com",
    "gemini": "generativelanguage.googleapis.com",
    "ollama": urlparse(OLLAMA_URL).netloc,
}


def endpoint_of(spec: str) -> str | None:
    """The endpoint (``host[:port]``) a model spec calls; None for replay (``scripted:``).

    ``openai:MODEL@http://10.0.0.5:8000/v1`` → ``10.0.0.5:8000``; ``anthropic:MODEL`` →
    ``api.anthropic.com``. The model name may itself hold colons (``ollama:qwen2.5:7b``).
    """
    provider, colon, rest = spec.strip().partition(":")
    if not colon or provider not in _DEFAULT_HOSTS:
        return None
    _model, at, url = rest.partition("@")
    if at:
        host = urlparse(url).netloc
        return host.lower() or None
    return _DEFAULT_HOSTS[provider]


def resource_name(endpoint: str) -> str:
    """The custom resource that stands for one connection to ``endpoint``."""
    return ENDPOINT_PREFIX + endpoint


def attempt_resources(endpoint: str | None, advertised: set[str]) -> dict[str, float]:
    """The custom resources one attempt asks for (the CPU is asked for separately)."""
    wanted = {SANDBOX: 1.0}
    if endpoint is not None and resource_name(endpoint) in advertised:
        wanted[resource_name(endpoint)] = 1.0
    return wanted


def local_cluster_resources(slots: int, endpoints: set[str], connections: int) -> dict[str, float]:
    """What a one-machine cluster started for a run advertises."""
    out = {SANDBOX: float(slots)}
    for endpoint in sorted(endpoints):
        out[resource_name(endpoint)] = float(connections)
    return out
