"""Swedish errors for what a visitor can cause: Datasette and SQLite speak English, the site does not.

`swedish(message, status)` turns a known English message into Swedish and any unknown one into a
Swedish sentence for its status, so no English text ever reaches a page or a JSON error;
`error_response` is the one error page (templates/error.html) or JSON body, for every plugin.
"""

import re

from datasette import Response
from datasette.utils.asgi import BadRequest

TITLES = {
    400: "Felaktig förfrågan",
    403: "Sidan finns inte",
    404: "Sidan finns inte",
    405: "Metoden är inte tillåten",
    413: "Förfrågan är för stor",
    429: "För många förfrågningar",
    500: "Något gick fel",
    503: "Frågan tog för lång tid",
}
GENERAL = {
    400: "Förfrågan innehåller en parameter eller en fråga som inte går att använda.",
    403: "Vi hittar inte det du söker.",
    404: "Vi hittar inte det du söker. Kontrollera adressen eller börja på startsidan.",
    405: "Webbplatsen tar bara emot förfrågningar som läser (GET och HEAD).",
    413: "Förfrågan är för stor.",
    429: "Servern har för många frågor just nu. Försök igen om en stund.",
    500: "Ett fel uppstod på webbplatsen. Försök igen om en stund.",
    503: "Frågan avbröts eftersom den tog längre tid än tillåtet. Förenkla den eller ladda ner databasen.",
}
# (pattern over Datasette's or SQLite's English message, Swedish template using the pattern's groups)
_KNOWN = [
    (r"no such column: (.+)", "Kolumnen {0} finns inte."),
    (r"no such table: (.+)", "Tabellen {0} finns inte."),
    (r"no such function: (.+)", "Funktionen {0} finns inte."),
    (r'near "(.*)": syntax error', "Syntaxfel nära ”{0}”."),
    (r"unrecognized token: (.+)", "Okänt tecken i frågan: {0}."),
    (r"incomplete input", "Frågan är ofullständig."),
    (r"string or blob too big", "Ett värde i frågan blev större än tillåtet."),
    (r"Statement must be a SELECT", "Bara frågor som läser (select) är tillåtna."),
    (r"Statement may not contain PRAGMA", "Frågan får inte innehålla pragma."),
    (r"Cannot sort table by (.+)", "Det går inte att sortera på {0}."),
    (r"Cannot use _sort and _sort_desc at the same time", "Använd antingen _sort eller _sort_desc, inte båda."),
    (r"_size must be <= (\d+)", "_size får vara högst {0}."),
    (r"_size must be a positive integer", "_size måste vara ett positivt heltal."),
    (r"Cannot search by that column", "Det går inte att söka i den kolumnen."),
    (r"Invalid SQL", "Frågan är inte giltig SQL."),
    (r"interrupted", GENERAL[503]),
    (r"wrong number of arguments to function (.+)\(\)", "Fel antal argument till funktionen {0}."),
    (r"(\d+) values for (\d+) columns", "Fel antal värden i frågan."),
    (r"Incorrect number of bindings supplied.*", "Frågan saknar värden för sina parametrar."),
    (r"You did not supply a value for binding parameter :(\w+)\.?", "Parametern :{0} saknar värde."),
    (r"too many terms in compound SELECT", "Frågan har för många delar (union)."),
    (r"Expression tree is too large.*", "Frågan är för djupt nästlad."),
    (r"parser stack overflow", "Frågan är för djupt nästlad."),
    (r"out of memory", "Frågan behöver mer minne än tillåtet."),
    (r"LIKE or GLOB pattern too complex", "Mönstret i like eller glob är för långt."),
    (r"too many SQL variables", "Frågan har för många parametrar."),
]
_COMPILED = [(re.compile(pattern, re.IGNORECASE), template) for pattern, template in _KNOWN]
_MAX_DETAIL = 80  # a visitor's own text echoed back is cut short


def swedish(message: str | None, status: int) -> str:
    """A Swedish sentence for an English error message (or the general one for its status)."""
    text = " ".join(str(message or "").split())
    for pattern, template in _COMPILED:
        match = pattern.search(text)
        if match:
            return template.format(*(g[:_MAX_DETAIL] for g in match.groups()))
    return GENERAL.get(status, GENERAL[500 if status >= 500 else 400])


def title(status: int) -> str:
    return TITLES.get(status, TITLES[500 if status >= 500 else 400])


# Marks the site's own error responses, so plugins/swedish_errors.py does not translate them twice; never sent.
MARK = "x-bidrag-error"


def wants_json(request) -> bool:
    return request.path.endswith(".json") or request.args.get("_json") is not None


class SaidInSwedish(BadRequest):
    """A visitor's mistake that our own code already explains in Swedish: shown as it is."""


_DOWNLOAD_SUFFIX = re.compile(r"\.(excel\.csv|csv|json)$")


def _without_query(request, status: int) -> str | None:
    """For a parameter the page could not take (400), the same page without any, the page itself for
    a download (/measures for /measures.csv): the way back from a typo in a filter. Only a path of
    this site ("//host" would leave it)."""
    path = request.path
    if status == 400 and request.query_string and path.startswith("/") and not path.startswith("//"):
        return _DOWNLOAD_SUFFIX.sub("", path) or "/"
    return None


async def error_response(datasette, request, status: int, english: str = "", said: str | None = None) -> Response:
    """The Swedish error page, or Swedish JSON for a .json request; said is our own Swedish explanation."""
    message = said or swedish(english, status)
    headers = {MARK: "1", **({"retry-after": "5"} if status in (429, 503) else {})}
    if wants_json(request):
        body = {"ok": False, "error": message, "status": status, "title": title(status)}
        return Response.json(body, status=status, headers=headers)
    template = datasette.jinja_env.select_template(["error.html"])
    html = await template.render_async(
        {
            "ok": False,
            "status": status,
            "title": title(status),
            "error": message,
            "without_query": _without_query(request, status),
            "urls": datasette.urls,
            "app_css_hash": datasette.app_css_hash(),
            "menu_links": lambda: [],
        }
    )
    return Response.html(html, status=status, headers=headers)
