"""A local model server that answers from a replay script in every protocol agent CLIs speak.

=====================================================  ========================================
``POST /v1/chat/completions``                          OpenAI chat completions (``stream``)
``POST /v1/responses``                                 OpenAI Responses (``stream``: typed events)
``POST /v1/messages`` (``?beta=true`` too)             Anthropic messages (``stream``)
``POST /v1beta/models/M:generateContent``              Gemini (``/v1`` too)
``POST /v1beta/models/M:streamGenerateContent``        Gemini streamed (``?alt=sse``)
``POST /v1/messages/count_tokens``, ``M:countTokens``  token counts (words)
``GET /v1/models``                                     the one scripted model
=====================================================  ========================================

The task is the ``X-Assay-Task`` header, else chat's ``user`` field, else the server's
default task, else ``*``; the turn is the number of assistant turns in the request plus the
server's ``turn_base`` (so a later session of the same attempt continues the script).
Neutral actions become calls of whatever tools the request offers (``assay.serve.actions``).

Scripted faults happen on the wire, for real: an HTTP error status (with ``Retry-After``),
no answer until the client times out, a connection closed without a response, a body that
is not JSON, a response cut before it is complete. Faults are counted per distinct request
(task, turn and a digest of the conversation), so a client retrying the same request gets
the next fault and then the reply.

A request the server does not understand, or whose action cannot be expressed with the
offered tools, is answered 400 (404 for an unknown route), saved to a file in ``dump_dir``,
and listed in ``problems`` — never answered with a guess.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import json
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

from assay.models.script_format import Fault, Script
from assay.serve.actions import Mapping, MappingError, resolve
from assay.serve.background import Running, serve_in_background
from assay.serve.dialect import (
    TASK_HEADER,
    Dialect,
    Inbound,
    ShapeError,
    frame,
    task_key,
    text_words,
)
from assay.serve.routes import CHAT, GEMINI, MAX_BODY, Route, route_of

KEEP_REQUESTS = 200
SECRET_HEADERS = frozenset(
    {"authorization", "x-api-key", "x-goog-api-key", "api-key", "cookie", "proxy-authorization"}
)
GARBAGE = b"<html><body>502 upstream hiccup</body></html> {not json"


@dataclass(frozen=True)
class ServeOptions:
    """Per-server settings (``assay serve`` uses the defaults)."""

    default_task: str | None = None
    """The task of requests that name none (an agent CLI cannot send a task header)."""
    turn_base: int = 0
    """Added to every request's turn: a later session of one attempt continues the script."""
    turns: Literal["history", "sequence"] = "history"
    """Count turns by the assistant turns in each request, or by distinct requests in order
    (for clients whose prompts hold example exchanges, like aider's)."""
    mapping: Mapping = dataclasses.field(default_factory=Mapping)
    dump_dir: Path | None = None
    """Where refused requests are saved; a temporary folder when not given."""


class ScriptServer(ThreadingHTTPServer):
    """The HTTP server: the script, try counts, logs of requests, calls and problems."""

    daemon_threads = True
    # Closing must not wait for handlers sleeping through a scripted timeout.
    block_on_close = False

    def __init__(
        self, script: Script, address: tuple[str, int], options: ServeOptions | None = None
    ) -> None:
        super().__init__(address, Handler)
        self.script = script
        self.options = options or ServeOptions()
        self.stopping = threading.Event()
        self.requests: collections.deque[dict[str, Any]] = collections.deque(maxlen=KEEP_REQUESTS)
        self.calls: list[dict[str, Any]] = []
        """One short record per answered model request (no bodies): for the attempt's events."""
        self.problems: list[dict[str, Any]] = []
        """Refused requests: the route, why, and the file the request was saved to."""
        self.high_water = -1
        """The highest script turn answered so far (-1: none)."""
        self._lock = threading.Lock()
        self._tries: dict[tuple[str, int, str], int] = {}
        self._sequence: dict[tuple[str, str], int] = {}

    def place(self, task: str, inb: Inbound) -> tuple[int, int]:
        """The script turn of a request and how many times it was seen before (counts it)."""
        digest = hashlib.sha256(json.dumps(inb.history, sort_keys=True).encode()).hexdigest()
        with self._lock:
            turn = inb.turn
            if self.options.turns == "sequence":
                if (task, digest) not in self._sequence:
                    self._sequence[task, digest] = sum(t == task for t, _ in self._sequence)
                turn = self._sequence[task, digest]
            turn += self.options.turn_base
            seen = self._tries.get((task, turn, digest), 0)
            self._tries[(task, turn, digest)] = seen + 1
            return turn, seen

    def answered(self, turn: int, record: dict[str, Any]) -> None:
        """Note an answered request."""
        with self._lock:
            self.high_water = max(self.high_water, turn)
            self.calls.append(record)

    def save_problem(self, path: str, reason: str, headers: dict[str, str], raw: bytes) -> Path:
        """Save a refused request to a file; return it."""
        with self._lock:
            folder = self.options.dump_dir
            if folder is None:
                folder = Path(tempfile.mkdtemp(prefix="assay-serve-refused-"))
                self.options = dataclasses.replace(self.options, dump_dir=folder)
            folder.mkdir(parents=True, exist_ok=True)
            file = folder / f"refused-{len(self.problems) + 1:03d}.json"
            text = raw.decode("utf-8", "replace")
            try:
                body: Any = json.loads(text)
            except ValueError:
                body = text
            record = {"path": path, "reason": reason, "headers": headers, "body": body}
            file.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
            self.problems.append({"path": path, "reason": reason, "saved": str(file)})
            return file


class Handler(BaseHTTPRequestHandler):
    """Speaks every dialect for one connection."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, each reply waits ~40 ms.
    disable_nagle_algorithm = True
    server: ScriptServer

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the requests are kept in ``server.requests`` instead."""

    def do_GET(self) -> None:
        """List the one scripted model (OpenAI, Anthropic or Gemini style)."""
        path = self.path.split("?")[0].rstrip("/")
        name = self.server.script.model
        if path in ("/v1beta/models", "/v1/models") and "x-goog-api-key" in _lower(self.headers):
            self._json(200, {"models": [{"name": f"models/{name}", "displayName": name}]})
        elif path in ("/v1/models", "/models"):
            model = {"id": name, "object": "model", "created": 0, "owned_by": "assay"}
            if "anthropic-version" in _lower(self.headers):
                model = {"id": name, "type": "model", "display_name": name, "created_at": ""}
            self._json(200, {"object": "list", "data": [model], "has_more": False})
        else:
            self._json(404, CHAT.error(404, f"no route GET {self.path}"))

    def do_POST(self) -> None:
        """Answer one model request, or deliver its scripted fault."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True  # the unread body must not be taken for a request
            self._json(413, CHAT.error(413, "request body too large"))
            return
        raw = self.rfile.read(length)
        route = route_of(self.path)
        if route is None:
            self._refuse(CHAT, 404, f"no route POST {self.path}", raw)
            return
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self._refuse(route.dialect, 400, "the body is not a JSON object", raw)
            return
        try:
            inb = route.dialect.parse(body, model=route.model, stream=route.stream)
        except ShapeError as exc:
            self._refuse(route.dialect, 400, str(exc), raw)
            return
        if route.count_tokens:
            words = inb.prompt_words or text_words(body)
            key = "totalTokens" if route.dialect is GEMINI else "input_tokens"
            self._json(200, {key: words})
            return
        if inb.model is None:
            inb = dataclasses.replace(inb, model=self.server.script.model)
        self._answer(route, inb, raw)

    def _answer(self, route: Route, inb: Inbound, raw: bytes) -> None:
        start = time.monotonic()
        options = self.server.options
        task = task_key(self.headers.get(TASK_HEADER), inb, options.default_task)
        index, tries = self.server.place(task, inb)
        turn = self.server.script.turn(task, index)
        fault = turn.faults[tries] if tries < len(turn.faults) else None
        dialect = route.dialect
        self.server.requests.append(
            {
                "dialect": dialect.name,
                "task": task,
                "turn": index,
                "try": tries,
                "stream": inb.stream,
                "fault": fault.kind if fault else None,
                "headers": _safe_headers(self.headers),
                "body": json.loads(raw),
            }
        )
        try:
            out = resolve(turn, inb, index, options.mapping)
        except MappingError as exc:
            self._refuse(dialect, 400, f"turn {index} of task {task!r}: {exc}", raw)
            return
        sse = inb.stream and route.sse
        # Recorded before the reply goes out: a client that has its answer sees the record.
        self.server.answered(
            index,
            {
                "dialect": dialect.name,
                "model": inb.model,
                "task": task,
                "turn": index,
                "try": tries,
                "stream": inb.stream,
                "fault": fault.kind if fault else None,
                "status": fault.status if fault and fault.kind == "http" else 200,
                "tools_offered": len(inb.tools),
                "tool_calls": [c.name for c in out.calls] if fault is None else [],
                "prompt_tokens": out.prompt_tokens,
                "completion_tokens": out.completion_tokens if fault is None else 0,
                "latency_s": round(time.monotonic() - start, 4),
            },
        )
        if fault is None:
            if sse:
                self._sse(dialect.events(out, inb, index))
            elif inb.stream:  # Gemini streaming without alt=sse: a JSON array of responses
                self._json(200, GEMINI.chunks(out, inb, index))
            else:
                self._json(200, dialect.reply(out, inb, index))
        else:
            events = dialect.events(out, inb, index) if sse else []
            # A cut stream sends the first half of the events, never the finish.
            self._fault(dialect, fault, sse, events[: max(1, (len(events) - 1) // 2)])

    def _refuse(self, dialect: Dialect, status: int, reason: str, raw: bytes) -> None:
        file = self.server.save_problem(self.path, reason, _safe_headers(self.headers), raw)
        self._json(
            status, dialect.error(status, f"assay serve: {reason} (request saved to {file})")
        )

    def _fault(self, dialect: Dialect, fault: Fault, stream: bool, cut: list[bytes]) -> None:
        if fault.kind == "http":
            headers = (
                {} if fault.retry_after_s is None else {"Retry-After": f"{fault.retry_after_s:g}"}
            )
            body = dialect.error(fault.status, f"scripted HTTP {fault.status}")
            self._json(fault.status, body, headers)
        elif fault.kind == "timeout":
            self.server.stopping.wait(fault.delay_s)
            self.close_connection = True
        elif fault.kind == "disconnect":
            self.close_connection = True
        elif fault.kind == "garbage":
            if stream:
                tail = [frame(b"[DONE]")] if dialect is CHAT else []
                self._sse([frame(b"{not json at all"), *tail])
            else:
                self._raw(200, GARBAGE, "application/json")
        elif stream:  # stream_cut: part of the reply, then the connection drops
            self._sse(cut)
        else:  # stream_cut without streaming: promise a longer body than is sent
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "4096")
            self.end_headers()
            self.wfile.write(b'{"id": "assay-cut", "content": [')
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
            self.wfile.write(event)
            self.wfile.flush()


def _lower(headers: Any) -> set[str]:
    return {k.lower() for k in headers}


def _safe_headers(headers: Any) -> dict[str, str]:
    # The log is for tests and debugging; credentials have no business in it.
    return {k: v for k, v in headers.items() if k.lower() not in SECRET_HEADERS}


class RunningServer(Running[ScriptServer]):
    """A server answering on a background thread; close it (or use ``with``) when done."""

    @property
    def base_url(self) -> str:
        """The OpenAI base URL, e.g. ``http://127.0.0.1:PORT/v1``."""
        return self.root_url + "/v1"

    def wait(self) -> None:
        """Block until the server is closed."""
        self.thread.join()

    def close(self) -> None:
        """Stop serving, release the port, and wake handlers sleeping through a timeout."""
        self.server.stopping.set()
        super().close()


def start_server(
    script: Script, host: str = "127.0.0.1", port: int = 0, options: ServeOptions | None = None
) -> RunningServer:
    """Bind ``host:port`` (0 picks a free port) and serve ``script`` on a daemon thread."""
    server = ScriptServer(script, (host, port), options)
    return RunningServer(server, serve_in_background(server, "assay-serve"))
