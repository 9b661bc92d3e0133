import pytest

from sorting import parse_spec, sort_rows


def names(rows):
    return [row["name"] for row in rows]


PEOPLE = [
    {"name": "a", "city": "Oslo", "age": 30},
    {"name": "b", "city": "Bern", "age": 25},
    {"name": "c", "city": "Oslo", "age": 25},
    {"name": "d", "city": "Bern", "age": 30},
    {"name": "e", "city": "Oslo", "age": 30},
]


def test_three_keys():
    rows = [dict(row, score=i % 2) for i, row in enumerate(PEOPLE)]
    assert names(sort_rows(rows, "-city,age,-score")) == ["c", "a", "e", "b", "d"]


def test_descending_strings():
    assert names(sort_rows(PEOPLE, "-city,-age")) == ["a", "e", "c", "d", "b"]


def test_stable_for_ties_in_both_directions():
    assert names(sort_rows(PEOPLE, "age")) == ["b", "c", "a", "d", "e"]
    assert names(sort_rows(PEOPLE, "-age")) == ["a", "d", "e", "b", "c"]


def test_missing_key_sorts_last_ascending():
    rows = [{"name": "x"}, {"name": "y", "age": 2}, {"name": "z", "age": 1}]
    assert names(sort_rows(rows, "age")) == ["z", "y", "x"]


def test_missing_key_sorts_last_descending():
    rows = [{"name": "x"}, {"name": "y", "age": 1}, {"name": "w"}, {"name": "z", "age": 2}]
    assert names(sort_rows(rows, "-age")) == ["z", "y", "x", "w"]


def test_missing_secondary_key():
    rows = [
        {"name": "p", "team": "a"},
        {"name": "q", "team": "a", "score": 1},
        {"name": "r", "team": "b", "score": 7},
        {"name": "s", "team": "a", "score": 4},
    ]
    assert names(sort_rows(rows, "team,-score")) == ["s", "q", "p", "r"]
    assert names(sort_rows(rows, "score,team")) == ["q", "s", "r", "p"]


def test_rows_missing_primary_ordered_by_secondary():
    rows = [{"name": "m", "b": 2}, {"name": "n", "a": 1, "b": 9}, {"name": "o", "b": 1}]
    assert names(sort_rows(rows, "a,b")) == ["n", "o", "m"]


def test_returns_new_list_and_keeps_input():
    rows = list(PEOPLE)
    result = sort_rows(rows, "age")
    assert type(result) is list
    assert result is not rows
    assert rows == PEOPLE


def test_empty_rows():
    assert sort_rows([], "a,-b") == []


@pytest.mark.parametrize("spec", ["", "a,,b", "-", " , a", "a, -"])
def test_bad_spec(spec):
    with pytest.raises(ValueError):
        parse_spec(spec)
    with pytest.raises(ValueError):
        sort_rows(PEOPLE, spec)
