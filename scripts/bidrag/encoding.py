"""Whether a client takes gzip, by its Accept-Encoding (RFC 9110 §12.5.3)."""


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
