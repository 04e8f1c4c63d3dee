"""The database schema: a public contract for API users. Change names only with a deprecation.

Conventions: every kronor column is INTEGER and named `amount` or `amount_*` (the site formats
them by that name); dates are ISO 8601 TEXT; enumerated values are the Swedish words people read.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableSpec:
    columns: dict  # name -> Python type, in column order
    pk: str | tuple
    foreign_keys: list = field(default_factory=list)  # (column, other table, other column)
    not_null: set = field(default_factory=set)
    indexes: list = field(default_factory=list)  # column lists


TABLES = {
    "sources": TableSpec(
        {"id": str, "title": str, "kind": str, "file_name": str, "sha256": str, "url": str},
        pk="id",
        not_null={"title", "kind", "file_name", "sha256"},
    ),
    "regions": TableSpec(
        {"id": str, "name": str, "county_code": str, "county_name": str, "org_nr": str, "note": str},
        pk="id",
        not_null={"name", "county_code", "county_name"},
    ),
    "themes": TableSpec({"id": str, "name": str, "description": str}, pk="id", not_null={"name"}),
    "reason_categories": TableSpec({"id": str, "name": str, "description": str}, pk="id", not_null={"name"}),
    "decisions": TableSpec(
        {
            "id": str,
            "region_id": str,
            "label": str,
            "title": str,
            "decided_on": str,
            "applied_on": str,
            "outcome": str,
            "amount_applied": int,
            "amount_granted": int,
            "amount_rejected": int,
            "measure_count": int,
            "payment_schedule": str,
            "completion_due_on": str,
            "interim_report_due_on": str,
            "final_report_due_on": str,
            "org_nr": str,
            "joint": int,
            "general_conditions": str,
            "reasoning": str,
            "appealable": int,
            "appeal_text": str,
            "contact_email": str,
            "region_contact_email": str,
            "decided_quote": str,
            "applied_quote": str,
            "outcome_quote": str,
            "payments_quote": str,
            "source_id": str,
        },
        pk="id",
        foreign_keys=[("region_id", "regions", "id"), ("source_id", "sources", "id")],
        not_null={
            "region_id",
            "label",
            "title",
            "decided_on",
            "applied_on",
            "outcome",
            "amount_applied",
            "amount_granted",
            "amount_rejected",
            "measure_count",
            "payment_schedule",
            "joint",
            "reasoning",
            "appealable",
            "source_id",
        },
        indexes=[["region_id"], ["outcome"], ["decided_on"]],
    ),
    "decision_partners": TableSpec(
        {"decision_id": str, "region_id": str},
        pk=("decision_id", "region_id"),
        foreign_keys=[("decision_id", "decisions", "id"), ("region_id", "regions", "id")],
        indexes=[["region_id"]],
    ),
    "measures": TableSpec(
        {
            "id": str,
            "decision_id": str,
            "region_id": str,
            "decided_on": str,
            "position": int,
            "title": str,
            "status": str,
            "amount_applied": int,
            "amount_granted": int,
            "amount_rejected": int,
            "conditions": str,
            "reason": str,
            "reason_category": str,
            "themes": str,
            "source_quote": str,
        },
        pk="id",
        foreign_keys=[
            ("decision_id", "decisions", "id"),
            ("region_id", "regions", "id"),
            ("reason_category", "reason_categories", "id"),
        ],
        not_null={"decision_id", "region_id", "decided_on", "position", "title", "status", "themes", "source_quote"},
        indexes=[["decision_id"], ["region_id"], ["status"], ["reason_category"], ["decided_on"]],
    ),
    "measure_themes": TableSpec(
        {"measure_id": str, "theme_id": str},
        pk=("measure_id", "theme_id"),
        foreign_keys=[("measure_id", "measures", "id"), ("theme_id", "themes", "id")],
        indexes=[["theme_id"]],
    ),
    "payments": TableSpec(
        {"decision_id": str, "region_id": str, "year": int, "amount": int},
        pk=("decision_id", "year"),
        foreign_keys=[("decision_id", "decisions", "id"), ("region_id", "regions", "id")],
        not_null={"region_id", "amount"},
        indexes=[["region_id"], ["year"]],
    ),
    "deadlines": TableSpec(
        {"decision_id": str, "region_id": str, "kind": str, "due_on": str, "source_quote": str},
        pk=("decision_id", "kind", "due_on"),
        foreign_keys=[("decision_id", "decisions", "id"), ("region_id", "regions", "id")],
        not_null={"region_id", "source_quote"},
        indexes=[["region_id"], ["kind"], ["due_on"]],
    ),
    "decision_makers": TableSpec(
        {"decision_id": str, "position": int, "name": str, "role": str},
        pk=("decision_id", "position"),
        foreign_keys=[("decision_id", "decisions", "id")],
        not_null={"name", "role"},
    ),
    "programme": TableSpec(
        {
            "id": str,
            "topic": str,
            "label": str,
            "value": str,
            "amount": int,
            "approximate": int,
            "year_from": int,
            "year_to": int,
            "date": str,
            "sources_disagree": int,
            "source_id": str,
            "source_quote": str,
        },
        pk="id",
        foreign_keys=[("source_id", "sources", "id")],
        not_null={"topic", "label", "value", "approximate", "sources_disagree", "source_id", "source_quote"},
        indexes=[["topic"]],
    ),
    # Filled by `bidrag publish`; a plain build leaves them empty.
    "releases": TableSpec(
        {"id": int, "published_at": str, "data_sha256": str, "decisions": int, "measures": int, "changes": int},
        pk="id",
        not_null={"published_at", "data_sha256", "decisions", "measures", "changes"},
    ),
    "changes": TableSpec(
        {
            "id": int,
            "release_id": int,
            "published_at": str,
            "decision_id": str,
            "region_id": str,
            "kind": str,
            "field": str,
            "before": str,
            "after": str,
            "amount_before": int,
            "amount_after": int,
            "summary": str,
        },
        pk="id",
        foreign_keys=[("release_id", "releases", "id"), ("region_id", "regions", "id")],
        not_null={"release_id", "published_at", "decision_id", "region_id", "kind", "summary"},
        indexes=[["release_id"], ["decision_id"], ["region_id"], ["kind"], ["published_at"]],
    ),
}

# Measures whose status counts as money granted, in SQL.
_GRANTED = "('beviljad', 'delvis beviljad')"

VIEWS = {
    # One pass over each table: correlated subqueries per region took 0.1 s at 100x the data.
    "region_totals": f"""
with
  per_decision as (
    select region_id, count(*) as decisions, sum(amount_applied) as applied,
      sum(amount_granted) as granted, sum(amount_rejected) as rejected
    from decisions group by region_id),
  per_measure as (
    select region_id, count(*) as measures,
      count(case when status in {_GRANTED} then 1 end) as granted,
      count(case when status = 'avslagen' then 1 end) as rejected
    from measures group by region_id)
select
  r.id as region_id,
  r.name as region_name,
  r.county_code,
  coalesce(d.decisions, 0) as decisions,
  coalesce(m.measures, 0) as measures,
  coalesce(m.granted, 0) as measures_granted,
  coalesce(m.rejected, 0) as measures_rejected,
  coalesce(d.applied, 0) as amount_applied,
  coalesce(d.granted, 0) as amount_granted,
  coalesce(d.rejected, 0) as amount_rejected
from regions r
left join per_decision d on d.region_id = r.id
left join per_measure m on m.region_id = r.id
order by r.county_code""",
    "theme_totals": f"""
select
  t.id as theme_id,
  t.name as theme_name,
  count(m.id) as measures,
  count(case when m.status = 'beviljad' then 1 end) as measures_granted,
  count(case when m.status = 'delvis beviljad' then 1 end) as measures_partly_granted,
  count(case when m.status = 'avslagen' then 1 end) as measures_rejected,
  count(distinct m.region_id) as regions,
  coalesce(sum(case when m.status in {_GRANTED} then m.amount_granted end), 0) as amount_granted
from themes t
left join measure_themes mt on mt.theme_id = t.id
left join measures m on m.id = mt.measure_id
group by t.id
order by t.name""",
}
