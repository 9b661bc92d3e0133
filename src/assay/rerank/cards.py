"""Markdown cards: what a pool is and what a scorer did on it.

The pool card: origin, sizes, label balance, dropped problems, known limits. The scorer
card: its results per benchmark × seed, its verdict, its known limits.
"""

from __future__ import annotations

import inspect
from collections import Counter, defaultdict

from assay.records.rerank import RerankRecord
from assay.rerank.pool_io import Pool

ORIGIN_LIMITS = {
    "mutation": (
        "Candidates are single-point AST mutants of the reference solution, so every wrong"
        " candidate is a near-miss of one known-good program and the reference is always in"
        " the pool: the oracle is 1 on every kept problem. Mutants the tests cannot tell from"
        " the reference count as passing (the labels are only as strong as the tests)."
    ),
    "runs": (
        "Candidates are the final code of recorded attempts: their mix follows the agents and"
        " conditions of those runs, and problems with one attempt cannot be reranked."
    ),
    "sample": (
        "Candidates are one-shot samples of one model at one temperature: a scorer tuned on"
        " them may not carry over to other models or temperatures."
    ),
}
SCORER_LIMITS = {
    "random": "Noise by construction: a control, never a method.",
    "original": "Only as good as the order candidates were made in; in a mutation pool the"
    " reference has original rank 0, so this baseline knows the answer.",
    "lexical": "Word overlap with the prompt rewards restating the prompt, not correctness.",
    "length": "Shorter-first; single-point mutants hardly change length.",
    "logprob": "Needs sampled candidates with recorded log-probabilities; exp(mean log-prob)"
    " is not a calibrated probability of passing.",
    "public_tests": "Executes candidates on the visible tests, which the hidden tests"
    " usually extend: candidates passing every public test still tie.",
    "judged": "A model's stated probability: as good as the model, and costs one call per"
    " candidate.",
}


def pool_card(pool: Pool) -> str:
    """The pool card (markdown)."""
    info = pool.info
    lines = [
        f"# Pool card: {pool.folder.name}",
        "",
        f"- origin: `{info.origin}`; source: `{info.source}`; seed {info.seed}",
        f"- generator: {info.generator}; created {info.created}",
        f"- pool size: {info.pool_size}; problems {info.problems}; candidates"
        f" {info.candidates}; dropped {info.dropped}",
        "",
        "| benchmark | problems | candidates | passing | failing | decidable | per problem |",
        "|---|---|---|---|---|---|---|",
    ]
    per: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (bench, _), cands in pool.problems.items():
        per[bench].append((len(cands), sum(c.passed for c in cands)))
    for bench in sorted(per):
        sizes = per[bench]
        n, passing = sum(m for m, _ in sizes), sum(c for _, c in sizes)
        decidable = sum(0 < c < m for m, c in sizes)
        low, high = min(m for m, _ in sizes), max(m for m, _ in sizes)
        spread = str(low) if low == high else f"{low}–{high}"
        lines.append(
            f"| {bench} | {len(sizes)} | {n} | {passing} | {n - passing} | {decidable} | {spread} |"
        )
    lines += ["", "## Dropped problems", ""]
    if not pool.dropped:
        lines.append("None.")
    reasons = Counter(d.reason for d in pool.dropped)
    for reason, count in sorted(reasons.items()):
        names = [f"{d.benchmark}/{d.problem}" for d in pool.dropped if d.reason == reason]
        shown = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
        lines.append(f"- `{reason}` ({count}): {shown}")
    lines += ["", "## Known limits", "", ORIGIN_LIMITS.get(info.origin, ""), ""]
    return "\n".join(lines)


def scorer_card(record: RerankRecord, scorer: object) -> str:
    """The scorer card (markdown): what it is, how it did per benchmark × seed, its gates."""
    doc = (inspect.getdoc(scorer) or "").splitlines()
    lines = [
        f"# Scorer card: {record.scorer}",
        "",
        doc[0] if doc else "A user scorer.",
        "",
        f"- pool: `{record.pool}` (candidates sha256 `{record.pool_digest[:12]}`)",
        f"- seeds: {', '.join(map(str, record.seeds))}; required baselines:"
        f" {', '.join(record.baselines)}; margin {100 * record.margin:g} points; alpha"
        f" {record.alpha:g}",
        f"- verdict: **{record.status}**" + (" (saturated)" if record.saturated else ""),
        f"  — {record.detail}",
        "",
        "| benchmark | seed | problems | decidable | missing | pass@1 | random | oracle |"
        " gap closed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in record.slices:
        gap = "—" if s.gap_closed is None else f"{s.gap_closed:.2f}"
        lines.append(
            f"| {s.benchmark} | {s.seed} | {s.problems} | {s.decidable} | {s.missing} |"
            f" {s.methods['scorer'].pass_at_1:.3f} | {s.methods['random'].pass_at_1:.3f} |"
            f" {s.methods['oracle'].pass_at_1:.3f} | {gap} |"
        )
    lines += [
        "",
        "## Known limits",
        "",
        SCORER_LIMITS.get(record.scorer, "A user scorer: see its own documentation."),
        "",
    ]
    return "\n".join(lines)
