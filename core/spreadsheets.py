"""Cells written to CSV and XLSX exports."""

from decimal import Decimal

# A cell starting with one of these runs as a formula in a spreadsheet (CSV injection): text typed by users,
# usernames tried at the login page and user agents are attacker-controlled.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value ready for a cell: None is empty, a bool is 1/0, text that would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_text(value) -> str:
    """`safe_cell` for a cell that must be text."""
    return str(safe_cell(value))


def plain_number(value) -> str:
    """A Decimal without exponent or trailing zeros (1E+1 -> "10", 2.50 -> "2.5"); empty for None."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)
