"""The README's Guarantees section names tests that exist: a promise without one is not made."""

from __future__ import annotations

import re

from tests.conftest import REPO

NAMED = re.compile(r"`([a-z_]+/test_[a-z_]+\.py)(?:::([a-z_]+))?`")


def test_every_guarantee_names_an_existing_test():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Guarantees", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) >= 10
    for row in rows[1:]:  # the header row names no test
        named = NAMED.findall(row.rsplit("|", 2)[-2])
        assert named, f"a guarantee without a test: {row[:80]}"
        for path, name in named:
            source = (REPO / "tests" / path).read_text(encoding="utf-8")
            assert not name or f"def {name}(" in source, f"{path}::{name} does not exist"
