"""Cooperative cancellation."""

import threading


class Cancelled(Exception):
    """The run was cancelled."""


class CancelToken:
    def __init__(self):
        self._event = threading.Event()

    def cancel(self):
        self._event.set()

    @property
    def cancelled(self):
        return self._event.is_set()
