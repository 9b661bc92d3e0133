"""assay: honest, workflow-aware evaluation of coding agents.

The data flows one way through the sub-packages, each a capability:

- ``tasks``   — the task format (``task.toml``), loading, suites, and suite checks;
- ``sandbox`` — isolation of untrusted code: rlimits, bubblewrap, killing process groups;
- ``verify``  — the verification gate: fresh directory, pristine tests, a pytest plugin whose
  results travel over a nonce-authenticated pipe, repeats, and the verdict record;
- ``store``   — schema-versioned JSON records written sorted, NaN forbidden;
- ``cli``     — the ``assay`` command.

This module stays import-light: ``assay --help`` must start fast and the gate's plugin
imports the package inside every sandboxed pytest run.
"""

__version__ = "0.1.0"
