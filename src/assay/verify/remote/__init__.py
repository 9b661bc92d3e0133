"""pytest tasks verified across a process boundary: the tests never share a process with the
candidate (see :mod:`assay.verify.remote.gate`)."""
