"""A short, seeded run of `make fuzz` in-process: hostile requests over every route, none answered
with a 5xx (other than the 503 for a query cut off), English error text or missing security headers."""

from bidrag.fuzz import problems, requests, routes, sample_ids


async def test_hostile_requests_over_every_route(datasette, built_db):
    ids = sample_ids(built_db)
    count = len(routes(ids)) + 300  # every route once as it is, then 300 hostile variants
    found, statuses = [], set()
    for method, target, headers in requests(10, count, ids):
        response = await datasette.client.request(method, target, headers=headers)
        statuses.add(response.status_code)
        found += [
            (method, target[:120], p)
            for p in problems(method, target, response.status_code, dict(response.headers), response.content)
        ]
    assert found == []
    assert {200, 400, 404, 405} <= statuses  # the run did reach pages, bad parameters, unknown paths, methods


def test_the_checks_catch_what_they_look_for():
    html = b'<html lang="sv"><p>Database not found</p></html>'
    secure = {
        name: "x"
        for name in ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")
    }
    assert problems("GET", "/x", 404, {**secure, "content-type": "text/html"}, html) == ["engelska: ['not found']"]
    assert problems("GET", "/x", 500, {**secure, "content-type": "text/html"}, b"<p>Fel</p>") == ["500"]
    assert problems("GET", "/x", 503, {**secure, "retry-after": "5", "content-type": "text/html"}, b"<p>Fel</p>") == []
    assert problems("GET", "/x", 200, {"content-type": "text/html"}, b"")[0].startswith("saknar")
    assert problems("GET", "/x", 302, {**secure, "location": "//evil.example"}, b"") == [
        "omdirigerar till //evil.example"
    ]
