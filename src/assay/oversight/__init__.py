"""Oversight as interrupt channels: cheap automated checks and costly review, one Protocol.

``protocol`` defines the ``Channel``; ``diff`` builds the ``Inspection`` a channel reads;
the channels are ``public_tests``, ``lint``, ``hazard_scan`` and ``review``; ``registry``
builds them from manifest names. Their flags are scored against the truth in
:mod:`assay.results.scoring`.
"""
