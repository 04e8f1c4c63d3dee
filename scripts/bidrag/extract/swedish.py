"""How these decisions write amounts, dates, organisation numbers, lists and region names."""

import re
from datetime import date

MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
_GROUPED = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+"
# "34 870 000 kr", "4,5 miljoner kronor", "18,5 mnkr", "4 500 tkr", "1,6 miljarder kronor".
AMOUNT = re.compile(
    rf"(?<![\d,])(?P<number>{_GROUPED}|\d+)(?:,(?P<decimals>\d+))?\s*"
    r"(?:(?P<scale>miljoner|miljon|miljarder|miljard|tusen) (?P<unit>kronor|kr)|(?P<short>tkr|mnkr|mkr|mdkr)"
    r"|(?P<plain>kronor|kr))(?!\w)",
    re.IGNORECASE,
)
_SCALES = {
    "tusen": 10**3,
    "tkr": 10**3,
    "miljon": 10**6,
    "miljoner": 10**6,
    "mnkr": 10**6,
    "mkr": 10**6,
    "miljard": 10**9,
    "miljarder": 10**9,
    "mdkr": 10**9,
}
DATE = re.compile(rf"(?:den\s+)?(?P<day>\d{{1,2}})\s+(?P<month>{'|'.join(MONTHS)})\s+(?P<year>\d{{4}})", re.IGNORECASE)
ORG_NR = re.compile(r"(?<!\d)(\d{6})\s?[-–—‐]\s?(\d{4})(?!\d)")


def amount_value(match: re.Match) -> int:
    number = int(re.sub(r"\D", "", match.group("number")))
    scale = _SCALES.get((match.group("scale") or match.group("short") or "").casefold(), 1)
    decimals = match.group("decimals") or ""
    if scale == 1:
        return number  # öre are never stated in these decisions; a decimal part is ignored
    return number * scale + int(decimals.ljust(len(str(scale)) - 1, "0")[: len(str(scale)) - 1] or 0)


def amounts(text: str) -> list[int]:
    return [amount_value(m) for m in AMOUNT.finditer(text)]


def first_amount(text: str) -> int | None:
    found = amounts(text)
    return found[0] if found else None


def dates(text: str) -> list[date]:
    found = []
    for match in DATE.finditer(text):
        try:
            found.append(date(int(match["year"]), MONTHS.index(match["month"].casefold()) + 1, int(match["day"])))
        except ValueError:
            continue
    return found


def first_date(text: str) -> date | None:
    found = dates(text)
    return found[0] if found else None


def org_number(text: str) -> str | None:
    match = ORG_NR.search(text)
    return f"{match.group(1)}-{match.group(2)}" if match else None


def split_list(text: str) -> list[str]:
    """'A, B, C och D' -> [A, B, C, D]; 'hälso- och sjukvård' stays whole."""
    parts = [p.strip() for p in text.split(", ") if p.strip()]
    if not parts:
        return []
    last = re.split(r"(?<!-) (?:och|samt) (?=\S)", parts[-1], maxsplit=1)
    return parts[:-1] + [p.strip() for p in last if p.strip()]


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def genitive(name: str) -> str:
    """Swedish genitive of a proper name: Region Örebro län -> Region Örebro läns."""
    return name if name[-1:] in "sxz" else name + "s"


def find_regions(text: str, regions: list[dict]) -> list[tuple[int, dict]]:
    """Every region named in text, nominative or genitive, as (position, region), in order."""
    found = []
    for region in regions:
        pattern = rf"(?<!\w)(?:{re.escape(genitive(region['name']))}|{re.escape(region['name'])})(?!\w)"
        for match in re.finditer(pattern, text):
            found.append((match.start(), region))
    return sorted(found, key=lambda pair: pair[0])
