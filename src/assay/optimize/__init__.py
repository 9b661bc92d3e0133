"""Harness optimization: a proposer changes an agent harness; the claim gate decides."""
