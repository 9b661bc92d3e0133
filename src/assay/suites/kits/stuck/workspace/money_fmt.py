"""Amounts as text with two decimals and a grouping separator."""


def format_amount(value):
    return f"{value:.2f}"
