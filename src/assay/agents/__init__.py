"""Agents: the loop agent (tools, fresh-context passes), the one-shot agent, and their outcomes."""
