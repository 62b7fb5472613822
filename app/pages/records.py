"""What a record page shows beside the record itself: the sources its citations name (with
their dates) and its claims, each disputed field's versions side by side."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from app.pages import data
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


def cited_sources(db: Reader, record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The sources a record's citations name, by id, with their date and dateline (a citation
    carries the source's title, publisher and address only)."""
    sources = data.RESOURCES["sources"]
    ids = sorted({citation["source"]["id"] for citation in _citations(record)})
    found = {source_id: sources.get(db, source_id) for source_id in ids}
    return {source_id: source for source_id, source in found.items() if source is not None}


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
