"""Loading a dataset in parts (decision 0044): each part is a file, and a fingerprint of its
bytes, taken before they are parsed, says whether it changed since the last load. A reload
parses and writes only the parts that changed, are new or are gone; `dataset_part` keeps, per
part, its fingerprint, the ids of the records it gave and what those name in other parts.

What a reload reads of the parts it does not parse is their fingerprints, and the references
of those that name records of other parts; the records of a part are read only when the part
is read again or gone. A file whose size, times and inode are those seen at the last load is
not even read (decision 0045).
"""

import hashlib
import json
import os
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, delete, insert, literal, select, update

from app.models import DatasetPart
from app.store import RECORD_TABLES, DatasetRows, chunks, primary_key, table_of

PARTS = table_of(DatasetPart)
PART_NAME_LENGTH = PARTS.c.part.type.length  # type: ignore[attr-defined]
# A part's references when it names no record of another part.
NO_REFERENCES = "[]"

# A reference from a part's record to a record of another part: (kind, id, record, field),
# the last two as a check names them.
Reference = tuple[str, str, str, str]


# A file modified this close to the stat of it may change again within the same tick of its
# file system's clock (two seconds on FAT) without its stat changing: its stat is not kept.
RACY_NS = 2_000_000_000


class Recorded(NamedTuple):
    """A part's fingerprint as last loaded, and its file's stat if it was kept."""

    fingerprint: str
    stat: str | None


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


def file_stat(path: str | Path, now_ns: int) -> str | None:
    """What says a file is unchanged without reading it (size, modification and change times,
    inode, as git's index keeps), or None when it changed too close to `now_ns` to trust."""
    found = os.stat(path)
    if max(found.st_mtime_ns, found.st_ctime_ns) > now_ns - RACY_NS:
        return None
    return f"{found.st_size} {found.st_mtime_ns} {found.st_ctime_ns} {found.st_ino}"


def recorded(connection: Connection, dataset: str) -> dict[str, Recorded]:
    """The fingerprint and stat of every recorded part of `dataset`, by name; empty when it
    was last loaded whole."""
    query = select(PARTS.c.part, PARTS.c.fingerprint, PARTS.c.stat)
    return {
        str(part): Recorded(digest, stat)
        for part, digest, stat in connection.execute(query.where(PARTS.c.dataset == dataset))
    }


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
        # Written out, not bound: a generic plan (PostgreSQL's, once a statement is prepared)
        # could not use the partial index of the parts that refer.
        .where(
            PARTS.c.dataset == dataset,
            PARTS.c.refers != literal(NO_REFERENCES, literal_execute=True),
        )
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


def held(
    connection: Connection, dataset: str, table: str, ids: Iterable[str] | None = None
) -> Iterator[str]:
    """Those of `ids` (by default every id) that a record of `table` in `dataset` has."""
    model = next(m for m in RECORD_TABLES if table_of(m).name == table)
    column = table_of(model).c[primary_key(model)]
    query = select(column).where(table_of(model).c.dataset == dataset)
    if ids is None:
        yield from connection.execute(query).scalars()
        return
    for chunk in chunks(sorted(set(ids))):
        yield from connection.execute(query.where(column.in_(chunk))).scalars()


def save_parts(
    connection: Connection,
    dataset: str,
    loaded: Mapping[str, tuple[Recorded, DatasetRows, list[Reference]]],
    gone: Iterable[str],
    now: datetime,
) -> None:
    """Record the parts just loaded (name -> fingerprint and stat, rows, references) and
    forget the gone ones."""
    for chunk in chunks(sorted({*loaded, *gone})):
        connection.execute(delete(PARTS).where(PARTS.c.dataset == dataset, PARTS.c.part.in_(chunk)))
    rows: list[dict[str, Any]] = [
        {
            "dataset": dataset,
            "part": name,
            "fingerprint": seen.fingerprint,
            "stat": seen.stat,
            "records": _json(record_ids(part_rows)),
            "refers": _json(list(dict.fromkeys(references))),  # in the order checked
            "loaded_at": now,
        }
        for name, (seen, part_rows, references) in sorted(loaded.items())
    ]
    for chunk in chunks(rows):
        connection.execute(insert(PARTS), chunk)


def save_stats(connection: Connection, dataset: str, stats: Mapping[str, str | None]) -> None:
    """Record the stats of parts read and found unchanged (copied, touched, or too recent
    to trust when last seen)."""
    query = (
        update(PARTS)
        .where(PARTS.c.dataset == dataset, PARTS.c.part == bindparam("name"))
        .values(stat=bindparam("seen"))
    )
    rows = [{"name": name, "seen": stat} for name, stat in sorted(stats.items())]
    for chunk in chunks(rows):
        connection.execute(query, chunk)


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
