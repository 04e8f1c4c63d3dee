"""Data for the start page: key figures, the two charts, latest decisions, upcoming deadlines.

The figures are the build's (tables totals, region_totals, payment_years); what remains here are
indexed look-ups bounded by a limit, and the upcoming deadlines, which depend on the date.
"""

from datasette import Response, hookimpl

from bidrag import clock
from bidrag.formatting import sort_key
from bidrag.site import fetch

LATEST = """
select d.id, d.decided_on, d.outcome, d.amount_granted, d.amount_applied, r.name as region_name
from decisions d join regions r on r.id = d.region_id
order by d.decided_on desc, d.id limit 5"""
UPCOMING = """
select x.due_on, x.kind, x.decision_id, r.name as region_name
from deadlines x join regions r on r.id = x.region_id
where x.due_on >= :today order by x.due_on, r.name limit 8"""
CHANGES = """
select c.published_at, c.release_id, c.decision_id, c.summary, r.name as region_name,
  exists(select 1 from decisions d where d.id = c.decision_id) as still_published
from changes c join regions r on r.id = c.region_id order by c.id desc limit 5"""
FRAMES = """
select p.amount, p.year_from, p.year_to, p.value, s.title as source_title, s.kind as source_kind
from programme p join sources s on s.id = p.source_id
where p.topic = 'yearly_frame' order by p.amount"""


async def start_page_view(datasette, request):
    # Datasette's own index view first lists every table with permission checks, which this page
    # never shows and which cost most of its time; /.json stays Datasette's.
    return Response.html(await datasette.render_template("index.html", {}, request=request, view_name="index"))


@hookimpl
def register_routes():
    return [(r"^/$", start_page_view)]


@hookimpl
def extra_template_vars(template, datasette):
    if template != "index.html":
        return None

    async def start_page():
        return {"start": await _start_data(datasette)}

    return start_page


async def _start_data(datasette) -> dict:
    regions = await fetch(datasette, "select * from region_totals")
    regions.sort(key=lambda r: sort_key(r["region_name"]))
    return {
        "totals": (await fetch(datasette, "select * from totals"))[0],
        "regions": regions,
        # Regions with decisions first; the rest are folded away, so a phone reaches the latest decisions.
        "regions_with_decisions": [r for r in regions if r["decisions"]],
        "regions_without_decisions": [r for r in regions if not r["decisions"]],
        "region_scale": max([r["amount_applied"] for r in regions] + [1]),
        "years": await _payment_years(datasette),
        "latest": await fetch(datasette, LATEST),
        "upcoming": await fetch(datasette, UPCOMING, {"today": clock.today().isoformat()}),
        "changes": await fetch(datasette, CHANGES),
    }


async def _payment_years(datasette) -> dict:
    """Granted per payment year, each year with every source's yearly frame that covers it."""
    frames = await fetch(datasette, FRAMES)
    years = [
        {**y, "frames": [f for f in frames if f["year_from"] <= y["year"] <= f["year_to"]]}
        for y in await fetch(datasette, "select year, amount from payment_years order by year")
    ]
    scale = max([y["amount"] for y in years] + [f["amount"] for f in frames] + [1])
    return {"rows": years, "frames": frames, "scale": scale}
