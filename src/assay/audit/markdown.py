"""The audit as a markdown section (``audit.md``; the report can embed the same text)."""

from __future__ import annotations

from assay.records.task_audit import KillRate, SuiteAudit, TaskAudit


def rate_text(k: KillRate | None) -> str:
    """``0.83 (10/12)``, or ``n/a`` when nothing was measured."""
    if k is None or k.rate is None:
        return "n/a"
    return f"{k.rate:.2f} ({k.killed}/{k.mutants})"


def _runs(passed: list[bool]) -> str:
    return "".join("P" if p else "F" for p in passed)


def row(t: TaskAudit) -> list[str]:
    """One task's cells, in :data:`COLUMNS` order (shared by the rich table)."""
    fl = t.flakiness
    return [
        t.task_id,
        rate_text(t.hidden),
        rate_text(t.public),
        str(len(t.hidden.survivors)) if t.hidden else "n/a",
        f"{_runs(fl.reference_passed)}/{_runs(fl.workspace_passed)}" if fl else "n/a",
        "yes" if fl and fl.flaky else "no",
        f"{len(t.leakage.leaked)}/{t.leakage.hidden}",
        f"{t.verify_s:.2f}",
        ", ".join(t.flagged) or "ok",
    ]


COLUMNS = [
    "task",
    "hidden kill",
    "public kill",
    "survivors",
    "ref/ws runs",
    "flaky",
    "leaked",
    "verify s",
    "flags",
]


def audit_markdown(audit: SuiteAudit, *, level: int = 2, diffs: bool = True) -> str:
    """The audit of one suite: a table, then each task's surviving mutants as diffs."""
    h = "#" * level
    out = [
        f"{h} Audit: {audit.suite}",
        "",
        f"{len(audit.tasks)} tasks; {audit.repeats} verifications each of the reference and of"
        f" the untouched workspace; mutants per task: {audit.max_mutants or 'all'};"
        f" --min-kill: {audit.min_kill if audit.min_kill is not None else 'none'};"
        f" {audit.wall_s:.1f} s.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in row(t)) + " |" for t in audit.tasks]
    if diffs:
        for t in audit.tasks:
            if not t.hidden or not t.hidden.survivors:
                continue
            out += ["", f"{h}# {t.task_id}: mutants the hidden tests let through", ""]
            for s in t.hidden.survivors:
                out += [
                    f"`{s.mutant}` (line {s.line}, {s.kind}):",
                    "",
                    "```diff",
                    s.diff.rstrip("\n"),
                    "```",
                ]
    return "\n".join(out).rstrip() + "\n"
