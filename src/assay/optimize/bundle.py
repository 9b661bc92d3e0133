"""The instruction bundle a proposer finds in its child: ``.optimize/`` in the workspace.

``task.md`` (the proposer's instructions, the paths it may change, the harness contract),
``parent_results.json`` (the parent's attempts on the search split: outcome, objective,
the gate's reasons for each failure), ``environment.json`` (versions, the evaluation), and
``prompt.txt`` (what a CLI proposer receives as its prompt). The bundle is moved out of the
workspace into ``proposal/bundle`` once the proposer is done, so it is never a change.
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

import assay
from assay.optimize.contract import CONFIG_FILE, INSTRUCTIONS_FILE
from assay.optimize.scripts import SCRIPTS_DIR
from assay.optimize.tree import BUNDLE_DIR
from assay.records.optimize import Project

CONTRACT = f"""\
How the harness reaches the agent in an evaluation:
- {INSTRUCTIONS_FILE}: appended to the evaluated agent's system prompt;
- {CONFIG_FILE}: [agent] settings of the loop agent (max_passes, max_steps, memory, ...),
  and setup = [[argv], ...] commands run in a throwaway copy before each evaluation;
- {SCRIPTS_DIR}/: copied into every evaluated workspace at the same paths (a name that is
  already a file of a task is refused); the agent is told they exist and may run them;
- any other file is ignored by evaluations.
"""


def write_bundle(
    workspace: Path,
    project: Project,
    *,
    iteration: int,
    parent: str,
    parent_results: list[dict[str, object]],
) -> str:
    """Write ``.optimize/`` into ``workspace``; return the prompt."""
    bundle = workspace / BUNDLE_DIR
    bundle.mkdir(parents=True, exist_ok=False)
    allowed = "\n".join(f"- {g}" for g in project.harness.allowed_write_paths)
    failed = sum(1 for r in parent_results if not r.get(project.evaluation.metric))
    task = (
        f"# Iteration {iteration}: improve harness {parent}\n\n"
        f"{project.proposer.instructions}\n\n"
        f"You may add, change or delete only these paths (globs):\n{allowed}\n\n"
        f"{CONTRACT}\n"
        f"The parent failed {failed} of {len(parent_results)} attempts on the search tasks;"
        f" see {BUNDLE_DIR}/parent_results.json. The objective is"
        f" `{project.evaluation.metric}` (hidden tests decide it; you never see them).\n"
    )
    environment = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "assay": assay.__version__,
        "evaluation": project.evaluation.model_dump(mode="json"),
        "search_tasks": project.search.tasks,
        "search_seeds": project.search.seeds,
    }
    (bundle / "task.md").write_text(task, encoding="utf-8")
    (bundle / "parent_results.json").write_text(
        json.dumps(parent_results, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    (bundle / "environment.json").write_text(
        json.dumps(environment, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    prompt = task + f"\nEverything above is also in {BUNDLE_DIR}/ in this folder.\n"
    (bundle / "prompt.txt").write_text(prompt, encoding="utf-8")
    return prompt
