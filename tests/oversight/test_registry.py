"""Channels by manifest name."""

from __future__ import annotations

import json
import math
import sys

import pytest

from assay.errors import InputError
from assay.models.scripted import ScriptedModel
from assay.oversight.hazard_scan import HazardScan
from assay.oversight.lint import LintChannel
from assay.oversight.protocol import Channel
from assay.oversight.public_tests import PublicTestsChannel
from assay.oversight.registry import CHANNEL_NAMES, build_channel
from assay.oversight.review import LLMReviewer


def scripted(tmp_path) -> ScriptedModel:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"schema": "assay.script.v1", "tasks": {"*": [{"text": "x"}]}}))
    return ScriptedModel.from_file(path)


@pytest.mark.parametrize(
    ("name", "kind"),
    [("public-tests", PublicTestsChannel), ("lint", LintChannel), ("hazard-scan", HazardScan)],
)
def test_automated_channels_by_name(name, kind):
    channel = build_channel(name, cost=0.5)
    assert isinstance(channel, kind)
    assert isinstance(channel, Channel)
    assert channel.name == name
    assert channel.cost == 0.5


def test_review_needs_a_model(tmp_path):
    with pytest.raises(InputError, match="needs a model"):
        build_channel("review", cost=3.0)
    model = scripted(tmp_path)
    channel = build_channel("review", cost=3.0, review_model=model)
    assert isinstance(channel, LLMReviewer)
    assert channel.model is model
    assert (channel.name, channel.cost) == ("review", 3.0)


@pytest.mark.skipif(sys.stdin.isatty(), reason="needs standard input that is not a terminal")
def test_human_review_needs_a_terminal():
    with pytest.raises(InputError, match="not a terminal"):
        build_channel("review:human", cost=10.0)


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(InputError) as err:
        build_channel("vibes", cost=1.0)
    text = str(err.value)
    assert "unknown channel 'vibes'" in text
    for name in CHANNEL_NAMES:
        assert name in text


@pytest.mark.parametrize("cost", [-1.0, math.nan, math.inf])
def test_bad_cost_is_an_input_error(cost):
    with pytest.raises(InputError, match="cost"):
        build_channel("lint", cost=cost)
