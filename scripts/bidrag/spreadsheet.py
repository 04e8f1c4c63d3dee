"""Cells that a spreadsheet shows as text, never runs as a formula (CSV injection)."""

# Excel, LibreOffice and Google Sheets start a formula at any of these; tab and CR can hide one.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value for a spreadsheet cell: text starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
