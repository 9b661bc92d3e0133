from datetime import date

from dates import add_months


def test_plain_month():
    assert add_months(date(2023, 3, 10), 2) == date(2023, 5, 10)


def test_into_december():
    assert add_months(date(2023, 11, 15), 1) == date(2023, 12, 15)


def test_clamps_to_short_month():
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
