from datetime import date, datetime

import pytest

from dates import add_months, end_of_month, months_between


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2023, 12, 15), 1, date(2024, 1, 15)),
        (date(2023, 10, 31), 2, date(2023, 12, 31)),
        (date(2023, 5, 31), 1, date(2023, 6, 30)),
        (date(2023, 5, 20), 0, date(2023, 5, 20)),
        (date(2023, 1, 1), 24, date(2025, 1, 1)),
        (date(2023, 1, 31), 35, date(2025, 12, 31)),
    ],
)
def test_forwards(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2024, 1, 15), -1, date(2023, 12, 15)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 1, 31), -12, date(2023, 1, 31)),
        (date(2024, 12, 31), -12, date(2023, 12, 31)),
        (date(2024, 5, 31), -25, date(2022, 4, 30)),
        (date(2023, 3, 31), -13, date(2022, 2, 28)),
    ],
)
def test_backwards(start, months, expected):
    assert add_months(start, months) == expected


def test_result_type_is_date():
    result = add_months(date(2023, 1, 31), 1)
    assert type(result) is date


def test_round_trip_without_clamping():
    start = date(2023, 6, 15)
    for months in range(-30, 31):
        assert add_months(add_months(start, months), -months) == start


@pytest.mark.parametrize("start, months", [(date(9999, 12, 1), 1), (date(1, 1, 31), -1)])
def test_out_of_range(start, months):
    with pytest.raises(ValueError):
        add_months(start, months)


def test_end_of_month():
    assert end_of_month(date(2024, 2, 3)) == date(2024, 2, 29)
    assert end_of_month(date(2023, 12, 31)) == date(2023, 12, 31)


def test_months_between():
    assert months_between(date(2023, 1, 31), date(2023, 2, 28)) == 1
    assert months_between(date(2023, 11, 15), date(2024, 1, 14)) == 1
    assert months_between(date(2023, 11, 15), date(2024, 1, 15)) == 2
    assert months_between(date(2024, 3, 31), date(2023, 12, 31)) == -3
    assert months_between(date(2023, 12, 1), date(2023, 12, 31)) == 0
    assert type(months_between(date(2023, 1, 1), date(2024, 1, 1))) is int


def test_date_taken_from_a_datetime():
    result = add_months(datetime(2023, 12, 31, 10, 30).date(), 2)
    assert result == date(2024, 2, 29)


@pytest.mark.parametrize(
    "start, end, months",
    [
        (date(2024, 1, 31), date(2024, 2, 15), 0),
        (date(2024, 1, 31), date(2024, 1, 1), 0),
        (date(2024, 3, 15), date(2024, 2, 20), 0),
        (date(2024, 3, 15), date(2024, 1, 20), -1),
    ],
)
def test_months_between_counts_whole_months_only(start, end, months):
    assert months_between(start, end) == months


def test_first_and_last_representable_years():
    assert add_months(date(1, 1, 31), 0) == date(1, 1, 31)
    assert add_months(date(9999, 11, 30), 1) == date(9999, 12, 30)
