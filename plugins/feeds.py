"""Feeds for those who want to be told: decisions and changes (Atom, JSON Feed 1.1) and reporting
deadlines (iCalendar, all or one region's). Ids and UIDs depend only on the data, so they stay stable."""

import json
from datetime import date, datetime, timedelta, timezone

import icalendar
from datasette import Response, hookimpl
from feedgen.feed import FeedGenerator
from markupsafe import escape

from bidrag.formatting import kronor, long_date
from bidrag.schema import DEADLINE_KINDS
from bidrag.site import fetch, site_url

FEEDS = {
    "decisions": "Nya och ändrade beslut",
    "changes": "Ändringar i publicerade beslut",
}
DECISIONS = """
select d.id, d.decided_on, d.outcome, d.amount_applied, d.amount_granted, d.amount_rejected, d.outcome_quote,
  r.name as region_name, d.region_id,
  (select max(c.published_at) from changes c where c.decision_id = d.id) as changed_at,
  (select group_concat(m.title || ' (' || m.status || ')', '|') from measures m where m.decision_id = d.id) as measures
from decisions d join regions r on r.id = d.region_id
order by d.decided_on desc, d.id limit 100"""
CHANGES = """
select c.release_id, c.published_at, c.decision_id, c.kind, group_concat(c.summary, '|') as summaries,
  r.name as region_name, (select count(*) from decisions d where d.id = c.decision_id) as still_published
from changes c join regions r on r.id = c.region_id
group by c.release_id, c.decision_id order by c.release_id desc, c.decision_id limit 200"""
DEADLINES = """
select x.decision_id, x.kind, x.due_on, x.source_quote, r.name as region_name, d.decided_on
from deadlines x join regions r on r.id = x.region_id join decisions d on d.id = x.decision_id
where :region is null or x.region_id = :region order by x.due_on, x.decision_id"""


def _iso(day: str) -> str:
    return day if "T" in day else f"{day}T00:00:00Z"


def _when(value: str) -> datetime:
    return datetime.fromisoformat(_iso(value).replace("Z", "+00:00"))


async def _entries(datasette, request, feed: str) -> tuple[list[dict], str]:
    base = site_url(datasette)
    entries = []
    if feed == "decisions":
        for d in await fetch(datasette, DECISIONS):
            url = f"{base}/bidrag/decisions/{d['id']}"
            measures = "".join(f"<li>{escape(m)}</li>" for m in (d["measures"] or "").split("|") if m)
            entries.append(
                {
                    "id": url,
                    "url": url,
                    "title": f"{d['region_name']}: {d['outcome']}, {kronor(d['amount_granted'])} av "
                    f"{kronor(d['amount_applied'])}",
                    "html": f"<p>Beslut {escape(long_date(d['decided_on']))}. {escape(d['outcome_quote'])}</p>"
                    f"<ul>{measures}</ul>",
                    "published": _iso(d["decided_on"]),
                    "updated": _iso(d["changed_at"] or d["decided_on"]),
                    "tags": [d["outcome"], d["region_name"]],
                }
            )
    else:
        for c in await fetch(datasette, CHANGES):
            url = (
                f"{base}/bidrag/decisions/{c['decision_id']}"
                if c["still_published"]
                else f"{base}/bidrag/changes?decision_id={c['decision_id']}"
            )
            items = "".join(f"<li>{escape(s)}</li>" for s in c["summaries"].split("|"))
            entries.append(
                {
                    "id": f"{base}/bidrag/changes?decision_id={c['decision_id']}&release_id={c['release_id']}",
                    "url": url,
                    "title": f"{c['kind'].capitalize()}: {c['region_name']} (publicering {c['release_id']})",
                    "html": f"<ul>{items}</ul>",
                    "published": c["published_at"],
                    "updated": c["published_at"],
                    "tags": [c["kind"], c["region_name"]],
                }
            )
    entries.sort(key=lambda e: e["updated"], reverse=True)
    return entries, base


async def atom(datasette, request):
    feed = request.url_vars["feed"]
    entries, base = await _entries(datasette, request, feed)
    generator = FeedGenerator()
    generator.id(f"{base}/feeds/{feed}.atom")
    generator.title(f"{FEEDS[feed]} – {datasette.metadata('title')}")
    generator.author(
        {
            "name": "Effektivitetsdelegationen vid Kammarkollegiet",
            "email": "effektivitetsdelegationen@kammarkollegiet.se",
        }
    )
    generator.link(href=f"{base}/", rel="alternate")
    generator.link(href=f"{base}/feeds/{feed}.atom", rel="self")
    generator.language("sv")
    generator.rights(datasette.metadata("license"))
    generator.updated(_when(entries[0]["updated"]) if entries else datetime(2025, 1, 1, tzinfo=timezone.utc))
    for item in reversed(entries):  # feedgen lists the last added first
        entry = generator.add_entry()
        entry.id(item["id"])
        entry.title(item["title"])
        entry.link(href=item["url"], rel="alternate")
        entry.content(item["html"], type="html")
        entry.published(_when(item["published"]))
        entry.updated(_when(item["updated"]))
        for tag in item["tags"]:
            entry.category(term=tag)
    return Response(generator.atom_str(pretty=True), content_type="application/atom+xml; charset=utf-8")


async def json_feed(datasette, request):
    feed = request.url_vars["feed"]
    entries, base = await _entries(datasette, request, feed)
    body = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{FEEDS[feed]} – {datasette.metadata('title')}",
        "home_page_url": f"{base}/",
        "feed_url": f"{base}/feeds/{feed}.json",
        "language": "sv",
        "authors": [{"name": "Effektivitetsdelegationen vid Kammarkollegiet"}],
        "items": [
            {
                "id": e["id"],
                "url": e["url"],
                "title": e["title"],
                "content_html": e["html"],
                "date_published": e["published"],
                "date_modified": e["updated"],
                "tags": e["tags"],
            }
            for e in entries
        ],
    }
    return Response(json.dumps(body, ensure_ascii=False, indent=2), content_type="application/feed+json; charset=utf-8")


async def deadlines_ics(datasette, request):
    region = request.url_vars.get("region_id")
    if region is not None and not await fetch(datasette, "select 1 from regions where id = :id", {"id": region}):
        return Response.text("Regionen finns inte", status=404)
    base = site_url(datasette)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Effektivitetsdelegationen//bidrag//SV")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Redovisningar – bidrag för en effektiv hälso- och sjukvård")
    for x in await fetch(datasette, DEADLINES, {"region": region}):
        due = date.fromisoformat(x["due_on"])
        event = icalendar.Event()
        event.add("uid", f"{x['decision_id']}.{x['kind']}.{x['due_on']}@bidrag.effektivitetsdelegationen")
        event.add("dtstamp", _when(x["decided_on"]))  # fixed per decision, so the event does not churn
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("summary", f"{DEADLINE_KINDS.title(x['kind'])}: {x['region_name']}")
        event.add("description", x["source_quote"])
        event.add("url", f"{base}/bidrag/decisions/{x['decision_id']}")
        calendar.add_component(event)
    return Response(calendar.to_ical().decode("utf-8"), content_type="text/calendar; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/feeds/(?P<feed>decisions|changes)\.atom$", atom),
        (r"^/feeds/(?P<feed>decisions|changes)\.json$", json_feed),
        (r"^/feeds/deadlines\.ics$", deadlines_ics),
        (r"^/feeds/deadlines/(?P<region_id>[a-z0-9_]+)\.ics$", deadlines_ics),
    ]
