"""The verification gate.

Kept free of imports: the gate's pytest plugin (``assay.verify.plugin``) is imported inside
every sandboxed test run, so this package must cost nothing to import. The API is
:func:`assay.verify.gate.verify`.
"""
