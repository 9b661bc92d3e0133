"""Manifests built from command-line options (``assay run --suite ... --model ...``)."""

from __future__ import annotations

import re
from pathlib import Path

from assay.errors import InputError
from assay.records.manifest import Manifest, manifest_from_dict

# Channels and retries of the standard conditions, as in the bundled demo.
STANDARD_CONDITIONS: dict[str, dict[str, object]] = {
    "solo": {"id": "solo"},
    "auto": {"id": "auto", "channels": ["public-tests", "lint", "hazard-scan"], "max_retries": 2},
    "escalate": {
        "id": "escalate",
        "channels": ["public-tests", "lint", "hazard-scan"],
        "max_retries": 2,
        "escalate_to": "review",
        "escalate_when": ["hazard", "repeated_failure"],
    },
}


def quick_manifest(
    *,
    suite: str,
    agent: str,
    model: str,
    conditions: list[str],
    seeds: int,
    temperature: float | None = None,
    max_tokens: int | None = None,
) -> Manifest:
    """A manifest for one suite, one agent and model, and standard conditions.

    ``temperature`` and ``max_tokens``, when given, go to the agent's config (the loop and
    one-shot agents both take them).

    A condition id that is not a standard one is bad input (a typo would otherwise run a
    condition without channels under the mistyped name).
    """
    unknown = [c for c in conditions if c not in STANDARD_CONDITIONS]
    if unknown:
        raise InputError.single(
            "command line",
            "--conditions",
            f"unknown condition ids {unknown}",
            f"use ids among {', '.join(STANDARD_CONDITIONS)} (comma-separated), or write a"
            " manifest with conditions of your own",
        )
    conds = [STANDARD_CONDITIONS[c] for c in conditions]
    config: dict[str, object] = {}
    if temperature is not None:
        config["temperature"] = temperature
    if max_tokens is not None:
        config["max_tokens"] = max_tokens
    raw = {
        # One folder name whatever the suite's path: the run goes to runs/NAME-STAMP.
        "name": re.sub(r"[^A-Za-z0-9_.-]", "-", f"quick-{Path(suite).name or 'suite'}")[:100],
        "suites": [suite],
        "seeds": seeds,
        "agents": [{"id": agent, "kind": agent, "model": model, "config": config}],
        "conditions": conds,
        "review": {"kind": "llm", "model": model},
        "costs": {"public-tests": 0.5, "lint": 0.1, "hazard-scan": 0.1, "review": 10.0},
    }
    return manifest_from_dict(raw, source="command line")
