"""Fuzz of the manifest loader: no input gives a traceback, every bad one an InputError.

5,000 derandomized cases (the task loader's fuzz has the other 5,000 of issue 19's 10,000):
TOML documents near the demo manifest with keys replaced by odd values (NaN, infinities,
huge integers, NUL bytes, paths out of the folder, nested junk), removed or added, and raw
bytes that are no TOML at all.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from assay.errors import InputError
from assay.records.canonical import dumps
from assay.records.manifest import load_manifest
from tests.support.fuzz import FUZZ, mutated, to_toml

DEMO = Path(__file__).resolve().parents[2] / "src" / "assay" / "runner" / "demo.toml"
BASE = tomllib.loads(DEMO.read_text())
KEYS = [
    "name",
    "suites",
    "tasks",
    "seeds",
    "agents",
    "agents.0.id",
    "agents.0.kind",
    "agents.0.model",
    "agents.0.config",
    "conditions",
    "conditions.0.id",
    "conditions.0.channels",
    "conditions.0.max_retries",
    "conditions.0.escalate_when",
    "costs",
    "costs.lint",
    "utility",
    "utility.value",
    "utility.penalty",
    "review",
    "review.kind",
    "concurrency",
    "concurrency.attempts",
    "claims",
    "schema",
]


def _load(path: Path) -> None:
    """Load the manifest and use what a run uses first (its canonical JSON and digest)."""
    try:
        manifest = load_manifest(path)
        dumps(manifest)
        manifest.digest()
    except InputError:
        pass


@settings(FUZZ, max_examples=4000)
@given(doc=mutated(BASE, KEYS))
def test_manifest_documents(tmp_path_factory, doc):
    path = tmp_path_factory.getbasetemp() / "fuzz-manifest.toml"
    path.write_text(to_toml(doc), encoding="utf-8")
    _load(path)


@settings(FUZZ, max_examples=1000)
@given(raw=st.binary(max_size=200))
def test_manifest_bytes(tmp_path_factory, raw):
    path = tmp_path_factory.getbasetemp() / "fuzz-manifest-bytes.toml"
    path.write_bytes(raw)
    _load(path)
