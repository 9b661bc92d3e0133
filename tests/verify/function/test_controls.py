"""Ordinary code passes the function runner: nothing in the candidate's process is refused."""

from __future__ import annotations

import pytest

from assay.verify.function.gate import verify_function
from assay.verify.gate import verify
from tests.conftest import run_assay
from tests.support.function import (
    GOOD_ADD,
    add_task,
    candidate,
    fn_pool,
    write_function_task,
)

__all__ = ["add_task", "candidate", "fn_pool"]

CONTROLS = {
    "asyncio": """
import asyncio
async def _add(a, b):
    await asyncio.sleep(0)
    return a + b
def add(a, b):
    return asyncio.run(_add(a, b))
""",
    "threads": """
from concurrent.futures import ThreadPoolExecutor
def add(a, b):
    with ThreadPoolExecutor(2) as ex:
        return ex.submit(lambda: a + b).result()
""",
    "mp-pool": """
import multiprocessing
def _twice(x):
    return x
def add(a, b):
    with multiprocessing.Pool(2) as pool:
        x, y = pool.map(_twice, [a, b])
    return x + y
""",
    "mp-value": """
import multiprocessing
def add(a, b):
    v = multiprocessing.Value("i", 0)
    with v.get_lock():
        v.value += 1
    assert v.value == 1
    return a + b
""",
    "tempfile": """
import tempfile, os
def add(a, b):
    with tempfile.NamedTemporaryFile("w+", delete=False) as fh:
        fh.write(repr(a + b))
    with open(fh.name) as fh2:
        out = eval(fh2.read())
    os.unlink(fh.name)
    return out
""",
    "subprocess": """
import subprocess, sys
def add(a, b):
    done = subprocess.run([sys.executable, "-c", "print(1)"], capture_output=True, text=True)
    assert done.stdout.strip() == "1"
    return a + b
""",
    "recursion": """
def add(a, b, depth=800):
    return a + b if depth == 0 else add(a, b, depth - 1)
""",
    "prints-a-lot": """
import sys
def add(a, b):
    print("x" * 100_000)
    sys.stderr.write("y" * 100_000)
    return a + b
""",
}


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_controls_pass(add_task, candidate, fn_pool, name):
    v = verify_function(add_task, candidate(CONTROLS[name]), pool=fn_pool)
    assert v.passed, v.failure_excerpt


def test_large_legitimate_output_passes(tmp_path, fn_pool):
    ref = "def big(n):\n    return list(range(n))\n"
    task = write_function_task(tmp_path / "big", ref, [[200_000], [3]], entry="big", pool=fn_pool)
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "test_solution.py").write_text("def test_nothing():\n    pass\n")
    (ws / "solution.py").write_text("def big(n):\n    return [i for i in range(n)]\n")
    assert verify_function(task, ws, pool=fn_pool).passed


def test_the_gate_and_the_cli_use_the_function_runner(add_task, candidate):
    ws = candidate(GOOD_ADD)
    v = verify(add_task, ws)
    assert v.passed and any("function runner" in n for n in v.isolation.notes)
    wrong = candidate("def add(a, b):\n    return a * b\n")
    done = run_assay("verify", str(add_task.root), str(wrong))
    assert done.returncode == 1 and "NOT PASSED" in done.stdout
    done = run_assay("verify", str(add_task.root), str(ws))
    assert done.returncode == 0, done.stdout + done.stderr
