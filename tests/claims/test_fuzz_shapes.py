"""Property tests of the new parsers: the claims file and the CSV's label columns.

Any document near a valid claims file loads or fails with an ``InputError`` (never a
traceback); any CSV label value round-trips, and any bad seed is named by line and column.
"""

from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from assay.claims.claimsfile import read_claims
from assay.claims.csvrows import read_rows
from assay.errors import InputError
from tests.support.fuzz import FUZZ, mutated, to_toml

BASE = tomllib.loads(
    """
[[claims]]
id = "gain"
metric = "success"
treatment = "B"
control = "A"
per = ["suite", "seed"]
requires_all = ["gain[*]", "other[suite=a,seed=1]"]
where = { suite = ["a"], tags = ["x"], seed = [1, 2] }
design = "paired"
min_runs = 5
rationale = "why"
"""
)
KEYS = [
    "claims",
    "claims.0.id",
    "claims.0.per",
    "claims.0.requires_all",
    "claims.0.where",
    "claims.0.where.suite",
    "claims.0.where.seed",
    "claims.0.where.tags",
    "claims.0.design",
    "claims.0.min_runs",
    "claims.0.rationale",
    "claims.0.margin",
]


@settings(FUZZ, max_examples=400)
@given(doc=mutated(BASE, KEYS))
def test_claims_files_load_or_fail_as_input_errors(doc: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claims.toml"
        path.write_text(to_toml(doc), encoding="utf-8")
        try:
            specs = read_claims(path)
        except InputError as exc:
            assert str(path) in str(exc)
            return
        for spec in specs:
            assert spec.fingerprint()


LABEL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=",\"';\r\n"),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() == s)


@settings(FUZZ, max_examples=200)
@given(suite=LABEL, agent=LABEL, tags=st.lists(LABEL, max_size=3), seed=st.integers(1, 10**6))
def test_label_columns_round_trip(suite: str, agent: str, tags: list[str], seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rows.csv"
        header = "task,arm,attempt,value,suite,agent,tags,seed"
        row = f"t,A,0,1,{suite},{agent},{';'.join(tags)},{seed}"
        path.write_text(f"{header}\n{row}\n", encoding="utf-8")
        (row,) = read_rows(path)
    assert (row.suite, row.agent, row.tags, row.seed) == (suite, agent, tuple(tags), seed)


def _valid_seed(text: str) -> bool:
    token = text.strip()
    return token.isascii() and token.isdigit() and int(token) >= 1


CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=',"\r\n'),
    max_size=8,
)


@settings(FUZZ, max_examples=200)
@given(seed=CELL.filter(lambda s: not _valid_seed(s)))
def test_a_bad_seed_is_named_by_line_and_column(seed: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rows.csv"
        path.write_text(f"task,arm,attempt,value,seed\nt,A,0,1,{seed}\n", encoding="utf-8")
        try:
            read_rows(path)
        except InputError as exc:
            assert "line 2, column seed" in str(exc)
        else:
            raise AssertionError(f"seed {seed!r} was accepted")
