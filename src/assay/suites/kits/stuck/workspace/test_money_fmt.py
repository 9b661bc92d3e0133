from money_fmt import format_amount


def test_comma_groups():
    assert format_amount(1234.5) == "1,234.50"
