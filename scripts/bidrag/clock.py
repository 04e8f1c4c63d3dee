"""Today's date, from one place: whatever depends on the date (upcoming deadlines, "not in the
future") asks here, so tests and staff can pin the day with BIDRAG_TODAY=YYYY-MM-DD."""

import os
from datetime import date

ENVIRONMENT = "BIDRAG_TODAY"


class ClockError(ValueError):
    pass


def today() -> date:
    pinned = os.environ.get(ENVIRONMENT)
    if not pinned:
        return date.today()
    try:
        return date.fromisoformat(pinned)
    except ValueError:
        raise ClockError(f"{ENVIRONMENT}={pinned!r} är inget datum (väntat ÅÅÅÅ-MM-DD)") from None
