"""Cells that Excel must show as text: a text beginning with =, +, - or @ (or a tab or carriage
return, which Excel skips before looking) would be read as a formula (CSV injection, OWASP)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value for an Excel export: such a text gets a leading apostrophe, which Excel shows as
    text and does not display; numbers, empty values and other texts are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
