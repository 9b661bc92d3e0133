"""Fuzz of the task loader: no ``task.toml`` gives a traceback, every bad one an InputError.

5,000 derandomized cases (with the manifest loader's 5,000, issue 19's 10,000): documents
near the bundled window-sums task with keys replaced by odd values (paths out of the folder,
absolute paths, NUL bytes, very long names, NaN, nested junk), removed or added, and raw
bytes. The task folder around the file is a real copy of window-sums.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.errors import InputError
from assay.tasks.load import load_task
from assay.tasks.suite import BUNDLED_ROOT
from tests.support.fuzz import FUZZ, mutated, to_toml

SOURCE = BUNDLED_ROOT / "repair" / "window-sums"
BASE = tomllib.loads((SOURCE / "task.toml").read_text())
KEYS = [
    "id",
    "title",
    "tags",
    "language",
    "prompt",
    "protected",
    "verify",
    "verify.runner",
    "verify.public_tests",
    "verify.hidden_tests",
    "verify.repeats",
    "verify.timeout_s",
    "verify.memory_mb",
    "hazards",
    "hazards.0.id",
    "hazards.0.kind",
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz-task") / "task"
    shutil.copytree(SOURCE, root)
    return root


def _load(folder: Path) -> None:
    try:
        task = load_task(folder)
        task.prompt_text  # noqa: B018 - reading the prompt is part of using a task
    except InputError:
        pass


@settings(FUZZ, max_examples=4000)
@given(doc=mutated(BASE, KEYS))
def test_task_documents(folder, doc):
    (folder / "task.toml").write_text(to_toml(doc), encoding="utf-8")
    _load(folder)


@settings(FUZZ, max_examples=1000)
@given(raw=st.binary(max_size=200))
def test_task_bytes(folder, raw):
    (folder / "task.toml").write_bytes(raw)
    _load(folder)


def test_the_base_document_loads(folder):
    (folder / "task.toml").write_text(to_toml(BASE), encoding="utf-8")
    assert load_task(folder).id == "window-sums"
