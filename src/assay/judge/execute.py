"""``assay judge``: every selected attempt of a run, judged blind against its task's reference.

Under the run directory's lock, for each attempt (successful ones by default, every finished
one with ``include_all``), each judge model and each order of the pair, one call: the
judge reads the rubric, the task's prompt and the two solutions (``judge.prompt``), and its
reply is read by ``judge.reply``. Each judgment is one synced line of ``judgments.jsonl``;
what a killed run already recorded is skipped when it is run again, so nothing is judged
twice. A model fault records nothing (the pair is judged on the next run); an unreadable
reply is a ``failed`` judgment. Nothing here writes to ``attempts.jsonl`` or the claims.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from assay.errors import InputError
from assay.judge.code import PairCode, pair_code
from assay.judge.lint import lint_counts, ruff_command
from assay.judge.patch import PatchError
from assay.judge.prompt import judge_messages
from assay.judge.reply import Failure, Scored, parse_reply
from assay.judge.rubric import Rubric
from assay.models.protocol import Model, ModelFault
from assay.models.types import META_CONVERSATION, META_TASK, Request
from assay.records.attempt import AttemptRecord, Tokens
from assay.records.canonical import dumps
from assay.records.judgment import (
    JUDGMENTS_FILE,
    DimensionScore,
    JudgmentRecord,
    LintCounts,
    Position,
    SideScores,
)
from assay.store import RunDir, append_synced, committed_lines, repair_tail
from assay.tasks.load import Task, load_task

FINISHED = frozenset({"completed", "stagnated", "budget"})
"""Outcomes of attempts that ran to the agent's own end (``--all`` judges these)."""
EXCERPT = 500


@dataclass(frozen=True)
class JudgeOptions:
    """What ``assay judge`` was asked to do."""

    judges: tuple[str, ...]
    rubric: Rubric
    include_all: bool = False
    both_orders: bool = False
    seed: int = 0
    max_tokens: int = 2048
    limit: int | None = None
    """Judge at most this many pairs: a seeded random sample of the selected attempts."""
    temperature: float = 0.0
    timeout_s: float = 600.0


@dataclass
class JudgeSummary:
    """What one ``assay judge`` did."""

    pairs: int = 0
    written: int = 0
    skipped: int = 0
    """Judgments already recorded (a resumed run)."""
    failed: int = 0
    faults: list[str] = field(default_factory=list)
    """Calls that got no reply: nothing recorded, judged on the next run."""


def read_judgments(root: Path) -> list[JudgmentRecord]:
    """The committed judgments of a run (none when the file is absent); bad lines exit 2."""
    path = root / JUDGMENTS_FILE
    if not path.exists():
        return []
    out = []
    for n, line in committed_lines(path, "the judgments"):
        if not line.strip():
            continue
        try:
            out.append(JudgmentRecord.model_validate(json.loads(line)))
        except (ValueError, ValidationError) as exc:
            raise InputError.single(
                path, f"line {n}", f"not a judgment record: {exc}", "restore it from a backup"
            ) from None
    return out


def position_of(seed: int, pair_id: str) -> Position:
    """The seeded random side the subject is shown on (the same for every judge)."""
    return "first" if random.Random(f"{seed}/{pair_id}").random() < 0.5 else "second"


def orders(seed: int, pair_id: str, both: bool) -> tuple[Position, ...]:
    """The positions a pair is judged in: the drawn one, then the other one if ``both``."""
    drawn = position_of(seed, pair_id)
    other: Position = "second" if drawn == "first" else "first"
    return (drawn, other) if both else (drawn,)


def selected(
    records: list[AttemptRecord], include_all: bool, limit: int | None = None, seed: int = 0
) -> list[AttemptRecord]:
    """Successful attempts (or every finished one), in attempt-id order.

    With ``limit``, a sample of that many drawn with ``seed``: the same sample every time,
    so a resumed or repeated run judges the same pairs.
    """
    keep = sorted(
        (r for r in records if (r.outcome in FINISHED if include_all else r.success)),
        key=lambda r: r.attempt_id,
    )
    if limit is not None and limit < len(keep):
        keep = sorted(
            random.Random(f"{seed}/sample").sample(keep, limit), key=lambda r: r.attempt_id
        )
    return keep


def _tasks(run: RunDir) -> dict[str, Task]:
    listed = run.tasks()
    if listed is None:
        raise InputError.single(
            run.root / "tasks.json",
            "",
            "missing: this run predates the task list, so its tasks cannot be found",
            "re-run the experiment with this assay",
        )
    return {t.id: load_task(t.folder) for t in listed.tasks}


def _side(parsed: dict[str, Scored], rubric: Rubric) -> SideScores:
    dims = {k: DimensionScore(reason=v.reason, score=v.score) for k, v in parsed.items()}
    return SideScores(dimensions=dims, total=rubric.total({k: v.score for k, v in parsed.items()}))


@dataclass(frozen=True)
class _Pair:
    attempt: AttemptRecord
    task: Task
    code: PairCode | None
    problem: str | None
    subject_lint: LintCounts
    reference_lint: LintCounts


class _Judging:
    """One ``assay judge`` over one run, under its lock."""

    def __init__(self, run: RunDir, options: JudgeOptions, models: dict[str, Model]) -> None:
        self.run = run
        self.options = options
        self.models = models
        self.summary = JudgeSummary()
        self.ruff = ruff_command()
        # Keyed by the shown files, not the task: the paths shown depend on the attempt.
        self._reference_lint: dict[tuple[tuple[str, str | None], ...], LintCounts] = {}

    def todo(self, attempt_id: str, done: set[tuple[str, str, str]]) -> list[tuple[str, Position]]:
        """The (judge, position) judgments of a pair not recorded yet."""
        wanted = orders(self.options.seed, attempt_id, self.options.both_orders)
        return [(s, p) for s in self.models for p in wanted if (s, attempt_id, p) not in done]

    def pairs(self, tasks: dict[str, Task], done: set[tuple[str, str, str]]) -> Iterator[_Pair]:
        opts = self.options
        chosen = selected(list(self.run.latest().values()), opts.include_all, opts.limit, opts.seed)
        for attempt in chosen:
            task = tasks.get(attempt.task_id)
            if task is None:
                continue  # a task absent from tasks.json cannot be rebuilt; nothing to judge
            self.summary.pairs += 1
            if not self.todo(attempt.attempt_id, done):
                continue  # judged already: nothing to rebuild or lint
            try:
                diff = (self.run.root / attempt.diff).read_text(encoding="utf-8")
                code: PairCode | None = pair_code(task, diff)
                problem = None
            except (OSError, UnicodeDecodeError, PatchError) as exc:
                code, problem = None, f"the attempt's code could not be rebuilt: {exc}"
            none = LintCounts(total=None, unavailable="no code")
            sub = none if code is None else lint_counts(code.subject, self.ruff)
            ref = none
            if code is not None:
                key = tuple(sorted(code.reference.items()))
                if key not in self._reference_lint:
                    self._reference_lint[key] = lint_counts(code.reference, self.ruff)
                ref = self._reference_lint[key]
            yield _Pair(attempt, task, code, problem, sub, ref)

    def judge(self, pair: _Pair, spec: str, position: Position) -> JudgmentRecord | None:
        rubric, opts = self.options.rubric, self.options
        a = pair.attempt
        base = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "judge_spec": spec,
            "judge_model": self.models[spec].name,
            "rubric": rubric.label,
            "rubric_version": rubric.version,
            "rubric_sha256": rubric.sha256,
            "pair_id": a.attempt_id,
            "position": position,
            "order_seed": opts.seed,
            "task_id": a.task_id,
            "attempt_id": a.attempt_id,
            "subject_arm": f"{a.agent_id}/{a.condition}",
            "subject_model": a.model,
            "weights": rubric.weights,
            "subject_lint": pair.subject_lint,
            "reference_lint": pair.reference_lint,
        }
        if pair.code is None:
            return JudgmentRecord(
                **base, status="failed", failure=pair.problem, prompt_sha256="", tokens=Tokens()
            )
        sides = (pair.code.subject, pair.code.reference)
        first, second = sides if position == "first" else sides[::-1]
        messages = judge_messages(rubric, pair.task.prompt_text, first, second)
        request = Request(
            messages=messages,
            temperature=opts.temperature,
            max_tokens=opts.max_tokens,
            seed=opts.seed,
            metadata={META_TASK: a.task_id, META_CONVERSATION: f"{a.attempt_id}#{position}"},
        )
        prompt_sha = hashlib.sha256(
            "\n\0".join(f"{m.role}\n{m.content}" for m in messages).encode()
        ).hexdigest()
        try:
            reply = self.models[spec].generate(request)
        except ModelFault as exc:
            self.summary.faults.append(f"{spec} on {a.attempt_id} ({position}): {exc}")
            return None
        spend = {
            "prompt_sha256": prompt_sha,
            "tokens": Tokens(
                prompt=reply.usage.prompt,
                completion=reply.usage.completion,
                cached=reply.usage.cached,
            ),
            "cost_usd": reply.cost_usd,
            "latency_s": round(reply.latency_s, 4),
        }
        parsed = parse_reply(reply.text, rubric)
        if isinstance(parsed, Failure):
            return JudgmentRecord(
                **base,
                **spend,
                status="failed",
                failure=parsed.reason,
                reply_excerpt=reply.text[:EXCERPT],
            )
        shown_first, shown_second = _side(parsed.a, rubric), _side(parsed.b, rubric)
        subject, reference = (
            (shown_first, shown_second) if position == "first" else (shown_second, shown_first)
        )
        return JudgmentRecord(
            **base,
            **spend,
            status="ok",
            subject=subject,
            reference=reference,
            gap=subject.total - reference.total,
        )


def _same_design(path: Path, recorded: list[JudgmentRecord], options: JudgeOptions) -> None:
    """Refuse to mix rubrics or order seeds in one file: its judgments must be comparable."""
    designs = {(j.rubric, j.rubric_sha256, j.order_seed) for j in recorded}
    mine = (options.rubric.label, options.rubric.sha256, options.seed)
    other = sorted(d for d in designs if d != mine)
    if other:
        rubric, sha, seed = other[0]
        raise InputError.single(
            path,
            "rubric, order_seed",
            f"already holds judgments with rubric {rubric} (sha256 {sha[:12]}) and seed {seed};"
            f" this run asks for {mine[0]} (sha256 {mine[1][:12]}) and seed {mine[2]}",
            "judge with the same --rubric and --seed, or move judgments.jsonl away first",
        )


def judge_run(
    root: Path,
    options: JudgeOptions,
    load: Callable[[str], Model],
    on_record: Callable[[JudgmentRecord], None] | None = None,
) -> JudgeSummary:
    """Judge a run's attempts into ``RUN/judgments.jsonl``, resuming what is recorded."""
    run = RunDir.open(root)
    tasks = _tasks(run)
    models = {spec: load(spec) for spec in dict.fromkeys(options.judges)}
    path = root / JUDGMENTS_FILE
    with run.lock("assay judge"):
        repair_tail(path)
        recorded = read_judgments(root)
        _same_design(path, recorded, options)
        done = {j.key for j in recorded}
        work = _Judging(run, options, models)
        for pair in work.pairs(tasks, done):
            for spec, position in work.todo(pair.attempt.attempt_id, done):
                record = work.judge(pair, spec, position)
                if record is None:
                    continue
                append_synced(path, dumps(record) + "\n", root)
                done.add(record.key)
                work.summary.written += 1
                work.summary.failed += record.status == "failed"
                if on_record is not None:
                    on_record(record)
        per_pair = len(models) * (2 if options.both_orders else 1)
        work.summary.skipped = (
            work.summary.pairs * per_pair - work.summary.written - len(work.summary.faults)
        )
    return work.summary
