"""Security headers for a public site, and no redirects off-site.

Datasette 0.65 answers /\\evil.example/ and //evil.example/ with a redirect to that host (its
trailing-slash redirect; fixed only in 1.0 alphas). This wrapper answers such paths with 404,
rewrites any Location that would leave the site, and adds the headers. No page of ours uses an
inline script, so script-src 'self' holds; inline styles remain for per-page table labels.
HSTS is sent only when configured (metadata.yml: plugins: bidrag-security: hsts_max_age), because
it must only be sent over HTTPS.
"""

from datasette import hookimpl

from bidrag.site import site_url

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_OFF_SITE = (b"//", b"/\\", b"\\")
_INTERNAL = b"x-bidrag-"  # markers between our plugins (bidrag.errors.MARK), never sent to a client


def leaves_site(path: bytes) -> bool:
    return path.startswith(_OFF_SITE)


def location_leaves_site(location: bytes, base: bytes) -> bool:
    """A redirect target elsewhere: protocol-relative, backslashed, or absolute to another origin."""
    absolute = b"://" in location.split(b"/", 1)[0] + b"/" or b":" in location.split(b"/", 1)[0]
    return leaves_site(location) or (absolute and not (location + b"/").startswith(base + b"/"))


async def _not_found(send):
    body = "Sidan finns inte.".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@hookimpl(trylast=True)  # outermost wrapper: every response, error pages included, gets the headers
def asgi_wrapper(datasette):
    hsts = (datasette.plugin_config("bidrag-security") or {}).get("hsts_max_age")
    extra = HEADERS + ([(b"strict-transport-security", f"max-age={int(hsts)}".encode())] if hsts else [])
    names = {name for name, _ in extra}
    base = site_url(datasette).encode()

    def wrap(app):
        async def secured(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            raw = scope.get("raw_path") or scope["path"].encode()
            if leaves_site(raw) or leaves_site(scope["path"].encode()):
                return await _not_found(send)

            async def send_secured(message):
                if message["type"] == "http.response.start":
                    headers = []
                    for name, value in message.get("headers", []):
                        if name.lower() in names or name.lower().startswith(_INTERNAL):
                            continue
                        if name.lower() == b"location" and location_leaves_site(value, base):
                            value = b"/"
                        headers.append((name, value))
                    message = {**message, "headers": headers + extra}
                await send(message)

            await app(scope, receive, send_secured)

        return secured

    return wrap
