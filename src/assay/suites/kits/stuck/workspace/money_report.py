"""One line of a report: a name padded to 10 characters, then the amount."""

from money_fmt import format_amount


def line(name, value):
    return f"{name:<10}{format_amount(value)}"
