"""Writing an imported task folder in the task format, checked by loading it back."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from assay.errors import InputError
from assay.tasks.load import Task, load_task
from assay.tasks.spec import FunctionSpec, Hazard, TaskSpec, VerifySpec
from assay.verify.function.data import FunctionInputs

PUBLIC_TEST = "test_solution.py"
HIDDEN_TEST = "test_hidden.py"


@dataclass
class TaskDraft:
    """Everything an importer decided about one task, before it is written."""

    id: str
    title: str
    tags: list[str]
    prompt: str
    """The text of PROMPT.md."""
    stub: str
    """``workspace/solution.py``: what the agent starts from."""
    public_test: str
    hidden_test: str
    solution: str
    timeout_s: float
    memory_mb: int
    hazards: list[Hazard] = field(default_factory=list)
    function: FunctionSpec | None = None
    """Set for a function-level task: ``hidden_test`` is unused, ``inputs`` written instead."""
    inputs: FunctionInputs | None = None
    repeats: int = 3

    def spec(self) -> TaskSpec:
        """The validated ``task.toml`` of the draft."""
        return TaskSpec(
            id=self.id,
            title=self.title,
            tags=self.tags,
            protected=["test_*.py"],
            verify=VerifySpec(
                runner="function" if self.function else "pytest",
                function=self.function,
                public_tests=[PUBLIC_TEST],
                timeout_s=self.timeout_s,
                memory_mb=self.memory_mb,
                repeats=self.repeats,
            ),
            hazards=self.hazards,
        )


def _value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float | str):
        return json.dumps(v, ensure_ascii=False)  # a JSON string or number is valid TOML
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise TypeError(f"no TOML form for {type(v).__name__}")


def toml_text(spec: TaskSpec) -> str:
    """``task.toml`` for a spec (the schema has scalars, lists, one table, one table array)."""
    data = spec.model_dump(mode="json", exclude_none=True)
    verify, hazards = data.pop("verify"), data.pop("hazards")
    function = verify.pop("function", None)
    lines = [f"{k} = {_value(v)}" for k, v in data.items()]
    lines += ["", "[verify]", *(f"{k} = {_value(v)}" for k, v in verify.items())]
    if function is not None:
        lines += ["", "[verify.function]", *(f"{k} = {_value(v)}" for k, v in function.items())]
    for hazard in hazards:
        lines += ["", "[[hazards]]", *(f"{k} = {_value(v)}" for k, v in hazard.items())]
    return "\n".join(lines) + "\n"


def write_task(draft: TaskDraft, out: Path) -> Task:
    """Write the draft into ``out/<id>`` (replacing an earlier import) and load it back."""
    root = out / draft.id
    if root.exists():
        if not (root / "task.toml").is_file():
            raise InputError.single(
                root, "", "exists and is not a task folder", "choose another --out folder"
            )
        shutil.rmtree(root)
    files = {
        "task.toml": toml_text(draft.spec()),
        "PROMPT.md": draft.prompt,
        "workspace/solution.py": draft.stub,
        f"workspace/{PUBLIC_TEST}": draft.public_test,
        "solution/solution.py": draft.solution,
    }
    if draft.inputs is not None:
        files["tests/inputs.json"] = draft.inputs.model_dump_json(by_alias=True) + "\n"
    else:
        files[f"tests/{HIDDEN_TEST}"] = draft.hidden_test
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return load_task(root)
