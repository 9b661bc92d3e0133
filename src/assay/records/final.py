"""An attempt's final code and full verdict (``assay.final.v1``), kept beside its diff.

The runner writes ``finals/<attempt>.json`` (``<attempt>.tryN.json`` after a first try) when
an attempt ends with a gate verdict: the text of the task's candidate module as the attempt
left it and the full hidden-test verdict on that workspace. ``assay pool build --origin runs``
reads these; an attempt without one (an infrastructure fault, an interrupted attempt, a run
from before the file existed) has no final code to pool.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from assay.records.verdict import Verdict

FINAL_SCHEMA: Final = "assay.final.v1"


def final_file(attempt_id: str, try_: int = 1) -> str:
    """Where a try's final code is, relative to the run directory."""
    return f"finals/{attempt_id}" + (".json" if try_ == 1 else f".try{try_}.json")


class FinalCode(BaseModel):
    """The candidate module an attempt left, and the gate's full verdict on it."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_id: Literal["assay.final.v1"] = Field(default=FINAL_SCHEMA, alias="schema")
    attempt_id: str
    try_: int = Field(default=1, ge=1, alias="try")
    task_id: str
    module: str | None
    """The candidate module, relative to the workspace (None: the task has no single one)."""
    code: str | None
    """Its text (None: missing, not a regular file, over 1 MiB or not UTF-8; see ``why``)."""
    why: str = ""
    verdict: Verdict
    """The full gate (hidden tests included) on the final workspace."""
