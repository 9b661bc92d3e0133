"""Agents: the loop agent (tools, fresh-context passes), the one-shot agent, external CLIs.

- ``protocol`` — the ``Agent`` protocol every agent satisfies (one round in a workspace);
- ``loop``     — the built-in loop agent and its ``AgentResult``; ``config`` its budgets;
- ``tools``    — the toolbox (read/write/edit/list, allowlisted run, done) and its stats;
- ``actions``  — native tool calls and text actions parsed from model replies;
- ``workspace``— the attempt's workspace with protected paths; ``oneshot`` — prompt → code;
- ``external/``— third-party agent CLIs run in the workspace (``--agent cli:NAME``).
"""

from assay.agents.config import LoopConfig
from assay.agents.loop import AgentResult, LoopAgent
from assay.agents.oneshot import OneShotAgent, extract_code
from assay.agents.protocol import Agent
from assay.agents.tools import Toolbox, load_act_ratio
from assay.agents.workspace import MEMORY_FILE, Workspace

__all__ = [
    "MEMORY_FILE",
    "Agent",
    "AgentResult",
    "LoopAgent",
    "LoopConfig",
    "OneShotAgent",
    "Toolbox",
    "Workspace",
    "extract_code",
    "load_act_ratio",
]
