"""The published tables: the one definition of every table and column, a public contract.

Each column names its SQL type through its kind (kronor, date, enumeration, Markdown, ...), its
Swedish label and description, and where the build takes its value from. The build, Datasette's
metadata, the data package, the site's labels and publish's comparison all read them from here, so
a column cannot be half-added. Rename only with a deprecation: API users rely on these names.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

# Rows a page shows of measures or decisions, on the search pages and Datasette's tables alike: their
# texts are long (a table page of 50 measures was 106 KB and 41 ms of CPU at 100x; of 20, 65 KB and 30 ms).
PAGE_SIZE = 20

# --- Enumerations: the values stored (the Swedish words people read) and their titles ---------


@dataclass(frozen=True)
class Enumeration:
    name: str
    members: tuple  # (key, value, title): an ASCII key for code and CSS, the stored value, its Swedish title

    @property
    def values(self) -> list:
        return [value for _, value, _ in self.members]

    def title(self, value) -> str:
        return next((title for _, v, title in self.members if v == value), value)

    def key(self, value) -> str:
        return next((key for key, v, _ in self.members if v == value), "other")

    def value(self, key: str):
        return next(v for k, v, _ in self.members if k == key)


GRANTED, PARTLY_GRANTED, REJECTED = "beviljad", "delvis beviljad", "avslagen"
STATUSES = Enumeration(
    "status",
    (
        ("granted", GRANTED, "Beviljad"),
        ("partly_granted", PARTLY_GRANTED, "Delvis beviljad"),
        ("rejected", REJECTED, "Avslagen"),
    ),
)
MONEY_GRANTED = (GRANTED, PARTLY_GRANTED)  # statuses under which money is granted

COMPLETION, INTERIM_REPORT, FINAL_REPORT = "genomförande", "delredovisning", "slutredovisning"
DEADLINE_KINDS = Enumeration(
    "deadline_kind",
    (
        ("completion", COMPLETION, "Åtgärderna ska vara genomförda"),
        ("interim_report", INTERIM_REPORT, "Delredovisning"),
        ("final_report", FINAL_REPORT, "Slutredovisning"),
    ),
)
NEW, CHANGED, REMOVED = "nytt beslut", "ändrat beslut", "borttaget beslut"
WITHDRAWN = "återkallat"  # a rollback: the changes of the release it withdrew, undone
CHANGE_KINDS = Enumeration(
    "change_kind",
    (
        ("new", NEW, "Nytt beslut"),
        ("changed", CHANGED, "Ändrat beslut"),
        ("removed", REMOVED, "Borttaget beslut"),
        ("withdrawn", WITHDRAWN, "Återkallat"),
    ),
)
SOURCE_KINDS = Enumeration(
    "source_kind",
    (
        ("decision", "beslut", "Beslut"),
        ("summary", "sammanfattning", "Sammanfattning"),
        ("ordinance", "förordning", "Förordning"),
        ("memorandum", "promemoria", "Promemoria"),
        ("web_page", "webbsida", "Webbsida"),
    ),
)
# The facets of the search pages (/measures, /decisions): the key is also the URL parameter.
SEARCH_FACETS = Enumeration(
    "search_facet",
    (
        ("status", "status", "Status"),
        ("region", "region", "Region"),
        ("theme", "theme", "Tema"),
        ("reason", "reason", "Avslagsskäl"),
        ("round", "round", "Beslutsomgång"),
        ("amount", "amount", "Beviljat belopp"),
    ),
)
# Bands of the amount granted that the search page and the API filter on: (key, lower bound in
# kronor, title); a band runs up to the next one's bound. No amount stated counts as none granted.
AMOUNT_BANDS = Enumeration(
    "amount_band",
    (
        ("none", 0, "Inget beviljat belopp"),
        ("under_1m", 1, "Under 1 miljon kr"),
        ("from_1m_to_5m", 1_000_000, "1–5 miljoner kr"),
        ("from_5m_to_10m", 5_000_000, "5–10 miljoner kr"),
        ("from_10m_to_50m", 10_000_000, "10–50 miljoner kr"),
        ("50m_and_more", 50_000_000, "50 miljoner kr eller mer"),
    ),
)


def amount_band(amount_granted) -> tuple:
    """(key, title) of the band an amount granted falls in (no amount stated counts as none granted)."""
    return [(key, title) for key, lower, title in AMOUNT_BANDS.members if (amount_granted or 0) >= lower][-1]


ENUMERATIONS = {e.name: e for e in (STATUSES, DEADLINE_KINDS, CHANGE_KINDS, SOURCE_KINDS, SEARCH_FACETS, AMOUNT_BANDS)}


@dataclass(frozen=True)
class AmountBand:
    key: str
    low: int  # kronor, inclusive
    high: int | None  # kronor, exclusive; None for no upper bound
    title: str


# The same bands as ranges, for SQL filters (amount_band=... in the API).
AMOUNT_RANGES = tuple(
    AmountBand(key, low, next_member[1] if next_member else None, title)
    for (key, low, title), next_member in zip(AMOUNT_BANDS.members, (*AMOUNT_BANDS.members[1:], None), strict=True)
)

# Of the people a decision names, only those who decided are published by name (the chair of the
# delegation); case officers and rapporteurs are published by role only. Why: /privacy.
DECIDING_ROLES = ("Ordförande",)


def decided(role: str) -> bool:
    """Whether a decision maker's role (as the decision states it) is one of those who decided."""
    return role.split(",")[0].strip() in DECIDING_ROLES


def sql_list(values) -> str:
    """('beviljad', 'delvis beviljad') as an SQL list literal, for the build's own queries."""
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


# --- Kinds of value ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    name: str
    sql: str  # the SQLite type
    frictionless: str  # the Frictionless Table Schema type
    description: str  # what the kind means to a reader of the API documentation


TEXT = Kind("text", "TEXT", "string", "text")
INTEGER = Kind("integer", "INTEGER", "integer", "heltal")
KRONOR = Kind("kronor", "INTEGER", "integer", "belopp i hela kronor")
PERCENT = Kind("percent", "REAL", "number", "procent")
DATE = Kind("date", "TEXT", "date", "datum, ÅÅÅÅ-MM-DD")
DATETIME = Kind("datetime", "TEXT", "datetime", "tidpunkt i UTC, ÅÅÅÅ-MM-DDTHH:MM:SSZ")
YEAR = Kind("year", "INTEGER", "year", "år")
BOOLEAN = Kind("boolean", "INTEGER", "boolean", "1 för ja, 0 för nej")
ENUMERATION = Kind("enumeration", "TEXT", "string", "ett av de uppräknade värdena")
MARKDOWN = Kind("markdown", "TEXT", "string", "text i Markdown, ordagrant ur beslutet")
HTML = Kind("html", "TEXT", "string", "HTML, renad vid bygget")
JSON_ARRAY = Kind("json_array", "TEXT", "array", "JSON-lista")


# --- Columns and tables ------------------------------------------------------------------------

Source = str | Callable | None


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    label: str  # what a visitor reads as the column's heading
    description: str
    required: bool = False
    values: Enumeration | None = None
    # Where the build takes the value from: None for the record's field of the same name, a
    # dotted path ("appeal.text") into the record, or a function of (record, dataset).
    source: Source = None
    references: str | None = None  # "table.column" for a foreign key
    compared: bool = False  # publish records each change of this column in `changes`
    # JSON_ARRAY only: (name, kind) of each field when the items are objects; empty when they are text.
    items: tuple = ()


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple
    pk: tuple
    # How the build fills the table: records(dataset) yields one record per row, or `query`
    # selects the rows from tables built before it; neither means `bidrag publish` fills it.
    records: Callable | None = None
    query: str | None = None
    indexes: tuple = ()  # column lists
    display: dict = field(default_factory=dict)  # Datasette's table options: facets, sort_desc, size, ...

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> list:
        return [c.name for c in self.columns]

    @property
    def foreign_keys(self) -> list:
        return [(c.name, *c.references.split(".")) for c in self.columns if c.references]

    @property
    def compared(self) -> list:
        return [c.name for c in self.columns if c.compared]


def col(name, kind, label, description, *flags, **options) -> Column:
    """A column; kind may be an Enumeration; flags are "required" and "compared"."""
    unknown = set(flags) - {"required", "compared"}
    assert not unknown, unknown
    if isinstance(kind, Enumeration):
        kind, options = ENUMERATION, {**options, "values": kind}
    return Column(name, kind, label, description, "required" in flags, compared="compared" in flags, **options)


# --- Where rows come from ----------------------------------------------------------------------


def measure_id(decision: dict, measure: dict) -> str:
    return f"{decision['id']}_{measure['position']:02d}"


def _sources(dataset):
    yield from dataset.programme["sources"]
    for d in dataset.decisions:
        yield {"id": d["id"], "kind": "beslut", **d["source_document"]}


def _measures(dataset):
    for d in dataset.decisions:
        for m in d["measures"]:
            yield {**m, "id": measure_id(d, m), "decision": d}


def _each(list_key: str):
    """Records of a list inside each decision (payments, deadlines, ...): the item with its decision and
    position; an item that is a plain value is the record's `value`."""

    def records(dataset):
        for d in dataset.decisions:
            for position, item in enumerate(d[list_key], 1):
                fields = item if isinstance(item, dict) else {"value": item}
                yield {**fields, "position": position, "decision": d}

    return records


def _measure_themes(dataset):
    for m in _measures(dataset):
        for theme in m["themes"]:
            yield {"measure_id": m["id"], "theme_id": theme}


def _programme(dataset):
    disputed = set(dataset.disputed_topics)
    for fact in dataset.programme["facts"]:
        yield {**fact, "sources_disagree": fact["topic"] in disputed}


def _decision_checks(dataset):
    from .arithmetic import checks  # arithmetic reads the enumerations defined here
    from .formatting import kronor

    for d in dataset.decisions:
        judged = [c for c in checks(d, kr=kronor) if c.statement]
        for position, check in enumerate(judged, 1):
            yield {"decision": d, "position": position, "ok": check.ok, "statement": check.statement}


def _facet_values(dataset, decision: dict, measures: list):
    """(facet, value, label) of one decision, or one measure when measures is [that measure]."""
    from .formatting import long_date

    for region in (decision["region"], *decision["joint_with"]):
        yield "region", region, dataset.region_names[region]
    yield "round", decision["decided_on"], long_date(decision["decided_on"])
    themes = dict.fromkeys(t for m in measures for t in m["themes"])
    yield from (("theme", t, dataset.theme_names[t]) for t in themes)
    reasons = {r["id"]: r["name"] for r in dataset.reason_categories}
    for category in dict.fromkeys(m["reason_category"] for m in measures if m.get("reason_category")):
        yield "reason", category, reasons[category]


def _measure_facets(dataset):
    for d in dataset.decisions:
        for m in d["measures"]:
            values = [
                ("status", STATUSES.key(m["status"]), STATUSES.title(m["status"])),
                ("amount", *amount_band(m["amount_granted"])),
            ]
            for facet, value, label in [*values, *_facet_values(dataset, d, [m])]:
                yield {"measure_id": measure_id(d, m), "facet": facet, "value": value, "label": label}


def _decision_facets(dataset):
    for d in dataset.decisions:
        values = [
            ("status", STATUSES.key(d["outcome"]), STATUSES.title(d["outcome"])),
            ("amount", *amount_band(d["amount_granted"])),
        ]
        for facet, value, label in [*values, *_facet_values(dataset, d, d["measures"])]:
            yield {"decision": d, "facet": facet, "value": value, "label": label}


def _similar(dataset):
    from .similar import similar_measures

    yield from similar_measures(dataset)


def _payment_years(dataset):
    paid = Counter()
    for d in dataset.decisions:
        for p in d["payments"]:
            paid[p["year"]] += p["amount"]
    period = dataset.programme["period"]
    for year in range(period["first_year"], max([period["last_year"], *paid]) + 1):
        yield {"year": year, "amount": paid[year]}


def _first_due(kind: str):
    return lambda d, dataset: min((x["due_on"] for x in d["deadlines"] if x["kind"] == kind), default=None)


def _html(path: str):
    from .prose import to_html

    def render(record, dataset):
        return to_html(resolve(record, path, dataset))

    return render


def resolve(record: dict, source: Source, dataset=None, name: str | None = None):
    """The value of a column for one record, as its source says."""
    if callable(source):
        return source(record, dataset)
    value = record
    for key in (source or name).split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


# --- The tables, in the order the build fills them (referenced tables first) --------------------
# One column a line or two: this is a table of declarations, easier to read aligned than wrapped.
# fmt: off

R, C = "required", "compared"
_GRANTED_SQL = sql_list(MONEY_GRANTED)
_NOT_GRANTED_SQL = sql_list((PARTLY_GRANTED, REJECTED))


def _id(description: str) -> Column:
    return col("id", TEXT, "Id", description, R)


def _decision_id() -> Column:
    return col("decision_id", TEXT, "Beslut", "Beslutet.", R, source="decision.id", references="decisions.id")


def _region_id(description: str, source: Source = "decision.region") -> Column:
    return col("region_id", TEXT, "Region", description, R, source=source, references="regions.id")


def _ref(name: str, label: str, description: str, references: str) -> Column:
    return col(name, TEXT, label, description, R, references=references)


def _count(name: str, label: str, description: str) -> Column:
    return col(name, INTEGER, label, description, R)


def _kronor(name: str, label: str, description: str, *flags) -> Column:
    return col(name, KRONOR, label, description, *flags)


_TABLES = (
    Table("sources", "Källdokument", "Dokumenten som uppgifterna kommer från, med kontrollsumma.", pk=("id",),
          records=_sources, display={"label_column": "title"}, columns=(
        _id("Källans id; för beslut samma som beslutets id."),
        col("title", TEXT, "Rubrik", "Dokumentets titel.", R),
        col("kind", SOURCE_KINDS, "Slag av dokument", "Slag av dokument: beslut, sammanfattning med flera.", R),
        col("file_name", TEXT, "Filnamn", "Filnamn på dokumentet som uppgifterna hämtades ur.", R),
        col("sha256", TEXT, "SHA-256", "SHA-256-kontrollsumma för filen.", R),
        col("url", TEXT, "Adress", "Adress till dokumentet, där den är känd."),
    )),
    Table("regions", "Regioner", "Sveriges 21 regioner med SCB:s länskod.", pk=("id",),
          records=lambda dataset: dataset.regions, display={"label_column": "name"}, columns=(
        _id("Regionens id."),
        col("name", TEXT, "Region", "Regionens officiella namn.", R),
        col("county_code", TEXT, "Länskod", "SCB:s länskod.", R),
        col("county_name", TEXT, "Län", "Länets namn.", R),
        col("org_nr", TEXT, "Organisationsnummer", "Organisationsnummer, bara där ett beslut anger det."),
        col("note", TEXT, "Anmärkning", "Anmärkning om regionen."),
    )),
    Table("themes", "Teman", "Kontrollerat ordförråd för åtgärdernas teman, satt av redaktionen.", pk=("id",),
          records=lambda dataset: dataset.themes, display={"label_column": "name"}, columns=(
        _id("Temats id."),
        col("name", TEXT, "Tema", "Temats namn.", R),
        col("description", TEXT, "Beskrivning", "Vad temat omfattar."),
    )),
    Table("reason_categories", "Kategorier av avslagsskäl",
          "Kontrollerat ordförråd för varför åtgärder avslagits, satt av redaktionen.", pk=("id",),
          records=lambda dataset: dataset.reason_categories, display={"label_column": "name"}, columns=(
        _id("Kategorins id."),
        col("name", TEXT, "Kategori", "Kategorins namn.", R),
        col("description", TEXT, "Beskrivning", "Vad kategorin omfattar."),
    )),
    Table("decisions", "Beslut", "Ett beslut per ansökan, med utfall, belopp och citat ur beslutet för varje siffra.",
          pk=("id",), records=lambda dataset: dataset.decisions,
          indexes=(("region_id",), ("outcome",), ("decided_on",)),
          display={"label_column": "label", "sort_desc": "decided_on", "size": PAGE_SIZE,
                   "facets": ["outcome", "region_id"]}, columns=(
        _id("Beslutets id, <beslutsdatum>_<region>."),
        col("region_id", TEXT, "Region", "Den sökande regionen.", R, C, source="region", references="regions.id"),
        col("label", TEXT, "Beslut", "Kort benämning av beslutet (region och beslutsdatum).", R,
            source=lambda d, ds: f"{ds.region_names[d['region']]}, beslut {d['decided_on']}"),
        col("title", TEXT, "Rubrik", "Beslutets rubrik som den står i beslutet.", R),
        col("decided_on", DATE, "Beslutsdatum", "Datum då Effektivitetsdelegationen fattade beslutet.", R, C),
        col("applied_on", DATE, "Ansökningsdatum", "Datum då regionen ansökte.", R, C),
        col("outcome", STATUSES, "Utfall", "Utfall: beviljad, delvis beviljad eller avslagen.", R, C),
        _kronor("amount_applied", "Sökt belopp", "Sökt belopp i kronor.", R, C),
        _kronor("amount_granted", "Beviljat belopp", "Beviljat belopp i kronor.", R, C),
        _kronor("amount_rejected", "Avslaget belopp", "Avslaget belopp i kronor.", R, C),
        col("measure_count", INTEGER, "Antal åtgärder", "Antal åtgärder som beslutet tar ställning till.", R,
            source=lambda d, ds: len(d["measures"])),
        col("payment_schedule", JSON_ARRAY, "Utbetalningsplan", "Utbetalningsplanen som JSON-lista, t.ex. "
            '[{"year": 2025, "amount": 11625000}] (samma som i payments).', R,
            source=lambda d, ds: sorted(d["payments"], key=lambda p: p["year"]),
            items=(("year", YEAR), ("amount", KRONOR))),
        col("completion_due_on", DATE, "Genomfört senast", "Sista dag då åtgärderna ska vara genomförda.",
            source=_first_due(COMPLETION)),
        col("interim_report_due_on", DATE, "Delredovisning senast",
            "Sista dag för (första) delredovisningen; alla tidsfrister finns i deadlines.",
            source=_first_due(INTERIM_REPORT)),
        col("final_report_due_on", DATE, "Slutredovisning senast", "Sista dag för slutredovisningen.",
            source=_first_due(FINAL_REPORT)),
        col("org_nr", TEXT, "Organisationsnummer", "Regionens organisationsnummer som beslutet anger det."),
        col("joint", BOOLEAN, "Samverkan", "1 om ansökan gjordes i samverkan med andra regioner "
            "(se tabellen Samverkande regioner, decision_partners), annars 0.",
            R, source=lambda d, ds: bool(d["joint_with"])),
        col("general_conditions", MARKDOWN, "Allmänna villkor",
            "Villkor och förväntningar som gäller hela bidraget, ordagrant ur beslutet."),
        col("general_conditions_html", HTML, "Allmänna villkor (HTML)", "De allmänna villkoren som HTML.",
            source=_html("general_conditions")),
        col("reasoning", MARKDOWN, "Skäl",
            "Beslutets allmänna skäl (syfte, bedömning, utbetalning, redovisning), ordagrant.", R),
        col("reasoning_html", HTML, "Skäl (HTML)", "Beslutets skäl som HTML.", R, source=_html("reasoning")),
        col("appealable", BOOLEAN, "Kan överklagas", "1 om beslutet får överklagas, annars 0.", R,
            source="appeal.appealable"),
        col("appeal_text", TEXT, "Överklagande", "Vad beslutet säger om överklagande.", source="appeal.text"),
        col("contact_email", TEXT, "E-post till Effektivitetsdelegationen",
            "Effektivitetsdelegationens funktionsbrevlåda.", source="contacts.delegation"),
        col("region_contact_email", TEXT, "E-post till regionen",
            "Regionens funktionsbrevlåda (registratur) enligt beslutet.", source="contacts.region"),
        col("decided_quote", TEXT, "Citat om beslutsdagen", "Citat ur beslutet om när det fattades.",
            source="source_quotes.decided_on"),
        col("applied_quote", TEXT, "Citat om ansökan", "Citat ur beslutet om ansökan och sökt belopp.",
            source="source_quotes.applied"),
        col("outcome_quote", TEXT, "Citat om utfallet", "Citat ur beslutet om utfall och belopp.",
            source="source_quotes.outcome"),
        col("payments_quote", TEXT, "Citat om utbetalningarna", "Citat ur beslutet om utbetalningarna.",
            source="source_quotes.payments"),
        col("source_id", TEXT, "Källa", "Källdokumentet (se tabellen Källdokument, sources).",
            R, source="id", references="sources.id"),
    )),
    Table("decision_partners", "Samverkande regioner", "Regioner som ansökt i samverkan med den sökande regionen.",
          pk=("decision_id", "region_id"), records=_each("joint_with"), indexes=(("region_id",),), columns=(
        _decision_id(),
        _region_id("Den samverkande regionen.", source="value"),
    )),
    Table("measures", "Åtgärder",
          "Varje åtgärd som ett beslut tar ställning till, med status, belopp, villkor och skäl ordagrant ur "
          "beslutet. Sök i rubrik, skäl och villkor; sökningen hittar även delar av sammansatta ord (robot hittar "
          "läkemedelsrobot).",
          pk=("id",), records=_measures,
          # With id: a filtered page in Datasette's order (by id) is read in order, not sorted (9 -> 1 ms at 100x),
          # and its count and facet selection read the index, not the wide rows (amount_granted >= x: 11 -> 2 ms).
          indexes=tuple((c, "id") for c in ("decision_id", "region_id", "status", "reason_category", "decided_on",
                                            "amount_applied", "amount_granted", "amount_rejected")),
          display={"label_column": "title", "size": PAGE_SIZE,
                   "facets": ["status", "region_id", {"array": "themes"}, "reason_category", "decided_on"]}, columns=(
        _id("Åtgärdens id, <beslutets id>_<position>."),
        _decision_id(),
        _region_id("Den sökande regionen."),
        col("decided_on", DATE, "Beslutsdatum", "Beslutsdatum (samma som beslutets).", R,
            source="decision.decided_on"),
        col("position", INTEGER, "Nr", "Åtgärdens ordning i beslutet.", R),
        col("title", TEXT, "Åtgärd", "Åtgärden som beslutet benämner den.", R, C),
        col("status", STATUSES, "Status", "Status: beviljad, delvis beviljad eller avslagen.", R, C),
        _kronor("amount_applied", "Sökt belopp", "Sökt belopp i kronor, om beslutet anger det för åtgärden.", C),
        _kronor("amount_granted", "Beviljat belopp", "Beviljat belopp i kronor; 0 för avslagna åtgärder.", C),
        _kronor("amount_rejected", "Avslaget belopp", "Avslaget belopp i kronor, om beslutet anger det för åtgärden.",
                C),
        col("conditions", MARKDOWN, "Villkor", "Villkor för åtgärden, ordagrant ur beslutet."),
        col("conditions_html", HTML, "Villkor (HTML)", "Villkoren som HTML.", source=_html("conditions")),
        col("reason", MARKDOWN, "Skäl", "Skälen för beslutet om åtgärden, ordagrant ur beslutet."),
        col("reason_html", HTML, "Skäl (HTML)", "Skälen som HTML.", source=_html("reason")),
        col("reason_category", TEXT, "Avslagsskäl",
            "Kategori för avslagsskälet, satt av redaktionen (se tabellen Kategorier av avslagsskäl, "
            "reason_categories).", C, references="reason_categories.id"),
        col("themes", JSON_ARRAY, "Teman", "Teman som åtgärden hör till, som JSON-lista med temanas namn "
            "(se tabellen Teman, themes).", R, source=lambda m, ds: [ds.theme_names[t] for t in m["themes"]]),
        col("source_quote", TEXT, "Citat ur beslutet", "Meningarna i beslutet som åtgärden och beloppet kommer från.",
            R),
    )),
    Table("measure_themes", "Åtgärder och teman", "Vilka teman varje åtgärd hör till (kopplingstabell).",
          pk=("measure_id", "theme_id"), records=_measure_themes, indexes=(("theme_id",),), columns=(
        _ref("measure_id", "Åtgärd", "Åtgärden.", "measures.id"),
        _ref("theme_id", "Tema", "Temat.", "themes.id"),
    )),
    Table("payments", "Utbetalningar", "Utbetalningsplanen per beslut och år.", pk=("decision_id", "year"),
          records=_each("payments"), indexes=(("region_id",), ("year",)), columns=(
        _decision_id(),
        _region_id("Regionen som får utbetalningen."),
        col("year", YEAR, "År", "År för utbetalningen.", R),
        _kronor("amount", "Belopp", "Belopp i kronor.", R),
    )),
    Table("deadlines", "Tidsfrister",
          "När åtgärderna ska vara genomförda och när del- och slutredovisning ska lämnas.",
          pk=("decision_id", "kind", "due_on"), records=_each("deadlines"),
          indexes=(("region_id",), ("kind",), ("due_on",)), columns=(
        _decision_id(),
        _region_id("Regionen som ska redovisa."),
        col("kind", DEADLINE_KINDS, "Slag", "Slag av tidsfrist: genomförande, delredovisning eller slutredovisning.",
            R),
        col("due_on", DATE, "Senast", "Sista dag.", R),
        col("source_quote", TEXT, "Citat ur beslutet", "Meningen i beslutet som anger tidsfristen.", R),
    )),
    Table("decision_makers", "Beslutsfattare",
          "De som beslutet anger som beslutande, föredragande eller handläggare. Namn publiceras bara för den "
          "som fattade beslutet (ordföranden); övriga anges med sin roll (se sidan Personuppgifter).",
          pk=("decision_id", "position"), records=_each("decision_makers"), columns=(
        _decision_id(),
        col("position", INTEGER, "Nr", "Ordning i beslutet.", R),
        col("name", TEXT, "Namn", "Namn på den som fattade beslutet; tomt för handläggare och föredragande.",
            source=lambda p, ds: p["name"] if decided(p["role"]) else None),
        col("role", TEXT, "Roll", "Roll som beslutet anger den.", R),
        col("decided", BOOLEAN, "Beslutade", "1 för den som fattade beslutet, annars 0.", R,
            source=lambda p, ds: decided(p["role"])),
    )),
    Table("programme", "Om bidragsprogrammet",
          "Fakta om programmet med källa och citat. Uppgifter med samma ämne (topic) besvarar samma fråga; där "
          "källorna anger olika uppgifter visas alla.",
          pk=("id",), records=_programme, indexes=(("topic",),), columns=(
        _id("Uppgiftens id."),
        col("topic", TEXT, "Ämne", "Ämne; flera uppgifter med samma ämne kommer från olika källor.", R),
        col("label", TEXT, "Gäller", "Vad uppgiften gäller.", R),
        col("value", TEXT, "Uppgift", "Uppgiften som källan anger den.", R),
        _kronor("amount", "Belopp", "Belopp i kronor, om uppgiften är ett belopp."),
        col("approximate", BOOLEAN, "Ungefärligt belopp", "1 om källan anger beloppet avrundat, annars 0.", R,
            source=lambda f, ds: bool(f.get("approximate"))),
        col("year_from", YEAR, "Från år", "Första år som uppgiften gäller."),
        col("year_to", YEAR, "Till år", "Sista år som uppgiften gäller."),
        col("date", DATE, "Datum", "Datum som uppgiften gäller."),
        col("sources_disagree", BOOLEAN, "Källorna skiljer sig åt",
            "1 om källorna anger olika uppgifter för samma ämne, annars 0.", R),
        col("source_id", TEXT, "Källa", "Källan (se tabellen Källdokument, sources).",
            R, source="source", references="sources.id"),
        col("source_quote", TEXT, "Citat ur källan", "Citat ur källan.", R),
    )),
    # Filled by `bidrag publish`; a plain build leaves them empty.
    Table("releases", "Publiceringar", "Varje gång databasen publicerats, med tidpunkt och kontrollsumma för indata.",
          pk=("id",), display={"sort_desc": "id"}, columns=(
        col("id", INTEGER, "Publicering", "Publiceringens nummer.", R),
        col("published_at", DATETIME, "Publicerad", "Tidpunkt för publiceringen (UTC, ÅÅÅÅ-MM-DDTHH:MM:SSZ).", R),
        col("data_sha256", TEXT, "Kontrollsumma för indata", "SHA-256 av de granskade källfilerna som publicerades.",
            R),
        _count("decisions", "Antal beslut", "Antal beslut i publiceringen."),
        _count("measures", "Antal åtgärder", "Antal åtgärder i publiceringen."),
        _count("changes", "Antal ändringar", "Antal ändringar jämfört med föregående publicering."),
    )),
    Table("changes", "Ändringar",
          "Vad som ändrats mellan publiceringarna: nya, ändrade och borttagna beslut, och återkallade publiceringar. "
          "En rättelse av ett publicerat beslut behåller de tidigare uppgifterna här.",
          pk=("id",), indexes=(("release_id",), ("decision_id",), ("region_id",), ("kind",), ("published_at",)),
          display={"sort_desc": "id", "facets": ["kind", "region_id", "release_id"]}, columns=(
        col("id", INTEGER, "Id", "Ändringens id.", R),
        col("release_id", INTEGER, "Publicering", "Publiceringen där ändringen syntes första gången.", R,
            references="releases.id"),
        col("published_at", DATETIME, "Publicerad", "Tidpunkt för publiceringen (UTC).", R),
        col("decision_id", TEXT, "Beslut", "Beslutet som ändrades.", R),
        _ref("region_id", "Region", "Regionen som beslutet gäller.", "regions.id"),
        col("kind", CHANGE_KINDS, "Slag av ändring",
            "Slag av ändring: nytt beslut, ändrat beslut, borttaget beslut eller återkallat (en publicering som "
            "togs tillbaka med bidrag rollback; ändringen återställer det som gällde före den).", R),
        col("field", TEXT, "Fält", "Fältet som ändrades, t.ex. amount_granted eller measures.<åtgärdens id>.status."),
        col("before", TEXT, "Före", "Värdet före ändringen (JSON)."),
        col("after", TEXT, "Efter", "Värdet efter ändringen (JSON)."),
        _kronor("amount_before", "Belopp före", "Beloppet före ändringen, i kronor, om fältet är ett belopp."),
        _kronor("amount_after", "Belopp efter", "Beloppet efter ändringen, i kronor, om fältet är ett belopp."),
        col("summary", TEXT, "Ändring", "Ändringen i klartext.", R),
    )),
    # --- Computed by the build from the tables above: what every visitor would compute the same way.
    Table("decision_checks", "Kontroller av beloppen",
          "Beslutets belopp kontrollerade mot varandra vid bygget: sökt, beviljat och avslaget, åtgärderna och "
          "utbetalningarna.", pk=("decision_id", "position"), records=_decision_checks, columns=(
        _decision_id(),
        col("position", INTEGER, "Nr", "Kontrollens ordning.", R),
        col("ok", BOOLEAN, "Stämmer", "1 om kontrollen stämmer, annars 0.", R),
        col("statement", TEXT, "Kontroll", "Vad som kontrollerades, med beloppen.", R),
    )),
    Table("region_totals", "Summor per region", "Beslut, åtgärder och belopp per region; även regioner utan beslut.",
          pk=("region_id",), columns=(
        _ref("region_id", "Region", "Regionen.", "regions.id"),
        col("region_name", TEXT, "Region", "Regionens namn.", R),
        col("county_code", TEXT, "Länskod", "SCB:s länskod.", R),
        _count("decisions", "Antal beslut", "Antal beslut."),
        _count("measures", "Antal åtgärder", "Antal åtgärder."),
        _count("measures_granted", "Beviljade åtgärder", "Antal helt eller delvis beviljade åtgärder."),
        _count("measures_rejected", "Avslagna åtgärder", "Antal avslagna åtgärder."),
        _kronor("amount_applied", "Sökt belopp", "Sökt belopp i kronor.", R),
        _kronor("amount_granted", "Beviljat belopp", "Beviljat belopp i kronor.", R),
        _kronor("amount_rejected", "Avslaget belopp", "Avslaget belopp i kronor.", R),
    ), query=f"""
with
  per_decision as (
    select region_id, count(*) as decisions, sum(amount_applied) as applied,
      sum(amount_granted) as granted, sum(amount_rejected) as rejected
    from decisions group by region_id),
  per_measure as (
    select region_id, count(*) as measures,
      count(case when status in {_GRANTED_SQL} then 1 end) as granted,
      count(case when status = '{REJECTED}' then 1 end) as rejected
    from measures group by region_id)
select r.id, r.name, r.county_code, coalesce(d.decisions, 0), coalesce(m.measures, 0), coalesce(m.granted, 0),
  coalesce(m.rejected, 0), coalesce(d.applied, 0), coalesce(d.granted, 0), coalesce(d.rejected, 0)
from regions r
left join per_decision d on d.region_id = r.id
left join per_measure m on m.region_id = r.id
order by r.county_code"""),
    Table("theme_totals", "Summor per tema",
          "Åtgärder och beviljade belopp per tema. En åtgärd med flera teman räknas i vart och ett.",
          pk=("theme_id",), columns=(
        _ref("theme_id", "Tema", "Temat.", "themes.id"),
        col("theme_name", TEXT, "Tema", "Temats namn.", R),
        _count("measures", "Antal åtgärder", "Antal åtgärder."),
        _count("measures_granted", "Beviljade åtgärder", "Antal beviljade åtgärder."),
        _count("measures_partly_granted", "Delvis beviljade åtgärder", "Antal delvis beviljade åtgärder."),
        _count("measures_rejected", "Avslagna åtgärder", "Antal avslagna åtgärder."),
        _count("regions", "Antal regioner", "Antal regioner med åtgärder i temat."),
        _kronor("amount_granted", "Beviljat belopp", "Beviljat belopp i kronor för helt eller delvis beviljade "
                "åtgärder.", R),
    ), query=f"""
select t.id, t.name, count(m.id),
  count(case when m.status = '{GRANTED}' then 1 end),
  count(case when m.status = '{PARTLY_GRANTED}' then 1 end),
  count(case when m.status = '{REJECTED}' then 1 end),
  count(distinct m.region_id),
  coalesce(sum(case when m.status in {_GRANTED_SQL} then m.amount_granted end), 0)
from themes t
left join measure_themes mt on mt.theme_id = t.id
left join measures m on m.id = mt.measure_id
group by t.id
order by t.name"""),
    Table("reason_totals", "Summor per avslagsskäl", "Helt eller delvis avslagna åtgärder per kategori av avslagsskäl.",
          pk=("reason_category",), columns=(
        _ref("reason_category", "Avslagsskäl", "Kategorin.", "reason_categories.id"),
        col("reason_category_name", TEXT, "Avslagsskäl", "Kategorins namn.", R),
        _count("measures", "Antal åtgärder", "Antal helt eller delvis avslagna åtgärder."),
        _count("regions", "Antal regioner", "Antal regioner med sådana åtgärder."),
    ), query=f"""
select rc.id, rc.name, count(m.id), count(distinct m.region_id)
from reason_categories rc
left join measures m on m.reason_category = rc.id and m.status in {_NOT_GRANTED_SQL}
group by rc.id order by rc.name"""),
    Table("totals", "Summor för hela programmet", "Beslut, åtgärder och belopp för alla regioner tillsammans.",
          pk=(), columns=(
        _count("decisions", "Antal beslut", "Antal beslut."),
        _count("regions", "Regioner med beslut", "Antal regioner med minst ett beslut."),
        _count("measures", "Antal åtgärder", "Antal åtgärder."),
        _kronor("amount_applied", "Sökt belopp", "Sökt belopp i kronor.", R),
        _kronor("amount_granted", "Beviljat belopp", "Beviljat belopp i kronor.", R),
        _kronor("amount_rejected", "Avslaget belopp", "Avslaget belopp i kronor.", R),
        col("granted_percent", PERCENT, "Andel beviljat (%)", "Beviljat belopp i procent av sökt belopp."),
    ), query="""
select count(*), count(distinct region_id), (select count(*) from measures),
  coalesce(sum(amount_applied), 0), coalesce(sum(amount_granted), 0), coalesce(sum(amount_rejected), 0),
  case when sum(amount_applied) > 0 then round(100.0 * sum(amount_granted) / sum(amount_applied), 1) end
from decisions"""),
    Table("region_contacts", "Regionernas kontaktadresser",
          "Varje regions funktionsbrevlåda som dess senaste beslut anger den, för den som vill lära av en åtgärd; "
          "tom där inget beslut anger någon (adressen hittas aldrig på).", pk=("region_id",), columns=(
        _ref("region_id", "Region", "Regionen.", "regions.id"),
        col("email", TEXT, "Funktionsbrevlåda",
            "Regionens funktionsbrevlåda enligt beslutet, om något beslut anger den."),
        col("decision_id", TEXT, "Enligt beslut", "Beslutet som anger adressen.", references="decisions.id"),
    ), query="""
select r.id, d.region_contact_email, d.id
from regions r left join decisions d on d.id = (
  select x.id from decisions x where x.region_id = r.id and x.region_contact_email is not null
  order by x.decided_on desc, x.id desc limit 1)
order by r.county_code"""),
    Table("payment_years", "Utbetalningar per år", "Beviljat bidrag som betalas ut per år, varje år i programperioden.",
          pk=("year",), records=_payment_years, columns=(
        col("year", YEAR, "År", "År.", R),
        _kronor("amount", "Belopp", "Belopp i kronor som betalas ut under året.", R),
    )),
    Table("region_payment_years", "Utbetalningar per region och år",
          "Beviljat bidrag som betalas ut per region och år.", pk=("region_id", "year"), columns=(
        _ref("region_id", "Region", "Regionen.", "regions.id"),
        col("year", YEAR, "År", "År.", R),
        _kronor("amount", "Belopp", "Belopp i kronor som betalas ut till regionen under året.", R),
    ), query="select region_id, year, sum(amount) from payments group by region_id, year order by region_id, year"),
    Table("similar_measures", "Liknande åtgärder",
          "För varje åtgärd upp till tio åtgärder i andra regioner med liknande teman och beskrivning, beviljade "
          "först. Beräknas vid bygget av teman och ordstammar i rubrik och skäl.",
          pk=("measure_id", "rank"), records=_similar, indexes=(("similar_id",),), columns=(
        _ref("measure_id", "Åtgärd", "Åtgärden.", "measures.id"),
        col("rank", INTEGER, "Ordning", "Ordning bland de liknande åtgärderna, 1 först.", R),
        _ref("similar_id", "Liknande åtgärd", "Den liknande åtgärden.", "measures.id"),
        col("score", PERCENT, "Likhet", "Likhet mellan 0 och 1 (cosinus av viktade ord och teman).", R),
        col("shared_themes", JSON_ARRAY, "Gemensamma teman", "Teman som åtgärderna delar, som JSON-lista.", R),
    )),
    Table("measure_facets", "Sökfasetter för åtgärder",
          "Varje åtgärds värden för sidan Åtgärder: status, region (även samverkande), tema, avslagsskäl, "
          "beslutsomgång och beloppsintervall. Beräknas vid bygget så att sidan räknar fasetterna i ett svep.",
          pk=("measure_id", "facet", "value"), records=_measure_facets, indexes=(("facet", "value"),), columns=(
        _ref("measure_id", "Åtgärd", "Åtgärden.", "measures.id"),
        col("facet", SEARCH_FACETS, "Fasett", "Fasetten (och sidans URL-parameter): status, region, theme, "
            "reason, round eller amount.", R),
        col("value", TEXT, "Värde", "Värdet som id, datum eller nyckel, som i sidans URL.", R),
        col("label", TEXT, "Benämning", "Värdet som en läsare ser det.", R),
    )),
    Table("decision_facets", "Sökfasetter för beslut",
          "Varje besluts värden för sidan Beslut: utfall, region (även samverkande), åtgärdernas teman och "
          "avslagsskäl, beslutsomgång och beloppsintervall.",
          pk=("decision_id", "facet", "value"), records=_decision_facets, indexes=(("facet", "value"),), columns=(
        _decision_id(),
        col("facet", SEARCH_FACETS, "Fasett", "Fasetten (och sidans URL-parameter).", R),
        col("value", TEXT, "Värde", "Värdet som id, datum eller nyckel, som i sidans URL.", R),
        col("label", TEXT, "Benämning", "Värdet som en läsare ser det.", R),
    )),
    Table("good_examples", "Goda exempel",
          "Helt eller delvis beviljade åtgärder per tema, senaste beslut först: underlaget för sidan Goda exempel.",
          pk=("theme_id", "rank"), indexes=(("measure_id",),), columns=(
        _ref("theme_id", "Tema", "Temat.", "themes.id"),
        col("rank", INTEGER, "Ordning", "Ordning inom temat, senaste beslut först.", R),
        _ref("measure_id", "Åtgärd", "Åtgärden.", "measures.id"),
    ), query=f"""
select mt.theme_id, row_number() over (partition by mt.theme_id order by m.decided_on desc, m.id), m.id
from measure_themes mt join measures m on m.id = mt.measure_id
where m.status in {_GRANTED_SQL}"""),
    Table("rejections", "Avslag per skäl",
          "Helt eller delvis avslagna åtgärder per kategori av avslagsskäl, senaste beslut först: underlaget för "
          "sidan Avslag och skäl.", pk=("reason_category", "rank"), indexes=(("measure_id",),), columns=(
        _ref("reason_category", "Avslagsskäl", "Kategorin.", "reason_categories.id"),
        col("rank", INTEGER, "Ordning", "Ordning inom kategorin, senaste beslut först.", R),
        _ref("measure_id", "Åtgärd", "Åtgärden.", "measures.id"),
    ), query=f"""
select m.reason_category, row_number() over (partition by m.reason_category order by m.decided_on desc, m.id), m.id
from measures m
where m.status in {_NOT_GRANTED_SQL} and m.reason_category is not null"""),
)
# fmt: on

TABLES = {table.name: table for table in _TABLES}


# Labels of columns that only queries produce (canned queries, joins on the site's pages).
DERIVED_LABELS = {
    "rowid": "Radnummer",
    "Link": "Rad",  # Datasette's first column of a table without a primary key: a link to the row
    "measure_id": "Åtgärd",
    "region_name": "Region",
    "reason_category_name": "Avslagsskäl",
    "theme_name": "Tema",
    "relevance": "Relevans",
    "granted_percent": "Andel beviljat (%)",
    "kind_of_source": "Slag av källa",
}


def labels() -> dict:
    """column -> Swedish label, for any query: a table's own label wins where the name is its alone."""
    found = {}
    for table in TABLES.values():
        for c in table.columns:
            found.setdefault(c.name, c.label)
    return {**found, **DERIVED_LABELS}
