from money_report import line


def test_report_groups_with_spaces():
    assert line("rent", 1234.5) == "rent      1 234.50"
