"""A local OpenAI-compatible chat server that answers from a replay script.

``POST /v1/chat/completions`` (plain, or ``stream: true`` as server-sent events ending in
``data: [DONE]``) and ``GET /v1/models``. The task is the ``X-Assay-Task`` header, else the
``user`` field, else ``*``; the turn is the number of assistant messages in the request.

Scripted faults happen on the wire, for real: an HTTP error status (with ``Retry-After``),
no answer until the client times out, a connection closed without a response, a body that
is not JSON, a response cut before it is complete. Faults are counted per distinct request
(task, turn and a digest of the messages), so a client retrying the same request gets the
next fault and then the reply.
"""

from __future__ import annotations

import collections
import hashlib
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from assay.models.script import Fault, Script
from assay.serve import wire

MAX_BODY = 64 << 20
"""Request bodies above this are refused (413) rather than read into memory."""
KEEP_REQUESTS = 200
SECRET_HEADERS = frozenset({"authorization", "x-api-key", "x-goog-api-key", "api-key"})
GARBAGE = b"<html><body>502 upstream hiccup</body></html> {not json"


class ScriptServer(ThreadingHTTPServer):
    """The HTTP server: the script, try counts, and a log of recent requests for tests."""

    daemon_threads = True
    # Closing must not wait for handlers sleeping through a scripted timeout.
    block_on_close = False

    def __init__(self, script: Script, address: tuple[str, int]) -> None:
        super().__init__(address, Handler)
        self.script = script
        self.stopping = threading.Event()
        self.requests: collections.deque[dict[str, Any]] = collections.deque(maxlen=KEEP_REQUESTS)
        self._lock = threading.Lock()
        self._tries: dict[tuple[str, int, str], int] = {}

    def take_try(self, task: str, turn: int, messages: list[Any]) -> int:
        """How many times this exact request was seen before; counts this one."""
        digest = hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).hexdigest()
        with self._lock:
            seen = self._tries.get((task, turn, digest), 0)
            self._tries[(task, turn, digest)] = seen + 1
            return seen


class Handler(BaseHTTPRequestHandler):
    """Speaks the chat-completions wire protocol for one connection."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, each reply waits ~40 ms.
    disable_nagle_algorithm = True
    server: ScriptServer

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the requests are kept in ``server.requests`` instead."""

    def do_GET(self) -> None:
        """List the one scripted model."""
        if self.path.split("?")[0].rstrip("/") not in ("/v1/models", "/models"):
            self._json(404, _error(f"no route {self.path}", "not_found"))
            return
        model = {
            "id": self.server.script.model,
            "object": "model",
            "created": 0,
            "owned_by": "assay",
        }
        self._json(200, {"object": "list", "data": [model]})

    def do_POST(self) -> None:
        """Answer one chat completion, or deliver its scripted fault."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True  # the unread body must not be taken for a request
            self._json(413, _error("request body too large", "invalid_request_error"))
            return
        raw = self.rfile.read(length)
        if self.path.split("?")[0].rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            self._json(404, _error(f"no route {self.path}", "not_found"))
            return
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            message = "body must be a JSON object with messages"
            self._json(400, _error(message, "invalid_request_error"))
            return
        self._answer(body)

    def _answer(self, body: dict[str, Any]) -> None:
        messages: list[Any] = body["messages"]
        task = wire.task_key(self.headers.get(wire.TASK_HEADER), body)
        index = wire.turn_index(messages)
        turn = self.server.script.turn(task, index)
        tries = self.server.take_try(task, index, messages)
        stream = bool(body.get("stream"))
        fault = turn.faults[tries] if tries < len(turn.faults) else None
        self.server.requests.append(
            {
                "task": task,
                "turn": index,
                "try": tries,
                "stream": stream,
                "fault": fault.kind if fault else None,
                "headers": _safe_headers(self.headers),
                "body": body,
            }
        )
        model = body.get("model")
        if not isinstance(model, str):
            model = self.server.script.model
        use = wire.usage(messages, turn)
        if fault is None and not stream:
            self._json(200, wire.completion(turn, index, model, use))
            return
        options = body.get("stream_options")
        include = isinstance(options, dict) and bool(options.get("include_usage"))
        chunks = wire.chunks(turn, index, model, use if include else None)
        events = [json.dumps(c).encode() for c in chunks]
        if fault is None:
            self._sse([*events, b"[DONE]"])
        else:
            # A cut stream sends the first half of the chunks, never the finish reason.
            self._fault(fault, stream, events[: max(1, (len(events) - 1) // 2)])

    def _fault(self, fault: Fault, stream: bool, cut: list[bytes]) -> None:
        if fault.kind == "http":
            headers = (
                {} if fault.retry_after_s is None else {"Retry-After": f"{fault.retry_after_s:g}"}
            )
            kind = "rate_limit_error" if fault.status == 429 else "server_error"
            self._json(fault.status, _error(f"scripted HTTP {fault.status}", kind), headers)
        elif fault.kind == "timeout":
            self.server.stopping.wait(fault.delay_s)
            self.close_connection = True
        elif fault.kind == "disconnect":
            self.close_connection = True
        elif fault.kind == "garbage":
            if stream:
                self._sse([b"{not json at all", b"[DONE]"])
            else:
                self._raw(200, GARBAGE, "application/json")
        elif stream:  # stream_cut: part of the reply, then the connection drops
            self._sse(cut)
        else:  # stream_cut without streaming: promise a longer body than is sent
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "4096")
            self.end_headers()
            self.wfile.write(b'{"id": "chatcmpl-assay-cut", "choices": [')
            self.close_connection = True

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self._raw(status, json.dumps(data).encode(), "application/json", headers)

    def _raw(
        self, status: int, payload: bytes, ctype: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)

    def _sse(self, events: list[bytes]) -> None:
        # No length and no chunking: the body ends when the connection closes, which is
        # also how a cut stream looks to the client.
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        for event in events:
            self.wfile.write(b"data: " + event + b"\n\n")
            self.wfile.flush()


def _safe_headers(headers: Any) -> dict[str, str]:
    # The log is for tests and debugging; credentials have no business in it.
    return {k: v for k, v in headers.items() if k.lower() not in SECRET_HEADERS}


def _error(message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


@dataclass
class RunningServer:
    """A server answering on a background thread; close it (or use ``with``) when done."""

    server: ScriptServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        """The bound port (useful after asking for port 0)."""
        return int(self.server.server_address[1])

    @property
    def base_url(self) -> str:
        """The OpenAI base URL, e.g. ``http://127.0.0.1:PORT/v1``."""
        host = str(self.server.server_address[0])
        return f"http://{host}:{self.port}/v1"

    def wait(self) -> None:
        """Block until the server is closed."""
        self.thread.join()

    def close(self) -> None:
        """Stop serving, release the port, and wake handlers sleeping through a timeout."""
        self.server.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_server(script: Script, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Bind ``host:port`` (0 picks a free port) and serve ``script`` on a daemon thread."""
    server = ScriptServer(script, (host, port))
    # A short poll interval makes close() prompt (shutdown waits for the next poll).
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="assay-serve", daemon=True
    )
    thread.start()
    return RunningServer(server, thread)
