"""The one model interface, and the fault every provider raises when it gets no reply."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Protocol, runtime_checkable

from assay.models.types import Reply, Request

FaultKind = Literal["transient", "permanent", "exhausted"]

MAX_DETAIL = 500
"""Fault details are clipped: an error body can be megabytes and is not worth recording."""


@runtime_checkable
class Model(Protocol):
    """A chat model with optional native tool calls.

    ``generate`` returns a ``Reply`` or raises ``ModelFault``; it is synchronous and safe to
    call from several threads at once.
    """

    @property
    def name(self) -> str:
        """A stable name for records, e.g. ``openai:gpt-4o-mini`` (never a key or a URL)."""
        ...

    @property
    def supports_tools(self) -> bool:
        """Whether the model takes ``Request.tools`` and can answer with tool calls."""
        ...

    def generate(self, request: Request) -> Reply:
        """Answer ``request``; raise ``ModelFault`` when no reply could be obtained."""
        ...


class ModelFault(Exception):
    """No reply: the endpoint failed, not the model.

    The caller records an attempt ending in this as a ``fault``, never as a model failure.
    ``kind`` is ``transient`` (worth retrying: connection errors, timeouts, 429, 5xx, cut
    streams, unparseable bodies), ``permanent`` (400/401/403/404: retrying cannot help) or
    ``exhausted`` (transient faults until the retry budget ran out).
    """

    def __init__(
        self,
        kind: FaultKind,
        detail: str,
        *,
        status: int | None = None,
        attempts: int = 1,
        retry_after_s: float | None = None,
    ) -> None:
        self.kind: FaultKind = kind
        self.detail = detail[:MAX_DETAIL]
        self.status = status
        self.attempts = attempts
        self.retry_after_s = retry_after_s
        super().__init__(str(self))

    def __str__(self) -> str:
        status = f" HTTP {self.status}" if self.status is not None else ""
        return f"model fault ({self.kind}{status}, {self.attempts} attempt(s)): {self.detail}"

    def __repr__(self) -> str:
        fields = f"{self.kind!r}, {self.detail!r}, status={self.status!r}"
        return f"ModelFault({fields}, attempts={self.attempts})"

    def __reduce__(self) -> tuple[object, ...]:
        # Faults cross process boundaries (distributed runs); keep every field.
        return (_rebuild, (self.kind, self.detail, self.status, self.attempts, self.retry_after_s))

    def with_attempts(
        self, kind: FaultKind, attempts: int, detail: str | None = None
    ) -> ModelFault:
        """Return a copy of this fault with a new kind, attempt count and (maybe) detail."""
        return ModelFault(
            kind,
            self.detail if detail is None else detail,
            status=self.status,
            attempts=attempts,
            retry_after_s=self.retry_after_s,
        )


def _rebuild(
    kind: FaultKind, detail: str, status: int | None, attempts: int, retry_after_s: float | None
) -> ModelFault:
    return ModelFault(kind, detail, status=status, attempts=attempts, retry_after_s=retry_after_s)


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret in ``text``; error bodies sometimes echo the key they were sent."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return text
