"""What a record page shows beside the record itself: the sources its citations name (with
their dates) and its claims, each disputed field's versions side by side."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from app.pages import data
from app.pages.render import templates
from app.storage import Reader


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
