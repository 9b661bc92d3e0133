from itertools import pairwise

import pytest
from semver import compare, sort_versions

# The precedence example from the SemVer 2.0.0 specification, in ascending order.
SPEC_ORDER = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
]


def test_spec_order():
    shuffled = [SPEC_ORDER[i] for i in (5, 2, 7, 0, 4, 6, 1, 3)]
    result = sort_versions(shuffled)
    assert type(result) is list
    assert result == SPEC_ORDER


@pytest.mark.parametrize("low, high", list(pairwise(SPEC_ORDER)))
def test_spec_pairs(low, high):
    assert compare(low, high) == -1
    assert compare(high, low) == 1


def test_numeric_prerelease_identifiers():
    assert compare("1.0.0-alpha.2", "1.0.0-alpha.10") == -1
    assert compare("1.0.0-rc.10", "1.0.0-rc.9") == 1


def test_numeric_identifier_before_alphanumeric():
    assert compare("1.0.0-9", "1.0.0-a") == -1
    assert compare("1.0.0-999", "1.0.0--") == -1


def test_core_numbers_in_every_position():
    assert compare("10.0.0", "9.99.99") == 1
    assert compare("1.0.10", "1.0.9") == 1
    assert compare("0.0.1", "0.1.0") == -1


def test_build_metadata_ignored():
    assert compare("1.0.0+build.7", "1.0.0+build.5") == 0
    assert compare("1.0.0-rc.1+x", "1.0.0") == -1


def test_compare_returns_plain_int():
    for a, b in [("1.0.0", "2.0.0"), ("2.0.0", "2.0.0"), ("3.0.0", "2.0.0")]:
        assert type(compare(a, b)) is int


def test_sort_keeps_original_strings_and_is_stable():
    versions = ["1.0.0+b", "0.9.0", "1.0.0+a", "1.0.0-rc.2"]
    assert sort_versions(versions) == ["0.9.0", "1.0.0-rc.2", "1.0.0+b", "1.0.0+a"]
    assert versions == ["1.0.0+b", "0.9.0", "1.0.0+a", "1.0.0-rc.2"]


@pytest.mark.parametrize("bad", ["1.2", "1.2.3.4", "v1.2.3", "1.2.3-", "1.2.3-a..b", "", "a.b.c"])
def test_invalid(bad):
    with pytest.raises(ValueError):
        compare(bad, "1.0.0")
