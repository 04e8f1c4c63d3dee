"""Test-only: /test/two-reads reads the Örebro grant, waits in hold(path) (tests/plugins/hold.py), then reads it
again, as a page that runs several queries does; both reads must come from the release the request started on.
Never installed on the site."""

from datasette import Response, hookimpl

from bidrag.site import DATABASE, content_hash, fetch

GRANTED = "select amount_granted from decisions where id = '2025_11_11_orebro'"


async def two_reads(datasette, request):
    first, first_hash = (await fetch(datasette, GRANTED))[0]["amount_granted"], content_hash(datasette)
    await datasette.get_database(DATABASE).execute("select hold(:path)", {"path": request.args["path"]})
    second, second_hash = (await fetch(datasette, GRANTED))[0]["amount_granted"], content_hash(datasette)
    return Response.json({"first": first, "second": second, "same_hash": first_hash == second_hash})


@hookimpl
def register_routes():
    return [(r"^/test/two-reads$", two_reads)]
