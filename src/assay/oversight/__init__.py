"""Oversight as interrupt channels: cheap automated checks and costly review, one Protocol.

``protocol`` defines the ``Channel``; ``diff`` builds the ``Inspection`` a channel reads;
the channels are ``public_tests``, ``lint``, ``hazard_scan`` and ``review``; ``registry``
builds them from manifest names. Their flags are scored against the truth in
:mod:`assay.results.scoring`.
"""

from assay.oversight.diff import inspection_for, workspace_diff
from assay.oversight.hazard_scan import HazardScan
from assay.oversight.lint import LintChannel
from assay.oversight.protocol import Channel, ChannelVerdict, Finding, Inspection
from assay.oversight.public_tests import PublicTestsChannel
from assay.oversight.registry import CHANNEL_NAMES, build_channel
from assay.oversight.review import HumanReviewer, LLMReviewer

__all__ = [
    "CHANNEL_NAMES",
    "Channel",
    "ChannelVerdict",
    "Finding",
    "HazardScan",
    "HumanReviewer",
    "Inspection",
    "LLMReviewer",
    "LintChannel",
    "PublicTestsChannel",
    "build_channel",
    "inspection_for",
    "workspace_diff",
]
