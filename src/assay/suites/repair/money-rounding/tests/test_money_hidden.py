import pytest

from money import allocate, format_cents, to_cents, total


@pytest.mark.parametrize(
    "amount, cents",
    [
        ("0.125", 12),
        ("0.135", 14),
        ("0.285", 28),
        ("1.005", 100),
        ("2.675", 268),
        ("0.005", 0),
        ("0.015", 2),
        ("7", 700),
        ("0.001", 0),
        ("0.0149999", 1),
        ("3.14159", 314),
    ],
)
def test_half_even(amount, cents):
    assert to_cents(amount) == cents


@pytest.mark.parametrize(
    "amount, cents",
    [("-1.015", -102), ("-0.125", -12), ("-2.675", -268), ("-0.005", 0), ("-19.99", -1999)],
)
def test_negative(amount, cents):
    assert to_cents(amount) == cents


def test_huge_amount_is_exact():
    assert to_cents("123456789012345678.905") == 12345678901234567890
    assert to_cents("98765432109876543210.015") == 9876543210987654321002
    digits = "1234567890" * 4
    assert to_cents(digits + ".125") == int(digits + "12")
    assert to_cents("1E+3") == 100000


def test_result_is_plain_int():
    for amount in ["1.015", "0.125", "-3.5", "0"]:
        assert type(to_cents(amount)) is int
    assert type(total(["1.015", "2"])) is int


@pytest.mark.parametrize("bad", ["abc", "", "nan", "inf", "-Infinity", "1.2.3", "1,5"])
def test_invalid(bad):
    with pytest.raises(ValueError):
        to_cents(bad)


def test_format_round_trip():
    for amount in ["0.00", "0.07", "-0.07", "12.50", "-1234.56"]:
        assert format_cents(to_cents(amount)) == amount


def test_total_rounds_each_amount():
    assert total(["0.125", "0.125", "0.125", "0.125"]) == 48


def test_allocate():
    assert allocate(to_cents("10.00"), 3) == [334, 333, 333]
    assert allocate(to_cents("1.015"), 1) == [102]
    assert allocate(5, 4) == [2, 1, 1, 1]
    shares = allocate(to_cents("100.005"), 7)
    assert sum(shares) == 10000
    assert type(shares) is list
    assert all(type(s) is int for s in shares)


def test_one_negative_cent_keeps_its_sign():
    assert format_cents(-1) == "-0.01"


def test_zero_parts_is_a_value_error():
    with pytest.raises(ValueError):
        allocate(5, 0)
