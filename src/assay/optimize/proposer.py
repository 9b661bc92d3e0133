"""Running the proposer in a child's workspace, sandboxed like any agent.

- ``scripted``: the stdlib program ``scripted_proposer.py`` plays the iteration's proposal,
  in the gate's sandbox (no network; only the workspace writable);
- ``command``: any program, in the same sandbox; its prompt is ``.optimize/prompt.txt``;
  JSON lines ``{"type": "usage", "tokens": N, "cost_usd": X}`` and ``{"type": "message",
  "text": ...}`` on its stdout report usage and its last message (else they are unknown);
- ``cli:NAME``: a third-party agent CLI, confined to the workspace with only its model
  endpoint reachable (the arm machinery of ``assay run --agent cli:NAME``);
- ``agent``: assay's own loop agent, in :mod:`assay.optimize.agent_proposer`.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from assay.optimize.evaluate import resolve_model
from assay.optimize.proposals import Proposals
from assay.optimize.tree import BUNDLE_DIR, Change, unified_diff
from assay.records.optimize import ProposerSpec
from assay.sandbox import process
from assay.sandbox.isolation import plan_for
from assay.sandbox.limits import UNPRIVILEGED_UID, Limits
from assay.sandbox.scratch import give_tree, scratch_dir

PROGRAM = Path(__file__).with_name("scripted_proposer.py")


@dataclass(frozen=True)
class ProposalRun:
    """How the proposer's run ended and what it reported."""

    returncode: int
    timed_out: bool
    stdout: str
    stderr: str
    last_message: str
    tokens: int | None
    cost_usd: float | None
    duration_s: float


def _reported(stdout: str) -> tuple[int | None, float | None, str]:
    tokens: int | None = None
    cost: float | None = None
    message = ""
    for line in stdout.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            message = line.strip() or message
            continue
        if not isinstance(item, dict):
            continue
        if item.get("type") == "usage":
            if isinstance(item.get("tokens"), int):
                tokens = (tokens or 0) + item["tokens"]
            if isinstance(item.get("cost_usd"), int | float):
                cost = (cost or 0.0) + float(item["cost_usd"])
        elif item.get("type") == "message" and isinstance(item.get("text"), str):
            message = item["text"]
    return tokens, cost, message


def _sandboxed(argv: list[str], workspace: Path, timeout_s: float, logdir: Path) -> ProposalRun:
    """Run ``argv`` on a scratch copy of ``workspace``, then put the copy back.

    The scratch folder is one the sandbox's uid can reach; symlinks stay links both ways, so
    the classification sees them.
    """
    plan = plan_for()
    with scratch_dir("assay-optimize-propose-") as scratch:
        work, tmp = scratch / "work", scratch / "log"
        shutil.copytree(workspace, work, symlinks=True)
        tmp.mkdir()
        if plan.drop_uid:
            give_tree(work, UNPRIVILEGED_UID)
        done = process.run(
            argv,
            plan=plan,
            workdir=work,
            env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"},
            limits=Limits(cpu_s=int(timeout_s) + 1, memory_mb=2048, nproc=256),
            timeout_s=timeout_s,
            logdir=tmp,
        )
        for name in ("stdout.txt", "stderr.txt"):
            shutil.copyfile(tmp / name, logdir / name)
        shutil.rmtree(workspace)
        shutil.copytree(work, workspace, symlinks=True)
    tokens, cost, message = _reported(done.stdout)
    return ProposalRun(
        returncode=done.returncode,
        timed_out=done.timed_out,
        stdout=done.stdout,
        stderr=done.stderr,
        last_message=message,
        tokens=tokens,
        cost_usd=cost,
        duration_s=round(done.duration_s, 4),
    )


def run_scripted(
    proposals: Proposals, iteration: int, workspace: Path, timeout_s: float, logdir: Path
) -> ProposalRun:
    """Play the iteration's scripted proposal in ``workspace``."""
    program = workspace / BUNDLE_DIR / PROGRAM.name
    shutil.copyfile(PROGRAM, program)
    payload = proposals.at(iteration).model_dump_json()
    argv = [sys.executable, "-I", "-S", f"{BUNDLE_DIR}/{PROGRAM.name}", payload]
    return _sandboxed(argv, workspace, timeout_s, logdir)


def run_command(spec: ProposerSpec, workspace: Path, logdir: Path) -> ProposalRun:
    """Run a command proposer in ``workspace``."""
    return _sandboxed(list(spec.command), workspace, spec.timeout_s, logdir)


def run_cli(
    spec: ProposerSpec, workspace: Path, *, prompt: str, candidate: str, logdir: Path, base: Path
) -> ProposalRun:
    """Run an agent CLI proposer in ``workspace`` against its model (scripted or live).

    A scripted model's replies are keyed by the candidate id (``c0001``) or ``"*"``.
    """
    from assay.agents.external.base import CliConfig
    from assay.agents.external.registry import ADAPTERS
    from assay.agents.external.session import CliArm
    from assay.models.spec import load_model

    name = spec.kind.split(":", 1)[1]  # a known CLI: checked when the optimization started
    assert spec.model is not None  # checked by ProposerSpec
    model_spec = resolve_model(spec.model, base)
    arm = CliArm(
        ADAPTERS[name],
        model=load_model(model_spec),
        model_spec=model_spec,
        config=CliConfig(timeout_s=spec.timeout_s),
        artifacts=logdir / "cli",
    )
    session = arm.session(
        workspace, prompt=prompt, conversation=f"{candidate}/{candidate}", hidden=[]
    )
    tokens = sum(
        int(r.get("prompt_tokens", 0)) + int(r.get("completion_tokens", 0)) for r in session.records
    )
    final = ""
    for o in session.observations:
        if o.kind == "text":
            final = final + o.text if o.args.get("append") else o.text
    out = (session.round_dir / "stdout.txt").read_text(encoding="utf-8", errors="replace")
    err = (session.round_dir / "stderr.txt").read_text(encoding="utf-8", errors="replace")
    (logdir / "stdout.txt").write_text(out, encoding="utf-8")
    (logdir / "stderr.txt").write_text(err, encoding="utf-8")
    return ProposalRun(
        returncode=session.ran.returncode,
        timed_out=session.ran.timed_out,
        stdout=out,
        stderr=err,
        last_message=final,
        tokens=tokens,
        cost_usd=None,
        duration_s=round(session.ran.duration_s, 4),
    )


def write_proposal(
    folder: Path, ran: ProposalRun, change: Change, parent_ws: Path, ws: Path
) -> None:
    """The proposal's artifacts: last message, logs, diff, change manifest, usage."""
    (folder / "last_message.txt").write_text(ran.last_message, encoding="utf-8")
    if not (folder / "stdout.txt").exists():
        (folder / "stdout.txt").write_text(ran.stdout, encoding="utf-8")
        (folder / "stderr.txt").write_text(ran.stderr, encoding="utf-8")
    (folder / "workspace.diff").write_text(unified_diff(parent_ws, ws, change), encoding="utf-8")
    manifest = {
        "added": change.added,
        "modified": change.modified,
        "deleted": change.deleted,
        "symlinks": change.symlinks,
    }
    (folder / "change_manifest.json").write_text(
        json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    usage = {
        "tokens": ran.tokens,
        "cost_usd": ran.cost_usd,
        "duration_s": ran.duration_s,
        "exit_code": ran.returncode,
        "timed_out": ran.timed_out,
    }
    (folder / "usage.json").write_text(json.dumps(usage, sort_keys=True) + "\n", encoding="utf-8")
