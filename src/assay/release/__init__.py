"""Release hygiene: clean run directories, scan for secrets, write and verify artifact indexes.

- ``secrets``   — typed secret and leaked-path findings; redaction of the same patterns;
- ``clean``     — remove caches, rewrite absolute paths, scan (``assay release clean``);
- ``artifacts`` — ``artifacts.json`` (``assay.artifacts.v1``): sha256 and size of every file,
  parents by hash (``assay artifacts write`` / ``assay artifacts verify``).
"""

from assay.release.artifacts import Mismatch, read_artifacts, verify_artifacts, write_artifacts
from assay.release.clean import CleanReport, clean_tree
from assay.release.secrets import Finding, redact, scan_text, scan_tree

__all__ = [
    "CleanReport",
    "Finding",
    "Mismatch",
    "clean_tree",
    "read_artifacts",
    "redact",
    "scan_text",
    "scan_tree",
    "verify_artifacts",
    "write_artifacts",
]
