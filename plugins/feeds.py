"""Feeds for those who want to be told: decisions and changes (Atom, JSON Feed 1.1) and reporting
deadlines (iCalendar), for everything, one theme or one region. Ids and UIDs depend only on the
data, so they stay stable. Each feed is made once per release (bidrag.memo): its queries run
without the visitor time limit and the document is written in a worker thread, the calendar (1.5 s
of CPU at 100x) in a child process (bidrag.calendar), so none stalls the other requests or loses a
race against a limit.
"""

import asyncio
import gzip
import json
from datetime import datetime, timezone

from datasette import NotFound, Response, hookimpl
from feedgen.feed import FeedGenerator
from markupsafe import escape

from bidrag.calendar import calendar_text_apart
from bidrag.encoding import negotiated
from bidrag.formatting import kronor, long_date
from bidrag.memo import ReleaseMemo
from bidrag.site import content_hash, fetch_unlimited, site_url

_MEMO = ReleaseMemo()

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
where (:region is null or d.region_id = :region) and (:theme is null or exists (select 1
  from measures m join measure_themes t on t.measure_id = m.id where m.decision_id = d.id and t.theme_id = :theme))
order by d.decided_on desc, d.id limit 100"""
CHANGES = """
select c.release_id, c.published_at, c.decision_id, c.kind, group_concat(c.summary, '|') as summaries,
  r.name as region_name, (select count(*) from decisions d where d.id = c.decision_id) as still_published
from changes c join regions r on r.id = c.region_id
group by c.release_id, c.decision_id order by c.release_id desc, c.decision_id limit 200"""
DEADLINES = """
select x.decision_id, x.kind, x.due_on, x.source_quote, r.name as region_name, d.decided_on
from deadlines x join regions r on r.id = x.region_id join decisions d on d.id = x.decision_id
where (:region is null or x.region_id = :region) and (:theme is null or exists (select 1
  from measures m join measure_themes t on t.measure_id = m.id
  where m.decision_id = x.decision_id and t.theme_id = :theme))
order by x.due_on, x.decision_id"""


def _iso(day: str) -> str:
    return day if "T" in day else f"{day}T00:00:00Z"


def _when(value: str) -> datetime:
    return datetime.fromisoformat(_iso(value).replace("Z", "+00:00"))


def _decision_entries(rows: list[dict], base: str) -> list[dict]:
    entries = []
    for d in rows:
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
    return entries


def _change_entries(rows: list[dict], base: str) -> list[dict]:
    entries = []
    for c in rows:
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
    return entries


async def _entries(datasette, feed: str, scope: dict) -> list[dict]:
    base = site_url(datasette)
    if feed == "changes":
        entries = _change_entries(await fetch_unlimited(datasette, CHANGES), base)
    else:
        entries = _decision_entries(await fetch_unlimited(datasette, DECISIONS, scope), base)
    entries.sort(key=lambda e: e["updated"], reverse=True)
    return entries


# An empty feed's date when nothing was ever published (a plain build): the programme's first year.
_BEFORE_ANY_RELEASE = datetime(2025, 1, 1, tzinfo=timezone.utc)


async def _last_published(datasette) -> str | None:
    """When the release was published: what an empty feed was last brought up to date."""
    rows = await fetch_unlimited(datasette, "select max(published_at) as at from releases")
    return rows[0]["at"] if rows else None


def _atom_text(title: str, feed_url: str, base: str, rights: str, entries: list[dict], published: str | None) -> str:
    generator = FeedGenerator()
    generator.id(feed_url)
    generator.title(title)
    generator.author(
        {
            "name": "Effektivitetsdelegationen vid Kammarkollegiet",
            "email": "effektivitetsdelegationen@kammarkollegiet.se",
        }
    )
    generator.link(href=f"{base}/", rel="alternate")
    generator.link(href=feed_url, rel="self")
    generator.language("sv")
    generator.rights(rights)
    latest = entries[0]["updated"] if entries else published
    generator.updated(_when(latest) if latest else _BEFORE_ANY_RELEASE)
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
    return generator.atom_str(pretty=True).decode("utf-8")


async def _scope(datasette, request) -> tuple[dict, str]:
    """{region, theme} from the URL, and the feed's Swedish name for it; an unknown id is a 404."""
    region, theme = request.url_vars.get("region_id"), request.url_vars.get("theme_id")
    if region is None and theme is None:
        return {"region": None, "theme": None}, ""
    table, key = ("regions", region) if region is not None else ("themes", theme)
    rows = await fetch_unlimited(datasette, f"select name from {table} where id = :id", {"id": key})
    if not rows:
        raise NotFound("Regionen finns inte" if region is not None else "Temat finns inte")
    return {"region": region, "theme": theme}, rows[0]["name"]


async def _once(datasette, request, compute) -> bytes:
    """The feed's text as UTF-8, made and encoded once per release and address (see bidrag.memo):
    encoding the whole calendar per request cost 2.5 ms at 100x."""

    async def encoded():
        return (await compute()).encode("utf-8")

    return await _MEMO.get((content_hash(datasette), request.path), encoded)


async def _feed(datasette, request, body: bytes, content_type: str) -> Response:
    """The feed, gzipped for a client that takes it (the whole calendar is 2.3 MB at 100x, 114 KB
    gzipped), the compression too made once per release and address."""
    # A feed is a function of the release and its address, so readers that poll get 304 until a switch.
    release = content_hash(datasette)
    gzipped, headers, held = negotiated(request, release[:32])
    if held:
        return Response("", status=304, headers=headers)
    if not gzipped:
        return Response(body, content_type=content_type, headers=headers)

    async def compress():
        return await asyncio.to_thread(gzip.compress, body, 6, mtime=0)

    zipped = await _MEMO.get((release, request.path, "gzip"), compress)
    return Response(zipped, content_type=content_type, headers={**headers, "content-encoding": "gzip"})


async def atom(datasette, request):
    feed = request.url_vars.get("feed", "decisions")
    scope, name = await _scope(datasette, request)
    base = site_url(datasette)
    title = f"{FEEDS[feed]}{f' – {name}' if name else ''} – {datasette.metadata('title')}"
    rights = datasette.metadata("license")

    async def compute():
        entries = await _entries(datasette, feed, scope)
        published = None if entries else await _last_published(datasette)
        return await asyncio.to_thread(_atom_text, title, base + request.path, base, rights, entries, published)

    body = await _once(datasette, request, compute)
    return await _feed(datasette, request, body, "application/atom+xml; charset=utf-8")


async def json_feed(datasette, request):
    feed = request.url_vars["feed"]
    entries = await _entries(datasette, feed, {"region": None, "theme": None})
    base = site_url(datasette)
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
    text = json.dumps(body, ensure_ascii=False, indent=2)
    return await _feed(datasette, request, text.encode("utf-8"), "application/feed+json; charset=utf-8")


async def deadlines_ics(datasette, request):
    scope, name = await _scope(datasette, request)
    base = site_url(datasette)

    async def compute():
        rows = await fetch_unlimited(datasette, DEADLINES, scope)
        return await calendar_text_apart(rows, base, name)

    body = await _once(datasette, request, compute)
    return await _feed(datasette, request, body, "text/calendar; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/feeds/(?P<feed>decisions|changes)\.atom$", atom),
        (r"^/feeds/(?P<feed>decisions|changes)\.json$", json_feed),
        (r"^/feeds/deadlines\.ics$", deadlines_ics),
        (r"^/feeds/deadlines/(?P<region_id>[a-z0-9_]+)\.ics$", deadlines_ics),
        (r"^/feeds/regions/(?P<region_id>[a-z0-9_]+)\.atom$", atom),
        (r"^/feeds/regions/(?P<region_id>[a-z0-9_]+)\.ics$", deadlines_ics),
        (r"^/feeds/themes/(?P<theme_id>[a-z0-9_]+)\.atom$", atom),
        (r"^/feeds/themes/(?P<theme_id>[a-z0-9_]+)\.ics$", deadlines_ics),
    ]
