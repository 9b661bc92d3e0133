"""A misbehaving OpenAI-compatible endpoint on 127.0.0.1, run as its own process.

``python -m tests.support.fault_storm --port P --log FILE [--mode storm|hang|ok]
[--seed S] [--die-after N]``

Each request is read whole, then answered by one action drawn from a seeded RNG (``storm``),
or always hung (``hang``) or always answered (``ok``):

- ``ok``: a chat completion with text and no tool call (the loop agent's pass ends);
- ``reset``: the connection is closed with an RST, no response;
- ``truncate``: headers promise a body that is cut short;
- ``hang``: nothing is sent until the client gives up (the connection stays open);
- ``429`` (with ``Retry-After: 0``) and ``500``: JSON error bodies;
- ``garbage``: status 200 with a body that is not JSON;
- ``wrong_shape``: status 200 with JSON that is not a chat completion.

With ``--die-after N`` the process exits after N requests: requests it accepted but had not
answered are closed unanswered (logged as ``died``), and new connections are refused until
the test starts the server again. Every request is logged, with its action, as one JSON
line in FILE before the action is carried out, so a test can account for every try.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import struct
import threading
from pathlib import Path

ACTIONS = ("ok", "reset", "truncate", "hang", "429", "500", "garbage", "wrong_shape")
STORM_WEIGHTS = (9, 2, 2, 1, 2, 2, 1, 1)
"""Half the requests fail, so a four-try call now and then exhausts its tries. The action of
the Nth request depends on N and the seed only, whatever the order threads arrive in."""


def completion(n: int) -> bytes:
    """A chat completion without tool calls: the agent ends its pass (``model_stop``)."""
    body = {
        "id": f"storm-{n}",
        "object": "chat.completion",
        "created": 0,
        "model": "storm",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "I see nothing to change."},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }
    return json.dumps(body).encode()


def _response(status: str, body: bytes, extra: str = "", length: int | None = None) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body) if length is None else length}\r\n"
        f"Connection: close\r\n{extra}\r\n"
    )
    return head.encode() + body


def _read_request(conn: socket.socket) -> bool:
    """Read one request (headers and body); False if the client went away first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return False
        body += chunk
    return True


def _act(conn: socket.socket, action: str, n: int) -> None:
    if action == "ok":
        conn.sendall(_response("200 OK", completion(n)))
    elif action == "reset":
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    elif action == "truncate":
        full = completion(n)
        conn.sendall(_response("200 OK", full[: len(full) // 3], length=len(full)))
    elif action == "hang":
        # Hold the connection until the client closes it (its per-call timeout).
        while conn.recv(65536):
            pass
    elif action == "429":
        body = b'{"error": {"message": "slow down", "type": "rate_limit"}}'
        conn.sendall(_response("429 Too Many Requests", body, "Retry-After: 0\r\n"))
    elif action == "500":
        conn.sendall(_response("500 Internal Server Error", b'{"error": {"message": "boom"}}'))
    elif action == "garbage":
        conn.sendall(_response("200 OK", b"<html>\x00\xff not json"))
    elif action == "wrong_shape":
        conn.sendall(_response("200 OK", b'{"result": [1, 2, 3]}'))


class Storm:
    """The server: one thread per connection, one logged action per request."""

    def __init__(self, port: int, log: Path, mode: str, seed: int, die_after: int) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(64)
        self.log = log.open("a", encoding="utf-8")
        self.mode = mode
        self.rng = random.Random(seed)
        self.die_after = die_after
        self.count = 0
        self.busy = 0
        """Answers being sent: the server dies only once they are out, so each logged
        action is exactly what the client got."""
        self.dying = False
        self.cond = threading.Condition()

    def _choose(self) -> tuple[int, str]:
        with self.cond:
            self.count += 1
            n = self.count
            if self.dying:
                action = "died"
            elif self.mode == "storm":
                action = self.rng.choices(ACTIONS, weights=STORM_WEIGHTS)[0]
            else:
                action = self.mode
            if action not in ("hang", "died"):
                self.busy += 1
            if self.die_after and n >= self.die_after:
                self.dying = True
            self.log.write(json.dumps({"n": n, "action": action, "pid": os.getpid()}) + "\n")
            self.log.flush()
            os.fsync(self.log.fileno())
            return n, action

    def handle(self, conn: socket.socket) -> None:
        """Answer one request on ``conn``, then close it."""
        if not _read_request(conn):
            conn.close()
            return
        n, action = self._choose()
        if action == "died":
            conn.close()
            self.die()
        try:
            _act(conn, action, n)
        finally:
            conn.close()
            if action != "hang":
                with self.cond:
                    self.busy -= 1
                    self.cond.notify_all()
        if self.die_after and n >= self.die_after:
            self.die()

    def die(self) -> None:
        """Exit once every answer under way is out; hung connections close unanswered."""
        with self.cond:
            self.dying = True
            self.cond.wait_for(lambda: self.busy == 0)
        os._exit(0)

    def serve(self) -> None:
        """Accept connections until killed (or dead)."""
        print("ready", flush=True)
        while True:
            conn, _ = self.listener.accept()
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()


def main() -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--mode", choices=("storm", *ACTIONS), default="storm")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--die-after", type=int, default=0)
    args = parser.parse_args()
    Storm(args.port, args.log, args.mode, args.seed, args.die_after).serve()


if __name__ == "__main__":
    main()
