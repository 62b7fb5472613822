"""What a record page shows beside the record itself: the sources its citations name (with
their dates) and its claims, each disputed field's versions side by side."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from app.pages import data
from app.pages.render import render, templates
from app.pages.timeline import Series, draw, visit_years, years_of
from app.storage import Reader

SHOWN = 20  # a participant's visits, meetings and agreements listed on their page


def _citations(value: Any) -> Iterator[dict[str, Any]]:
    """Every citation anywhere in a record (its own, its parts', its claims')."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "citations":
                yield from inner
            else:
                yield from _citations(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _citations(inner)


def cited_sources(db: Reader, record: dict[str, Any]) -> dict[str, Markup]:
    """What the record's citations say of each source they name, by its id: its title,
    publisher, date and address (a citation carries all but the date), made once per source
    however many citations name it (a participant's page cites a few sources a hundred
    times)."""
    refs = {citation["source"]["id"]: citation["source"] for citation in _citations(record)}
    found = data.sources(db, sorted(refs))
    line = templates.get_template("macros.html").module.source_line  # type: ignore[attr-defined]
    return {source_id: line(ref, found.get(source_id)) for source_id, ref in refs.items()}


@dataclass(frozen=True)
class ClaimedField:
    """One field's claimed values: disputed or not, each claim with its rank and citations."""

    name: str
    disputed: bool
    claims: list[dict[str, Any]]


def claimed_fields(record: dict[str, Any]) -> list[ClaimedField]:
    """The record's claims (`claims`: property -> claims) by field, disputed ones first."""
    disputed = set(record.get("disputed") or ())
    claims: dict[str, list[dict[str, Any]]] = record.get("claims") or {}
    fields = [ClaimedField(name, name in disputed, found) for name, found in claims.items()]
    return sorted(fields, key=lambda field: (not field.disputed, field.name))


def record_html(db: Reader, resource: data.Resource, record: dict[str, Any]) -> str:
    """A record's page: its facts, its parts, its claims and every citation's source."""
    context = {
        "resource": resource,
        "record": record,
        "sources": cited_sources(db, record),
        "claimed": claimed_fields(record),
        **_extra(db, resource, record),
    }
    return render(f"records/{resource.singular}.html", context)


def _extra(db: Reader, resource: data.Resource, record: dict[str, Any]) -> dict[str, Any]:
    """What a participant's page shows beyond the participant (their visits, meetings and
    agreements, and the timeline of their visits) and a country's (its visits made and
    hosted, over the years)."""
    if resource.name == "countries":
        code = record["code"]
        series = [
            Series("Made", "visits made", *visit_years(db, {"visitor_country": code})),
            Series("Hosted", "visits hosted", *visit_years(db, {"host_country": code})),
        ]
        return {"series": series, "timeline": draw(series)}
    if resource.name != "participants":
        return {}
    by_them = {"participant": record["id"]}
    shown = {}
    for name, sort in (("visits", "start_date"), ("meetings", "date"), ("agreements", "signed_on")):
        shown[name] = data.first(db, data.RESOURCES[name], by_them, sort, SHOWN)
    visits, total = shown["visits"]
    # All their visits listed already: counted from those, not read again.
    years, undated = years_of(visits) if total <= len(visits) else visit_years(db, by_them)
    return {
        "shown": shown,
        # Their parts name a visit and a meeting by id: those listed above, by id (a part in
        # one not listed shows its id).
        "listed": {name: {item["id"]: item for item in shown[name][0]} for name in shown},
        "timeline": draw([Series("Visits", "visits", years, undated)]),
    }
