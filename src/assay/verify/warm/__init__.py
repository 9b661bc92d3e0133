"""The fast path for function-level tasks: warm forking servers instead of a pytest start-up.

A pool (:mod:`.pool`, :mod:`.link`) starts two servers per core inside the task sandbox
(bubblewrap with an unprivileged uid where the machine allows it). Each server (:mod:`.server`)
forks a fresh child per run; the child (:mod:`.child`) applies the run's rlimits, runs plain
test functions whose ``assert`` statements were rewritten to be counted (:mod:`.instrument`),
and reports over a MAC-signed pipe with a per-run key (:mod:`assay.verify.protocol`). The
parent decides the verdict (:mod:`.decide`) as the pytest gate does, and additionally requires
every test to reach the number of asserts the reference solution reached.

The server and child import only the standard library: fork cost grows with the server's
memory, and pydantic alone would triple it. The API is :func:`.pool.verify_functions`;
:mod:`.tasks` builds jobs from task folders and checks suites.
"""
