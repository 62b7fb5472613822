"""Event codes in the API: each visit's, meeting's and agreement's codes (`codes` in its
documents), the list keys `cameo` and `plover`, and the records as PLOVER events
(`/v1/export/events.ndjson`).

The codes come from one table (app/codes.py) applied to a record's kind (meetings) or status
(agreements), with any scheme a source codes otherwise replaced (`event_code`). The list
keys are that table written out as SQL, so the entries and the documents say the same.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from app.codes import AGREEMENT_CODES, MEETING_CODES, VISIT_CODES, Code, codes_for, event_code
from app.queries.citing import Citations
from app.queries.listing import Arms
from app.storage import Reader, Row

# Which column of a record chooses its codes in the table, and the table's rows.
_TABLE: dict[str, tuple[str | None, dict[str | None, tuple[Code, ...]]]] = {
    "visit": (None, {None: VISIT_CODES}),
    "meeting": ("kind", dict(MEETING_CODES.items())),
    "agreement": ("status", dict(AGREEMENT_CODES.items())),
}


def _public(code: Code) -> dict[str, Any]:
    return {"scheme": code.scheme, "code": code.code, "label": code.label, "mode": code.mode}


def codes_of(db: Reader, subject_type: str, records: Iterable[Row]) -> dict[str, list[Code]]:
    """The codes of these visits, meetings (with `kind`) or agreements (with `status`), by
    id."""
    chosen = list(records)
    overrides: dict[str, list[Code]] = defaultdict(list)
    for row in db.rows(
        "SELECT subject_id, scheme, code, mode FROM event_code "
        f"WHERE subject_type = :subject_type AND subject_id {db.dialect.in_list('ids')} "
        "ORDER BY subject_id, scheme, code, mode",
        {
            "subject_type": subject_type,
            "ids": db.dialect.list_param(sorted(r["id"] for r in chosen)),
        },
    ):
        overrides[row["subject_id"]].append(event_code(row["scheme"], row["code"], row["mode"]))
    return {
        row["id"]: codes_for(
            subject_type, row.get("kind"), row.get("status"), overrides.get(row["id"], ())
        )
        for row in chosen
    }


def with_codes(
    db: Reader, subject_type: str, records: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Add `codes` to each record's list item, in place; return them."""
    found = codes_of(db, subject_type, records)
    for record in records:
        record["codes"] = [_public(code) for code in found[record["id"]]]
    return records


def code_key(subject_type: str, scheme: str) -> Arms:
    """The list key `cameo` or `plover` of visits, meetings or agreements: each record listed
    under each code of that scheme it carries (PLOVER's event type)."""
    column, table = _TABLE[subject_type]
    replaced = (
        f"SELECT subject_id FROM event_code WHERE subject_type = '{subject_type}' "
        f"AND scheme = '{scheme}'"
    )
    chosen: dict[str, list[str | None]] = defaultdict(list)
    for value, codes in table.items():
        for code in codes:
            if code.scheme == scheme:
                chosen[code.code].append(value)
    parts = []
    for value_of, values in sorted(chosen.items()):
        where = f"id NOT IN ({replaced})"
        if column is not None:
            listed = ", ".join(f"'{value}'" for value in values)
            where += f" AND {column} IN ({listed})"
        parts.append(f"SELECT id, '{value_of}' AS value FROM {subject_type} WHERE {where}")
    parts.append(
        f"SELECT subject_id AS id, code AS value FROM event_code "
        f"WHERE subject_type = '{subject_type}' AND scheme = '{scheme}'"
    )
    return Arms(tuple(parts))


# PLOVER's event records (PLOVER_MANUAL.tex, "PLOVER JSON"): the fields this export fills.
# `cameo` is a field of this project's own, as PLOVER lets a provider add.
PLOVER_FIELDS = (
    "id",
    "date",
    "enddate",
    "source",
    "recipient",
    "event",
    "mode",
    "context",
    "event_loc",
    "cite_info",
)
OWN_FIELDS = ("cameo",)

# Every record here is a step of diplomacy: PLOVER's `diplomatic` context.
CONTEXT = ["diplomatic"]
CORPUS = "diplomatic-visits-api"

_VISIT_COLUMNS = (
    "p.name AS visitor_name, p.wikidata_id AS visitor_wikidata, "
    "vc.alpha3 AS visitor_alpha3, hc.code AS host_code, hc.alpha3 AS host_alpha3, "
    "hc.name AS host_name"
)
_VISIT_JOINS = (
    "JOIN participant p ON p.id = v.visitor_id "
    "JOIN country vc ON vc.code = v.visitor_country_code "
    "JOIN country hc ON hc.code = v.host_country_code"
)
_EVENT_SQL = {
    "visit": "SELECT v.id, v.start_date AS date, v.end_date AS enddate, v.city, v.latitude, "
    f"v.longitude, {_VISIT_COLUMNS} FROM visit v {_VISIT_JOINS}",
    "meeting": "SELECT m.id, m.kind, m.date, NULL AS enddate, m.city, NULL AS latitude, "
    f"NULL AS longitude, {_VISIT_COLUMNS} FROM meeting m JOIN visit v ON v.id = m.visit_id "
    f"{_VISIT_JOINS}",
    "agreement": "SELECT g.id, g.status, g.signed_on AS date, NULL AS enddate, "
    f"m.city, NULL AS latitude, NULL AS longitude, {_VISIT_COLUMNS} FROM agreement g "
    f"JOIN visit v ON v.id = g.visit_id LEFT JOIN meeting m ON m.id = g.meeting_id "
    f"{_VISIT_JOINS}",
}
EVENT_KINDS = tuple(_EVENT_SQL)
# Each record's own date: PLOVER requires `date`, and a record no source dates is left out
# (never given its visit's date or any other guess); `undated` counts them.
_DATE_COLUMNS = {"visit": "v.start_date", "meeting": "m.date", "agreement": "g.signed_on"}


def undated(db: Reader) -> int:
    """How many visits, meetings and agreements with a PLOVER event type the events export
    leaves out because no source gives their date: read from the lists' `plover` entries,
    which carry each record's date (app/queries/listing.py)."""
    found = 0
    for kind, column in _DATE_COLUMNS.items():
        found += db.scalar(
            f"SELECT count(DISTINCT id) FROM {kind}_list_entry "
            f"WHERE filter = 'plover' AND {column.split('.')[1]} IS NULL"
        )
    return found


def events(db: Reader, kind: str, after: str, limit: int) -> tuple[list[dict[str, Any]], str]:
    """Up to `limit` dated visits, meetings or agreements with ids past `after`, as PLOVER
    events (a record PLOVER has no event type for, a press conference's statements, is left
    out, as is one no source dates: PLOVER requires a date), and the last id read ('' when
    none was)."""
    alias = _EVENT_SQL[kind].split(" FROM ")[1].split()[1]
    rows = db.rows(
        f"{_EVENT_SQL[kind]} WHERE {alias}.id > :after AND {_DATE_COLUMNS[kind]} IS NOT NULL "
        f"ORDER BY {alias}.id LIMIT :limit",
        {"after": after, "limit": limit},
    )
    codes = codes_of(db, kind, rows)
    cited = Citations()
    citations = {row["id"]: cited.of(kind, row["id"]) for row in rows}
    cited.fill(db)
    built = []
    for row in rows:
        plover = [code for code in codes[row["id"]] if code.scheme == "plover"]
        if not plover:
            continue
        built.append(
            {
                "id": f"{kind}:{row['id']}",
                "date": row["date"],
                "enddate": row["enddate"],
                "source": [
                    {
                        "code": row["visitor_alpha3"],
                        "actor_text": row["visitor_name"],
                        "identifier_id": row["visitor_wikidata"],
                    }
                ],
                "recipient": [{"code": row["host_alpha3"], "actor_text": row["host_name"]}],
                "event": [code.code for code in plover],
                "mode": [code.mode for code in plover if code.mode is not None],
                "context": CONTEXT,
                "event_loc": {
                    "name": row["city"],
                    "latitude": row["latitude"],
                    "longitude": row["longitude"],
                    "country code": row["host_code"],
                    "cc3": row["host_alpha3"],
                },
                "cite_info": _cite_info(citations[row["id"]]),
                "cameo": [code.code for code in codes[row["id"]] if code.scheme == "cameo"],
            }
        )
    return built, rows[-1]["id"] if rows else ""


def _cite_info(citations: list[dict[str, Any]]) -> dict[str, Any] | None:
    """PLOVER's citation object from a record's first citation (None: it has none)."""
    if not citations:
        return None
    first = citations[0]
    source = first["source"]
    return {
        "corpus": CORPUS,
        "citation": first["id"],
        "url": source["url"],
        "title": source["title"],
        "publication": source["publisher"],
    }
