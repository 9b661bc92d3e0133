"""Third-party agent CLIs as assay agents (``--agent cli:NAME``).

Codex, Claude Code, Gemini CLI, OpenCode, Pi, Qwen Code, mini-swe-agent and aider run in
the attempt's workspace against a scripted or proxied model, gated like the loop agent.
"""
