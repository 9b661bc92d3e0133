"""A model wrapper that bounds concurrent connections to the endpoint."""

from __future__ import annotations

import threading

from assay.models.protocol import Model
from assay.models.types import Reply, Request


class BoundedModel:
    """Lets at most ``limit`` calls reach the wrapped model at once."""

    def __init__(self, model: Model, limit: int) -> None:
        self._model = model
        self._sem = threading.BoundedSemaphore(limit)

    @property
    def name(self) -> str:
        """The wrapped model's name."""
        return self._model.name

    @property
    def supports_tools(self) -> bool:
        """Whether the wrapped model takes native tool calls."""
        return self._model.supports_tools

    @property
    def inner(self) -> Model:
        """The wrapped model."""
        return self._model

    def generate(self, request: Request) -> Reply:
        """Call the wrapped model once a connection slot is free."""
        with self._sem:
            return self._model.generate(request)
