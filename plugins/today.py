"""today() in SQL: the date from bidrag.clock, so canned queries such as upcoming_deadlines follow the
one clock (SQLite's date('now') would not, and tests could not pin it)."""

from datasette import hookimpl

from bidrag import clock


@hookimpl
def prepare_connection(conn):
    conn.create_function("today", 0, lambda: clock.today().isoformat())
