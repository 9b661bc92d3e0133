"""What the runs page says of each run: design, progress, outcomes, isolation, integrity.

Integrity reuses ``assay artifacts verify`` when the run has an artifact index
(``artifacts.json``); without one it is the manifest check every load does
(``manifest.json`` still hashes to ``manifest.sha256``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from assay.errors import InputError
from assay.records.artifacts import ARTIFACTS
from assay.view.loaded import Loaded


def integrity(loaded: Loaded) -> dict[str, Any]:
    """``{"check", "ok", "detail"}`` for the run (computed once per load)."""

    def make() -> dict[str, Any]:
        from assay.release.artifacts import read_artifacts, verify_artifacts

        run = loaded.data
        if (run.root / ARTIFACTS).is_file():
            try:
                problems = verify_artifacts(run.root)
                files = len(read_artifacts(run.root).files)
            except InputError as exc:
                return {"check": "artifacts", "ok": False, "detail": str(exc)}
            detail = (
                f"verified: {files} files match artifacts.json"
                if not problems
                else "; ".join(f"{p.problem}: {p.path}" for p in problems[:5])
                + f" ({len(problems)} mismatch(es))"
            )
            return {"check": "artifacts", "ok": not problems, "detail": detail}
        ok = run.manifest_intact
        detail = (
            "manifest.json hashes to manifest.sha256 (no artifacts.json to verify the rest)"
            if ok
            else "manifest.json no longer hashes to manifest.sha256"
        )
        return {"check": "manifest", "ok": ok, "detail": detail}

    result: dict[str, Any] = loaded.memo("integrity", make)
    return result


def progress(loaded: Loaded) -> dict[str, Any]:
    """Done and planned attempts, outcomes so far, and an estimate of the time left.

    The estimate is ``(planned − done) × elapsed / done`` with ``elapsed`` from the first
    attempt's start to the last one's finish: the run's own pace so far, concurrency
    included. None until an attempt has finished, and 0 once nothing is missing.
    """
    from datetime import datetime

    run = loaded.data
    planned = len(run.planned())
    done = planned - len(run.missing_attempts())
    eta: float | None = None
    starts = [r.started_at for r in run.records]
    ends = [r.finished_at for r in run.records]
    if done >= planned:
        eta = 0.0
    elif done and starts and ends:
        elapsed = (
            datetime.fromisoformat(max(ends)) - datetime.fromisoformat(min(starts))
        ).total_seconds()
        eta = round((planned - done) * max(elapsed, 0.0) / done, 1)
    latest = sorted(run.records, key=lambda r: r.finished_at)[-5:]
    return {
        "planned": planned,
        "done": done,
        "finished": done >= planned,
        "eta_s": eta,
        "outcomes": dict(sorted(Counter(r.outcome for r in run.records).items())),
        "latest": [
            {"attempt_id": r.attempt_id, "outcome": r.outcome, "success": r.success}
            for r in reversed(latest)
        ],
    }


def run_summary(rid: str, loaded: Loaded) -> dict[str, Any]:
    """The runs page's row for one run."""
    run = loaded.data
    starts = [r.started_at for r in run.records]
    return {
        "id": rid,
        "name": run.manifest.name,
        "started": min(starts) if starts else None,
        "agents": [a.id for a in run.manifest.agents],
        "conditions": [c.id for c in run.manifest.conditions],
        "seeds": run.manifest.seeds,
        "isolation": run.isolation,
        "integrity": integrity(loaded),
        **progress(loaded),
    }
