"""Show kronor as Swedish readers write them (34 870 000 kr); the JSON and CSV keep integers. A table
page's amount filter that is no whole number of kronor is a Swedish 400 (bidrag.amount_filters).

Every kronor column is named `amount` or `amount_*` (see scripts/bidrag/tables.py).
"""

from datasette import hookimpl

from bidrag.amount_filters import problem
from bidrag.errors import SaidInSwedish
from bidrag.formatting import kronor


def is_amount_column(column: str) -> bool:
    return column == "amount" or column.startswith("amount_")


@hookimpl
def render_cell(value, column):
    if is_amount_column(column) and isinstance(value, int) and not isinstance(value, bool):
        return kronor(value)
    return None


@hookimpl
def filters_from_request(request, table):
    said = problem(table, request.args)
    if said:
        raise SaidInSwedish(said)
