"""A recording proxy in front of a live provider: every agent gets the same accounting.

It listens on loopback and passes every request through to the upstream (OpenAI chat
completions and Responses, Anthropic messages, Gemini — streams included, relayed as they
arrive) and records per call: the dialect, model, status, latency (first byte and total),
token usage, and the names of the tools the model called. The key comes from the
environment and is put into the upstream request by the proxy (the client may hold a dummy);
no header is ever recorded, and error excerpts have the key redacted.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from assay.models.protocol import redact
from assay.serve.background import Running, serve_in_background
from assay.serve.routes import MAX_BODY, route_of
from assay.serve.usage import tally

Auth = Literal["bearer", "x-api-key", "x-goog-api-key", "none"]
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "accept-encoding",
    }
)
AUTH_HEADERS = frozenset({"authorization", "x-api-key", "x-goog-api-key", "api-key"})
PARSE_LIMIT = 32 << 20
"""Response bytes kept for parsing usage (the client still gets every byte)."""
TIMEOUT_S = 600.0


@dataclass(frozen=True)
class Upstream:
    """Where calls go and how they are authenticated."""

    root: str
    """``scheme://host[:port][/prefix]``; the client's request path is appended."""
    auth: Auth = "bearer"
    key_env: tuple[str, ...] = ()
    """Environment variables holding the key, first set wins."""

    def key(self) -> str | None:
        """The key from the environment, if one is set."""
        for name in self.key_env:
            if os.environ.get(name):
                return os.environ[name]
        return None


class ProxyServer(ThreadingHTTPServer):
    """The proxy: its upstream and the record of every call."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, upstream: Upstream, address: tuple[str, int]) -> None:
        super().__init__(address, ProxyHandler)
        self.upstream = upstream
        self.calls: list[dict[str, Any]] = []
        self.problems: list[dict[str, Any]] = []
        self._lock = threading.Condition()
        self._active = 0

    def record(self, entry: dict[str, Any], problem: bool = False) -> None:
        """Append a call record (or a problem) under the lock."""
        with self._lock:
            (self.problems if problem else self.calls).append(entry)

    def begin(self) -> None:
        """Note a request in flight."""
        with self._lock:
            self._active += 1

    def end(self) -> None:
        """Note a request done (and recorded)."""
        with self._lock:
            self._active -= 1
            self._lock.notify_all()

    def settle(self, timeout_s: float = 10.0) -> None:
        """Wait until no request is in flight, so that every call is recorded.

        A client may have its last byte before the proxy has written the call's record.
        """
        with self._lock:
            self._lock.wait_for(lambda: self._active == 0, timeout=timeout_s)


class ProxyHandler(BaseHTTPRequestHandler):
    """Relays one connection's requests upstream."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: ProxyServer

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: calls are recorded instead."""

    def do_GET(self) -> None:
        """Model lists and the like pass through unrecorded."""
        self._relay(b"", record=False)

    def do_POST(self) -> None:
        """Pass a model call through, recording it."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            self._reply(413, b'{"error": {"message": "request body too large"}}')
            return
        self.server.begin()
        try:
            self._relay(self.rfile.read(length), record=True)
        finally:
            self.server.end()

    def _headers(self) -> dict[str, str]:
        up = self.server.upstream
        out = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        key = up.key()
        if key is not None:
            out = {k: v for k, v in out.items() if k.lower() not in AUTH_HEADERS}
            if up.auth == "bearer":
                out["Authorization"] = f"Bearer {key}"
            elif up.auth != "none":
                out[up.auth] = key
        out["Accept-Encoding"] = "identity"  # usage is read from the body as it passes
        return out

    def _relay(self, body: bytes, *, record: bool) -> None:
        up = self.server.upstream
        target = urllib.parse.urlsplit(up.root)
        path = target.path.rstrip("/") + self.path
        route = route_of(self.path)
        request = _json_object(body)
        stream = bool(request.get("stream")) or bool(route and route.stream)
        dialect = route.dialect.name if route else "unknown"
        start = time.monotonic()
        conn_type = (
            http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
        )
        conn = conn_type(target.netloc, timeout=TIMEOUT_S)
        kept = bytearray()
        first: float | None = None
        try:
            conn.request(self.command, path, body=body or None, headers=self._headers())
            response = conn.getresponse()
            self.send_response(response.status)
            length = response.getheader("Content-Length")
            for k, v in response.getheaders():
                if k.lower() not in HOP_BY_HOP:
                    self.send_header(k, v)
            if length is not None:
                self.send_header("Content-Length", length)
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            while chunk := response.read1(1 << 16):
                first = first if first is not None else time.monotonic() - start
                if len(kept) < PARSE_LIMIT:
                    kept += chunk
                self.wfile.write(chunk)
                self.wfile.flush()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            detail = redact(f"{type(exc).__name__}: {exc}", [up.key() or ""])
            self.server.record({"path": self.path, "reason": detail}, problem=True)
            self.close_connection = True
            if first is None:
                message = json.dumps(
                    {"error": {"message": f"assay proxy: upstream failed: {detail}"}}
                )
                self._reply(502, message.encode())
            status = 502
        finally:
            conn.close()
        if record:
            model = request.get("model")
            if not isinstance(model, str):
                model = route.model if route else None
            self._record(
                dialect,
                model,
                stream=stream,
                status=status,
                start=start,
                first=first,
                body=bytes(kept),
            )

    def _record(
        self,
        dialect: str,
        model: str | None,
        *,
        stream: bool,
        status: int,
        start: float,
        first: float | None,
        body: bytes,
    ) -> None:
        t = tally(dialect, body, stream and status < 400)
        entry: dict[str, Any] = {
            "dialect": dialect,
            "model": t.model or model,
            "stream": stream,
            "status": status,
            "fault": None if status < 400 else "upstream_error",
            "tool_calls": t.tools or [],
            "prompt_tokens": t.prompt,
            "completion_tokens": t.completion,
            "cached_tokens": t.cached,
            "ttfb_s": None if first is None else round(first, 4),
            "latency_s": round(time.monotonic() - start, 4),
        }
        if status >= 400:
            excerpt = body[:300].decode("utf-8", "replace")
            entry["error"] = redact(excerpt, [self.server.upstream.key() or ""])
        self.server.record(entry)

    def _reply(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class RunningProxy(Running[ProxyServer]):
    """A proxy answering on a background thread; close it (or use ``with``) when done."""


def start_proxy(upstream: Upstream, host: str = "127.0.0.1", port: int = 0) -> RunningProxy:
    """Bind ``host:port`` (0 picks a free port) and relay to ``upstream`` on a daemon thread."""
    server = ProxyServer(upstream, (host, port))
    return RunningProxy(server, serve_in_background(server, "assay-proxy"))
