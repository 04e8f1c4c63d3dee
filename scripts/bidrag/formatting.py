"""Numbers, amounts, dates and sorting as Swedish readers expect them (via Babel's CLDR data)."""

from datetime import date
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "sv_SE"
# Swedish alphabetical order puts Å, Ä, Ö after Z; é sorts as e and ü as y.
_SORT = str.maketrans({"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}", "é": "e", "è": "e", "ü": "y"})


@lru_cache(maxsize=8192)  # the same amounts recur on every page; Babel's formatting is not free
def number(value) -> str:
    """34870000 -> '34 870 000' with no-break spaces."""
    if type(value) is int:  # as Babel writes it, at a fiftieth of the cost: a page writes hundreds
        return f"{value:,}".replace(",", "\u00a0")
    return format_decimal(value, locale=LOCALE)


def kronor(value) -> str:
    return f"{number(value)}\u00a0kr"


def percent(value, decimals: int = 1) -> str:
    return f"{format_decimal(round(value, decimals), format='#,##0.0', locale=LOCALE)}\u00a0%"


@lru_cache(maxsize=4096)
def long_date(value) -> str:
    """'2025-11-11' or a date -> '11 november 2025'."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, "d MMMM y", locale=LOCALE)


def sort_key(text: str) -> str:
    return (text or "").casefold().translate(_SORT)
