from money import format_cents, to_cents, total


def test_whole_cents():
    assert to_cents("1.10") == 110
    assert to_cents("19.99") == 1999


def test_halves_that_floats_get_wrong():
    assert to_cents("1.015") == 102
    assert to_cents("0.575") == 58


def test_format():
    assert format_cents(102) == "1.02"
    assert format_cents(-5) == "-0.05"


def test_total():
    assert total(["1.015", "1.10"]) == 212
