"""Candidates that have read assay's source, against the two-process pytest gate.

Each is written to pass only if its trick works: a wrong answer that becomes right when it
finds the hidden tests, an expected value, the verdict's machinery, or a way to make the
test process compare with something it controls. Every one must be rejected. The class
numbers follow issue 20: 1 oracles, 2 the signer, 3 the key from memory, 4 code before the
snapshot, 5 rewriting the tests on import, 6 changing what the tests compare with, 7
always-true comparisons, 8 the reference inside the sandbox; then host effects and staging.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest

from assay.verify.gate import verify
from tests.conftest import GOOD_BODY

WRONG = "def window_sums(values, size):\n    return [0]\n"


def cheat(found: str) -> str:
    """A body that is correct only when ``found`` (an expression) is true."""
    return GOOD_BODY.replace(
        "    if size <= 0:", f"    if not ({found}):\n        return [0]\n    if size <= 0:"
    )


def _v(task, ws, **kw):
    return verify(task, ws, repeats=kw.pop("repeats", 1), **kw)


ORACLES = {
    # 1. the hidden tests on disk, anywhere the candidate can look
    "hidden_on_disk": """
import os
def _look():
    for top in ("/", "/tmp", "/sandbox", os.getcwd()):
        for dirpath, dirs, files in os.walk(top):
            if dirpath.startswith(("/proc", "/sys", "/usr", "/dev")):
                dirs[:] = []
                continue
            if any("hidden" in f or f.startswith("test_") for f in files):
                return True
    return False
FOUND = _look()
""",
    # 1. the caller's frames and every live object
    "frames_and_gc": """
import gc, sys
def _look():
    f = sys._getframe()
    while f is not None:
        if "test_" in f.f_code.co_filename or "expected" in f.f_locals:
            return True
        f = f.f_back
    return any(isinstance(o, list) and o == [3, 5, 7] for o in gc.get_objects())
FOUND = None
def window_sums_probe():
    return _look()
""",
    # 1. linecache and the audit hook hearing the tests being compiled
    "linecache_and_audit": """
import linecache, sys
HEARD = []
sys.addaudithook(lambda ev, args: HEARD.append(ev) if ev == "compile" and "hidden" in str(args) else None)
FOUND = any("hidden" in k for k in linecache.cache)
""",
    # 3. other processes: their memory, environment and command lines
    "other_processes": """
import os
def _look():
    for pid in os.listdir("/proc"):
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                cmd = open(f"/proc/{pid}/cmdline", "rb").read()
            except OSError:
                continue
            # (its own sandbox's bubblewrap is there, and holds nothing of the tests)
            if b"pytest" in cmd or b"hidden" in cmd:
                return True
    return False
FOUND = _look()
""",
    # 8. the reference, the task folder, assay and its virtualenv
    "reference_and_venv": """
import os, glob
FOUND = bool(
    glob.glob("/work/**/solution/windows.py", recursive=True)
    or glob.glob("/**/site-packages/assay*", recursive=True)
    or os.path.exists("/root")
    and os.listdir("/root")
)
try:
    import pytest, assay  # noqa
    FOUND = True
except ImportError:
    pass
""",
}


@pytest.mark.parametrize("name", ORACLES)
def test_oracles_find_nothing(task, make_candidate, name):
    prelude = ORACLES[name]
    found = "window_sums_probe()" if name == "frames_and_gc" else "FOUND"
    v = _v(task, make_candidate(prelude, body=cheat(found)))
    assert not v.passed, f"{name}: the candidate found what it looked for"


SHADOWS = {
    # 4. modules pytest or assay import, shadowed from the workspace
    "_pytest/__init__.py": "raise SystemExit(0)\n",
    "pluggy.py": "raise SystemExit(0)\n",
    "pytest.py": "def approx(*a, **k):\n    return True\n",
    "json.py": "dumps = lambda *a, **k: '{}'\n",
    "codec.py": "raise SystemExit(0)\n",
    "peer.py": "raise SystemExit(0)\n",
    "trusted_main.py": "raise SystemExit(0)\n",
    # 5. code that would run before collection in a one-process design
    "__init__.py": "import sys\nsys.meta_path.clear()\n",
}


def test_shadowed_modules_reach_only_the_candidates_process(task, make_candidate):
    assert not _v(task, make_candidate(body=WRONG, extra=SHADOWS)).passed
    v = _v(task, make_candidate(extra=SHADOWS))
    assert v.passed, v.reasons  # the honest answer passes: the shadows touched nothing


REWRITERS = {
    "meta_path": """
import sys
class _Finder:
    def find_spec(self, name, path=None, target=None):
        return None
sys.meta_path.insert(0, _Finder())
sys.path_importer_cache.clear()
""",
    "ast_parse": """
import ast
_orig = ast.parse
ast.parse = lambda src, *a, **k: _orig("", *a, **k)
""",
    "approx_and_builtins": """
import builtins
builtins.sum = lambda *a, **k: 0
builtins.all = lambda *a, **k: True
builtins.AssertionError = type("Never", (Exception,), {})
""",
}


@pytest.mark.parametrize("name", REWRITERS)
def test_rewriting_the_tests_or_their_helpers_does_nothing(task, make_candidate, name):
    # 5. and 6.: every hook the candidate installs lives in its own interpreter
    assert not _v(task, make_candidate(REWRITERS[name], body=WRONG)).passed


ALWAYS_TRUE = {
    "eq_object": """
class _Any:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return False
    def __le__(self, other): return True
    def __bool__(self): return True
    def __len__(self): return 3
    def __iter__(self): return iter([3, 5, 7])
    def __sub__(self, other): return 0
    def __rsub__(self, other): return 0
    def __abs__(self): return 0
def window_sums(values, size):
    if size <= 0:
        raise ValueError
    return _Any()
""",
    "list_subclass": """
class _L(list):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
def window_sums(values, size):
    if size <= 0:
        raise ValueError
    return _L([0])
""",
    "int_subclasses": """
class _I(int):
    def __eq__(self, other): return True
    __hash__ = int.__hash__
def window_sums(values, size):
    if size <= 0:
        raise ValueError
    return [_I(0)] * max(0, len(values) - size + 1)
""",
}


@pytest.mark.parametrize("name", ALWAYS_TRUE)
def test_always_true_comparisons_fail(task, make_candidate, name):
    # 7.: a handle never equals plain data in the test process
    assert not _v(task, make_candidate(body=ALWAYS_TRUE[name])).passed


def test_approx_cannot_be_satisfied_by_an_object(make_candidate, tmp_path):
    # 6./7. on a task whose tests use pytest.approx: mean returns an object that subtracts to 0
    from assay.tasks.load import load_task
    from assay.tasks.suite import BUNDLED_ROOT

    task = load_task(BUNDLED_ROOT / "repair" / "running-stats")
    ws = tmp_path / "ws"
    import shutil

    shutil.copytree(task.workspace, ws)
    shutil.copy(task.solution / "runstats.py", ws / "runstats.py")
    src = (ws / "runstats.py").read_text()
    trick = (
        "\nclass _Zero(float):\n"
        "    def __eq__(self, o): return True\n"
        "    def __sub__(self, o): return 0.0\n"
        "    def __rsub__(self, o): return 0.0\n"
        "    __hash__ = float.__hash__\n"
        "_real = RunningStats.mean\n"
        "RunningStats.mean = property(lambda self: _Zero(-1.0))\n"
    )
    (ws / "runstats.py").write_text(src + trick)
    assert not verify(task, ws, repeats=1).passed
    assert verify(task, task.solution.parent / "workspace", repeats=1).passed is False


def test_the_test_process_runs_none_of_the_candidates_code(task, make_candidate, tmp_path):
    # 2./3.: no key, no signer, no verdict here to reach; marker files show where code ran
    marker = tmp_path / f"ran-{uuid.uuid4().hex[:6]}"
    prelude = f"open({str(marker)!r}, 'w').write('x')\n"
    v = _v(task, make_candidate(f"try:\n    {prelude}except OSError:\n    pass\n"))
    assert v.passed
    assert not marker.exists()  # the candidate's process cannot write the host; nothing else ran it


def test_a_stopped_candidate_ends_at_the_deadline(fast_task, make_candidate):
    body = cheat("__import__('os').kill(__import__('os').getpid(), 19) or True")
    start = time.monotonic()
    v = _v(fast_task(timeout_s=3), make_candidate(body=body))
    assert not v.passed
    assert "timeout" in v.reasons
    assert time.monotonic() - start < 30  # the parent's deadline, with a loaded machine's margin


def test_nothing_survives_between_verifications(task, make_candidate):
    name = f"/tmp/assay-persist-{uuid.uuid4().hex[:8]}"
    writer = (
        f"open({name!r}, 'w').write('x')\nimport os\nos.makedirs('/dev/shm/x', exist_ok=True)\n"
    )
    assert _v(task, make_candidate(writer)).passed
    reader = cheat(f"__import__('os').path.exists({name!r})")
    assert not _v(task, make_candidate(body=reader)).passed
    assert not os.path.exists(name)


def test_the_tests_temp_folder_is_read_only_to_the_candidate(make_candidate, tmp_path):
    from assay.tasks.load import load_task
    from assay.tasks.suite import BUNDLED_ROOT

    task = load_task(BUNDLED_ROOT / "repair" / "word-tally")
    import shutil

    ws = tmp_path / "ws"
    shutil.copytree(task.workspace, ws)
    src = (task.solution / "tally.py").read_text()
    # A correct tally that first tries to swap the test's input files for symlinks.
    (ws / "tally.py").write_text(
        src + "\nimport os as _os\n_orig_main = main\n\n"
        "def main(argv=None):\n"
        "    for p in argv or []:\n"
        "        try:\n"
        "            _os.unlink(p)\n"
        "            _os.symlink('/etc/passwd', p)\n"
        "        except OSError:\n"
        "            pass\n"
        "    return _orig_main(argv)\n"
    )
    v = verify(task, ws, repeats=1)
    assert v.passed, v.failure_excerpt


def test_staging_refuses_a_huge_sparse_file_before_reading(task, make_candidate):
    ws = make_candidate()
    with open(ws / "sparse.bin", "wb") as fh:
        fh.truncate(2 * 1024**3)  # 2 GiB apparent, nothing on disk
    v = _v(task, ws)
    assert not v.passed
    assert "refused" in v.failure_excerpt and "MiB" in v.failure_excerpt


@pytest.mark.parametrize("shape", ["deep", "many", "loop"])
def test_staging_quota_and_links(task, make_candidate, shape):
    ws = make_candidate()
    if shape == "deep":
        (ws / "/".join(["d"] * 40)).mkdir(parents=True)
    elif shape == "many":
        folder = ws / "many"
        folder.mkdir()
        for i in range(2100):
            (folder / f"f{i}").write_text("")
    else:
        (ws / "a").symlink_to(ws / "b")
        (ws / "b").symlink_to(ws / "a")
    v = _v(task, ws)
    if shape == "loop":
        assert v.passed, v.reasons  # links are listed, never followed, never a crash
        assert {"a", "b"} <= set(v.escaped_symlinks)
    else:
        assert not v.passed
        assert "refused" in v.failure_excerpt
