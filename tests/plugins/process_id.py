"""Test-only: /test/process-id answers with the pid of the process that served it, so a test can see which
of the processes behind the proxy answered. Never installed on the site."""

import os

from datasette import Response, hookimpl


async def process_id():
    return Response.json({"pid": os.getpid()}, headers={"cache-control": "no-store"})


@hookimpl
def register_routes():
    return [(r"^/test/process-id$", process_id)]
