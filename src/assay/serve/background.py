"""An HTTP server answering on a daemon thread: the model server's and the proxy's shared life.

Both are started on port 0 (a free port) by a test or an attempt and closed when it ends;
the handle says where they listen and closes them, also as a context manager.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Generic, Self, TypeVar

S = TypeVar("S", bound=ThreadingHTTPServer)


def serve_in_background(server: ThreadingHTTPServer, name: str) -> threading.Thread:
    """Start ``server.serve_forever`` on a daemon thread named ``name`` and return the thread."""
    # A short poll interval makes close() prompt (shutdown waits for the next poll).
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name=name, daemon=True)
    thread.start()
    return thread


@dataclass
class Running(Generic[S]):
    """A server answering on a background thread; close it (or use ``with``) when done."""

    server: S
    thread: threading.Thread

    @property
    def port(self) -> int:
        """The bound port (useful after asking for port 0)."""
        return int(self.server.server_address[1])

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT`` (clients add their API's own paths)."""
        return f"http://{self.server.server_address[0]!s}:{self.port}"

    def close(self) -> None:
        """Stop serving and release the port."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
