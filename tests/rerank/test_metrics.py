"""Ranking metrics: exact values on hand-computed pools, and their properties."""

from __future__ import annotations

import itertools
import random
from math import comb

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.rerank.metrics import mrr, pass_at_k, tie_groups, top1
from assay.stats.passk import pass_at_k as unbiased_pass_at_k


def test_ties_are_an_exact_expectation() -> None:
    # Top group {a, b, c} holds one passing candidate: pass@1 = 1/3, not a draw.
    scores, labels = [2, 2, 2, 1], [False, True, False, True]
    assert top1(scores, labels) == pytest.approx(1 / 3)
    # pass@2: both slots from the top group of 3 with 1 passing: 1 - C(2,2)/C(3,2) = 2/3.
    assert pass_at_k(scores, labels, 2) == pytest.approx(2 / 3)
    # pass@4: everything: 1.
    assert pass_at_k(scores, labels, 4) == 1.0
    # MRR: first pass at 1, 2 or 3 with prob 1/3 each in the top group.
    assert mrr(scores, labels) == pytest.approx((1 + 1 / 2 + 1 / 3) / 3)


def test_all_pass_all_fail_and_a_clean_ranking() -> None:
    assert top1([0, 0, 0], [True] * 3) == 1.0
    assert top1([3, 2, 1], [False] * 3) == 0.0
    assert mrr([3, 2, 1], [False] * 3) == 0.0
    assert pass_at_k([3, 2, 1], [False] * 3, 2) == 0.0
    assert top1([1, 3, 2], [False, True, False]) == 1.0
    assert mrr([1, 3, 2], [True, False, False]) == pytest.approx(1 / 3)
    assert tie_groups([1, 3, 1], [True, False, False]) == [(1, 0), (2, 1)]


def test_one_group_of_ties_is_the_random_baseline() -> None:
    # All tied: pass@1 = c/m and pass@k is the unbiased estimator of Chen et al.
    labels = [True, False, False, True, False, False]
    assert top1([0.0] * 6, labels) == pytest.approx(2 / 6)
    for k in range(1, 7):
        assert pass_at_k([0.0] * 6, labels, k) == pytest.approx(unbiased_pass_at_k(6, 2, k))


rankings = st.integers(1, 8).flatmap(
    lambda m: st.tuples(
        st.lists(st.integers(0, 3), min_size=m, max_size=m),
        st.lists(st.booleans(), min_size=m, max_size=m),
    )
)


@settings(max_examples=150, deadline=None)
@given(rankings)
def test_pass_at_1_lies_between_the_worst_and_best_tie_break(
    case: tuple[list[int], list[bool]],
) -> None:
    scores, labels = case
    best = max(scores)
    top = [y for s, y in zip(scores, labels, strict=True) if s == best]
    value = top1(scores, labels)
    assert min(top) <= value <= max(top)
    # The oracle (passing first) is at least every ranking, on every metric.
    oracle = [float(y) for y in labels]
    assert top1(oracle, labels) >= value
    assert mrr(oracle, labels) >= mrr(scores, labels) - 1e-12
    for k in range(1, len(labels) + 1):
        assert pass_at_k(oracle, labels, k) >= pass_at_k(scores, labels, k) - 1e-12


small_rankings = st.integers(1, 6).flatmap(
    lambda m: st.tuples(
        st.lists(st.integers(0, 2), min_size=m, max_size=m),
        st.lists(st.booleans(), min_size=m, max_size=m),
    )
)


@settings(max_examples=100, deadline=None)
@given(small_rankings, st.randoms(use_true_random=False))
def test_expectations_match_enumerating_every_tie_break(
    case: tuple[list[int], list[bool]], rnd: random.Random
) -> None:
    scores, labels = case
    m = len(labels)
    # Every order the ties allow, each equally likely.
    orders = [
        p
        for p in itertools.permutations(range(m))
        if all(scores[p[i]] >= scores[p[i + 1]] for i in range(m - 1))
    ]
    p1 = sum(labels[o[0]] for o in orders) / len(orders)
    assert top1(scores, labels) == pytest.approx(p1)
    rr = sum(next((1 / (i + 1) for i, j in enumerate(o) if labels[j]), 0.0) for o in orders) / len(
        orders
    )
    assert mrr(scores, labels) == pytest.approx(rr)
    k = rnd.randint(1, m)
    hit = sum(any(labels[j] for j in o[:k]) for o in orders) / len(orders)
    assert pass_at_k(scores, labels, k) == pytest.approx(hit)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=10), st.randoms(use_true_random=False))
def test_random_baseline_does_not_depend_on_order(labels: list[bool], rnd: random.Random) -> None:
    shuffled = list(labels)
    rnd.shuffle(shuffled)
    tied = [0.0] * len(labels)
    assert top1(tied, labels) == top1(tied, shuffled) == pytest.approx(sum(labels) / len(labels))
    assert mrr(tied, labels) == pytest.approx(mrr(tied, shuffled))
    c, m = sum(labels), len(labels)
    assert pass_at_k(tied, labels, 1) == pytest.approx(1 - comb(m - c, 1) / comb(m, 1))
