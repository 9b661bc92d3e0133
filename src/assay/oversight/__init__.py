"""Oversight as interrupt channels: cheap automated checks and costly review, one Protocol."""
