"""Ordinary code passes the two-process gate: nothing is refused inside the candidate.

The in-process gate refused some of these (``import asyncio``, ``multiprocessing.Value``,
``settrace(None)`` in a doctest) because its defenses lived in the candidate's interpreter.
"""

from __future__ import annotations

import pytest

from assay.verify.gate import verify

CORE = "    return [sum(values[i : i + size]) for i in range(len(values) - size + 1)]\n"


def body(pre: str, compute: str = CORE) -> str:
    return (
        pre
        + "\n\ndef window_sums(values, size):\n"
        + "    if size <= 0:\n        raise ValueError('size must be positive')\n"
        + compute
    )


CONTROLS = {
    "asyncio": body(
        "import asyncio\n\nasync def _sums(values, size):\n    await asyncio.sleep(0)\n"
        "    return [sum(values[i : i + size]) for i in range(len(values) - size + 1)]\n",
        "    return asyncio.run(_sums(values, size))\n",
    ),
    "threads": body(
        "from concurrent.futures import ThreadPoolExecutor\n",
        "    with ThreadPoolExecutor(2) as pool:\n"
        "        return list(pool.map(lambda i: sum(values[i : i + size]),"
        " range(len(values) - size + 1)))\n",
    ),
    "multiprocessing": body(
        "import multiprocessing as mp\n\ndef _one(args):\n    values, i, size = args\n"
        "    return sum(values[i : i + size])\n",
        "    n = mp.Value('i', 0)\n    with mp.Manager() as m:\n        d = m.dict()\n"
        "    with mp.get_context('fork').Pool(2) as pool:\n"
        "        return pool.map(_one, [(values, i, size) for i in range(len(values) - size + 1)])\n",
    ),
    "tempfile_and_subprocess": body(
        "import subprocess, sys, tempfile\n",
        "    with tempfile.NamedTemporaryFile('w+') as fh:\n        fh.write(repr(list(values)))\n"
        "        fh.flush()\n"
        "        out = subprocess.run([sys.executable, '-c', 'import sys; print(sys.argv[1])',"
        " fh.name], capture_output=True, text=True, check=True).stdout\n" + CORE,
    ),
    "doctest_settrace": body(
        "import doctest, sys\n\ndef _double(x):\n    '''\n    >>> _double(2)\n    4\n    '''\n"
        "    return 2 * x\n\nsys.settrace(None)\n"
        "assert doctest.testmod(verbose=False).failed == 0\n"
    ),
    "recursion_and_output": body(
        "import sys\nsys.setrecursionlimit(10000)\n\ndef _deep(n):\n"
        "    return 0 if n == 0 else 1 + _deep(n - 1)\n\nassert _deep(3000) == 3000\n"
        "print('x' * 1_000_000)\n"
    ),
    "code_assignment_and_ctypes": body(
        "import ctypes\n\ndef _a():\n    return 1\n\ndef _b():\n    return 2\n\n"
        "_a.__code__ = _b.__code__\nassert _a() == 2 and ctypes.sizeof(ctypes.c_int) == 4\n"
    ),
}


@pytest.mark.parametrize("name", CONTROLS)
def test_ordinary_code_passes(task, make_candidate, name):
    v = verify(task, make_candidate(body=CONTROLS[name]), repeats=1)
    assert v.passed, (name, v.reasons, v.failure_excerpt[-1500:])
