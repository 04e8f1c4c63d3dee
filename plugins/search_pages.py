"""The search pages the menu leads to (/measures, /decisions): cards, facets with counts, downloads.

Datasette's tables stay for power users under "Tabeller och SQL"; these pages are for people. Every
state is a GET URL, so it can be shared and works without JavaScript. The counting is bidrag.finder's;
what remains here is reading one page of rows by key and writing them as HTML, CSV, Excel CSV or JSON.
"""

import csv
import io
import json
import re
from urllib.parse import urlencode

from datasette import Response, hookimpl
from markupsafe import Markup, escape

from bidrag.errors import SaidInSwedish
from bidrag.finder import (
    INDEXES,
    KINDS,
    PAGE_SIZE,
    QUERY_LENGTH,
    SORTS,
    BadQuery,
    decode_list,
    parse_query,
    ranked,
    run,
    text_matches,
    word_matches,
)
from bidrag.formatting import number
from bidrag.schema import SEARCH_FACETS, STATUSES, TABLES
from bidrag.site import DATABASE, site_url
from bidrag.spreadsheet import safe_cell

EXCERPT = 280  # characters of a measure's reason on its card

_PARTNERS = """(select json_group_array(pr.name) from decision_partners p join regions pr on pr.id = p.region_id
    where p.decision_id = {decision}) as partners"""
ROWS = {
    "measures": f"""
select m.id, m.title, m.status, m.amount_applied, m.amount_granted, m.amount_rejected, m.themes, m.decided_on,
  m.reason, m.reason_category, rc.name as reason_category_name, m.decision_id, m.region_id, r.name as region_name,
  {_PARTNERS.format(decision="m.decision_id")}
from measures m join regions r on r.id = m.region_id left join reason_categories rc on rc.id = m.reason_category
where m.id in (select value from json_each(:ids))""",
    "decisions": f"""
select d.id, d.label, d.title, d.outcome as status, d.amount_applied, d.amount_granted, d.amount_rejected,
  d.decided_on, d.measure_count, d.region_id, r.name as region_name,
  {_PARTNERS.format(decision="d.id")},
  (select json_group_array(label) from decision_facets f
     where f.decision_id = d.id and f.facet = '{SEARCH_FACETS.value("theme")}') as themes,
  (select json_object({", ".join(f"'{v}', count(case when status = '{v}' then 1 end)" for v in STATUSES.values)})
     from measures where decision_id = d.id) as status_counts
from decisions d join regions r on r.id = d.region_id
where d.id in (select value from json_each(:ids))""",
}
TITLES = {"measures": "Åtgärder", "decisions": "Beslut"}
FORMATS = {"": "html", ".csv": "csv", ".excel.csv": "excel", ".json": "json"}


@hookimpl
def register_routes():
    return [(r"^/(?P<kind>measures|decisions)(?P<format>\.excel\.csv|\.csv|\.json)?$", search_page)]


async def search_page(datasette, request):
    kind = KINDS[request.url_vars["kind"]]
    output = FORMATS[request.url_vars.get("format") or ""]
    try:
        query = parse_query(request.args)
    except BadQuery as problem:
        raise SaidInSwedish(str(problem)) from None
    database = datasette.get_database(DATABASE)
    index = await INDEXES.get(database, kind)
    found = word_matches(index, query.text)
    if found is None:
        found = await database.execute_fn(lambda conn: text_matches(kind, index, conn, query.text))

    def rank(keys, offset, limit):
        return database.execute_fn(lambda conn: ranked(kind, conn, query.text, keys, offset, limit))

    result = await run(index, query, found, rank, whole=output != "html")
    rows = await _rows(database, kind.name, result.ids)
    if output == "html":
        return Response.html(await _render(datasette, request, kind.name, query, result, rows))
    return _download(datasette, kind.name, output, query, result, rows)


async def _rows(database, kind: str, ids: list) -> list:
    def read(conn):
        cursor = conn.execute(ROWS[kind], {"ids": json.dumps(ids)})
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor}

    by_id = await database.execute_fn(read)
    rows = [by_id[i] for i in ids]
    for row in rows:
        row["themes"] = decode_list(row["themes"])
        row["partners"] = decode_list(row["partners"])
        if "status_counts" in row:
            row["status_counts"] = json.loads(row["status_counts"])
        if row.get("reason"):
            row["excerpt"] = _excerpt(row["reason"])
    return rows


def _excerpt(text: str) -> str:
    """The first lines of a reason, plain and cut at a word."""
    plain = " ".join(text.replace("*", "").replace("#", "").split())
    if len(plain) <= EXCERPT:
        return plain
    return plain[:EXCERPT].rsplit(" ", 1)[0] + " …"


def _url(kind: str, pairs: list, suffix: str = "") -> str:
    return f"/{kind}{suffix}" + (f"?{urlencode(pairs)}" if pairs else "")


async def _render(datasette, request, kind, query, result, rows):
    chosen = [
        {
            "facet": f["title"],
            "label": v["label"],
            "remove": _url(kind, query.params(toggle=(f["key"], v["value"]))),
        }
        for f in result.facets
        for v in f["values"] + f["folded"]
        if v["chosen"]
    ]
    pages = {
        "current": query.page,
        "count": result.pages,
        "first": _url(kind, query.params(page=1)),
        "previous": _url(kind, query.params(page=query.page - 1)) if query.page > 1 else None,
        "next": _url(kind, query.params(page=query.page + 1)) if query.page < result.pages else None,
        "numbers": [(n, _url(kind, query.params(page=n))) for n in _page_numbers(query.page, result.pages)],
    }
    for f in result.facets:
        _fold(kind, query, f)
    plain = query.params(page=1)
    context = {
        "kind": kind,
        "page_title": TITLES[kind],
        "query": query,
        "result": result,
        "rows": rows,
        "chosen": chosen,
        "pages": pages,
        "sorts": SORTS,
        "downloads": {
            "csv": _url(kind, plain, ".csv"),
            "excel": _url(kind, plain, ".excel.csv"),
            "json": _url(kind, plain, ".json"),
        },
        "clear": f"/{kind}",
        "first_number": (query.page - 1) * PAGE_SIZE + 1,
        "query_length": QUERY_LENGTH,
    }
    return await datasette.render_template("search.html", context, request=request, view_name="search")


def _fold(kind: str, query, facet: dict) -> None:
    """A facet's first values and the chosen ones; all of them only on asking (expand=facet): the
    decision dates alone are hundreds at 100x, and every visitor would have been sent all of them."""
    key, expanded = facet["key"], facet["key"] in query.expanded
    shown = facet["values"] + [v for v in facet["folded"] if expanded or v["chosen"]]
    facet["values_html"] = _facet_items(key, shown)
    facet["total"] = len(facet["values"]) + len(facet["folded"])
    facet["expand"] = facet["collapse"] = None
    others = tuple(f for f in query.expanded if f != key)
    if expanded and facet["folded"]:
        facet["collapse"] = _url(kind, query.params(page=query.page, expanded=others)) + f"#facet-{key}"
    elif len(shown) < facet["total"]:
        facet["expand"] = _url(kind, query.params(page=query.page, expanded=(*others, key))) + f"#facet-{key}"


def _facet_items(key: str, values: list) -> Markup:
    """A facet's checkboxes as HTML, written here rather than in the template: a facet may hold hundreds
    of values (decision dates at 100x), and a Jinja macro call per value cost most of the page's time."""
    items = []
    for v in values:
        element_id = escape(f"f-{key}-{re.sub(r'[^0-9A-Za-z_-]', '_', v['value'])}")
        checked = " checked" if v["chosen"] else ""
        items.append(
            f'<li><input type="checkbox" name="{escape(key)}" value="{escape(v["value"])}" id="{element_id}"{checked}>'
            f'<label for="{element_id}">{escape(v["label"])} <span class="count">({number(v["count"])})</span>'
            "</label></li>"
        )
    return Markup("\n".join(items))


def _page_numbers(current: int, count: int) -> list:
    """First, last and the pages around the current one."""
    return sorted({1, count, *range(max(1, current - 2), min(count, current + 2) + 1)})


# --- Downloads -------------------------------------------------------------------------------------


def _columns(kind: str) -> list:
    """(key, Swedish heading) of the downloaded columns; headings from bidrag.schema where a column is the table's."""
    table = TABLES[kind]
    own = ["id", "title", "region_name", "partners", "status", "amount_applied", "amount_granted", "amount_rejected"]
    own += ["themes", "decided_on"] + (["reason_category_name", "reason"] if kind == "measures" else ["measure_count"])
    headings = {
        "region_name": "Region",
        "partners": "Samverkande regioner",
        "status": "Status" if kind == "measures" else "Utfall",
        "themes": "Teman",
        "reason_category_name": "Avslagsskäl",
        "url": "Adress",
    }
    return [(c, headings.get(c) or table.column(c).label) for c in own] + [("url", "Adress")]


def _download(datasette, kind, output, query, result, rows):
    base = site_url(datasette)
    for row in rows:
        row["url"] = f"{base}/{DATABASE}/{kind}/{row['id']}"
    name = f"{kind}"
    if output == "json":
        body = {
            "total": result.total,
            "query": {
                "q": query.text,
                "shortened": query.shortened,
                "sort": query.effective_sort,
                "chosen": query.chosen,
            },
            "facets": [{"key": f["key"], "values": f["values"] + f["folded"]} for f in result.facets],
            "rows": [{k: row.get(k) for k, _ in _columns(kind)} for row in rows],
        }
        return Response.json(body, headers=_disposition(f"{name}.json"))
    columns = _columns(kind)
    out = io.StringIO()
    if output == "excel":
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow([heading for _, heading in columns])
        for row in rows:
            writer.writerow([safe_cell(_readable(key, row[key])) for key, _ in columns])
        text = "\ufeff" + out.getvalue()
    else:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([key for key, _ in columns])
        for row in rows:
            writer.writerow([_plain(row[key]) for key, _ in columns])
        text = out.getvalue()
    filename = f"{name}-excel.csv" if output == "excel" else f"{name}.csv"
    return Response(
        text, content_type="text/csv; charset=utf-8", headers=_disposition(filename) | {"Cache-Control": "max-age=300"}
    )


def _disposition(filename: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _readable(key, value):
    """What a person reads in a spreadsheet: titles instead of stored values, lists as words."""
    if key == "status":
        return STATUSES.title(value)
    return _plain(value)


def _plain(value):
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else value
