"""A warm pytest path: a fork server inside the sandbox runs each verification in a child.

The server starts once per slot under the same bubblewrap plan and uid as a cold run, imports
pytest and warms it on a throwaway test, then forks one child per run. The child takes the
run's rlimits, environment and working folder, and calls ``pytest.main`` with the gate's
plugin, whose signed lines travel back through the server. Between runs the server kills
every other process in its pid namespace, so nothing a candidate leaves behind survives into
the next run. Kept import-free: the server module runs inside the sandbox.
"""
