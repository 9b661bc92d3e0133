"""Isolation of untrusted code: rlimits, an unprivileged uid, bubblewrap namespaces, timeouts."""
