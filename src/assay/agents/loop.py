"""The loop agent: fresh-context passes of a tool-using session, gated by the verifier.

Each pass starts from the task prompt and the workspace on disk (plus PROGRESS.md when
memory is on), never from the previous pass's messages. Between passes the workspace is
fingerprinted: unchanged passes count towards stagnation, and a changed workspace the model
did not declare done is probed with the same public-test gate.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assay.agents.actions import (
    TEXT_PROTOCOL_HELP,
    Action,
    FormatError,
    parse_native,
    parse_text,
    strip_reasoning,
)
from assay.agents.config import LoopConfig
from assay.agents.tools import ACT_TOOLS, SPECS, Toolbox, load_act_ratio
from assay.agents.workspace import MEMORY_FILE, Workspace, clip_output
from assay.models.protocol import Model, ModelFault
from assay.models.types import META_CONVERSATION, META_TASK, Message, Request, ToolCall
from assay.records.outcome import Outcome, PassReason
from assay.records.verdict import Verdict

Emit = Callable[[str, dict[str, Any]], None]

SYSTEM = """\
You are a careful software engineer working in a folder of Python code.
Use the tools to read the code, change it, and run the tests. Tests are the specification:
files of tests are protected and cannot be changed. When the work is finished, call done;
it runs the tests and the task ends only if they pass."""
MEMORY_HINT = (
    "Keep short notes of your plan and progress in PROGRESS.md: later passes start with a "
    "fresh context and only see the files."
)


@dataclass
class AgentResult:
    """What one attempt of the loop agent did."""

    outcome: Outcome
    pass_reasons: list[PassReason] = field(default_factory=list)
    model_calls: int = 0
    format_errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float | None = 0.0
    """Dollars of the model calls; None once one call is unpriced or faulted (unknown)."""
    model_time_s: float = 0.0
    verify_time_s: float = 0.0
    duration_s: float = 0.0
    done_calls: int = 0
    probes: int = 0
    fault: str | None = None
    tool_counts: dict[str, int] = field(default_factory=dict)
    read_bytes: int = 0
    elided_reads: int = 0
    last_public_verdict: Verdict | None = None

    @property
    def load_act_ratio(self) -> float | None:
        """Reads and listings per write or edit; None when nothing was written."""
        return load_act_ratio(self.tool_counts)


class _PassEnd(Exception):
    def __init__(self, reason: PassReason) -> None:
        self.reason = reason


class LoopAgent:
    """Runs one attempt: passes of sessions until completed, stagnated, budget or fault."""

    def __init__(self, model: Model, config: LoopConfig | None = None) -> None:
        self.model = model
        self.config = config or LoopConfig()
        self.native = self.config.protocol == "native" or (
            self.config.protocol == "auto" and model.supports_tools
        )

    def run(
        self,
        toolbox: Toolbox,
        *,
        prompt: str,
        conversation: str,
        emit: Emit,
        stop: threading.Event | None = None,
    ) -> AgentResult:
        """Run the attempt in ``toolbox``'s workspace; events go to ``emit``."""
        start = time.monotonic()
        result = AgentResult(outcome="budget")
        ws: Workspace = toolbox.ws
        stale = 0
        verified_fp: str | None = None
        try:
            for index in range(self.config.max_passes):
                if stop is not None and stop.is_set():
                    result.outcome = "interrupted"
                    break
                if not self.config.memory:
                    (ws.root / MEMORY_FILE).unlink(missing_ok=True)
                before = ws.fingerprint()
                toolbox.stats.elision.new_pass()
                emit("pass_start", {"pass": index, "fingerprint": before})
                reason = self._session(
                    toolbox,
                    result,
                    prompt=prompt,
                    conversation=conversation,
                    index=index,
                    emit=emit,
                    stop=stop,
                )
                result.pass_reasons.append(reason)
                emit("pass_end", {"pass": index, "reason": reason})
                if reason in ("completed", "fault", "interrupted"):
                    result.outcome = reason if reason != "completed" else "completed"
                    break
                after = ws.fingerprint()
                if after not in (before, verified_fp):
                    verified_fp = after
                    verdict = self._probe(toolbox, result, emit, index)
                    if verdict.passed:
                        result.pass_reasons[-1] = "completed"
                        result.outcome = "completed"
                        break
                stale = stale + 1 if after == before else 0
                if stale >= self.config.max_stale:
                    result.outcome = "stagnated"
                    break
        finally:
            result.duration_s = round(time.monotonic() - start, 4)
            result.tool_counts = dict(toolbox.stats.counts)
            result.read_bytes = toolbox.stats.read_bytes
            result.elided_reads = toolbox.stats.elided_reads
        return result

    # -- one pass ------------------------------------------------------------------------
    def _session(
        self,
        toolbox: Toolbox,
        result: AgentResult,
        *,
        prompt: str,
        conversation: str,
        index: int,
        emit: Emit,
        stop: threading.Event | None,
    ) -> PassReason:
        system = SYSTEM + ("\n" + MEMORY_HINT if self.config.memory else "")
        if not self.native:
            system += "\n\n" + TEXT_PROTOCOL_HELP
        if self.config.instructions:
            system += "\n\n" + self.config.instructions
        messages: list[Message] = [Message("system", system), Message("user", prompt)]
        format_errors = failed_dones = 0
        try:
            for step in range(self.config.max_steps):
                if stop is not None and stop.is_set():
                    return "interrupted"
                reply = self._call(
                    result, messages, conversation=conversation, emit=emit, index=index, step=step
                )
                content = strip_reasoning(reply.text)
                try:
                    if self.native:
                        actions = parse_native(reply)
                    else:
                        actions = parse_text(reply.text, call_id=f"p{index}s{step}")
                except FormatError as exc:
                    format_errors += 1
                    result.format_errors += 1
                    emit("format_error", {"pass": index, "step": step, "error": str(exc)})
                    if format_errors >= self.config.max_format_errors:
                        return "format_errors"
                    messages += self._error_reply(reply, content, str(exc))
                    continue
                if not actions:
                    if not self.native and content:
                        # A text reply without any action block: say how to act, count it.
                        format_errors += 1
                        result.format_errors += 1
                        emit("format_error", {"pass": index, "step": step, "error": "no action"})
                        if format_errors >= self.config.max_format_errors:
                            return "format_errors"
                        messages += [
                            Message("assistant", content),
                            Message("user", "No action found. " + TEXT_PROTOCOL_HELP),
                        ]
                        continue
                    return "model_stop"
                format_errors = 0
                messages.append(self._assistant(content, actions))
                for action in actions:
                    out = self._execute(toolbox, result, action, emit=emit, index=index, step=step)
                    messages.append(self._tool_message(action, out.output))
                    if action.tool == "done":
                        if out.ok:
                            return "completed"
                        failed_dones += 1
                        if failed_dones >= self.config.done_loop:
                            return "done_loop"
                    elif action.tool in ACT_TOOLS and out.ok:
                        failed_dones = 0
                if reply.usage.total >= self.config.ctx_limit:
                    return "context"
        except _PassEnd as end:
            return end.reason
        return "max_steps"

    def _call(
        self,
        result: AgentResult,
        messages: list[Message],
        *,
        conversation: str,
        emit: Emit,
        index: int,
        step: int,
    ) -> Any:
        request = Request(
            messages=tuple(messages),
            tools=tuple(SPECS.values()) if self.native else (),
            temperature=self.config.temperature,
            max_tokens=self.config.max_tokens,
            seed=self.config.seed,
            metadata={META_TASK: conversation.split("/", 1)[0], META_CONVERSATION: conversation},
        )
        t0 = time.monotonic()
        try:
            reply = self.model.generate(request)
        except ModelFault as fault:
            result.fault = str(fault)
            # What a call that never answered cost is unknown (a try may have been billed):
            # the total is unknown too, never the 0.0 it started at.
            result.cost_usd = None
            emit(
                "model_fault",
                {
                    "pass": index,
                    "step": step,
                    "kind": fault.kind,
                    "status": fault.status,
                    "attempts": fault.attempts,
                    "detail": fault.detail,
                },
            )
            raise _PassEnd("fault") from None
        finally:
            result.model_time_s += time.monotonic() - t0
        result.model_calls += 1
        result.prompt_tokens += reply.usage.prompt
        result.completion_tokens += reply.usage.completion
        result.cached_tokens += reply.usage.cached
        if reply.cost_usd is None or result.cost_usd is None:
            result.cost_usd = None  # one unpriced call makes the total unknown, not smaller
        else:
            result.cost_usd += reply.cost_usd
        emit(
            "model_call",
            {
                "pass": index,
                "step": step,
                "model": reply.model,
                "finish_reason": reply.finish_reason,
                "latency_s": round(reply.latency_s, 4),
                "prompt_tokens": reply.usage.prompt,
                "completion_tokens": reply.usage.completion,
                "cached_tokens": reply.usage.cached,
                "cost_usd": reply.cost_usd,
                "attempts": reply.attempts,
                "clipped": reply.clipped,
                "tool_calls": [c.name for c in reply.tool_calls],
                "text_chars": len(reply.text),
            },
        )
        return reply

    def _execute(
        self,
        toolbox: Toolbox,
        result: AgentResult,
        action: Action,
        *,
        emit: Emit,
        index: int,
        step: int,
    ) -> Any:
        t0 = time.monotonic()
        read_before = toolbox.stats.read_bytes
        out = toolbox.call(action.tool, action.args)
        elapsed = time.monotonic() - t0
        if action.tool == "done":
            result.done_calls += 1
            result.verify_time_s += elapsed
            result.last_public_verdict = out.verdict
        data = {
            "pass": index,
            "step": step,
            "tool": action.tool,
            "ok": out.ok,
            "args": {k: clip_output(str(v), 400) for k, v in action.args.items()},
            "output": clip_output(out.output, 2000),
            "duration_s": round(elapsed, 4),
            "read_bytes": toolbox.stats.read_bytes - read_before,
        }
        if out.elided:
            data["elided"] = True  # only when true: events of runs without elision unchanged
        emit("tool_call", data)
        return out

    def _probe(self, toolbox: Toolbox, result: AgentResult, emit: Emit, index: int) -> Verdict:
        t0 = time.monotonic()
        verdict = toolbox.verify_public()
        result.verify_time_s += time.monotonic() - t0
        result.probes += 1
        result.last_public_verdict = verdict
        emit("probe", {"pass": index, "passed": verdict.passed, "reasons": verdict.reasons})
        return verdict

    # -- messages --------------------------------------------------------------------------
    def _assistant(self, content: str, actions: list[Action]) -> Message:
        if not self.native:
            return Message("assistant", content)
        calls = tuple(ToolCall.from_arguments(a.call_id, a.tool, a.args) for a in actions)
        return Message("assistant", content, tool_calls=calls)

    def _tool_message(self, action: Action, output: str) -> Message:
        if self.native:
            return Message("tool", output, tool_call_id=action.call_id, name=action.tool)
        return Message("user", f"[{action.tool} result]\n{output}")

    def _error_reply(self, reply: Any, content: str, error: str) -> list[Message]:
        text = f"error: {error}. Valid tools: {', '.join(SPECS)}."
        if self.native and reply.tool_calls:
            assistant = Message("assistant", content, tool_calls=tuple(reply.tool_calls))
            return [assistant] + [
                Message("tool", text, tool_call_id=c.id, name=c.name) for c in reply.tool_calls
            ]
        return [Message("assistant", content), Message("user", text)]
