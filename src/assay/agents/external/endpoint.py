"""The model endpoint a CLI talks to: assay's scripted server, or a live provider via the proxy."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from assay.agents.external.base import DialectName, ServeHints
from assay.models.script_format import Script
from assay.serve import Mapping, RunningServer, ServeOptions, start_server


class Endpoint(Protocol):
    """A loopback HTTP endpoint for one run of a CLI, recording every model call."""

    dialect: DialectName
    model: str

    @property
    def port(self) -> int:
        """The loopback port."""
        ...

    def records(self) -> list[dict[str, Any]]:
        """One record per model call: model, tokens, latency, tool calls, status."""
        ...

    def problems(self) -> list[dict[str, Any]]:
        """Requests the endpoint refused or could not pass on."""
        ...

    def close(self) -> None:
        """Stop serving."""
        ...


class ScriptedEndpoint:
    """``assay serve`` on a free port, answering one run of a CLI from the arm's script."""

    def __init__(
        self,
        script: Script,
        *,
        dialect: DialectName,
        task: str,
        turn_base: int,
        workdir: Path,
        hints: ServeHints,
        dump_dir: Path,
    ) -> None:
        self.dialect = dialect
        self.model = script.model
        options = ServeOptions(
            default_task=task,
            turn_base=turn_base,
            turns=hints.turns,
            mapping=Mapping(
                workdir=str(workdir),
                text_edits=hints.text_edits,
                finish_command=hints.finish_command,
                read_before_write=hints.read_before_write,
            ),
            dump_dir=dump_dir,
        )
        self._running: RunningServer = start_server(script, options=options)

    @property
    def port(self) -> int:
        """The loopback port."""
        return self._running.port

    @property
    def next_turn(self) -> int:
        """The script turn a later run of the same attempt starts from."""
        return self._running.server.high_water + 1

    def records(self) -> list[dict[str, Any]]:
        """The server's record of every answered request."""
        return list(self._running.server.calls)

    def problems(self) -> list[dict[str, Any]]:
        """Requests the server refused (each saved to a file)."""
        return list(self._running.server.problems)

    def close(self) -> None:
        """Stop the server."""
        self._running.close()
