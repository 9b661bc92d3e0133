"""User-facing input errors: every bad input names the file, the field, the problem and a fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
class InputError(Exception):
    """Raised for bad user input; the CLI prints it and exits 2, never with a traceback."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(p.render() for p in self.problems)

    @classmethod
    def single(cls, file: str | Path, fld: str, message: str, fix: str) -> InputError:
        """Build an error holding one problem."""
        return cls([Problem(str(file), fld, message, fix)])
