"""What a manifest's arms and channels are built from, and the check that they can be.

Building every arm (model, configuration, script) and channel once in a throwaway folder is
how a run refuses bad input before its run directory exists.
"""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path

from assay.agents.config import LoopConfig
from assay.agents.oneshot import OneShotConfig, OneShotRound
from assay.errors import InputError
from assay.models.fileio import validate
from assay.models.pricing import PriceTable
from assay.models.protocol import Model
from assay.models.script_format import Script
from assay.models.spec import load_model
from assay.oversight.protocol import Channel
from assay.oversight.registry import build_channel
from assay.records.manifest import Manifest
from assay.runner.bounded import BoundedModel
from assay.runner.builtin_scripts import materialize
from assay.runner.spec import Arm
from assay.store.rundir import RunDir
from assay.tasks.load import Task


def _model_spec(spec: str, run: RunDir, tasks: list[Task]) -> str:
    if spec.startswith("scripted:builtin:"):
        return "scripted:" + str(materialize(spec.split(":", 2)[2], run.root / "inputs", tasks))
    return spec


def price_table(manifest: Manifest) -> PriceTable | None:
    """The manifest's ``[prices]`` as the price table every model of the run is priced by."""
    if manifest.prices is None:
        return None
    models = {name: p.model_dump(exclude_none=True) for name, p in manifest.prices.items()}
    return PriceTable.from_dict({"models": models}, "manifest: prices")


def build_arms(manifest: Manifest, run: RunDir, tasks: list[Task]) -> dict[str, Arm]:
    """One arm per agent: its (bounded, priced) model, its configuration, its script."""
    arms = {}
    prices = price_table(manifest)
    for agent in manifest.agents:
        spec = _model_spec(agent.model, run, tasks)
        model = load_model(
            spec, price_table=prices, timeout_s=manifest.timeouts_or_default().call_s
        )
        script = getattr(model, "script", None)
        keys = script.task_keys() if isinstance(script, Script) else frozenset()
        cli = agent.kind.startswith("cli:")
        own_config = cli or agent.kind == "oneshot"
        arms[agent.id] = Arm(
            model=BoundedModel(model, manifest.concurrency.model_connections),
            config=LoopConfig()
            if own_config
            else validate(LoopConfig, agent.config, f"manifest: agents.{agent.id}.config"),
            script_keys=keys,
        )
        if agent.kind == "oneshot":
            settings = validate(OneShotConfig, agent.config, f"manifest: agents.{agent.id}.config")
            arms[agent.id].make_seeded = partial(OneShotRound, arms[agent.id].model, settings)
        if cli:
            from assay.agents.external.agent import cli_arm

            arms[agent.id].make_agent = cli_arm(
                agent.kind, model=model, model_spec=spec, config=agent.config, root=run.root
            )
    return arms


def build_channels(manifest: Manifest, run: RunDir, tasks: list[Task]) -> dict[str, Channel]:
    """Every channel the conditions name, the reviewer's model loaded once for all."""
    names = {n for c in manifest.conditions for n in c.channels}
    names |= {c.escalate_to for c in manifest.conditions if c.escalate_to}
    review_model = None
    if "review" in names:
        if manifest.review.kind == "human":
            names = {("review:human" if n == "review" else n) for n in names}
        elif manifest.review.model is None:
            raise InputError.single(
                "manifest",
                "review.model",
                "review needs a model",
                "set review.model, e.g. openai:gpt-4o-mini",
            )
        else:
            review_model = load_model(
                _model_spec(manifest.review.model, run, tasks),
                price_table=price_table(manifest),
                timeout_s=manifest.timeouts_or_default().call_s,
            )
    _check_budget(manifest, review_model)
    out: dict[str, Channel] = {}
    for name in sorted(names):
        key = "review" if name == "review:human" else name
        out[key] = build_channel(name, cost=manifest.costs.get(key, 0.0), review_model=review_model)
    return out


def _check_budget(manifest: Manifest, review_model: Model | None) -> None:
    """A dollar or token review limit must be one a review can be counted against."""
    budget = manifest.review_budget
    if budget is None:
        return
    prices = price_table(manifest)
    for scope, limits in (("attempt", budget.attempt), ("run", budget.run)):
        if limits is None or (limits.usd is None and limits.tokens is None):
            continue
        if review_model is None:
            raise InputError.single(
                "manifest",
                f"review_budget.{scope}",
                "dollar and token limits need a model reviewer (a person spends neither)",
                "limit the reviews by count (reviews) or by cost",
            )
        name = review_model.name
        if limits.usd is not None and (prices is None or prices.price(name) is None):
            raise InputError.single(
                "manifest",
                f"review_budget.{scope}.usd",
                f"the reviewer model {name!r} has no price, so its dollars are unknown",
                f'price it in the manifest: [prices."{name}"] with input and output',
            )


def check_manifest(manifest: Manifest, tasks: list[Task]) -> None:
    """Build every arm and channel once in a throwaway folder: bad input fails before a run."""
    with tempfile.TemporaryDirectory(prefix="assay-check-") as tmp:
        probe = RunDir(Path(tmp))
        build_arms(manifest, probe, tasks)
        build_channels(manifest, probe, tasks)
