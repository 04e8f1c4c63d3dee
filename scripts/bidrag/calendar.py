"""The reporting deadlines as an iCalendar document, made in a process of its own.

icalendar spends about 240 µs of Python on an event: the whole calendar is 1.5 s at 100x (6 300
events) and 16 s at 1000x. In a worker thread that time held the serving process's GIL, so its other
requests slowed down and their queries ran past the time limit (503s at 1000x). A child process
makes it beside them: the rows go to its standard input as JSON, the text comes back on its output.
"""

import asyncio
import json
import sys
from asyncio.subprocess import PIPE
from datetime import date, datetime, timedelta, timezone

import icalendar

from .schema import DEADLINE_KINDS

# Fewer events are made in a worker thread: starting the child costs 0.2 s, and a region's calendar is small.
APART_FROM = 1000


def calendar_text(rows: list[dict], base: str, name: str) -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Effektivitetsdelegationen//bidrag//SV")
    calendar.add("version", "2.0")
    suffix = f" – {name}" if name else ""
    calendar.add("x-wr-calname", f"Redovisningar – bidrag för en effektiv hälso- och sjukvård{suffix}")
    for x in rows:
        due = date.fromisoformat(x["due_on"])
        event = icalendar.Event()
        event.add("uid", f"{x['decision_id']}.{x['kind']}.{x['due_on']}@bidrag.effektivitetsdelegationen")
        # fixed per decision, so the event does not churn
        event.add("dtstamp", datetime.combine(date.fromisoformat(x["decided_on"]), datetime.min.time(), timezone.utc))
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("summary", f"{DEADLINE_KINDS.title(x['kind'])}: {x['region_name']}")
        event.add("description", x["source_quote"])
        event.add("url", f"{base}/bidrag/decisions/{x['decision_id']}")
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


async def calendar_text_apart(rows: list[dict], base: str, name: str, apart_from: int = APART_FROM) -> str:
    """calendar_text, in a child process (`python -m bidrag.calendar`) from apart_from events on."""
    if len(rows) < apart_from:
        return await asyncio.to_thread(calendar_text, rows, base, name)
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bidrag.calendar", stdin=PIPE, stdout=PIPE, stderr=PIPE
    )
    job = json.dumps({"rows": rows, "base": base, "name": name}).encode("utf-8")
    text, errors = await child.communicate(job)
    if child.returncode != 0:
        raise RuntimeError(f"bidrag.calendar ended with {child.returncode}: {errors.decode(errors='replace')[-500:]}")
    return text.decode("utf-8")


def main() -> None:
    job = json.load(sys.stdin)
    sys.stdout.buffer.write(calendar_text(job["rows"], job["base"], job["name"]).encode("utf-8"))


if __name__ == "__main__":
    main()
