"""Data for the start page: key figures, the two charts, latest decisions, upcoming deadlines."""

from datetime import date

from datasette import Response, hookimpl

from bidrag.formatting import sort_key
from bidrag.site import database_version, fetch

TOTALS = """
select count(*) as decisions, count(distinct region_id) as regions,
  coalesce(sum(amount_applied), 0) as applied, coalesce(sum(amount_granted), 0) as granted,
  coalesce(sum(amount_rejected), 0) as rejected
from decisions"""
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
  (select count(*) from decisions d where d.id = c.decision_id) as still_published
from changes c join regions r on r.id = c.region_id order by c.id desc limit 5"""
PAYMENTS = "select year, sum(amount) as amount from payments group by year"
FRAMES = """
select p.amount, p.year_from, p.year_to, p.value, s.title as source_title, s.kind as source_kind
from programme p join sources s on s.id = p.source_id
where p.topic = 'yearly_frame' order by p.amount"""
PERIOD = "select year_from, year_to from programme where topic = 'programme_period' limit 1"


async def start_page_view(datasette, request):
    # Datasette's own index view first lists every table with permission checks, which this page
    # never shows and which cost most of its time; /.json stays Datasette's.
    return Response.html(await datasette.render_template("index.html", {}, request=request, view_name="index"))


@hookimpl
def register_routes():
    return [(r"^/$", start_page_view)]


# The database is immutable, so the start page's aggregates only change with the date (upcoming
# deadlines): compute them once per process and day instead of on every request.
_computed: dict = {}


@hookimpl
def extra_template_vars(template, datasette):
    if template != "index.html":
        return None

    async def start_page():
        key = (database_version(datasette), date.today())
        if key not in _computed:
            _computed.clear()
            _computed[key] = await _start_data(datasette)
        return {"start": _computed[key]}

    return start_page


async def _start_data(datasette) -> dict:
    totals = (await fetch(datasette, TOTALS))[0]
    totals["share"] = 100 * totals["granted"] / totals["applied"] if totals["applied"] else None
    regions = await fetch(datasette, "select * from region_totals")
    regions.sort(key=lambda r: sort_key(r["region_name"]))
    return {
        "totals": totals,
        "regions": regions,
        "region_scale": max([r["amount_applied"] for r in regions] + [1]),
        "years": await _payment_years(datasette),
        "latest": await fetch(datasette, LATEST),
        "upcoming": await fetch(datasette, UPCOMING, {"today": date.today().isoformat()}),
        "changes": await fetch(datasette, CHANGES),
    }


async def _payment_years(datasette) -> dict:
    """Granted per payment year, each year with every source's yearly frame that covers it."""
    paid = {row["year"]: row["amount"] for row in await fetch(datasette, PAYMENTS)}
    frames = await fetch(datasette, FRAMES)
    period = await fetch(datasette, PERIOD)
    first = period[0]["year_from"] if period else min(paid, default=date.today().year)
    last = period[0]["year_to"] if period else max(paid, default=first)
    years = [
        {
            "year": year,
            "amount": paid.get(year, 0),
            "frames": [f for f in frames if f["year_from"] <= year <= f["year_to"]],
        }
        for year in range(first, max([last, *paid]) + 1)
    ]
    scale = max([y["amount"] for y in years] + [f["amount"] for f in frames] + [1])
    return {"rows": years, "frames": frames, "scale": scale}
