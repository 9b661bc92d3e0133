"""pytest tasks verified across a process boundary.

The tests never share a process with the candidate (see :mod:`assay.verify.remote.gate`).
"""
