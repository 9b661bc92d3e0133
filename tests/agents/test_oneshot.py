"""The one-shot agent: code extraction, seeded samples, faults per sample, verified candidates."""

from __future__ import annotations

import json
import shutil

from assay.agents.oneshot import OneShotAgent, extract_code
from assay.models.scripted import ScriptedModel
from assay.verify.gate import verify
from tests.agents.test_loop import FIXED

PROMPT = (
    "from typing import List\n\n\ndef window_sums(values: List[int], size: int) -> List[int]:\n"
)


def test_extract_prefers_block_defining_entry_point():
    text = "Here:\n```python\nx = 1\n```\nand\n```python\ndef f(a):\n    return a\n```\n"
    assert extract_code(text, entry_point="f").strip() == "def f(a):\n    return a"


def test_extract_completion_style_body():
    body = "    return [sum(values[i:i + size]) for i in range(len(values) - size + 1)]\n"
    code = extract_code(body, PROMPT, "window_sums")
    assert code.startswith(PROMPT) and "return [sum" in code


def test_extract_keeps_prompt_imports():
    text = (
        "```python\ndef window_sums(values: List[int], size: int) -> List[int]:\n    return []\n```"
    )
    assert extract_code(text, PROMPT, "window_sums").startswith("from typing import List\n")


def test_samples_are_recorded_with_seeds_and_faults(task, tmp_path):
    script = {
        "schema": "assay.script.v1",
        "tasks": {
            "window-sums": [
                {"text": f"```python\n{FIXED}```"},
                {"faults": ["http_400"]},
                {"text": "```python\ndef window_sums(v, s):\n    return []\n```"},
            ]
        },
    }
    path = tmp_path / "s.json"
    path.write_text(json.dumps(script))
    model = ScriptedModel.from_file(path)
    samples = OneShotAgent(model, temperature=0.2).sample(
        "window-sums", task.prompt_text, n=3, seed=10, entry_point="window_sums"
    )
    assert [s.seed for s in samples] == [10, 11, 12]
    assert samples[1].fault is not None and samples[1].code == ""
    verdicts = []
    for s in (samples[0], samples[2]):
        ws = tmp_path / f"ws{s.index}"
        shutil.copytree(task.workspace, ws)
        (ws / "windows.py").write_text(s.code)
        verdicts.append(verify(task, ws, repeats=1).passed)
    assert verdicts == [True, False]


def test_extract_drops_stray_fences():
    text = "def f(a):\n    return a\n```\nThis returns a."
    assert extract_code(text, entry_point="f") == "def f(a):\n    return a\n"
