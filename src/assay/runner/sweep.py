"""``assay sweep``: one manifest expanded into arms, one per combination of swept settings.

``--param agents.ID.KEY=V1,V2,...`` gives agent ``ID``'s config key ``KEY`` each value in
turn; several parameters form their cartesian product. Each combination is an agent of its
own, ``ID.KEY-VALUE[.KEY-VALUE...]`` (the other settings of ``ID`` kept), and the manifest
records the parameters in ``sweep``, so the expanded manifest written to the run directory
pre-registers every arm. A claim whose ``where.agent`` names a swept agent names every arm
that agent was expanded into (the claim pools them).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from typing import Any

from assay.errors import InputError
from assay.records.manifest import Manifest, SweepParam, SweepValue, manifest_from_dict

_PARAM = re.compile(r"^agents\.([A-Za-z0-9][A-Za-z0-9_.:-]*)\.([a-z_][a-z0-9_]*)=(.+)$")


def parse_value(text: str) -> SweepValue:
    """A value as typed: ``true``/``false``, an integer, a finite float, else the string."""
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def parse_param(text: str) -> SweepParam:
    """Parse ``agents.ID.KEY=V1,V2,...``; raise ``InputError`` naming what is wrong."""
    match = _PARAM.match(text)
    if match is None:
        raise InputError.single(
            "command line",
            "--param",
            f"{text!r} is not agents.ID.KEY=V1,V2,...",
            "give e.g. --param agents.loop.ctx_limit=4000,8000,16000",
        )
    agent, key, rest = match.groups()
    raw = rest.split(",")
    if any(not v.strip() for v in raw):
        raise InputError.single(
            "command line", "--param", f"{text!r} has an empty value", "separate values by ','"
        )
    values = [parse_value(v.strip()) for v in raw]
    if len({json.dumps(v) for v in values}) != len(values):
        raise InputError.single(
            "command line", "--param", f"{text!r} repeats a value", "give each value once"
        )
    return SweepParam(agent=agent, key=key, values=values)


def _label(value: SweepValue) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def expand(manifest: Manifest, params: list[SweepParam]) -> Manifest:
    """The manifest with each swept agent replaced by one agent per combination."""
    if not params:
        raise InputError.single("command line", "--param", "no parameter given", "add --param")
    known = {a.id for a in manifest.agents}
    for p in params:
        if p.agent not in known:
            raise InputError.single(
                "command line",
                "--param",
                f"agent {p.agent!r} is not in the manifest",
                f"use one of: {', '.join(sorted(known))}",
            )
    keys = [(p.agent, p.key) for p in params]
    if len(set(keys)) != len(keys):
        raise InputError.single(
            "command line", "--param", "a key is swept twice", "give each key one --param"
        )
    agents: list[dict[str, Any]] = []
    expanded: dict[str, list[str]] = {}
    for agent in manifest.agents:
        mine = [p for p in params if p.agent == agent.id]
        base = agent.model_dump(mode="json")
        if not mine:
            agents.append(base)
            continue
        for combo in itertools.product(*(p.values for p in mine)):
            label = ".".join(f"{p.key}-{_label(v)}" for p, v in zip(mine, combo, strict=True))
            config = {**agent.config, **{p.key: v for p, v in zip(mine, combo, strict=True)}}
            agents.append({**base, "id": f"{agent.id}.{label}", "config": config})
            expanded.setdefault(agent.id, []).append(f"{agent.id}.{label}")
    raw = manifest.model_dump(mode="json", by_alias=True)
    raw["agents"] = agents
    for claim in raw.get("claims", []):
        where = claim.get("where") or {}
        if where.get("agent"):
            # A claim on a swept agent is decided on every arm it was expanded into.
            where["agent"] = [new for old in where["agent"] for new in expanded.get(old, [old])]
    raw["sweep"] = [p.model_dump(mode="json") for p in params]
    return manifest_from_dict(raw, source="assay sweep")
