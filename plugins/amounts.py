"""Show kronor as Swedish readers write them (34 870 000 kr); the JSON and CSV keep integers.

Every kronor column is named `amount` or `amount_*` (see scripts/bidrag/tables.py).
"""

from babel.numbers import format_decimal
from datasette import hookimpl


def is_amount_column(column: str) -> bool:
    return column == "amount" or column.startswith("amount_")


def format_kronor(value: int) -> str:
    return f"{format_decimal(value, locale='sv_SE')}\u00a0kr"


@hookimpl
def render_cell(value, column):
    if is_amount_column(column) and isinstance(value, int) and not isinstance(value, bool):
        return format_kronor(value)
    return None
