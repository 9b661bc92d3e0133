"""The hidden truth: the full gate (hidden tests included) on an attempt's workspace.

The third way a round reaches the gate, and the only one that sees the hidden tests. Nobody
in the attempt is told its answer: it scores every channel inspection (did the channel pass
a workspace that actually fails?) and, on the final workspace, decides success.
"""

from __future__ import annotations

from assay.agents.workspace import Workspace
from assay.records.verdict import Verdict
from assay.store.rundir import EventLog
from assay.tasks.load import Task
from assay.verify.gate import verify


class HiddenTruth:
    """The full gate on the workspace, cached by its fingerprint (each state is gated once)."""

    def __init__(self, task: Task, ws: Workspace, events: EventLog) -> None:
        self.task, self.ws, self.events = task, ws, events
        self._cache: dict[str, Verdict] = {}

    def __call__(self) -> Verdict:
        """The full verdict on the workspace as it is now (emitted the first time it runs)."""
        fp = self.ws.fingerprint()
        if fp not in self._cache:
            verdict = verify(self.task, self.ws.root)
            self.events.emit(
                "verification",
                {"scope": "all", "verdict": verdict.model_dump(mode="json", by_alias=True)},
            )
            self._cache[fp] = verdict
        return self._cache[fp]
