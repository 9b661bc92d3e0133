from sorting import parse_spec, sort_rows

ROWS = [
    {"team": "red", "name": "ann", "score": 3},
    {"team": "blue", "name": "bob", "score": 5},
    {"team": "red", "name": "cid", "score": 9},
    {"team": "blue", "name": "dee", "score": 1},
]


def names(rows):
    return [row["name"] for row in rows]


def test_first_key_has_priority():
    assert names(sort_rows(ROWS, "team,-score")) == ["bob", "dee", "cid", "ann"]


def test_single_key():
    assert names(sort_rows(ROWS, "score")) == ["dee", "ann", "bob", "cid"]


def test_parse_spec():
    assert parse_spec("team, -score") == [("team", False), ("score", True)]
