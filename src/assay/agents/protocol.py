"""The Agent Protocol: one round of work in a workspace, ending in an AgentResult."""

from __future__ import annotations

import threading
from typing import Protocol

from assay.agents.loop import AgentResult, Emit
from assay.agents.tools import Toolbox


class Agent(Protocol):
    """Anything that works on a task in ``toolbox``'s workspace: the loop agent, a CLI agent.

    ``conversation`` keys a scripted model's replay; ``stop`` asks the agent to end early
    (the result is then ``interrupted``). The gate, not the agent, decides success.
    """

    def run(
        self,
        toolbox: Toolbox,
        *,
        prompt: str,
        conversation: str,
        emit: Emit,
        stop: threading.Event | None = None,
    ) -> AgentResult:
        """Work until done, stuck, out of budget, faulted or stopped."""
        ...
