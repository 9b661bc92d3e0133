"""``assay split``: train / validation / test by problem, seeded, with both classes covered.

Problems (``benchmark/problem``) are sorted, then shuffled by ``random.Random("SEED:ATTEMPT")``
for attempt 0, 1, …; the first round(N·test/total) go to test, the next round(N·val/total)
to validation (at least one each), the rest to train, so no problem is in two splits. The
first attempt whose validation and test each hold a passing and a failing candidate is
kept. If none of :data:`ATTEMPTS` does, the result is a typed ``split_coverage_blocker``
naming what the last attempt lacked.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from assay import __version__
from assay.errors import InputError
from assay.records.rerank import SplitCounts, SplitCoverageBlocker, SplitName, SplitRecord
from assay.rerank.pool_io import Pool
from assay.rerank.run import now, pool_digest

ATTEMPTS = 100
NAMES: tuple[SplitName, ...] = ("train", "validation", "test")
_RATIOS = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{1,6})\s*/\s*(\d{1,6})\s*$")


def parse_ratios(text: str) -> tuple[int, int, int]:
    """``"85/5/10"`` → (85, 5, 10); validation and test must be positive (InputError if not)."""
    match = _RATIOS.match(text)
    if match is None:
        raise InputError.single("--ratios", text, "not TRAIN/VALIDATION/TEST", "write e.g. 85/5/10")
    train, val, test = (int(g) for g in match.groups())
    if val == 0 or test == 0:
        raise InputError.single(
            "--ratios", text, "validation and test need a positive share", "write e.g. 85/5/10"
        )
    return train, val, test


def _sizes(n: int, ratios: Sequence[int]) -> tuple[int, int]:
    total = sum(ratios)
    test = max(1, round(n * ratios[2] / total))
    val = max(1, round(n * ratios[1] / total))
    return val, test


def _lacks(name: str, members: Sequence[str], labels: dict[str, tuple[int, int]]) -> list[str]:
    passing = sum(labels[m][0] for m in members)
    failing = sum(labels[m][1] for m in members)
    out = []
    if not members:
        out.append(f"{name}: no problem")
    else:
        if not passing:
            out.append(f"{name}: no passing candidate")
        if not failing:
            out.append(f"{name}: no failing candidate")
    return out


def split_pool(pool: Pool, seed: int, ratios: tuple[int, int, int] = (85, 5, 10)) -> SplitRecord:
    """The split record: ``status = "ok"`` with the splits, or ``"blocked"`` with a blocker."""
    labels = {
        f"{b}/{p}": (sum(c.passed for c in cs), sum(not c.passed for c in cs))
        for (b, p), cs in pool.problems.items()
    }
    keys = sorted(labels)
    val_n, test_n = _sizes(len(keys), ratios)
    lacking: list[str] = []
    chosen: dict[SplitName, list[str]] | None = None
    attempt = 0
    if len(keys) < 2:
        lacking = [f"only {len(keys)} problem(s): too few for {len(NAMES)} splits"]
    else:
        for attempt in range(ATTEMPTS):
            order = list(keys)
            random.Random(f"{seed}:{attempt}").shuffle(order)
            test, val = order[:test_n], order[test_n : test_n + val_n]
            lacking = _lacks("validation", val, labels) + _lacks("test", test, labels)
            if not lacking:
                chosen = {
                    "train": sorted(order[test_n + val_n :]),
                    "validation": sorted(val),
                    "test": sorted(test),
                }
                break
    empty: dict[SplitName, list[str]] = {n: [] for n in NAMES}
    splits = chosen if chosen is not None else empty
    counts = {
        name: SplitCounts(
            problems=len(members),
            candidates=sum(sum(labels[m]) for m in members),
            passing=sum(labels[m][0] for m in members),
            failing=sum(labels[m][1] for m in members),
        )
        for name, members in splits.items()
    }
    blocker = None
    if chosen is None:
        blocker = SplitCoverageBlocker(
            missing=lacking,
            attempts=ATTEMPTS if len(keys) >= 2 else 0,
            detail=f"no shuffle of {len(keys)} problems gave validation and test both classes",
        )
    return SplitRecord(
        generator=f"assay {__version__}",
        pool=str(pool.folder),
        pool_digest=pool_digest(pool),
        seed=seed,
        ratios=list(ratios),
        status="ok" if chosen is not None else "blocked",
        attempt=attempt if chosen is not None else None,
        splits=splits,
        counts=counts,
        blocker=blocker,
        created=now(),
    )
