"""Load a task folder into a validated :class:`Task`, or fail with file, field, problem, fix."""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from assay.errors import InputError, Problem
from assay.tasks.globs import matches_any
from assay.tasks.paths import FIX, OUTSIDE, confined, read_confined
from assay.tasks.spec import TaskSpec

TEST_FILE_GLOBS = ("test_*.py", "*_test.py")


@dataclass(frozen=True)
class Task:
    """A loaded task: its validated spec and the files it is made of."""

    root: Path
    spec: TaskSpec
    public_tests: tuple[str, ...]
    """Public test files, relative to ``workspace/``."""
    hidden_tests: tuple[str, ...]
    """Hidden test files, relative to the hidden-tests folder."""
    protected_files: tuple[str, ...]
    """Files of the pristine workspace that the agent must not change (tests included)."""

    @property
    def id(self) -> str:
        """The task id."""
        return self.spec.id

    @property
    def workspace(self) -> Path:
        """The folder the agent starts from."""
        return self.root / "workspace"

    @property
    def hidden_dir(self) -> Path:
        """The folder of hidden tests."""
        return self.root / self.spec.verify.hidden_tests

    @property
    def solution(self) -> Path:
        """The reference solution, laid over the workspace."""
        return self.root / "solution"

    @property
    def prompt_text(self) -> str:
        """The instruction given to the agent."""
        return read_confined(self.root, self.spec.prompt, field="prompt")

    @property
    def protected_globs(self) -> tuple[str, ...]:
        """Globs the agent may not write: the declared ones plus the public tests."""
        return (*self.spec.protected, *self.spec.verify.public_tests)

    def is_protected(self, relpath: str) -> bool:
        """Return whether a workspace-relative path is protected."""
        return matches_any(relpath, self.protected_globs)

    def content_hash(self) -> str:
        """Return the sha256 over every file of the task, in path order."""
        digest = hashlib.sha256()
        for rel in list_files(self.root):
            digest.update(rel.encode() + b"\0")
            digest.update(hashlib.sha256((self.root / rel).read_bytes()).digest())
        return digest.hexdigest()


def list_files(root: Path) -> list[str]:
    """List regular files under a folder as sorted POSIX paths; symlinks and caches skipped."""
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in {"__pycache__", ".pytest_cache"})
        base = Path(dirpath)
        for name in filenames:
            full = base / name
            if full.is_symlink() or not full.is_file() or name.endswith(".pyc"):
                continue
            out.append(full.relative_to(root).as_posix())
    return sorted(out)


_FIX_BY_TYPE = {
    "missing": "add the key to task.toml",
    "extra_forbidden": "remove the key, or check its spelling against the README's task format",
    "string_pattern_mismatch": "use lowercase letters, digits, '.', '_' and '-' only",
    "literal_error": "use one of the allowed values",
    "too_short": "give at least one entry",
}


def _safely(test: Callable[[Path], bool], path: Path) -> bool:
    """``test(path)``, False when the name cannot even be looked up (too long, a loop)."""
    try:
        return test(path)
    except OSError:
        return False


def unreadable(path: Path, exc: OSError) -> InputError:
    """The error for a task file or folder that cannot be read."""
    return InputError.single(
        path, "", f"cannot be read: {exc.strerror or exc}", "make it readable by this user"
    )


def _escapes(root: Path, toml_path: Path, spec: TaskSpec) -> list[Problem]:
    """Every path of the task that leads out of its folder (what it names is sent on)."""
    named = (
        ("prompt", spec.prompt),
        ("verify.hidden_tests", spec.verify.hidden_tests),
        ("workspace/", "workspace"),
        ("solution/", "solution"),
    )
    return [
        Problem(str(toml_path), fld, f"{rel!r} {OUTSIDE}", FIX)
        for fld, rel in named
        if not confined(root, rel)
    ]


def _read_spec(toml_path: Path) -> TaskSpec:
    """``task.toml`` parsed and validated; every problem names the file and the field."""
    try:
        if not toml_path.is_file():
            raise InputError.single(
                toml_path, "", "no task.toml here", "point at a task folder holding a task.toml"
            )
        raw = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError.single(toml_path, "", f"not valid TOML: {exc}", "fix the syntax") from None
    except OSError as exc:
        raise unreadable(toml_path, exc) from None
    try:
        return TaskSpec.model_validate(raw)
    except ValidationError as exc:
        raise InputError.from_validation(
            exc, toml_path, fix="correct the value's type or range", fixes=_FIX_BY_TYPE, top=""
        ) from None


def _missing_parts(root: Path, toml_path: Path, spec: TaskSpec) -> list[Problem]:
    """The prompt file and the workspace, hidden-tests and solution folders must exist."""
    problems: list[Problem] = []

    def need_dir(rel: str, what: str, fld: str) -> None:
        if not _safely(Path.is_dir, root / rel):
            problems.append(Problem(str(toml_path), fld, f"{rel}/ is missing", f"create {what}"))

    if not _safely(Path.is_file, root / spec.prompt):
        problems.append(
            Problem(str(toml_path), "prompt", f"{spec.prompt} not found", "write the instruction")
        )
    need_dir("workspace", "the agent's starting files in workspace/", "")
    need_dir(spec.verify.hidden_tests, "the hidden tests folder", "verify.hidden_tests")
    need_dir("solution", "the reference solution in solution/", "")
    return problems


def _test_problems(
    root: Path, toml_path: Path, spec: TaskSpec, public: tuple[str, ...], hidden: tuple[str, ...]
) -> list[Problem]:
    """Public tests, hidden tests (or a function task's inputs) and a non-empty solution."""
    problems: list[Problem] = []
    if not public:
        problems.append(
            Problem(
                str(toml_path),
                "verify.public_tests",
                f"no file in workspace/ matches {spec.verify.public_tests}",
                "put the public tests in workspace/ or correct the globs",
            )
        )
    fn = spec.verify.function
    if fn is not None and not (root / spec.verify.hidden_tests / fn.inputs).is_file():
        problems.append(
            Problem(
                str(toml_path),
                "verify.function.inputs",
                f"{spec.verify.hidden_tests}/{fn.inputs} not found",
                "write the inputs file (see the README's task format)",
            )
        )
    elif fn is None and not hidden:
        problems.append(
            Problem(
                str(toml_path),
                "verify.hidden_tests",
                f"no test_*.py file in {spec.verify.hidden_tests}/",
                "add hidden tests",
            )
        )
    clashes = sorted(set(public) & {f"_assay_hidden/{h}" for h in hidden})
    if clashes:
        problems.append(Problem(str(toml_path), "verify", f"path clash {clashes}", "rename"))
    if not list_files(root / "solution"):
        problems.append(Problem(str(root / "solution"), "", "empty", "add the reference files"))
    return problems


def load_task(path: str | Path) -> Task:
    """Load and validate a task folder; raise :class:`InputError` describing every problem."""
    root = Path(path)
    toml_path = root / "task.toml"
    spec = _read_spec(toml_path)
    for check in (_escapes, _missing_parts):
        problems = check(root, toml_path, spec)
        if problems:
            raise InputError(problems)
    ws_files = list_files(root / "workspace")
    public = tuple(f for f in ws_files if matches_any(f, spec.verify.public_tests))
    hidden = tuple(
        f for f in list_files(root / spec.verify.hidden_tests) if matches_any(f, TEST_FILE_GLOBS)
    )
    problems = _test_problems(root, toml_path, spec, public, hidden)
    if problems:
        raise InputError(problems)
    globs = (*spec.protected, *spec.verify.public_tests)
    protected = tuple(f for f in ws_files if matches_any(f, globs))
    return Task(
        root=root.resolve(),
        spec=spec,
        public_tests=public,
        hidden_tests=hidden,
        protected_files=protected,
    )
