"""Data for the pages of one region, one decision and one measure (Datasette's row pages)."""

import json
import re
from collections import OrderedDict

from datasette import hookimpl
from datasette.utils import tilde_decode

from bidrag.formatting import kronor
from bidrag.site import database_version, fetch

DECISIONS_OF_REGION = """
select d.*, (select count(*) from decision_partners p where p.decision_id = d.id) as partners
from decisions d where d.region_id = :id order by d.decided_on desc"""
MEASURES_OF_REGION = """
select m.id, m.title, m.status, m.amount_granted, m.amount_rejected, m.decision_id, m.decided_on
from measures m where m.region_id = :id order by m.decided_on desc, m.position"""
MEASURES_OF_DECISION = """
select m.*, rc.name as reason_category_name,
  (select group_concat(t.name, ', ') from measure_themes mt join themes t on t.id = mt.theme_id
   where mt.measure_id = m.id) as theme_names
from measures m left join reason_categories rc on rc.id = m.reason_category
where m.decision_id = :id order by m.position"""
SHARED_THEMES = """
select other.measure_id as id, group_concat(t.name, ', ') as shared
from measure_themes mine
join measure_themes other on other.theme_id = mine.theme_id and other.measure_id != mine.measure_id
join themes t on t.id = mine.theme_id
join measures m on m.id = other.measure_id
where mine.measure_id = :id and m.region_id != :region_id
group by other.measure_id"""
CLOSE_IN_TEXT = """
select m.id, bm25(measures_fts, 10.0, 1.0, 1.0) as score
from measures_fts join measures m on m.rowid = measures_fts.rowid
where measures_fts match :match and m.region_id != :region_id
order by score limit 20"""
_SIGNIFICANT = re.compile(r"\w{6,}")
_COMMON = {"införande", "implementering", "åtgärder", "verksamheten", "sjukvården", "effektivare"}


def _key(request) -> str:
    return tilde_decode(request.url_vars["pks"])


# The database is immutable: a page's data is read once per database file and kept, bounded.
_records: OrderedDict = OrderedDict()
_MAX_RECORDS = 1024


@hookimpl
def extra_template_vars(view_name, table, request, datasette):
    if view_name != "row" or table not in ("regions", "decisions", "measures"):
        return None
    page = {"regions": _region, "decisions": _decision, "measures": _measure}[table]

    async def inner():
        key = (database_version(datasette), table, _key(request))
        if key in _records:
            _records.move_to_end(key)
        else:
            _records[key] = await page(datasette, _key(request))
            if len(_records) > _MAX_RECORDS:
                _records.popitem(last=False)
        return {"record": _records[key]}

    return inner


async def _region(datasette, region_id):
    totals = await fetch(datasette, "select * from region_totals where region_id = :id", {"id": region_id})
    payments = await fetch(
        datasette,
        "select year, sum(amount) as amount from payments where region_id = :id group by year order by year",
        {"id": region_id},
    )
    return {
        "totals": totals[0] if totals else None,
        "decisions": await fetch(datasette, DECISIONS_OF_REGION, {"id": region_id}),
        "measures": await fetch(datasette, MEASURES_OF_REGION, {"id": region_id}),
        "payments": payments,
        "payment_scale": max([p["amount"] for p in payments] + [1]),
        "deadlines": await fetch(
            datasette, "select * from deadlines where region_id = :id order by due_on", {"id": region_id}
        ),
        "partner_in": await fetch(
            datasette,
            """select d.id, d.decided_on, r.name as region_name
            from decision_partners p join decisions d on d.id = p.decision_id join regions r on r.id = d.region_id
            where p.region_id = :id order by d.decided_on desc""",
            {"id": region_id},
        ),
    }


# Everything listed on a decision page besides its measures, in one round trip to the database.
DECISION_LISTS = """
select
  (select json_group_array(json_object('year', year, 'amount', amount))
     from (select year, amount from payments where decision_id = :id order by year)) as payments,
  (select json_group_array(json_object('kind', kind, 'due_on', due_on, 'source_quote', source_quote))
     from (select * from deadlines where decision_id = :id order by due_on)) as deadlines,
  (select json_group_array(json_object('name', name, 'role', role))
     from (select * from decision_makers where decision_id = :id order by position)) as makers,
  (select json_group_array(json_object('id', r.id, 'name', r.name))
     from decision_partners p join regions r on r.id = p.region_id where p.decision_id = :id) as partners,
  (select json_group_array(json_object('release_id', release_id, 'published_at', published_at, 'summary', summary))
     from (select * from changes where decision_id = :id order by id desc)) as changes"""


async def _decision(datasette, decision_id):
    params = {"id": decision_id}
    rows = await fetch(
        datasette,
        """select d.*, r.name as region_name, s.title as source_title,
        s.file_name, s.sha256, s.url from decisions d join regions r on r.id = d.region_id
        join sources s on s.id = d.source_id where d.id = :id""",
        params,
    )
    if not rows:
        return None
    decision = rows[0]
    measures = await fetch(datasette, MEASURES_OF_DECISION, params)
    lists = {key: json.loads(value) for key, value in (await fetch(datasette, DECISION_LISTS, params))[0].items()}
    return {
        "decision": decision,
        "measures": measures,
        **lists,
        "reconciliation": reconcile(decision, measures, lists["payments"]),
    }


def reconcile(decision: dict, measures: list, payments: list) -> list[dict]:
    """The decision's arithmetic, each check with whether it holds and the figures involved."""
    granted, rejected, applied = decision["amount_granted"], decision["amount_rejected"], decision["amount_applied"]
    measure_sum = sum(m["amount_granted"] or 0 for m in measures)
    payment_sum = sum(p["amount"] for p in payments)
    stated_rejected = sum(m["amount_rejected"] or 0 for m in measures)
    return [
        {
            "ok": applied == granted + rejected,
            "text": f"Sökt {kronor(applied)} = beviljat {kronor(granted)} + avslaget {kronor(rejected)}",
        },
        {
            "ok": measure_sum == granted,
            "text": f"Åtgärdernas beviljade belopp summerar till {kronor(measure_sum)} (beslutet: {kronor(granted)})",
        },
        {
            "ok": payment_sum == granted,
            "text": f"Utbetalningarna summerar till {kronor(payment_sum)} (beviljat: {kronor(granted)})",
        },
        {
            "ok": stated_rejected <= rejected,
            "text": f"Avslag som anges per åtgärd, {kronor(stated_rejected)}, ryms i det avslagna beloppet "
            f"{kronor(rejected)}",
        },
    ]


async def _measure(datasette, measure_id):
    rows = await fetch(
        datasette,
        """select m.*, r.name as region_name, rc.name as reason_category_name,
        rc.description as reason_category_description
        from measures m join regions r on r.id = m.region_id
        left join reason_categories rc on rc.id = m.reason_category where m.id = :id""",
        {"id": measure_id},
    )
    if not rows:
        return None
    measure = rows[0]
    themes = await fetch(
        datasette,
        """select t.id, t.name from measure_themes mt join themes t on t.id = mt.theme_id
        where mt.measure_id = :id order by t.name""",
        {"id": measure_id},
    )
    return {"measure": measure, "themes": themes, "similar": await similar_measures(datasette, measure)}


async def similar_measures(datasette, measure: dict, limit: int = 10) -> list[dict]:
    """Measures of other regions that share a theme or whose text is close to this title."""
    params = {"id": measure["id"], "region_id": measure["region_id"]}
    shared = {row["id"]: row["shared"] for row in await fetch(datasette, SHARED_THEMES, params)}
    words = [w for w in dict.fromkeys(_SIGNIFICANT.findall(measure["title"].casefold())) if w not in _COMMON]
    close = {}
    if words:
        match = " OR ".join(f'"{word}"' for word in words)
        close = {row["id"]: row["score"] for row in await fetch(datasette, CLOSE_IN_TEXT, {**params, "match": match})}
    ids = sorted(set(shared) | set(close), key=lambda i: (-(i in shared) - (i in close), close.get(i, 0), i))[:limit]
    if not ids:
        return []
    placeholders = ", ".join(f":m{n}" for n in range(len(ids)))
    rows = await fetch(
        datasette,
        f"""select m.id, m.title, m.status, m.amount_granted, m.decision_id, m.decided_on,
        r.name as region_name from measures m join regions r on r.id = m.region_id
        where m.id in ({placeholders})""",
        {f"m{n}": i for n, i in enumerate(ids)},
    )
    by_id = {row["id"]: row for row in rows}
    return [{**by_id[i], "shared_themes": shared.get(i), "close_in_text": i in close} for i in ids]
