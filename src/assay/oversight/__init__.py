"""Oversight as interrupt channels: cheap automated checks and costly review, one Protocol.

``protocol`` defines the ``Channel``; ``diff`` builds the ``Inspection`` a channel reads;
the channels are ``public_tests``, ``lint``, ``hazard_scan`` and ``review``; ``registry``
builds them from manifest names; ``hazard_truth`` runs the hazard rules on any workspace's
diff, whoever inspected it. Their flags are scored against the hidden tests and the hazard
truth in :mod:`assay.results.scoring`.
"""

from assay.oversight.diff import inspection_for, workspace_diff
from assay.oversight.hazard_scan import HazardScan
from assay.oversight.hazard_truth import hazard_truth
from assay.oversight.lint import LintChannel
from assay.oversight.protocol import Channel, ChannelVerdict, Finding, Inspection, ModelSpend
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
    "ModelSpend",
    "PublicTestsChannel",
    "build_channel",
    "hazard_truth",
    "inspection_for",
    "workspace_diff",
]
