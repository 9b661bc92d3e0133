"""The optimization loop: baseline, then propose → classify → evaluate → select, then held out.

Layout of the optimization folder::

    project.json, project.sha256      the validated project, hashed (a resume checks it)
    project.source                    the project file's folder (its paths are relative to it)
    ledger.jsonl, ledger.tsv          one line per candidate (and per held-out side)
    leaderboard.json                  evaluated candidates, best first; the final best
    candidates/c0000/workspace        the baseline harness (regular files only)
    candidates/c0000/evaluation/run   its evaluation: an ordinary assay run directory
    candidates/cNNNN/workspace        a child, materialized from the incumbent
    candidates/cNNNN/proposal/        prompt.txt, stdout.txt, stderr.txt, last_message.txt,
                                      workspace.diff, change_manifest.json, usage.json, bundle/
    candidates/cNNNN/evaluation/run   the child's evaluation (if it got one)
    candidates/cNNNN/incumbent/run    the incumbent evaluated again beside it
    heldout/baseline/run, heldout/best/run

A candidate is recorded in the ledger only once it is finished; a resume removes the folder
of a candidate (or held-out side) that has no ledger line and does it again.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from assay.errors import InputError
from assay.optimize import ledger
from assay.optimize.agent_proposer import agent_config, run_agent
from assay.optimize.bundle import write_bundle
from assay.optimize.evaluate import (
    Evaluation,
    check_split,
    evaluate,
    load_evaluation,
    results_for_proposer,
)
from assay.optimize.proposals import Proposals, load_proposals
from assay.optimize.proposer import (
    ProposalRun,
    run_cli,
    run_command,
    run_scripted,
    write_proposal,
)
from assay.optimize.select import choose, decide
from assay.optimize.state import State, budget_reached
from assay.optimize.tree import (
    BUNDLE_DIR,
    Change,
    compare,
    copy_regular,
    outside,
    remove_tree,
    snapshot,
)
from assay.records.canonical import dumps
from assay.records.optimize import CandidateRecord, Outcome, Project, Usage
from assay.store.atomic import write_atomic
from assay.store.rundir import RunDir

BASELINE = "c0000"
SOURCE = "project.source"
Say = Callable[[str], None]


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


class Optimization:
    """One optimization folder and the project it runs."""

    def __init__(self, project: Project, base: Path, out: Path, say: Say) -> None:
        self.project = project
        self.base = base
        self.out = out
        self.say = say
        self.proposals: Proposals | None = None
        if project.proposer.kind == "scripted":
            assert project.proposer.script is not None
            self.proposals = load_proposals(base / project.proposer.script)
        baseline = base / project.harness.baseline
        if not baseline.is_dir():
            raise InputError.single(
                "project", "harness.baseline", f"no folder {baseline}", "give the harness folder"
            )
        if project.proposer.kind.startswith("cli:"):
            from assay.agents.external.registry import ADAPTERS

            name = project.proposer.kind.split(":", 1)[1]
            if name not in ADAPTERS:
                raise InputError.single(
                    "project",
                    "proposer.kind",
                    f"unknown agent CLI {name!r}",
                    f"use one of {', '.join(sorted(ADAPTERS))}",
                )
        if project.proposer.kind == "agent":
            agent_config(project.proposer)  # bad settings: exit 2 before anything runs
        check_split(project.search, base, "project: search")
        check_split(project.heldout, base, "project: heldout")

    # -- the folder ------------------------------------------------------------------------
    def start(self, *, resume: bool) -> None:
        """Create the folder (new) or check it holds this project (resume)."""
        digest_path = self.out / "project.sha256"
        if resume:
            if not digest_path.is_file():
                raise InputError.single(
                    self.out, "", "not an optimization folder", "give the --out of a run"
                )
            if digest_path.read_text(encoding="utf-8").strip() != self.project.digest():
                raise InputError.single(
                    self.out,
                    "project.sha256",
                    "the project changed since this optimization started",
                    "resume with the same project file, or start a new --out",
                )
            return
        if self.out.exists() and any(self.out.iterdir()):
            raise InputError.single(
                self.out, "", "the folder exists and is not empty", "give a new --out"
            )
        self.out.mkdir(parents=True, exist_ok=True)
        write_atomic(self.out / "project.json", dumps(self.project, indent=2) + "\n")
        # Where the project's relative paths point: a resume without the project file needs it.
        write_atomic(self.out / SOURCE, str(self.base) + "\n")
        write_atomic(digest_path, self.project.digest() + "\n")

    def _cleanup_unfinished(self, records: list[CandidateRecord]) -> None:
        done = {r.candidate for r in records if not r.outcome.startswith("heldout")}
        sides = {r.outcome for r in records}
        for folder in sorted((self.out / "candidates").glob("c*")):
            if folder.name not in done:
                self.say(f"{folder.name}: unfinished before; starting it again")
                remove_tree(folder)
        for side in ("baseline", "best"):
            if f"heldout-{side}" not in sides:
                remove_tree(self.out / "heldout" / side)

    # -- the whole run ---------------------------------------------------------------------
    def run(self) -> list[CandidateRecord]:
        """Run (or continue) the optimization to the end; return the ledger."""
        with RunDir(self.out).lock("optimize"):
            records = ledger.read_ledger(self.out)
            self._cleanup_unfinished(records)
            state = self._baseline(records)
            while self._budget_left(state):
                state.iteration += 1
                self._iteration(state)
            self._heldout(state)
            return ledger.write_indexes(self.out, finished=True)

    def _record(self, record: CandidateRecord) -> None:
        ledger.append(self.out, record)
        ledger.write_indexes(self.out, finished=False)
        objective = "" if record.objective is None else f" objective {record.objective.mean:.3f}"
        self.say(f"{record.candidate} {record.outcome}{objective}: {record.reason}")

    def _evaluate(self, harness: Path, where: Path, name: str, heldout: bool = False) -> Evaluation:
        split = self.project.heldout if heldout else self.project.search
        return evaluate(self.project, self.base, harness, split, out=where, name=name)

    def _baseline(self, records: list[CandidateRecord]) -> State:
        if records:
            return self._state_from(records)
        ws = self.out / "candidates" / BASELINE / "workspace"
        skipped = copy_regular(self.base / self.project.harness.baseline, ws)
        evaluation = self._evaluate(ws, ws.parent / "evaluation", f"{self.project.name}-{BASELINE}")
        if evaluation.setup_failure is not None:
            raise InputError.single(
                "project", "harness.baseline", evaluation.setup_failure, "fix the baseline's setup"
            )
        note = f"; symlinks not copied: {skipped}" if skipped else ""
        self._record(
            CandidateRecord(
                candidate=BASELINE,
                parent=None,
                iteration=0,
                outcome="baseline",
                reason="the baseline harness" + note,
                objective=evaluation.objective(),
                evaluation_s=round(evaluation.duration_s, 4),
                run=_relative(evaluation.run, self.out),
                best=BASELINE,
            )
        )
        return State(BASELINE, evaluation, 0, 1, 0, 0.0, evaluation.duration_s)

    def _state_from(self, records: list[CandidateRecord]) -> State:
        metric = self.project.evaluation.metric
        search = [r for r in records if not r.outcome.startswith("heldout")]
        last = search[-1]
        # The incumbent's latest evaluation: the one the last evaluated line paired with.
        run = None
        for r in reversed(search):
            if r.outcome in ("baseline", "keep"):
                run = r.run
            elif r.outcome == "discard" and r.incumbent_run is not None:
                run = r.incumbent_run
            if run is not None:
                break
        assert run is not None  # the baseline line always has its run
        return State(
            best=last.best,
            incumbent=load_evaluation(self.out, run, metric),
            iteration=last.iteration,
            evaluations=sum(
                (r.run is not None) + (r.incumbent_run is not None)
                for r in search
                if r.outcome in ledger.EVALUATED
            ),
            tokens=sum(r.usage.tokens or 0 for r in search),
            cost_usd=sum(r.usage.cost_usd or 0.0 for r in search),
            spent_s=sum(r.usage.duration_s + r.evaluation_s for r in search),
        )

    def _budget_left(self, state: State) -> bool:
        reached = budget_reached(self.project.budget, state)
        if reached is not None:
            self.say(f"budget reached: {reached}")
        return reached is None

    # -- one iteration ---------------------------------------------------------------------
    def _propose(self, state: State, cid: str, ws: Path, folder: Path) -> ProposalRun:
        prompt = write_bundle(
            ws,
            self.project,
            iteration=state.iteration,
            parent=state.best,
            parent_results=results_for_proposer(state.incumbent),
        )
        (folder / "prompt.txt").write_text(prompt, encoding="utf-8")
        spec = self.project.proposer
        if self.proposals is not None:
            ran = run_scripted(self.proposals, state.iteration, ws, spec.timeout_s, folder)
        elif spec.kind == "command":
            ran = run_command(spec, ws, folder)
        elif spec.kind == "agent":
            ran = run_agent(spec, ws, prompt=prompt, candidate=cid, logdir=folder, base=self.base)
        else:
            ran = run_cli(spec, ws, prompt=prompt, candidate=cid, logdir=folder, base=self.base)
        shutil.move(ws / BUNDLE_DIR, folder / "bundle")
        return ran

    def _iteration(self, state: State) -> None:
        cid = f"c{state.iteration:04d}"
        cdir = self.out / "candidates" / cid
        ws, folder = cdir / "workspace", cdir / "proposal"
        parent_ws = self.out / "candidates" / state.best / "workspace"
        copy_regular(parent_ws, ws)
        folder.mkdir(parents=True)
        before = snapshot(parent_ws)
        ran = self._propose(state, cid, ws, folder)
        change = compare(before, snapshot(ws))
        write_proposal(folder, ran, change, parent_ws, ws)
        usage = Usage(
            tokens=ran.tokens,
            cost_usd=ran.cost_usd,
            duration_s=ran.duration_s,
            exit_code=ran.returncode,
        )
        state.tokens += ran.tokens or 0
        state.cost_usd += ran.cost_usd or 0.0
        state.spent_s += ran.duration_s
        outcome, reason = self._classify(ran, change)
        common: dict[str, object] = {
            "candidate": cid,
            "parent": state.best,
            "iteration": state.iteration,
            "changed_files": change.paths,
            "usage": usage,
        }
        if outcome is not None:
            self._record(_line(common, outcome=outcome, reason=reason, best=state.best))
            return
        self._select(state, cid, cdir, common)

    def _classify(self, ran: ProposalRun, change: Change) -> tuple[Outcome | None, str]:
        """The outcome decided without evaluating, or None (evaluate it)."""
        if ran.timed_out:
            return "timeout", f"the proposer ran past {self.project.proposer.timeout_s} s"
        if ran.returncode != 0:
            return "crash", f"the proposer exited with code {ran.returncode}"
        regular = [p for p in change.paths if p not in change.symlinks]
        bad = outside(regular, self.project.harness.allowed_write_paths)
        if bad or change.symlinks:
            links = f"; symlinks {change.symlinks}" if change.symlinks else ""
            return "scope-violation", f"outside allowed_write_paths: {bad}{links}"
        if not change.paths:
            return "no-change", "the proposer changed nothing"
        return None, ""

    def _select(self, state: State, cid: str, cdir: Path, common: dict[str, object]) -> None:
        name = f"{self.project.name}-{cid}"
        try:
            child = self._evaluate(cdir / "workspace", cdir / "evaluation", name)
        except InputError as exc:
            reason = f"the harness breaks the contract: {exc}"
            self._record(_line(common, outcome="crash", reason=reason, best=state.best))
            return
        state.evaluations += 1
        state.spent_s += child.duration_s
        if child.setup_failure is not None:
            self._record(
                _line(common, outcome="crash", reason=child.setup_failure, best=state.best)
            )
            return
        sel, b = self.project.selection, self.project.budget
        incumbent = state.incumbent
        incumbent_run = None
        if sel.reevaluate_incumbent and (
            b.evaluations is None or state.evaluations < b.evaluations
        ):
            parent_ws = self.out / "candidates" / state.best / "workspace"
            incumbent = self._evaluate(parent_ws, cdir / "incumbent", f"{name}-incumbent")
            state.evaluations += 1
            state.spent_s += incumbent.duration_s
            incumbent_run = _relative(incumbent.run, self.out)
        choice = choose((cid, state.best), child, incumbent, sel)
        spent = child.duration_s + (incumbent.duration_s if incumbent_run else 0.0)
        self._record(
            _line(
                common,
                outcome="keep" if choice.kept else "discard",
                reason=choice.reason,
                objective=child.objective(),
                incumbent_objective=incumbent.objective(),
                gate=choice.gate,
                rule=choice.rule,
                non_inferiority=choice.non_inferiority,
                cost=choice.cost,
                evaluation_s=round(spent, 4),
                run=_relative(child.run, self.out),
                incumbent_run=incumbent_run,
                best=cid if choice.kept else state.best,
            )
        )
        if choice.kept:
            state.best, state.incumbent = cid, child
        else:
            state.incumbent = incumbent

    # -- held out --------------------------------------------------------------------------
    def _heldout(self, state: State) -> None:
        records = ledger.read_ledger(self.out)
        done: dict[str, CandidateRecord] = {
            r.outcome: r for r in records if r.outcome.startswith("heldout")
        }
        metric = self.project.evaluation.metric
        sides: dict[str, Evaluation] = {}
        for side, cid in (("baseline", BASELINE), ("best", state.best)):
            line = done.get(f"heldout-{side}")
            if line is not None and line.run is not None:
                sides[side] = load_evaluation(self.out, line.run, metric)
                continue
            harness = self.out / "candidates" / cid / "workspace"
            evaluation = self._evaluate(
                harness, self.out / "heldout" / side, f"{self.project.name}-heldout-{side}", True
            )
            sides[side] = evaluation
            gate = None
            if side == "best":
                gate = decide(
                    f"heldout-{cid}-beats-{BASELINE}",
                    evaluation,
                    sides["baseline"],
                    margin=self.project.heldout.margin,
                    alpha=self.project.selection.alpha,
                    min_n=self.project.selection.min_n,
                )
            reason = (
                f"held-out evaluation of {cid}"
                if gate is None
                else f"held-out claim {gate.status}"
                + ("" if gate.reason is None else f" ({gate.reason})")
                + f": {gate.detail}"
            )
            self._record(
                CandidateRecord(
                    candidate=cid,
                    parent=None,
                    iteration=state.iteration,
                    outcome="heldout-best" if side == "best" else "heldout-baseline",
                    reason=reason,
                    objective=evaluation.objective(),
                    incumbent_objective=None if gate is None else sides["baseline"].objective(),
                    gate=gate,
                    evaluation_s=round(evaluation.duration_s, 4),
                    run=_relative(evaluation.run, self.out),
                    best=state.best,
                )
            )


def _line(common: dict[str, object], **fields: object) -> CandidateRecord:
    return CandidateRecord.model_validate({**common, **fields})
