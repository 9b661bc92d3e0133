"""Reading HumanEval- and MBPP+-style JSON lines, with errors naming file, line and field."""

from __future__ import annotations

import ast
import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assay.errors import InputError, Problem

_MAX_PROBLEMS = 25
_IDENT = r"^[A-Za-z_][A-Za-z0-9_]*$"
R = TypeVar("R", bound=BaseModel)


class HumanEvalRecord(BaseModel):
    """One HumanEval problem: a prompt to complete, its reference completion, its ``check``."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    task_id: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    entry_point: str = Field(pattern=_IDENT)
    canonical_solution: str
    test: str = Field(min_length=1)
    base_input: list[Any] = Field(default_factory=list)
    """HumanEval+ shape: the inputs of the original tests (absent in plain HumanEval)."""
    plus_input: list[Any] = Field(default_factory=list)
    contract: str = ""
    atol: float = 0.0


class MbppPlusRecord(BaseModel):
    """One MBPP+ problem: a description, a reference solution, its base tests as asserts."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    task_id: int | str
    prompt: str = Field(min_length=1)
    entry_point: str = Field(pattern=_IDENT)
    canonical_solution: str = Field(min_length=1)
    test_list: list[str] = Field(min_length=1)
    test_imports: list[str] = Field(default_factory=list)
    assertion: str = Field(min_length=1)
    base_input: list[Any] = Field(default_factory=list)
    plus_input: list[Any] = Field(default_factory=list)
    """Only in the official release; the raw release has none (they are generated then)."""
    contract: str = ""
    atol: float = 0.0


def _parses(source: str) -> ast.Module | str:
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        return f"not valid Python ({exc.msg}, line {exc.lineno})"


def _defines(tree: ast.Module, name: str) -> bool:
    return any(
        isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef) and s.name == name for s in tree.body
    )


def check_humaneval(rec: HumanEvalRecord) -> list[tuple[str, str]]:
    """Problems (field, message) beyond the schema: the code must parse and define its names."""
    out: list[tuple[str, str]] = []
    prompt = _parses(rec.prompt)
    if isinstance(prompt, str):
        out.append(("prompt", prompt))
    elif not _defines(prompt, rec.entry_point):
        out.append(("entry_point", f"the prompt defines no function {rec.entry_point!r}"))
    program = _parses(rec.prompt + rec.canonical_solution)
    if isinstance(program, str):
        out.append(("canonical_solution", f"prompt + canonical_solution is {program}"))
    test = _parses(rec.test)
    if isinstance(test, str):
        out.append(("test", test))
    elif not _defines(test, "check"):
        out.append(("test", "defines no function check(candidate)"))
    return out


def check_mbppplus(rec: MbppPlusRecord) -> list[tuple[str, str]]:
    """Problems (field, message) beyond the schema: the code must parse and define its names."""
    out: list[tuple[str, str]] = []
    solution = _parses(rec.canonical_solution)
    if isinstance(solution, str):
        out.append(("canonical_solution", solution))
    elif not _defines(solution, rec.entry_point):
        out.append(("entry_point", f"canonical_solution defines no {rec.entry_point!r}"))
    for fld, sources, kinds in (
        ("assertion", [rec.assertion], (ast.Assert, ast.Import, ast.ImportFrom)),
        ("test_list", rec.test_list, (ast.Assert,)),
        ("test_imports", rec.test_imports, (ast.Import, ast.ImportFrom)),
    ):
        for i, source in enumerate(sources):
            tree = _parses(source)
            where = fld if fld == "assertion" else f"{fld}[{i}]"
            if isinstance(tree, str):
                out.append((where, tree))
            elif not tree.body or not all(isinstance(s, kinds) for s in tree.body):
                allowed = " and ".join(k.__name__.lower() for k in kinds)
                out.append((where, f"may hold only {allowed} statements"))
    return out


def _open_lines(path: Path) -> list[str]:
    if not path.is_file():
        raise InputError.single(path, "", "file not found", "give the path of a .jsonl file")
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                return fh.read().splitlines()
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise InputError.single(
            path, "", f"cannot be read: {exc}", "give a UTF-8 JSONL file"
        ) from None


def read_records(
    path: Path, model: type[R], check: Callable[[R], list[tuple[str, str]]], id_field: str
) -> list[tuple[int, R]]:
    """Every record of a JSONL file (``.gz`` too) with its line number; all problems at once."""
    problems: list[Problem] = []
    records: list[tuple[int, R]] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(_open_lines(path), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(str(path), where, f"not valid JSON: {exc.msg}", "fix the line"))
            continue
        if not isinstance(raw, dict):
            problems.append(Problem(str(path), where, "not a JSON object", "write one per line"))
            continue
        try:
            rec = model.model_validate(raw)
        except ValidationError as exc:
            problems += InputError.from_validation(
                exc,
                path,
                fix="correct the value",
                fixes={"missing": "add the field"},
                where=where,
                top="record",
            ).problems
            continue
        problems += [
            Problem(str(path), f"{where}: {fld}", msg, "correct the record")
            for fld, msg in check(rec)
        ]
        key = str(getattr(rec, id_field))
        if key in seen:
            problems.append(
                Problem(
                    str(path),
                    f"{where}: {id_field}",
                    f"{key!r} repeats line {seen[key]}",
                    "make task ids unique",
                )
            )
        seen[key] = number
        records.append((number, rec))
    if problems:
        raise InputError(problems[:_MAX_PROBLEMS])
    if not records:
        raise InputError.single(path, "", "holds no records", "give a non-empty JSONL file")
    return records
