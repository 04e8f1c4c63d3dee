"""Whether a client takes gzip, by its Accept-Encoding (RFC 9110 §12.5.3), and the validators of a
body that is sent gzipped or not (downloads, feeds)."""


def accepts_gzip(accept_encoding: str) -> bool:
    """gzip (or *) listed with a q-value above zero; a named gzip beats *."""
    weights = {}
    for part in accept_encoding.split(","):
        coding, *params = (piece.strip() for piece in part.split(";"))
        weights[coding.lower()] = _quality(params)
    return (weights["gzip"] if "gzip" in weights else weights.get("*", 0.0)) > 0


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def negotiated(request, tag: str) -> tuple[bool, dict, bool]:
    """(send gzip, the response headers, whether the client already holds it: answer 304). tag names
    the body (a hash); the ETag names the coding too, as the two bodies differ."""
    gzipped = accepts_gzip(request.headers.get("accept-encoding", ""))
    etag = f'"{tag}{"-gzip" if gzipped else ""}"'
    headers = {"etag": etag, "vary": "accept-encoding", "cache-control": "public, max-age=300"}
    held = request.headers.get("if-none-match", "")
    return gzipped, headers, held.strip() == "*" or etag in held  # "*": any version of it (RFC 9110)
