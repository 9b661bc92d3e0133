"""Release hygiene: clean run directories, scan for secrets, write and verify artifact indexes.

- ``secrets``   — typed secret and leaked-path findings; redaction of the same patterns;
- ``clean``     — remove caches, rewrite absolute paths, scan (``assay release clean``);
- ``artifacts`` — ``artifacts.json`` (``assay.artifacts.v1``): sha256 and size of every file,
  parents by hash (``assay artifacts write`` / ``assay artifacts verify``).
"""
