"""The Host header a client sends never reaches an identifier, a link or a cache key.

Datasette builds absolute URLs (JSON next_url, facet toggle links, CSV blob links) from the Host
header, so `Host: attacker.example` put that host into pages, and a response cache keyed on the
URL would hand such a page to everyone. This wrapper, outside every other one, replaces Host,
scheme and server with the configured base URL (bidrag.site.site_url) and turns an absolute-form
request target (`GET http://evil.example/bidrag/ HTTP/1.1`, which Datasette 0.65 redirected to
that host) into its path.
"""

from urllib.parse import urlsplit

from datasette import hookimpl

from bidrag.site import site_url


def origin_path(target: bytes) -> bytes:
    """The path (and query) of a request target; an absolute-form target loses scheme and host."""
    if target.startswith(b"/") or not target:
        return target or b"/"
    parts = urlsplit(target.decode("latin-1"))
    path = parts.path if parts.path.startswith("/") else "/" + parts.path
    return (path + ("?" + parts.query if parts.query else "")).encode("latin-1")


@hookimpl(trylast=True)
def asgi_wrapper(datasette):
    def wrap(app):
        async def canonical(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            base = urlsplit(site_url(datasette))
            port = base.port or (443 if base.scheme == "https" else 80)
            headers = [(n, v) for n, v in scope.get("headers", []) if n.lower() not in (b"host", b"x-forwarded-host")]
            headers.append((b"host", base.netloc.encode("latin-1")))
            raw = origin_path(scope.get("raw_path") or scope["path"].encode("utf-8"))
            path = scope["path"] if scope["path"].startswith("/") else urlsplit(scope["path"]).path or "/"
            scope = {
                **scope,
                "headers": headers,
                "scheme": base.scheme,
                "server": (base.hostname, port),
                "raw_path": raw.partition(b"?")[0],
                "path": path,
            }
            await app(scope, receive, send)

        return canonical

    return wrap
