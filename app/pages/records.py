"""What a record page shows beside the record itself: the sources its citations name (with
their dates) and its claims, each disputed field's versions side by side."""

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from app.pages import data
from app.pages.render import render, templates
from app.pages.timeline import Series, draw, visit_years, years_of
from app.storage import Reader

SHOWN = 20  # a participant's visits, meetings and agreements listed on their page


def _citations(value: Any, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every citation anywhere in a record (its own, its parts', its claims'), added to
    `found` in document order."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "citations":
                found.extend(inner)
            elif isinstance(inner, dict | list):
                _citations(inner, found)
    elif isinstance(value, list):
        for inner in value:
            if isinstance(inner, dict | list):
                _citations(inner, found)
    return found


class SourceLines:
    """Each cited source's line (title, publisher, date, address), made once: a build of
    many pages over one state of the data reads and renders a source once however many
    pages cite it. A request makes its own, so its lines are never older than its read."""

    def __init__(self) -> None:
        self._lines: dict[str, Markup] = {}

    def of(self, db: Reader, refs: dict[str, dict[str, Any]]) -> dict[str, Markup]:
        """The line of each source of `refs` (source id -> a citation's `source`)."""
        missing = sorted(refs.keys() - self._lines.keys())
        if missing:
            found = data.sources(db, missing)
            line = templates.get_template("macros.html").module.source_line  # type: ignore[attr-defined]
            for source_id in missing:
                self._lines[source_id] = line(refs[source_id], found.get(source_id))
        return {source_id: self._lines[source_id] for source_id in refs}


def cited_sources(
    db: Reader, record: dict[str, Any], lines: SourceLines | None = None
) -> dict[str, Markup]:
    """What the record's citations say of each source they name, by its id: its title,
    publisher, date and address (a citation carries all but the date), made once per source
    however many citations name it (a participant's page cites a few sources a hundred
    times); with `lines`, made once for every record rendered with them."""
    refs = {citation["source"]["id"]: citation["source"] for citation in _citations(record, [])}
    return (lines or SourceLines()).of(db, refs)


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


def record_html(
    db: Reader, resource: data.Resource, record: dict[str, Any], lines: SourceLines | None = None
) -> str:
    """A record's page: its facts, its parts, its claims and every citation's source (their
    lines from `lines` when given: see `SourceLines`)."""
    context = {
        "resource": resource,
        "record": record,
        "sources": cited_sources(db, record, lines),
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
