"""Script turns made concrete for one client: neutral actions onto the tools it offered.

Clients name and shape the same tools differently (``write{path,content}``,
``write{filePath,content}``, ``Write{file_path,content}``, ``write_file{file_path,content}``,
``exec_command{cmd}``, ``bash{command}``, ...). A tool is recognised by its name and the
argument names of its schema; its arguments are filled by role (path, content, old text,
new text, command). Without a matching file tool, a shell tool does the job. A client that
offered no tools at all (aider) gets the edits as text in aider's whole-file format: a line
with the path, then the file in a fenced block.

Tool calls scripted in the loop agent's own vocabulary (``write_file``, ``edit_file``,
``read_file``, ``list_dir``, ``run``, ``done``) are translated the same way when the client
did not offer a tool that takes them as they are; any other tool call is sent verbatim.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.models.script_format import Action, EditSpec, ScriptToolCall, Turn, WriteSpec
from assay.serve.dialect import Call, Inbound, Offered, Outbound, completion_words

PATH_KEYS = ("file_path", "filePath", "path", "absolute_path", "filename", "file", "target_file")
CONTENT_KEYS = ("content", "contents", "file_text", "text", "new_content")
OLD_KEYS = ("old_string", "oldString", "old_str", "old_text", "oldText", "old")
NEW_KEYS = ("new_string", "newString", "new_str", "new_text", "newText", "new")
COMMAND_KEYS = ("command", "cmd", "commands", "script")
FILLER_KEYS = ("description", "title", "reason", "justification", "explanation", "instruction")
ROLE_OF = {
    **dict.fromkeys(PATH_KEYS, "path"),
    **dict.fromkeys(CONTENT_KEYS, "content"),
    **dict.fromkeys(OLD_KEYS, "old"),
    **dict.fromkeys(NEW_KEYS, "new"),
    **dict.fromkeys(COMMAND_KEYS, "command"),
}
NAMES = {
    "write": {"write", "writefile", "createfile", "writetofile", "create"},
    "edit": {"edit", "editfile", "replace", "strreplace", "replaceinfile", "searchreplace"},
    "read": {"read", "readfile", "view", "viewfile"},
    "shell": {
        "bash",
        "shell",
        "execcommand",
        "runshellcommand",
        "runcommand",
        "exec",
        "terminal",
        "shellcommand",
    },
}
FILLER = "assay scripted action"
FENCE = "```"


class MappingError(Exception):
    """A scripted action cannot be expressed with what the client offered."""


@dataclass(frozen=True)
class Mapping:
    """How the server makes actions concrete for the clients it serves."""

    workdir: str | None = None
    """The client's workspace: file tools get absolute paths, text edits can read files."""
    text_edits: bool = False
    """Also render loop-vocabulary tool calls as edit text when the client offers no tools."""
    finish_command: str | None = None
    """A shell command by which the client ends its session (mini-swe-agent's submit echo);
    ``finish`` then calls it besides giving its text."""
    read_before_write: bool = False
    """Read an existing file before writing or editing it with a file tool (Qwen Code
    refuses to change a file it has not read in the session)."""


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def from_loop_call(call: ScriptToolCall) -> Action | None:
    """The neutral action a loop-agent tool call stands for, or None for other tools."""
    args = call.arguments or {}
    text = {k: v for k, v in args.items() if isinstance(v, str)}
    if call.name == "write_file" and {"path", "content"} <= text.keys():
        return Action(write=WriteSpec(path=text["path"], content=text["content"]))
    if call.name == "edit_file" and {"path", "old_string", "new_string"} <= text.keys():
        spec = EditSpec(path=text["path"], old=text["old_string"], new=text["new_string"])
        return Action(edit=spec)
    if call.name == "read_file" and "path" in text:
        return Action(read=text["path"])
    if call.name == "list_dir":
        return Action(run="ls -la " + shlex.quote(text.get("path") or "."))
    if call.name == "run" and isinstance(args.get("command"), list) and args["command"]:
        return Action(run=shlex.join(str(c) for c in args["command"]))
    if call.name == "done":
        return Action(finish=text.get("summary", ""))
    return None


def _fits(call: ScriptToolCall, tool: Offered) -> bool:
    """Whether the call's arguments satisfy the offered tool's schema as they are."""
    if tool.freeform or call.arguments is None:
        return True
    keys = set(call.arguments)
    props = set(tool.properties)
    return set(tool.required) <= keys and (not props or keys <= props)


def _typed(role: str, value: str, prop: Any) -> Any:
    if isinstance(prop, dict) and prop.get("type") == "array" and role == "command":
        return ["bash", "-lc", value]
    return value


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _edits_item(prop: dict[str, Any]) -> dict[str, Any] | None:
    """The item schema of an array of ``{old, new}`` edits (Pi's ``edits``), if it is one."""
    items = _object(prop.get("items"))
    roles = {ROLE_OF.get(k) for k in _object(items.get("properties"))}
    return items if prop.get("type") == "array" and {"old", "new"} <= roles else None


def _fill(schema: dict[str, Any], values: dict[str, str], tool: str) -> dict[str, Any]:
    """Arguments for a tool schema, filled by role; raise MappingError on an unknown need."""
    props = _object(schema.get("properties"))
    args: dict[str, Any] = {}
    for key, prop in props.items():
        role = ROLE_OF.get(key)
        item = _edits_item(_object(prop))
        if role in values:
            args[key] = _typed(role, values[role], prop)
        elif item is not None and {"old", "new"} <= values.keys():
            args[key] = [_fill(item, {"old": values["old"], "new": values["new"]}, tool)]
    required = schema.get("required")
    for key in required if isinstance(required, list) else []:
        if key in args:
            continue
        if key in FILLER_KEYS:
            args[key] = FILLER
        elif _object(props.get(key)).get("type") == "boolean":
            args[key] = False
        else:
            raise MappingError(f"tool {tool!r} requires argument {key!r}, which no action fills")
    return args


def _find(tools: tuple[Offered, ...], kind: str, roles: set[str]) -> Offered | None:
    for tool in tools:
        if tool.freeform or _norm(tool.name) not in NAMES[kind]:
            continue
        have = {ROLE_OF.get(k) for k in tool.properties}
        nested = any(
            isinstance(p, dict) and p.get("type") == "array" for p in tool.properties.values()
        )
        if roles <= have or (roles - have <= {"old", "new"} and nested):
            return tool
    return None


class Resolver:
    """Turns the actions of one turn into calls of one client's tools."""

    def __init__(self, tools: tuple[Offered, ...], mapping: Mapping, index: int) -> None:
        self.tools = tools
        self.mapping = mapping
        self.index = index
        self.calls: list[Call] = []

    def _path(self, path: str) -> str:
        if self.mapping.workdir and not os.path.isabs(path):
            return os.path.join(self.mapping.workdir, path)
        return path

    def _must_read(self, path: str) -> bool:
        workdir = self.mapping.workdir
        return (
            self.mapping.read_before_write
            and bool(workdir)
            and (Path(workdir or "") / path).is_file()
        )

    def _call(self, tool: Offered, values: dict[str, str]) -> None:
        args = _fill(tool.schema, values, tool.name)
        call_id = f"call_{self.index}_{len(self.calls)}"
        self.calls.append(Call(call_id, tool.name, json.dumps(args)))

    def _shell(self, command: str, why: str) -> None:
        tool = _find(self.tools, "shell", {"command"})
        if tool is None:
            offered = ", ".join(t.name for t in self.tools) or "none"
            raise MappingError(f"{why}: the client offered no shell tool (tools: {offered})")
        self._call(tool, {"command": command})

    def add(self, action: Action) -> str:
        """Add the calls for ``action``; return text it contributes (a ``finish``)."""
        if action.write is not None:
            w = action.write
            tool = _find(self.tools, "write", {"path", "content"})
            reader = _find(self.tools, "read", {"path"})
            if tool is not None and reader is not None and self._must_read(w.path):
                self._call(reader, {"path": self._path(w.path)})
            if tool is not None:
                self._call(tool, {"path": self._path(w.path), "content": w.content})
            else:
                self._shell(write_command(w.path, w.content), f"write {w.path}")
        elif action.edit is not None:
            e = action.edit
            tool = _find(self.tools, "edit", {"path", "old", "new"})
            reader = _find(self.tools, "read", {"path"})
            if tool is not None and reader is not None and self._must_read(e.path):
                self._call(reader, {"path": self._path(e.path)})
            if tool is not None:
                self._call(tool, {"path": self._path(e.path), "old": e.old, "new": e.new})
            else:
                self._shell(edit_command(e.path, e.old, e.new), f"edit {e.path}")
        elif action.read is not None:
            tool = _find(self.tools, "read", {"path"})
            if tool is not None:
                self._call(tool, {"path": self._path(action.read)})
            else:
                self._shell("cat " + shlex.quote(action.read), f"read {action.read}")
        elif action.run is not None:
            self._shell(action.run, f"run {action.run!r}")
        else:
            if self.mapping.finish_command:
                self._shell(self.mapping.finish_command, "finish")
            return action.finish or ""
        return ""


def write_command(path: str, content: str) -> str:
    """A POSIX shell command that writes ``content`` to ``path`` exactly."""
    folder = os.path.dirname(path)
    make = f"mkdir -p {shlex.quote(folder)} && " if folder else ""
    return f"{make}printf '%s' {shlex.quote(content)} > {shlex.quote(path)}"


def edit_command(path: str, old: str, new: str) -> str:
    """A shell command replacing the one occurrence of ``old`` with ``new`` in ``path``."""
    script = (
        "import pathlib,sys;p=pathlib.Path(sys.argv[1]);t=p.read_text();o=sys.argv[2];"
        "n=t.count(o);sys.exit(f'old text occurs {n} times, not once') if n!=1 else "
        "p.write_text(t.replace(o,sys.argv[3],1))"
    )
    return shlex.join(["python3", "-c", script, path, old, new])


def edit_text(actions: list[Action], workdir: str | None) -> str:
    """Actions as aider's whole-file edit text (a path line, then the file fenced)."""
    out = []
    for action in actions:
        if action.write is not None:
            out.append(_whole(action.write.path, action.write.content))
        elif action.edit is not None:
            out.append(_whole(action.edit.path, _edited(action.edit, workdir)))
        elif action.read is not None:
            out.append(f"I need to see {action.read}.\n")
        elif action.run is not None:
            raise MappingError(
                f"run {action.run!r}: a client without tools cannot run commands from a reply"
            )
        else:
            out.append((action.finish or "") + "\n")
    return "".join(out)


def _whole(path: str, content: str) -> str:
    if any(line.startswith(FENCE) for line in content.splitlines()):
        raise MappingError(f"write {path}: a line of the content starts with {FENCE}")
    body = content if content.endswith("\n") or not content else content + "\n"
    return f"\n{path}\n{FENCE}\n{body}{FENCE}\n"


def _edited(edit: EditSpec, workdir: str | None) -> str:
    if workdir is None:
        raise MappingError(f"edit {edit.path}: edit text needs the workspace (Mapping.workdir)")
    path = Path(workdir) / edit.path
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"edit {edit.path}: cannot read it ({exc.strerror})") from None
    if text.count(edit.old) != 1:
        raise MappingError(f"edit {edit.path}: old text occurs {text.count(edit.old)} times")
    return text.replace(edit.old, edit.new, 1)


def _neutral(turn: Turn, inb: Inbound, mapping: Mapping) -> list[Action | ScriptToolCall]:
    """The turn as actions where it is neutral (or must be translated), else verbatim calls."""
    if turn.actions:
        return list(turn.actions)
    offered = {t.name: t for t in inb.tools}
    out: list[Action | ScriptToolCall] = []
    for call in turn.tool_calls:
        tool = offered.get(call.name)
        action = None if tool is not None and _fits(call, tool) else from_loop_call(call)
        translate = inb.tools or mapping.text_edits
        out.append(action if action is not None and translate else call)
    return out


def resolve(turn: Turn, inb: Inbound, index: int, mapping: Mapping) -> Outbound:
    """The reply to send for ``turn`` to this client (raise ``MappingError`` if impossible)."""
    text = turn.reply_text()
    calls: list[Call] = []
    plan = _neutral(turn, inb, mapping)
    actions = [p for p in plan if isinstance(p, Action)]
    if actions and not inb.tools:
        text += ("\n" if text else "") + edit_text(actions, mapping.workdir)
    resolver = Resolver(inb.tools, mapping, index)
    for position, item in enumerate(plan):
        if isinstance(item, ScriptToolCall):
            call_id = turn.call_id(index, position)
            resolver.calls.append(Call(call_id, item.name, item.argument_text()))
        elif inb.tools:
            finish_text = resolver.add(item)
            if finish_text:
                text += ("\n" if text else "") + finish_text
    calls = resolver.calls
    finish = turn.finish_reason or ("tool_calls" if calls else "stop")
    return Outbound(
        text=text,
        calls=tuple(calls),
        finish=finish,
        prompt_tokens=inb.prompt_words,
        completion_tokens=completion_words(text, tuple(calls)),
    )
