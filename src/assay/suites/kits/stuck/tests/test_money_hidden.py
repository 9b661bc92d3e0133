from money_fmt import format_amount


def test_comma_groups_large():
    assert format_amount(1234567.891) == "1,234,567.89"
