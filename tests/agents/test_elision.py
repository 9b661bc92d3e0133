"""Spec elision on a multi-module kit: test modules and the source modules they cover.

Fed by every verification the agent triggers; a write withdraws what it may have broken.
"""

from __future__ import annotations

import json
from pathlib import Path

from assay.agents.elision import Elision, imported_modules
from assay.models.scripted import ScriptedModel
from assay.results.passes import passes_of
from assay.tasks.load import load_task
from assay.tasks.suite import BUNDLED_ROOT
from assay.verify.gate import verify
from tests.agents.test_loop import attempt, call

GRAPH = load_task(BUNDLED_ROOT / "kits" / "graph-kit")


def test_imports_name_workspace_modules_only() -> None:
    found = imported_modules(GRAPH.workspace / "test_graph_paths.py", GRAPH.workspace)
    assert found == {"graph_core.py", "graph_paths.py"}  # pytest is no workspace module


def test_a_verdict_elides_passing_tests_and_the_modules_only_they_cover() -> None:
    elision = Elision()
    elision.update(verify(GRAPH, GRAPH.workspace, scope="public"), GRAPH.workspace)
    assert elision.passing_tests == {
        "test_graph_core.py",
        "test_graph_serial.py",
        "test_graph_topo.py",
        "test_graph_traverse.py",
    }
    # graph_core.py is imported by the failing paths test too: it must still be read.
    assert elision.passing_sources == {"graph_serial.py", "graph_topo.py", "graph_traverse.py"}
    assert elision.notice("graph_paths.py") is None
    elision.touched("graph_traverse.py")
    assert elision.notice("graph_traverse.py") is None
    assert elision.notice("test_graph_traverse.py") is None
    assert elision.notice("test_graph_topo.py") is not None


def test_the_end_of_pass_probe_feeds_elision(tmp_path: Path) -> None:
    fix = (GRAPH.solution / "graph_paths.py").read_text(encoding="utf-8")
    turns = [
        call("write_file", path="graph_paths.py", content=fix),  # pass 0: one module fixed
        {"text": "I will look again in a fresh pass."},  # model_stop; the probe runs
        call("read_file", path="test_graph_paths.py"),  # pass 1: elided (the probe saw it)
        call("read_file", path="graph_paths.py"),  # elided: only passing tests import it
        call("read_file", path="graph_core.py"),  # read: the failing components test uses it
        call(
            "edit_file",
            path="graph_traverse.py",
            old_string="from collections import deque",
            new_string="from collections import deque  # FIFO",
        ),
        call("read_file", path="test_graph_traverse.py"),  # read: withdrawn by the edit
        call("read_file", path="graph_paths.py"),  # asked again in the pass: given
        {"text": "Stopping here."},
    ]
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"schema": "assay.script.v1", "tasks": {"graph-kit": turns}}))
    out = attempt(GRAPH, tmp_path, ScriptedModel.from_file(path), max_passes=2)
    reads = [d for d in out.of("tool_call") if d["tool"] == "read_file"]
    assert [d.get("elided", False) for d in reads] == [True, True, False, False, False]
    assert "def shortest_distances" in reads[-1]["output"]
    assert out.of("probe")[0]["passed"] is False
    assert out.record.elided_reads == 2
    rows = passes_of(out.record, tmp_path / "run0")
    assert [(p.elided_reads, p.reads, p.writes) for p in rows] == [(0, 0, 1), (2, 5, 1)]
