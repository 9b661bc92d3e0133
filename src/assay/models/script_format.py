"""The replay script format (``assay.script.v1``) shared by the scripted model and ``assay serve``.

A script lists, per task id, the turns a model answers in order; ``"*"`` is the default
for tasks without their own list. JSON or TOML::

    schema = "assay.script.v1"
    model = "scripted"              # the model name replies report
    on_exhausted = "stop"           # or "repeat_last"

    [[tasks."window-sums"]]         # turn 0: a tool call, after two server errors
    faults = ["http_500", { kind = "http", status = 429, retry_after_s = 0.5 }]
    tool_calls = [{ name = "read_file", arguments = { path = "windows.py" } }]

    [[tasks."window-sums"]]         # turn 1: plain text
    text = "Done."

    [[tasks."*"]]
    text = "I cannot help with that."

A turn is text and/or tool calls. ``raw_arguments`` sends argument text verbatim (to script
malformed JSON); ``pad_to_bytes`` pads the text to an oversized reply of that many bytes.

Instead of tool calls, a turn may give client-neutral ``actions`` (or one ``action``), each
exactly one of ``write = {path, content}``, ``edit = {path, old, new}``, ``run = "shell
command"``, ``read = "path"`` or ``finish = "final text"``::

    [[tasks."*"]]
    action = { write = { path = "windows.py", content = "..." } }

    [[tasks."*"]]
    action = { finish = "Fixed the off-by-one." }

``assay serve`` maps actions onto whatever tools the client offered in its request (their
names and argument shapes differ per client) or, for a client without tools, onto an edit
text. In process, actions become the loop agent's own tools (``write_file``, ``edit_file``,
``read_file``, ``run``, and ``done`` for ``finish``).
``faults`` are delivered, one per try, on the first tries of the turn; the reply comes on
the try after the last fault. Fault kinds: ``http`` (``status``, optional
``retry_after_s``), ``timeout`` (no answer for ``delay_s``), ``disconnect`` (connection
closed without a response), ``garbage`` (a body that is not JSON), ``stream_cut`` (the
response ends before it is complete). A string ``"http_NNN"`` is short for
``{kind = "http", status = NNN}``, and ``"timeout"`` etc. for ``{kind = "timeout"}``.

Turns are counted per conversation (the scripted model) or by the assistant messages in the
request (``assay serve``). ``turns_by = "context"`` makes the scripted model count them by
the assistant messages in the request too: a fresh-context pass of the loop agent then
replays the task's turns from its first, as a stateless model would answer the same
context the same way (the kits' scripts, where a pass that runs out of context before it
writes repeats itself and stagnates). Past the last turn, ``on_exhausted = "stop"`` (the default)
answers the text ``EXHAUSTED_TEXT`` with finish reason ``stop`` and no tool calls, so an
agent loop ends its pass; ``"repeat_last"`` answers the last turn again (without faults).

``[[variants]]`` (``when_system_contains``, ``tasks``) replace a task's turns when the
system prompt contains a text: a scripted model that follows an instruction (in process
only; ``assay serve`` plays the script's own turns). ``when_context_contains`` (instead, or
as well) needs a text in the rest of the conversation — a tool's output, say: a model that
reacts to what a script printed. A ``TASK@sN`` key (one seed's replies)
missing from the script or a variant falls back to ``TASK``, then to ``"*"``.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assay.models.fileio import read_mapping, validate

SCRIPT_SCHEMA = "assay.script.v1"
DEFAULT_TASK = "*"
EXHAUSTED_TEXT = "[assay: script exhausted]"

FaultKindName = Literal["http", "timeout", "disconnect", "garbage", "stream_cut"]
_SHORT_HTTP = re.compile(r"^http_(\d{3})$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fault(_Strict):
    """A deliberate failure delivered instead of a reply."""

    kind: FaultKindName
    status: int = Field(default=500, ge=400, le=599)
    """HTTP status of an ``http`` fault."""
    retry_after_s: float | None = Field(default=None, ge=0)
    """Sent as the ``Retry-After`` header of an ``http`` fault."""
    delay_s: float = Field(default=30.0, ge=0, le=3600)
    """How long a ``timeout`` fault keeps the client waiting (``assay serve`` only)."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = _SHORT_HTTP.match(value)
            return {"kind": "http", "status": int(match[1])} if match else {"kind": value}
        return value


class ScriptToolCall(_Strict):
    """A tool call in a scripted turn."""

    name: str = Field(min_length=1)
    arguments: dict[str, Any] | None = None
    """The arguments object; sent as JSON."""
    raw_arguments: str | None = None
    """Argument text sent verbatim instead of ``arguments`` (e.g. malformed JSON)."""
    id: str | None = None
    """The call id; ``call_<turn>_<n>`` when not given."""

    @model_validator(mode="after")
    def _one_form(self) -> ScriptToolCall:
        if self.arguments is not None and self.raw_arguments is not None:
            raise ValueError("give either arguments or raw_arguments, not both")
        return self

    def argument_text(self) -> str:
        """Return the argument text as it goes over the wire."""
        if self.raw_arguments is not None:
            return self.raw_arguments
        return json.dumps(self.arguments or {}, sort_keys=True)


class WriteSpec(_Strict):
    """Create or overwrite a file."""

    path: str = Field(min_length=1)
    content: str


class EditSpec(_Strict):
    """Replace ``old`` (which occurs once) with ``new`` in a file."""

    path: str = Field(min_length=1)
    old: str = Field(min_length=1)
    new: str


ActionKind = Literal["write", "edit", "run", "read", "finish"]


class Action(_Strict):
    """A client-neutral action: exactly one of its fields is given."""

    write: WriteSpec | None = None
    edit: EditSpec | None = None
    run: str | None = Field(default=None, min_length=1)
    """A shell command line, run in the workspace."""
    read: str | None = Field(default=None, min_length=1)
    """A path to read."""
    finish: str | None = None
    """The final text of the session."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Action:
        given = [
            k for k in ("write", "edit", "run", "read", "finish") if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                f"an action names exactly one of write, edit, run, read, finish; got {given}"
            )
        return self

    @property
    def kind(self) -> ActionKind:
        """Which of the five actions this is."""
        for name in ("write", "edit", "run", "read"):
            if getattr(self, name) is not None:
                return name
        return "finish"

    def loop_call(self) -> ScriptToolCall:
        """The same action as a call of the loop agent's own tools (in-process replay)."""
        if self.write is not None:
            args: dict[str, Any] = {"path": self.write.path, "content": self.write.content}
            return ScriptToolCall(name="write_file", arguments=args)
        if self.edit is not None:
            args = {
                "path": self.edit.path,
                "old_string": self.edit.old,
                "new_string": self.edit.new,
            }
            return ScriptToolCall(name="edit_file", arguments=args)
        if self.run is not None:
            return ScriptToolCall(name="run", arguments={"command": shlex.split(self.run)})
        if self.read is not None:
            return ScriptToolCall(name="read_file", arguments={"path": self.read})
        return ScriptToolCall(name="done", arguments={"summary": self.finish or ""})


class Turn(_Strict):
    """One scripted reply, and the faults delivered before it."""

    text: str = ""
    tool_calls: list[ScriptToolCall] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    """Client-neutral actions; ``tool_calls`` is then derived from them for in-process replay."""
    finish_reason: Literal["stop", "tool_calls", "length"] | None = None
    """Defaults to ``tool_calls`` when there are tool calls, else ``stop``."""
    pad_to_bytes: int | None = Field(default=None, ge=0, le=1 << 30)
    """Pad the text with filler up to this many bytes (an oversized reply)."""
    faults: list[Fault] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _derive_calls(cls, value: Any) -> Any:
        if not isinstance(value, dict) or ("action" not in value and "actions" not in value):
            return value
        data = dict(value)
        if "action" in data:
            if "actions" in data:
                raise ValueError("give action or actions, not both")
            data["actions"] = [data.pop("action")]
        if data.get("tool_calls"):
            raise ValueError("give actions or tool_calls, not both")
        actions = [Action.model_validate(a) for a in data["actions"]]
        data["actions"] = actions
        data["tool_calls"] = [a.loop_call() for a in actions]
        return data

    def reply_text(self) -> str:
        """Return the text with any padding applied."""
        missing = (self.pad_to_bytes or 0) - len(self.text.encode())
        return self.text + ("x" * missing if missing > 0 else "")

    def finish(self) -> Literal["stop", "tool_calls", "length"]:
        """Return the finish reason of the reply."""
        return self.finish_reason or ("tool_calls" if self.tool_calls else "stop")

    def call_id(self, turn_index: int, position: int) -> str:
        """Return the id of the tool call at ``position``."""
        given = self.tool_calls[position].id
        return given or f"call_{turn_index}_{position}"


class Variant(_Strict):
    """Replies played instead of the script's own when the system prompt contains a text.

    A scripted stand-in for a model that follows an instruction: with the instruction in its
    system prompt (an AGENTS.md line, say) it behaves as the variant's turns say.
    """

    when_system_contains: str | None = Field(default=None, min_length=1)
    when_context_contains: str | None = Field(default=None, min_length=1)
    """A text that must appear in the conversation after the system prompt (the prompt, the
    replies, tool output): a model that reacts to what a tool showed it. Turns are still
    counted from the conversation's start, so the variant's list lines up with the task's."""
    tasks: dict[str, list[Turn]] = Field(min_length=1)

    @model_validator(mode="after")
    def _a_condition(self) -> Variant:
        if self.when_system_contains is None and self.when_context_contains is None:
            raise ValueError("a variant needs when_system_contains or when_context_contains")
        return self

    def applies(self, system: str, context: str) -> bool:
        """Whether every condition the variant gives holds."""
        return (self.when_system_contains is None or self.when_system_contains in system) and (
            self.when_context_contains is None or self.when_context_contains in context
        )


class Script(_Strict):
    """A whole replay script."""

    schema_: Literal["assay.script.v1"] = Field(alias="schema")
    model: str = Field(default="scripted", min_length=1)
    on_exhausted: Literal["stop", "repeat_last"] = "stop"
    turns_by: Literal["conversation", "context"] = "conversation"
    """What indexes the turn the scripted model plays: the replies so far in the
    conversation, or the assistant messages in the request's context."""
    tasks: dict[str, list[Turn]] = Field(min_length=1)
    variants: list[Variant] = Field(default_factory=list)
    """Checked in order; the first whose text is in the system prompt and that has turns
    for the task (or ``"*"``) replaces the script's own turns for that conversation."""

    def task_keys(self) -> frozenset[str]:
        """Every task key the script or one of its variants holds replies for."""
        return frozenset(self.tasks).union(*(v.tasks for v in self.variants))

    def turn(self, task: str, index: int, system: str = "", context: str = "") -> Turn:
        """Return the turn to play as turn ``index`` of ``task``, applying ``on_exhausted``.

        ``system`` is the request's system prompt and ``context`` the rest of its messages;
        they select a :class:`Variant`.
        """
        # ``TASK@sN`` (one seed's replies) falls back to the task's own, then to ``"*"``.
        keys = (task, task.split("@s", 1)[0], DEFAULT_TASK)
        source = self.tasks
        for variant in self.variants:
            if variant.applies(system, context) and any(k in variant.tasks for k in keys):
                source = variant.tasks
                break
        turns = next((source[k] for k in keys if source.get(k)), [])
        if index < len(turns):
            return turns[index]
        if self.on_exhausted == "repeat_last" and turns:
            return turns[-1].model_copy(update={"faults": []})
        return Turn(text=EXHAUSTED_TEXT, finish_reason="stop")


def load_script(path: str | Path) -> Script:
    """Read and validate a script file (``.json`` or ``.toml``); raise ``InputError``."""
    return validate(Script, read_mapping(Path(path)), path)


def count_words(text: str) -> int:
    """Deterministic token stand-in for scripted usage: whitespace-separated words."""
    return len(text.split())
