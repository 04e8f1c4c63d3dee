"""Test-only: hold(path) in SQL blocks until path + '.release' exists, after creating path + '.held',
so a test can keep a visitor's query running for exactly as long as it needs. Never installed on the site."""

import time
from pathlib import Path

from datasette import hookimpl

_LIMIT_POLLS = 6_000  # at most a minute, so a failing test cannot hang the server forever


def hold(path: str) -> str:
    Path(path + ".held").touch()
    release = Path(path + ".release")
    for _ in range(_LIMIT_POLLS):
        if release.exists():
            return "released"
        time.sleep(0.01)
    return "gave up"


@hookimpl
def prepare_connection(conn):
    conn.create_function("hold", 1, hold)
