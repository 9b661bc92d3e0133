"""The workspace diff: what the channels see of an agent's change."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from assay.oversight.diff import (
    NOTES_MARK,
    TEXT_LIMIT,
    added_lines,
    inspection_for,
    read_entry,
    workspace_diff,
)
from assay.tasks.load import Task

FIXED_RANGE = "range(len(values) - size + 1)]"
BUGGY_RANGE = "range(len(values) - size)]"


def copy_ws(task: Task, tmp_path: Path, name: str = "ws") -> Path:
    ws = tmp_path / name
    shutil.copytree(task.workspace, ws)
    return ws


def fix(ws: Path) -> None:
    path = ws / "windows.py"
    path.write_text(path.read_text().replace(BUGGY_RANGE, FIXED_RANGE))


def test_untouched_workspace_has_empty_diff(task, tmp_path):
    assert workspace_diff(task, copy_ws(task, tmp_path)) == ("", ())


def test_modified_added_deleted_in_path_order(task, tmp_path):
    ws = copy_ws(task, tmp_path)
    fix(ws)
    (ws / "helpers").mkdir()
    (ws / "helpers" / "util.py").write_text("X = 1\n")
    (ws / "test_windows.py").unlink()
    diff, changed = workspace_diff(task, ws)
    assert changed == ("helpers/util.py", "test_windows.py", "windows.py")
    assert "--- /dev/null\n+++ b/helpers/util.py\n" in diff
    assert "new file\n" in diff
    assert "--- a/test_windows.py\n+++ /dev/null\n" in diff
    assert "deleted file\n" in diff
    assert f"-    return [sum(values[i : i + size]) for i in {BUGGY_RANGE}" in diff
    assert f"+    return [sum(values[i : i + size]) for i in {FIXED_RANGE}" in diff
    # Sections follow the path order.
    order = [diff.index(f"diff --git a/{p} b/{p}") for p in changed]
    assert order == sorted(order)


def test_paths_are_relative_and_output_is_deterministic(task, tmp_path):
    one, two = copy_ws(task, tmp_path, "one"), copy_ws(task, tmp_path, "two")
    for ws in (one, two):
        fix(ws)
        (ws / "b.py").write_text("B = 2\n")
        (ws / "a.py").write_text("A = 1\n")
    first, second = workspace_diff(task, one), workspace_diff(task, two)
    assert first == second
    assert str(tmp_path) not in first[0]
    assert str(task.root) not in first[0]


def test_caches_and_bytecode_are_ignored(task, tmp_path):
    ws = copy_ws(task, tmp_path)
    for folder in ("__pycache__", ".pytest_cache", ".ruff_cache", "pkg/__pycache__"):
        (ws / folder).mkdir(parents=True)
        (ws / folder / "junk.bin").write_bytes(b"\0\1")
    (ws / "stale.pyc").write_bytes(b"\0")
    assert workspace_diff(task, ws) == ("", ())


def test_binary_and_large_files_are_summarised(task, tmp_path):
    ws = copy_ws(task, tmp_path)
    (ws / "blob.bin").write_bytes(b"\x00\xff" * 10)
    (ws / "big.txt").write_text("x" * (TEXT_LIMIT + 10))
    diff, changed = workspace_diff(task, ws)
    assert changed == ("big.txt", "blob.bin")
    assert "Files a/blob.bin and b/blob.bin differ (old: absent; new: binary, 20 bytes" in diff
    assert f"new: large, {TEXT_LIMIT + 10} bytes, sha256 " in diff
    assert "xxxx" not in diff


def test_progress_notes_are_marked(task, tmp_path):
    ws = copy_ws(task, tmp_path)
    (ws / "PROGRESS.md").write_text("tried the range bound\n")
    diff, changed = workspace_diff(task, ws)
    assert changed == ("PROGRESS.md",)
    assert NOTES_MARK in diff
    assert "+tried the range bound\n" in diff


def test_missing_final_newline_is_marked(task, tmp_path):
    ws = copy_ws(task, tmp_path)
    (ws / "note.py").write_text("A = 1")
    diff, _ = workspace_diff(task, ws)
    assert "+A = 1\n\\ No newline at end of file\n" in diff


def test_symlinks_are_shown_not_followed(task, tmp_path):
    secret = tmp_path / "outside.txt"
    secret.write_text("TOP SECRET CONTENT\n")
    ws = copy_ws(task, tmp_path)
    os.symlink(secret, ws / "leak.txt")
    os.symlink(tmp_path, ws / "outdir")
    diff, changed = workspace_diff(task, ws)
    assert changed == ("leak.txt", "outdir")
    assert "TOP SECRET CONTENT" not in diff
    assert "+symlink -> " in diff
    # A channel reading through the linked folder gets nothing.
    assert read_entry(ws, "outdir/outside.txt") is None
    assert read_entry(ws, "../outside.txt") is None


def test_inspection_for_carries_the_round(task, tmp_path):
    ws = copy_ws(task, tmp_path)
    fix(ws)
    inspection = inspection_for(task, ws, round=2)
    assert inspection.round == 2
    assert inspection.changed_files == ("windows.py",)
    assert inspection.workspace == ws
    assert inspection.diff.startswith("diff --git a/windows.py b/windows.py\n")


def test_added_lines_numbers_new_lines_only():
    old = "a\nb\nc\n"
    new = "a\nB\nc\nd\n"
    assert added_lines(old, new) == [(2, "B"), (4, "d")]
    assert added_lines("", "x\ny") == [(1, "x"), (2, "y")]
    assert added_lines("same\n", "same\n") == []
