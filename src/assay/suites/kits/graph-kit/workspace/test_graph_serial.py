from graph_serial import dumps, loads


def test_round_trip():
    text = "a b 2\n# a comment\nb c 5\n"
    g = loads(text)
    assert g.weight("c", "b") == 5
    assert dumps(loads(dumps(g))) == dumps(g) == "a b 2\nb c 5\n"
