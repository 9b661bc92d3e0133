from merge import deep_merge, merge_all


def test_nested_merge():
    base = {"db": {"host": "localhost", "port": 5432}, "debug": False}
    override = {"db": {"port": 6543}, "debug": True}
    assert deep_merge(base, override) == {
        "db": {"host": "localhost", "port": 6543},
        "debug": True,
    }


def test_base_is_not_modified():
    base = {"db": {"host": "localhost", "port": 5432}, "debug": False}
    deep_merge(base, {"db": {"port": 1}, "debug": True, "extra": 1})
    assert base == {"db": {"host": "localhost", "port": 5432}, "debug": False}


def test_merge_all():
    assert merge_all({"a": 1}, {"b": {"c": 2}}, {"b": {"d": 3}}) == {
        "a": 1,
        "b": {"c": 2, "d": 3},
    }
