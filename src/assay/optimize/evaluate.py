"""One evaluation of a harness: a throwaway copy, its setup, an ordinary assay run.

The harness is copied (regular files only) into a scratch folder, its setup commands run
there (their logs go to ``EVAL/setup``), a harness with ``scripts/`` gets its own copy of the
split's tasks with the scripts in each workspace (``EVAL/tasks``), and the run directory
``EVAL/run`` is an ordinary assay run of the project's agent with the harness applied (see
:mod:`assay.optimize.contract`). The copy is removed after the run, so nothing an
evaluation writes can reach the candidate it evaluated.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from assay.claims.data import Row
from assay.errors import InputError, RunAborted
from assay.optimize.contract import read_harness, run_setup
from assay.optimize.scripts import tasks_with_scripts
from assay.optimize.tree import copy_regular
from assay.records.attempt import AttemptRecord
from assay.records.manifest import AgentSpec, ConcurrencySpec, Manifest, TimeoutSpec
from assay.records.optimize import Objective, Project, SplitSpec
from assay.runner.execute import run_experiment
from assay.sandbox.scratch import scratch_dir
from assay.stats.proportions import wilson_bounds
from assay.store.rundir import RunDir

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Evaluation:
    """What one evaluation found: the attempts, by task × seed, and their objective."""

    run: Path
    records: list[AttemptRecord]
    metric: str
    duration_s: float
    setup_failure: str | None = None
    """Why the harness could not be evaluated (a setup command failed); then no records."""

    def value(self, record: AttemptRecord) -> float:
        """The objective's value of one attempt (0/1)."""
        return 1.0 if bool(getattr(record, self.metric)) else 0.0

    def objective(self) -> Objective:
        """Mean of the metric over attempts, with a Wilson 95% interval."""
        n = len(self.records)
        k = int(sum(self.value(r) for r in self.records))
        low, high = wilson_bounds(k, n, Z95) if n else (0.0, 1.0)
        mean = k / n if n else 0.0
        costs = [r.cost_usd for r in self.records]
        return Objective(
            metric=self.metric,
            mean=round(mean, 6),
            low=round(low, 6),
            high=round(high, 6),
            attempts=n,
            successes=k,
            tokens=sum(r.tokens.prompt + r.tokens.completion for r in self.records),
            cost_usd=None
            if any(c is None for c in costs)
            else round(sum(c for c in costs if c is not None), 8),
        )

    def rows(self, arm: str) -> list[Row]:
        """Claim rows: the unit is the task × seed (``TASK@sN``), so pairs match seed by seed."""
        return [
            Row(
                task=f"{r.task_id}@s{r.seed}",
                arm=arm,
                attempt=f"{arm}:{r.attempt_id}",
                value=self.value(r),
                seed=r.seed,
            )
            for r in self.records
        ]


def _suite(split: SplitSpec, base: Path) -> str:
    folder = base / split.suite
    return str(folder.resolve()) if folder.is_dir() else split.suite


def resolve_model(spec: str, base: Path) -> str:
    """A model spec with a scripted model's relative path made the project folder's."""
    if spec.startswith("scripted:") and not spec.startswith("scripted:builtin:"):
        path = Path(spec.split(":", 1)[1])
        return "scripted:" + str(path if path.is_absolute() else (base / path).resolve())
    return spec


def manifest_for(
    project: Project, split: SplitSpec, agent_config: dict[str, object], name: str, base: Path
) -> Manifest:
    """The manifest of one evaluation: the project's agent with the harness, on ``split``."""
    ev = project.evaluation
    return Manifest(
        name=name,
        suites=[_suite(split, base)],
        tasks=list(split.tasks),
        seeds=split.seeds,
        agents=[
            AgentSpec(
                id="harness", kind="loop", model=resolve_model(ev.model, base), config=agent_config
            )
        ],
        conditions=[ev.condition],
        concurrency=ConcurrencySpec(attempts=ev.attempts),
        timeouts=TimeoutSpec(attempt_s=ev.attempt_s),
    )


def evaluate(
    project: Project, base: Path, harness_dir: Path, split: SplitSpec, *, out: Path, name: str
) -> Evaluation:
    """Evaluate the harness in ``harness_dir`` on ``split`` into ``out`` (a new folder).

    A harness that breaks the contract (a bad ``harness.toml``, settings the agent refuses)
    raises ``InputError``; a failed setup command is returned as ``setup_failure``.
    """
    start = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    # The copy lives in a scratch folder the sandbox's uid can reach, removed afterwards.
    with scratch_dir("assay-optimize-eval-") as scratch:
        copy = scratch / "harness"
        copy_regular(harness_dir, copy)
        harness = read_harness(copy)
        config = harness.agent_config(dict(project.evaluation.config), str(harness_dir))
        for result in run_setup(
            harness, copy, out / "setup", timeout_s=project.evaluation.setup_timeout_s
        ):
            if result.timed_out or result.returncode != 0:
                how = "timed out" if result.timed_out else f"exit code {result.returncode}"
                return Evaluation(
                    run=out / "run",
                    records=[],
                    metric=project.evaluation.metric,
                    duration_s=time.monotonic() - start,
                    setup_failure=f"setup {result.argv} {how}: {result.stderr[-400:]}",
                )
        manifest = manifest_for(project, split, config, name, base)
        if harness.scripts:
            suite = _suite(split, base)
            folder = tasks_with_scripts(split, suite, harness_dir, harness.scripts, out / "tasks")
            manifest = manifest.model_copy(update={"suites": [str(folder)]})
        run_dir = out / "run"
        run = run_experiment(manifest, run_dir, show_progress=False, manifest_dir=base)
    records = sorted(run.latest().values(), key=lambda r: r.attempt_id)
    if len(records) < len(split.tasks) * split.seeds or any(
        r.outcome == "interrupted" for r in records
    ):
        # Stopped by Ctrl-C: never decide on part of an evaluation. Nothing is recorded in
        # the ledger, so a resume does this candidate again.
        print(
            f"stopped: the evaluation in {out} is unfinished; continue with"
            " `assay optimize --resume` on the optimization folder",
            file=sys.stderr,
        )
        raise RunAborted(str(run_dir))
    return Evaluation(
        run=run_dir,
        records=records,
        metric=project.evaluation.metric,
        duration_s=time.monotonic() - start,
    )


def results_for_proposer(evaluation: Evaluation) -> list[dict[str, object]]:
    """Per-attempt results for the instruction bundle: failures with their reasons."""
    out: list[dict[str, object]] = []
    for r in evaluation.records:
        out.append(
            {
                "task": r.task_id,
                "seed": r.seed,
                "outcome": r.outcome,
                evaluation.metric: bool(getattr(r, evaluation.metric)),
                "reasons": [] if r.verdict is None else list(r.verdict.reasons),
                "hidden_tests": None
                if r.verdict is None
                else f"{r.verdict.hidden.passed}/{r.verdict.hidden.total}",
            }
        )
    return out


def check_split(split: SplitSpec, base: Path, where: str) -> None:
    """A split's suite exists (bundled or a folder); its tasks are checked by the run."""
    from assay.tasks.suite import BUNDLED_ROOT

    if not (base / split.suite).is_dir() and not (BUNDLED_ROOT / split.suite).is_dir():
        raise InputError.single(
            where, "suite", f"no bundled suite or folder {split.suite!r}", "name a suite folder"
        )


def load_evaluation(root: Path, run: str, metric: str) -> Evaluation:
    """An evaluation already on disk (for a resume)."""
    records = sorted(RunDir.open(root / run).latest().values(), key=lambda r: r.attempt_id)
    return Evaluation(run=root / run, records=records, metric=metric, duration_s=0.0)
