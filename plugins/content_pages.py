"""Data for the pages Goda exempel, Avslag och skäl and Om data och API (templates/pages/)."""

import json
from urllib.parse import urlencode

from datasette import hookimpl

from bidrag.formatting import sort_key
from bidrag.schema import TABLES
from bidrag.site import DATABASE, fetch, site_url

# Each group lists its latest measures; the rest are a link away (the build ranked them).
PER_GROUP = 20
GOOD_EXAMPLES = """
select t.id as theme_id, t.name as theme_name, t.description as theme_description,
  tt.measures_granted + tt.measures_partly_granted as count,
  m.id, m.title, m.status, m.amount_granted, m.decision_id, m.decided_on, m.region_id, r.name as region_name,
  c.email as region_email,
  (select json_group_array(json_object('id', pr.id, 'name', pr.name)) from decision_partners p
     join regions pr on pr.id = p.region_id where p.decision_id = m.decision_id) as partners
from good_examples g
join themes t on t.id = g.theme_id
join theme_totals tt on tt.theme_id = g.theme_id
join measures m on m.id = g.measure_id
join regions r on r.id = m.region_id
join region_contacts c on c.region_id = m.region_id
where g.rank <= :per_group
order by g.theme_id, g.rank"""
REJECTIONS = """
select rc.id as category_id, rc.name as category_name, rc.description as category_description, rt.measures as count,
  m.id, m.title, m.status, m.amount_rejected, m.reason_html, m.decision_id, m.decided_on, r.name as region_name
from rejections x
join reason_categories rc on rc.id = x.reason_category
join reason_totals rt on rt.reason_category = x.reason_category
join measures m on m.id = x.measure_id
join regions r on r.id = m.region_id
where x.rank <= :per_group
order by x.reason_category, x.rank"""

# Examples on the API page; each is requested by the tests, so none can go stale unnoticed.
API_EXAMPLES = [
    ("Alla beslut som JSON, med belopp, utbetalningsplan och tidsfrister", "/bidrag/decisions.json?_shape=array"),
    ("Avslagna åtgärder med skälen, som JSON", "/bidrag/measures.json?_shape=array&status=avslagen"),
    ("Sök bland åtgärderna (hittar även delar av ord)", "/bidrag/measures.json?_shape=array&_search=robot"),
    ("Åtgärder inom ett tema", "/bidrag/measures.json?_shape=array&themes__arraycontains=AI"),
    ("Summor per region (färdig fråga)", "/bidrag/totals_per_region.json?_shape=array"),
    ("Alla åtgärder som CSV, med namn i stället för id", "/bidrag/measures.csv?_labels=on&_size=max"),
    ("Avslagna åtgärder och skälen som CSV", "/bidrag/rejected_measures.csv"),
    (
        "Egen SQL-fråga: utbetalningar per år",
        "/bidrag.json?"
        + urlencode(
            {"sql": "select year, sum(amount) as amount from payments group by year order by year", "_shape": "array"}
        ),
    ),
    ("Hela databasen som SQLite-fil", "/bidrag.db"),
]


def _grouped(rows, key, name, description):
    groups = {}
    for row in rows:
        group = groups.setdefault(
            row[key],
            {"id": row[key], "name": row[name], "description": row[description], "count": row["count"], "measures": []},
        )
        group["measures"].append(row)
    return sorted(groups.values(), key=lambda g: sort_key(g["name"]))


@hookimpl
def extra_template_vars(template, datasette, request):
    if template == "pages/good_examples.html":

        async def good_examples():
            rows = await fetch(datasette, GOOD_EXAMPLES, {"per_group": PER_GROUP})
            for row in rows:
                row["partners"] = json.loads(row["partners"])
            return {"themes": _grouped(rows, "theme_id", "theme_name", "theme_description")}

        return good_examples
    if template == "pages/rejections.html":

        async def rejections():
            rows = await fetch(datasette, REJECTIONS, {"per_group": PER_GROUP})
            return {"categories": _grouped(rows, "category_id", "category_name", "category_description")}

        return rejections
    if template == "pages/data_and_api.html":

        async def data_and_api():
            tables = datasette.metadata("tables", database=DATABASE) or {}
            return {
                "base_url": site_url(datasette),
                "examples": API_EXAMPLES,
                "tables": tables,
                # The downloads table stores the exports themselves; it has no export of its own.
                "exported": {name: t for name, t in tables.items() if name in TABLES},
                "sources": await fetch(datasette, "select * from sources order by kind desc, id"),
                "queries": datasette.metadata("queries", database=DATABASE) or {},
            }

        return data_and_api
    return None
