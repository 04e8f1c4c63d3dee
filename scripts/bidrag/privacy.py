"""Refuse personal contact details: only functional mailboxes may be published."""

import re

# Linear time: a match may only start where a run of address characters starts, and no part gives
# back what it took (possessive), so a 900 kB field without an @ is read once, not once per character.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+")
# A Swedish phone number starts with 0 or +46 and has 7-11 more digits in groups (070-000 00 00).
PHONE = re.compile(r"(?<![\w-])(?:\+46|0)[\d\s()-]{6,18}\d")
# A personnummer: (YY)YYMMDD, - or +, four digits. Organisation numbers have the same shape but a
# "month" of 20 or more (232100-0164), so the date part tells them apart.
PERSONAL_NUMBER = re.compile(r"(?<![\d-])(?:19|20)?(\d{2})(\d{2})(\d{2})[-+]?(\d{4})(?![\d-])")


def personal_details(text: str, functional_mailboxes: set[str]) -> list[str]:
    """Describe each personal e-mail address or phone number found in text."""
    found = [
        f"personlig e-postadress {address!r} får inte publiceras; är det en funktionsbrevlåda, "
        "lägg till den i data/functional_mailboxes.yml"
        for address in EMAIL.findall(text)
        if address.lower() not in functional_mailboxes
    ]
    for match in PERSONAL_NUMBER.finditer(text):
        if _is_personal_number(match):
            found.append(f"personnummer {match.group()!r} får inte publiceras")
    for match in PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 8 <= len(digits) <= 13 and re.search(r"[\s-]", match.group()):
            found.append(f"telefonnummer {match.group().strip()!r} får inte publiceras")
    return found


def _is_personal_number(match: re.Match) -> bool:
    year, month, day, last = match.groups()
    day_of_month = int(day) - 60 if int(day) > 60 else int(day)  # samordningsnummer add 60 to the day
    if not (1 <= int(month) <= 12 and 1 <= day_of_month <= 31):
        return False
    digits = [int(c) for c in year + month + day + last]
    total = sum(d * 2 // 10 + d * 2 % 10 if i % 2 == 0 else d for i, d in enumerate(digits))
    return total % 10 == 0


def strings_in(data, path=()):
    """Yield (path, text) for every string in nested YAML data."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings_in(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings_in(value, path + (index,))
