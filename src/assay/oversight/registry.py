"""Build a channel from its manifest name."""

from __future__ import annotations

import math
import sys

from assay.errors import InputError, require_extra
from assay.models.protocol import Model
from assay.oversight.hazard_scan import HazardScan
from assay.oversight.lint import LintChannel
from assay.oversight.protocol import Channel
from assay.oversight.public_tests import PublicTestsChannel
from assay.oversight.review import HumanReviewer, LLMReviewer

CHANNEL_NAMES = ("public-tests", "lint", "hazard-scan", "review", "review:human")
"""Every name a manifest may use for a channel."""


def build_channel(
    name: str,
    *,
    cost: float,
    review_model: Model | None = None,
) -> Channel:
    """Return the channel called ``name``; raise ``InputError`` for a name or cost it cannot use.

    ``review`` needs ``review_model``; ``review:human`` needs a terminal on standard input.
    """
    where = f"channels.{name}"
    if not math.isfinite(cost) or cost < 0:
        raise InputError.single(
            "manifest", where, f"cost {cost!r} is not a finite number >= 0", "give a cost >= 0"
        )
    if name == "public-tests":
        return PublicTestsChannel(cost=cost)
    if name == "lint":
        # Without ruff the channel could only pass everything: `auto` would quietly mean
        # something else, so the manifest is refused instead.
        require_extra(
            "ruff",
            feature="the manifest's lint channel",
            alternative="remove 'lint' from the conditions' channels",
        )
        return LintChannel(cost=cost)
    if name == "hazard-scan":
        return HazardScan(cost=cost)
    if name == "review":
        if review_model is None:
            raise InputError.single(
                "manifest", where, "the review channel needs a model", "give a review model"
            )
        return LLMReviewer(review_model, cost=cost)
    if name == "review:human":
        if not sys.stdin.isatty():
            raise InputError.single(
                "manifest",
                where,
                "a person reviews in the terminal, but standard input is not a terminal",
                "run from an interactive terminal, or review with a model",
            )
        return HumanReviewer(cost=cost)
    raise InputError.single(
        "manifest",
        where,
        f"unknown channel {name!r}",
        f"use one of: {', '.join(CHANNEL_NAMES)}",
    )
