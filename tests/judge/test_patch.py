"""An attempt's files rebuilt from its recorded diff equal the files the diff was made from."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.judge.patch import PatchError, final_files
from assay.oversight.diff import Entry, FileChange, render_change

lines = st.lists(
    st.sampled_from(["a\n", "b\n", "c\n", "x = 1\n", "\n", "tail", "  y\n"]), max_size=14
).map("".join)


def _entry(text: str) -> Entry:
    raw = text.encode()
    return Entry("file", len(raw), hashlib.sha256(raw).hexdigest(), raw)


@settings(max_examples=100, deadline=None)
@given(lines, lines, st.sampled_from(["modified", "added", "deleted"]))
def test_the_rendered_diff_applies_back_exactly(old: str, new: str, status: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        if status != "added":
            (root / "m.py").write_text(old)
        change = FileChange(
            "m.py",
            None if status == "added" else _entry(old),
            None if status == "deleted" else _entry(new),
        )
        got = final_files(root, render_change(change))
    assert got == ({"m.py": None} if status == "deleted" else {"m.py": new})


def test_a_diff_that_does_not_fit_the_pristine_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("a\nb\nc\n")
    diff = render_change(FileChange("m.py", _entry("a\nB\nc\n"), _entry("a\nB\nd\n")))
    with pytest.raises(PatchError, match="differs"):
        final_files(tmp_path, diff)
