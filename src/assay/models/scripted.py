"""The scripted model: deterministic replay of an ``assay.script.v1`` file, in process.

Turns are counted per conversation (``Request.conversation``): each reply advances the
conversation by one turn, each delivered fault does not (a retry gets the next fault or
the reply). Usage counts whitespace-separated words, so metrics are non-zero and the same
on every run. See ``assay.models.script_format`` for the file format.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from assay.models.endpoint import status_fault
from assay.models.pricing import PriceTable, cost_of
from assay.models.protocol import ModelFault
from assay.models.retry import Retrier
from assay.models.script_format import Fault, Script, Turn, count_words, load_script
from assay.models.types import Message, Reply, Request, ToolCall, Usage, clip_text


def fault_to_error(fault: Fault) -> ModelFault:
    """Return the ModelFault a client would see for a scripted fault."""
    if fault.kind == "http":
        headers = {} if fault.retry_after_s is None else {"Retry-After": f"{fault.retry_after_s}"}
        return status_fault(fault.status, f"scripted HTTP {fault.status}", headers)
    details = {
        "timeout": "scripted timeout: no answer in time",
        "disconnect": "scripted disconnect: connection closed without a response",
        "garbage": "scripted garbage: the response body is not JSON",
        "stream_cut": "scripted stream cut: the response ended before it was complete",
    }
    return ModelFault("transient", details[fault.kind])


def simulated_sleep(seconds: float) -> None:
    """Sleep in simulated time: scripted faults need no real backoff."""


def prompt_words(messages: tuple[Message, ...]) -> int:
    """Scripted prompt tokens: the words of every message and tool-call argument."""
    words = 0
    for m in messages:
        words += count_words(m.content)
        words += sum(count_words(c.raw_arguments) for c in m.tool_calls)
    return words


class ScriptedModel:
    """Replays a script; thread-safe, with the same retry loop as the real providers."""

    supports_tools = True

    def __init__(
        self,
        script: Script,
        *,
        price_table: PriceTable | None = None,
        retrier: Retrier | None = None,
    ) -> None:
        self.script = script
        self.name = f"scripted:{script.model}"
        self._prices = price_table
        self._retrier = retrier or Retrier(sleep=simulated_sleep)
        self._lock = threading.Lock()
        self._turn_of: dict[str, int] = {}
        self._tries_of: dict[str, int] = {}

    @classmethod
    def from_file(
        cls,
        path: str | Path,
        *,
        price_table: PriceTable | None = None,
        retrier: Retrier | None = None,
    ) -> ScriptedModel:
        """Load a script file (raises ``InputError``) and replay it."""
        return cls(load_script(path), price_table=price_table, retrier=retrier)

    def generate(self, request: Request) -> Reply:
        """Play the conversation's next turn (or its next scripted fault)."""
        return self._retrier.run(lambda: self._once(request), key=request.conversation)

    def _once(self, request: Request) -> Reply:
        start = time.monotonic()
        conversation = request.conversation
        with self._lock:
            if self.script.turns_by == "context":
                index = sum(m.role == "assistant" for m in request.messages)
                # Faults of a turn are delivered once per conversation, not once per pass.
                conversation = f"{conversation}#{index}"
            else:
                index = self._turn_of.get(conversation, 0)
            system = "\n".join(m.content for m in request.messages if m.role == "system")
            context = (
                "\n".join(m.content for m in request.messages if m.role != "system")
                if any(v.when_context_contains for v in self.script.variants)
                else ""
            )
            turn = self.script.turn(request.task_id, index, system, context)
            tries = self._tries_of.get(conversation, 0)
            if tries < len(turn.faults):
                self._tries_of[conversation] = tries + 1
                raise fault_to_error(turn.faults[tries])
            self._turn_of[conversation] = index + 1
            self._tries_of[conversation] = 0 if self.script.turns_by == "conversation" else tries
        return self._reply(request, turn, index, time.monotonic() - start)

    def _reply(self, request: Request, turn: Turn, index: int, latency_s: float) -> Reply:
        full_text = turn.reply_text()
        calls = tuple(
            ToolCall.from_text(turn.call_id(index, i), c.name, c.argument_text())
            for i, c in enumerate(turn.tool_calls)
        )
        usage = Usage(
            prompt=prompt_words(request.messages),
            completion=count_words(full_text) + sum(count_words(c.raw_arguments) for c in calls),
        )
        text, clipped = clip_text(full_text)
        return Reply(
            text=text,
            tool_calls=calls,
            finish_reason=turn.finish(),
            usage=usage,
            latency_s=latency_s,
            cost_usd=cost_of(self._prices, self.name, usage),
            model=self.script.model,
            raw_bytes=len(full_text.encode()) + sum(len(c.raw_arguments.encode()) for c in calls),
            clipped=clipped,
        )
