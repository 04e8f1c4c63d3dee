"""Amount filters on the table pages: one that is no whole number of kronor is a Swedish 400
(bidrag.amount_filters; plugins/query_rewrites.py reads 1 000 000 kr as 1000000 first)."""

from datasette import hookimpl

from bidrag.amount_filters import problem
from bidrag.errors import SaidInSwedish


@hookimpl
def filters_from_request(request, table):
    said = problem(table, request.args)
    if said:
        raise SaidInSwedish(said)
