"""``--origin sample``: n one-shot samples per problem, as an ordinary resumable run.

The samples are an ``assay run`` of the one-shot agent kind (one arm ``oneshot``, condition
``solo``, ``seeds = n``): attempt seed ``s`` (1…n) asks the model for seed ``seed + s`` at
the given temperature. The run directory (default: ``OUT-run`` beside the pool folder) is
resumed when it exists, so a killed sampling loses nothing; the pool is then the ``runs``
pool of that run with origin ``sample`` (temperature, seed and tokens in each candidate's
``detail``).
"""

from __future__ import annotations

from pathlib import Path

from assay.records.manifest import Manifest, manifest_from_dict
from assay.rerank.pool_build import Built
from assay.rerank.pool_runs import build_runs
from assay.runner.execute import run_experiment
from assay.tasks.suite import resolve_suite


def sample_manifest(
    suite: str,
    *,
    model: str,
    n: int,
    temperature: float | None,
    seed: int,
    max_tokens: int,
    call_s: float | None = None,
) -> Manifest:
    """The manifest of a sampling run."""
    root = resolve_suite(suite).resolve()
    raw: dict[str, object] = {
        "name": f"sample-{root.name}"[:100],
        "suites": [str(root)],
        "seeds": n,
        "agents": [
            {
                "id": "oneshot",
                "kind": "oneshot",
                "model": model,
                "config": {"temperature": temperature, "max_tokens": max_tokens, "seed": seed},
            }
        ],
        "conditions": [{"id": "solo"}],
    }
    if call_s is not None:
        raw["timeouts"] = {"call_s": call_s}
    return manifest_from_dict(raw, source="pool build --origin sample")


def build_sample(
    suite: str,
    run_dir: Path,
    *,
    model: str,
    n: int,
    temperature: float | None,
    seed: int,
    max_tokens: int,
    call_s: float | None = None,
    show_progress: bool = False,
) -> Built:
    """Sample (or resume sampling) into ``run_dir``; the pool of what it recorded."""
    manifest = sample_manifest(
        suite,
        model=model,
        n=n,
        temperature=temperature,
        seed=seed,
        max_tokens=max_tokens,
        call_s=call_s,
    )
    resume = (run_dir / "manifest.sha256").is_file()
    run = run_experiment(manifest, run_dir, resume=resume, show_progress=show_progress)
    built = build_runs(run.root, seed=seed, source=str(run.root))
    built.origin = "sample"
    for group in built.problems.values():
        for i, c in enumerate(group):
            group[i] = c.model_copy(update={"origin": "sample"})
    return built
