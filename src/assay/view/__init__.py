"""``assay view``: a read-only web viewer over run directories (runs, run, attempt, compare, live).

Pages are rendered on the server from the same results and report builders as ``assay
report``; every page has a JSON twin under ``/api``. Nothing here writes into a run
directory, and no path taken from a URL reaches the file system unless it resolves inside
one of the folders the viewer was given.
"""
