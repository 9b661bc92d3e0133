"""``assay stats``: intervals and exact tests for the small experiments agents are judged on."""

from __future__ import annotations

from typing import Literal

import typer

from assay.errors import InputError

app = typer.Typer(help="Intervals and exact tests for small experiments.", no_args_is_help=True)

WHERE = "command line"

PAIRED_HELP = (
    "Both arms ran the same tasks once each: A_ONLY,B_ONLY are the tasks only A solved and"
    " only B solved (e.g. 1,6). Switches to the exact McNemar test and Newcombe's paired"
    " interval, which are right for shared tasks; Fisher and Boschloo assume independent arms."
)


def _counts(text: str, name: str) -> tuple[int, int]:
    """Parse ``SUCCESSES/N`` into a pair of integers, or raise :class:`InputError`."""
    head, sep, tail = text.partition("/")
    try:
        successes, n = int(head), int(tail)
    except ValueError:
        successes, n = -1, -1
    if not sep or not 0 <= successes <= n or n < 1:
        raise InputError.single(
            WHERE,
            name,
            f"{text!r} is not SUCCESSES/N with 0 <= SUCCESSES <= N and N >= 1",
            "write the arm's counts like 4/7 (4 successes in 7 attempts)",
        )
    return successes, n


def _discordant(text: str) -> tuple[int, int]:
    head, _, tail = text.partition(",")
    try:
        return int(head), int(tail)
    except ValueError:
        raise InputError.single(
            WHERE,
            "--paired",
            f"{text!r} is not two counts A_ONLY,B_ONLY",
            "give the tasks only A solved and only B solved, e.g. --paired 1,6",
        ) from None


@app.command(
    "compare",
    help="Compare two arms' successes: Wilson intervals, the difference B − A, exact tests."
    "\n\nUnpaired arms get Fisher's and Boschloo's exact tests; with --paired, the exact"
    " McNemar test. Exit 0 on success, 2 on bad input.",
)
def compare_cmd(
    a: str = typer.Argument(..., metavar="A_SUCCESSES/A_N", help="Arm A's counts, e.g. 0/10."),
    b: str = typer.Argument(..., metavar="B_SUCCESSES/B_N", help="Arm B's counts, e.g. 4/7."),
    *,
    paired: str | None = typer.Option(None, "--paired", metavar="A_ONLY,B_ONLY", help=PAIRED_HELP),
    alternative: Literal["two-sided", "greater", "less"] = typer.Option(
        "two-sided",
        "--alternative",
        help="Hypothesis of the tests: 'greater' means B's rate is higher than A's.",
    ),
    confidence: float = typer.Option(
        0.95, "--confidence", min=0.5, max=0.999, help="Two-sided level of the intervals."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison record as JSON."),
) -> None:
    """Compare two arms' successes (help text in the decorator, to wrap cleanly)."""
    from assay.errors import require_extra

    require_extra("scipy", feature="assay stats compare")
    from assay.records.canonical import dumps
    from assay.stats.compare import compare

    counts_a, counts_b = _counts(a, "A_SUCCESSES/A_N"), _counts(b, "B_SUCCESSES/B_N")
    discordant = _discordant(paired) if paired is not None else None
    try:
        result = compare(
            counts_a, counts_b, paired=discordant, confidence=confidence, alternative=alternative
        )
    except ValueError as exc:
        raise InputError.single(
            WHERE, "--paired", str(exc), "count discordant tasks from the same task list"
        ) from exc
    if as_json:
        typer.echo(dumps(result, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    table = Table(title=f"arms (Wilson {confidence:.0%} intervals)")
    for column in ("arm", "successes", "rate", "interval"):
        table.add_column(column)
    for arm in result.arms:
        table.add_row(
            arm.name,
            f"{arm.successes}/{arm.n}",
            fmt(arm.rate),
            f"[{fmt(arm.wilson_lower)}, {fmt(arm.wilson_upper)}]",
        )
    console = Console()
    console.print(table)
    diff = result.difference
    if diff is None:
        console.print("difference B − A: not estimable (an arm has fewer than 2 attempts)")
    else:
        console.print(
            f"difference B − A: {diff.estimate:+.3f}  {confidence:.0%} interval"
            f" [{diff.lower:+.3f}, {diff.upper:+.3f}]  ({diff.method})"
        )
    for test in result.tests:
        how = f" [{test.approximation}: the counts are too large for the exact test]"
        console.print(
            f"{test.name} ({test.alternative}): p = {test.pvalue:.4g}"
            + (how if test.approximation else "")
        )
    console.print(result.note, style="dim")
