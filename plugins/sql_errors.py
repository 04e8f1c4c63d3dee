"""Keeps the SQL form, with the visitor's query in it, when a free SQL query fails (WCAG 3.3.3).

Datasette shows most SQL errors on the query page, but a query that is not a SELECT or that runs past
the time limit ends on the plain error page, and the query the visitor wrote is gone. Here those
errors, on the database's SQL page only, get a page with a Swedish suggestion and the form again.
"""

from datasette import Response, hookimpl
from datasette.views.base import DatasetteError

from bidrag.errors import swedish
from bidrag.site import DATABASE

SUGGESTIONS = {
    "interrupted": "Frågan tog för lång tid och avbröts efter {ms} millisekunder. Förenkla den, begränsa den med "
    "where eller limit, eller ladda ner hela databasen och ställ frågan på din egen dator.",
    "not_select": "Bara frågor som läser får ställas: börja frågan med select (eller with), till exempel "
    "select * from decisions limit 10.",
    "invalid": "Frågan är inte giltig SQL. Kontrollera tabellernas och kolumnernas namn på sidan Om data och API.",
}


def _kind(exception) -> str | None:
    """Which of Datasette's errors this is (it tells them apart only by title)."""
    if not isinstance(exception, DatasetteError):
        return None
    if exception.title == "SQL Interrupted":
        return "interrupted"
    if exception.title == "Invalid SQL":
        return "not_select" if "must be a SELECT" in str(exception.message) else "invalid"
    return None


@hookimpl
def handle_exception(datasette, request, exception):
    if request is None or request.path.rstrip("/") != f"/{DATABASE}" or not request.args.get("sql"):
        return None
    kind = _kind(exception)
    if kind is None:
        return None

    async def inner():
        context = {
            "sql": request.args.get("sql"),
            "suggestion": SUGGESTIONS[kind].format(ms=datasette.setting("sql_time_limit_ms")),
            # What the database said, in Swedish, where it adds to the suggestion (which column, which word).
            "error": swedish(str(exception.message), 400) if kind == "invalid" else "",
        }
        html = await datasette.render_template("sql_error.html", context, request=request)
        # A query cut off by the time limit is the server's 503 (try again, or simpler); the rest the visitor's 400.
        return Response.html(html, status=503 if kind == "interrupted" else 400)

    return inner
