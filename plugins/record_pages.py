"""Data for the pages of one region, one decision and one measure (Datasette's row pages).

Everything a page shows is a look-up by key in tables the build wrote: the checks of a decision's
amounts (decision_checks), its measures' similar measures (similar_measures), a region's payments
per year (region_payment_years).
"""

import json

from datasette import hookimpl
from datasette.utils import tilde_decode

from bidrag import clock
from bidrag.site import fetch

# A region page lists its latest decisions and measures and its next deadlines, a bounded number of
# each whatever the number of decision rounds; the rest are a link away (the search pages, filtered
# to the region, and the deadlines table).
DECISIONS_SHOWN = 20
MEASURES_SHOWN = 10
DEADLINES_SHOWN = 10
DECISIONS_OF_REGION = """
select d.*, exists(select 1 from decision_partners p where p.decision_id = d.id) as partners
from decisions d where d.region_id = :id order by d.decided_on desc, d.id limit :limit"""
DEADLINES_OF_REGION = """
select * from deadlines where region_id = :id and due_on >= :today order by due_on, decision_id limit :limit"""
DEADLINE_COUNTS = """
select count(*) as all_deadlines, count(*) filter (where due_on >= :today) as upcoming
from deadlines where region_id = :id"""
MEASURES_OF_REGION = """
select m.id, m.title, m.status, m.amount_granted, m.amount_rejected, m.decision_id, m.decided_on
from measures m where m.region_id = :id order by m.decided_on desc, m.position limit :limit"""
PARTNER_IN = """
select d.id, d.decided_on, r.name as region_name
from decision_partners p join decisions d on d.id = p.decision_id join regions r on r.id = d.region_id
where p.region_id = :id order by d.decided_on desc"""
MEASURES_OF_DECISION = """
select m.*, rc.name as reason_category_name
from measures m left join reason_categories rc on rc.id = m.reason_category
where m.decision_id = :id order by m.position"""
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
     from (select * from changes where decision_id = :id order by id desc)) as changes,
  (select json_group_array(json_object('ok', ok, 'statement', statement))
     from (select * from decision_checks where decision_id = :id order by position)) as checks"""
# Whom to ask about a decision's measures: the applicant and the regions it applied with, each with the
# functional mailbox a decision states for it (region_contacts; empty where none does).
CONTACTS = """
select r.id, r.name, c.email, r.id = d.region_id as applicant
from decisions d
join regions r on r.id = d.region_id or r.id in (select p.region_id from decision_partners p where p.decision_id = d.id)
join region_contacts c on c.region_id = r.id
where d.id = :id order by applicant desc, r.name"""
SIMILAR = """
select m.id, m.title, m.status, m.amount_granted, m.decision_id, m.decided_on, r.name as region_name,
  s.shared_themes, s.score
from similar_measures s join measures m on m.id = s.similar_id join regions r on r.id = m.region_id
where s.measure_id = :id order by s.rank"""


@hookimpl
def extra_template_vars(view_name, table, request, datasette):
    if view_name != "row" or table not in ("regions", "decisions", "measures", "themes"):
        return None
    page = {"regions": _region, "decisions": _decision, "measures": _measure, "themes": _theme}[table]

    async def inner():
        return {"record": await page(datasette, tilde_decode(request.url_vars["pks"]))}

    return inner


async def _region(datasette, region_id):
    params = {"id": region_id}
    dated = {**params, "today": clock.today().isoformat()}
    totals = await fetch(datasette, "select * from region_totals where region_id = :id", params)
    payments = await fetch(
        datasette, "select year, amount from region_payment_years where region_id = :id order by year", params
    )
    return {
        "totals": totals[0] if totals else None,
        "decisions": await fetch(datasette, DECISIONS_OF_REGION, {**params, "limit": DECISIONS_SHOWN}),
        "measures": await fetch(datasette, MEASURES_OF_REGION, {**params, "limit": MEASURES_SHOWN}),
        "payments": payments,
        "payment_scale": max([p["amount"] for p in payments] + [1]),
        "deadlines": await fetch(datasette, DEADLINES_OF_REGION, {**dated, "limit": DEADLINES_SHOWN}),
        "deadline_counts": (await fetch(datasette, DEADLINE_COUNTS, dated))[0],
        "partner_in": await fetch(datasette, PARTNER_IN, params),
        "contact": (await fetch(datasette, "select * from region_contacts where region_id = :id", params) or [None])[0],
    }


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
    measures = await fetch(datasette, MEASURES_OF_DECISION, params)
    for measure in measures:
        measure["themes"] = json.loads(measure["themes"])
    lists = {key: json.loads(value) for key, value in (await fetch(datasette, DECISION_LISTS, params))[0].items()}
    contacts = await fetch(datasette, CONTACTS, params)
    return {"decision": rows[0], "measures": measures, "contacts": contacts, **lists}


async def _measure(datasette, measure_id):
    params = {"id": measure_id}
    rows = await fetch(
        datasette,
        """select m.*, r.name as region_name, rc.name as reason_category_name,
        rc.description as reason_category_description, d.contact_email
        from measures m join regions r on r.id = m.region_id join decisions d on d.id = m.decision_id
        left join reason_categories rc on rc.id = m.reason_category where m.id = :id""",
        params,
    )
    if not rows:
        return None
    themes = await fetch(
        datasette,
        """select t.id, t.name from measure_themes mt join themes t on t.id = mt.theme_id
        where mt.measure_id = :id order by t.name""",
        params,
    )
    similar = await fetch(datasette, SIMILAR, params)
    for row in similar:
        row["shared_themes"] = json.loads(row["shared_themes"])
    contacts = await fetch(datasette, CONTACTS, {"id": rows[0]["decision_id"]})
    return {"measure": rows[0], "themes": themes, "similar": similar, "contacts": contacts}


async def _theme(datasette, theme_id):
    rows = await fetch(
        datasette,
        """select t.id, t.name, t.description, tt.* from themes t join theme_totals tt on tt.theme_id = t.id
        where t.id = :id""",
        {"id": theme_id},
    )
    return rows[0] if rows else None
