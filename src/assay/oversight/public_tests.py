"""The ``public-tests`` channel: the verification gate on the public tests only.

It sees what the agent could see: the hidden tests never run here, so its feedback cannot
leak them. The gate still copies the public tests fresh from the task and fails a changed
protected file, so a workspace that edited its own tests is flagged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from assay.oversight.protocol import ChannelVerdict, Finding, Inspection
from assay.verify.gate import verify


@dataclass(frozen=True)
class PublicTestsChannel:
    """Flags a workspace that does not pass the gate's public-scope verification."""

    cost: float = 0.0

    @property
    def name(self) -> str:
        """The channel id."""
        return "public-tests"

    def inspect(self, inspection: Inspection) -> ChannelVerdict:
        """Verify the workspace against the public tests."""
        start = time.monotonic()
        verdict = verify(inspection.task, inspection.workspace, scope="public")
        findings = [
            Finding(rule=f"test-{t.outcome}", message=t.id, path=t.id.split("::", 1)[0])
            for t in verdict.tests
            if t.outcome != "passed"
        ]
        # Reasons not tied to one test or file (tampering, a timeout, ...) are findings too.
        covered = {"tests_failed", "tests_missing", "protected_changed"}
        findings += [
            Finding(rule=r, message=r.replace("_", " "))
            for r in verdict.reasons
            if r not in covered
        ]
        # The gate words these "modified test_x.py", "deleted ...", "added ...".
        for entry in verdict.protected_changed:
            how, _, rel = entry.partition(" ")
            findings.append(Finding("protected_changed", f"protected file {how}", rel or how))
        feedback = ""
        if not verdict.passed:
            lines = [f"The public tests did not pass ({', '.join(verdict.reasons)})."]
            if verdict.protected_changed:
                changed = ", ".join(verdict.protected_changed)
                lines.append(f"Protected files were changed (restore them): {changed}")
            lines.append(verdict.failure_excerpt)
            feedback = "\n".join(lines).strip()
        return ChannelVerdict(
            channel=self.name,
            flag=not verdict.passed,
            findings=tuple(findings),
            feedback=feedback,
            cost=self.cost,
            duration_s=time.monotonic() - start,
            detail={
                "reasons": list(verdict.reasons),
                "public": verdict.public.model_dump(),
                "repeats": verdict.repeats,
                "flaky": verdict.flaky,
                "protected_changed": list(verdict.protected_changed),
                "dropped_files": list(verdict.dropped_files),
                "isolation": verdict.isolation.level,
                "gate_duration_s": verdict.duration_s,
            },
        )
