"""Loading a dataset in parts (decision 0044): each part is a file, and a fingerprint of its
bytes, taken before they are parsed, says whether it changed since the last load. A reload
parses and writes only the parts that changed, are new or are gone; `dataset_part` keeps, per
part, its fingerprint, the ids of the records it gave and what those name in other parts.

What a reload reads of the parts it does not parse is their fingerprints, and the references
of those that name records of other parts; the records of a part are read only when the part
is read again or gone.
"""

import hashlib
import json
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from app.models import DatasetPart
from app.store import RECORD_TABLES, DatasetRows, chunks, primary_key, table_of

PARTS = table_of(DatasetPart)
PART_NAME_LENGTH = PARTS.c.part.type.length  # type: ignore[attr-defined]
# A part's references when it names no record of another part.
NO_REFERENCES = "[]"

# A reference from a part's record to a record of another part: (kind, id, record, field),
# the last two as a check names them.
Reference = tuple[str, str, str, str]


@dataclass(frozen=True)
class StoredPart:
    """A part as last loaded: the ids of its records, by table."""

    records: dict[str, list[str]]


def fingerprint(*contents: bytes) -> str:
    """A hex BLAKE2b of the bytes of a part's files (each length-prefixed, so that moving
    bytes from one file to the next changes it)."""
    digest = hashlib.blake2b(digest_size=16)
    for content in contents:
        digest.update(len(content).to_bytes(8, "big"))
        digest.update(content)
    return digest.hexdigest()


def fingerprints(connection: Connection, dataset: str) -> dict[str, str]:
    """The fingerprint of every recorded part of `dataset`, by name; empty when it was last
    loaded whole."""
    query = select(PARTS.c.part, PARTS.c.fingerprint).where(PARTS.c.dataset == dataset)
    return {str(part): str(digest) for part, digest in connection.execute(query)}


def stored_parts(
    connection: Connection, dataset: str, names: Collection[str]
) -> dict[str, StoredPart]:
    """The records of the parts `names` of `dataset`, as last loaded."""
    found: dict[str, StoredPart] = {}
    query = select(PARTS.c.part, PARTS.c.records).where(PARTS.c.dataset == dataset)
    for chunk in chunks(sorted(names)):
        for part, records in connection.execute(query.where(PARTS.c.part.in_(chunk))):
            found[part] = StoredPart(json.loads(records))
    return found


def referring(connection: Connection, dataset: str) -> dict[str, list[Reference]]:
    """The references of each part of `dataset` that names records of other parts."""
    query = (
        select(PARTS.c.part, PARTS.c.refers)
        .where(PARTS.c.dataset == dataset, PARTS.c.refers != NO_REFERENCES)
        .order_by(PARTS.c.part)
    )
    return {part: _references(references) for part, references in connection.execute(query)}


def holder(connection: Connection, dataset: str, table: str, record_id: str) -> str | None:
    """The part of `dataset` whose records include `record_id` of `table`. It reads every
    part's records: for naming a part in an error, not on a load's way."""
    query = select(PARTS.c.part, PARTS.c.records).where(PARTS.c.dataset == dataset)
    for part, records in connection.execute(query):
        if record_id in json.loads(records).get(table, ()):
            return str(part)
    return None


def _references(stored: str) -> list[Reference]:
    return [
        (kind, record_id, record, field) for kind, record_id, record, field in json.loads(stored)
    ]


def record_ids(rows: DatasetRows) -> dict[str, list[str]]:
    """The ids of the records a part gives, by table, sorted."""
    found: dict[str, list[str]] = {}
    for model in RECORD_TABLES:
        given = rows.records.get(model)
        if given:
            key = primary_key(model)
            found[table_of(model).name] = sorted(str(row[key]) for row in given)
    return found


def scope(parts: Iterable[StoredPart]) -> dict[str, set[str]]:
    """The records those parts gave when last loaded, by table (`write_dataset`'s scope)."""
    ids: dict[str, set[str]] = {}
    for part in parts:
        for table, records in part.records.items():
            ids.setdefault(table, set()).update(records)
    return ids


def held(connection: Connection, dataset: str, table: str, ids: Iterable[str]) -> Iterator[str]:
    """Those of `ids` that a record of `table` in `dataset` has."""
    model = next(m for m in RECORD_TABLES if table_of(m).name == table)
    column = table_of(model).c[primary_key(model)]
    query = select(column).where(table_of(model).c.dataset == dataset)
    for chunk in chunks(sorted(set(ids))):
        yield from connection.execute(query.where(column.in_(chunk))).scalars()


def save_parts(
    connection: Connection,
    dataset: str,
    loaded: Mapping[str, tuple[str, DatasetRows, list[Reference]]],
    gone: Iterable[str],
    now: datetime,
) -> None:
    """Record the parts just loaded (name -> fingerprint, rows, references) and forget the
    gone ones."""
    for chunk in chunks(sorted({*loaded, *gone})):
        connection.execute(delete(PARTS).where(PARTS.c.dataset == dataset, PARTS.c.part.in_(chunk)))
    rows: list[dict[str, Any]] = [
        {
            "dataset": dataset,
            "part": name,
            "fingerprint": digest,
            "records": _json(record_ids(part_rows)),
            "refers": _json(list(dict.fromkeys(references))),  # in the order checked
            "loaded_at": now,
        }
        for name, (digest, part_rows, references) in sorted(loaded.items())
    ]
    for chunk in chunks(rows):
        connection.execute(insert(PARTS), chunk)


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
