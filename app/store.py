"""Writing one dataset's records: insert what is new, update what changed, delete what is gone.

The seed loader and the importers build every row first, then hand them here to be written
inside the caller's transaction. Only rows of the named dataset are touched, so loading the
seed never disturbs imported records, and re-loading unchanged data changes nothing. Each
record stores a fingerprint of what it was given, so a reload finds what changed reading
those alone (decision 0038).
"""

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update
from sqlmodel import SQLModel

from app.countries import all_countries
from app.derived import Changed
from app.models import (
    Agreement,
    AgreementParty,
    AgreementSignatory,
    AgreementTopic,
    Citation,
    Claim,
    Country,
    DatasetPart,
    DataVersion,
    Deletion,
    EventCode,
    ExternalId,
    Meeting,
    MeetingTopic,
    Participant,
    ParticipantAlias,
    Participation,
    Source,
    Statement,
    Topic,
    Tour,
    Visit,
    VisitTopic,
)
from app.models.base import utc_now

Record = dict[str, Any]

COUNTRY_DATASET = "iso-3166"

# Tables whose rows are records (id, dataset, timestamps), in foreign-key order.
RECORD_TABLES: tuple[type[SQLModel], ...] = (
    Country,
    Source,
    Topic,
    Participant,
    ExternalId,
    Tour,
    Visit,
    Meeting,
    Participation,
    Agreement,
    Statement,
    Claim,
    EventCode,
    Citation,
)

# Link tables and the column naming the record that owns each row.
LINK_TABLES: tuple[tuple[type[SQLModel], str], ...] = (
    (ParticipantAlias, "participant_id"),
    (VisitTopic, "visit_id"),
    (MeetingTopic, "meeting_id"),
    (AgreementTopic, "agreement_id"),
    (AgreementParty, "agreement_id"),
    (AgreementSignatory, "agreement_id"),
)

LINK_OWNER: dict[str, type[SQLModel]] = {
    "participant_alias": Participant,
    "visit_topic": Visit,
    "meeting_topic": Meeting,
    "agreement_topic": Agreement,
    "agreement_party": Agreement,
    "agreement_signatory": Agreement,
}


class IdConflict(Exception):
    """A record id is already owned by another dataset."""


def table_of(model: type[SQLModel]) -> Table:
    """The SQLAlchemy table behind a SQLModel table class."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def primary_key(model: type[SQLModel]) -> str:
    """Name of the single-column primary key of a record table."""
    (column,) = table_of(model).primary_key.columns
    return str(column.name)


@dataclass
class SyncReport:
    """What one write did, per table: rows created, updated and deleted; and for the
    derived data (`changes`), the ids of every record written or deleted
    (`written`, a record whose links changed included) and of the records those pointed
    to before or after the write (`referenced`)."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, list[str]] = field(default_factory=dict)
    written: dict[str, set[str]] = field(default_factory=dict)
    referenced: dict[str, set[str]] = field(default_factory=dict)

    def refer(self, table: str, record_id: Any) -> None:
        """Note that a written record pointed (or points) to `record_id` of `table`."""
        if record_id is not None:
            self.referenced.setdefault(table, set()).add(str(record_id))

    def changed(self) -> bool:
        """Whether the write changed anything."""
        return bool(self.total("created") or self.total("updated") or self.total_deleted())

    def total_deleted(self) -> int:
        """Records deleted over all tables."""
        return sum(len(ids) for ids in self.deleted.values())

    def total(self, kind: str) -> int:
        """Rows of one kind (`created`, `updated`) over all tables."""
        counts: dict[str, int] = getattr(self, kind)
        return sum(counts.values())


def changes(*reports: SyncReport) -> Changed:
    """What the writes of one load changed, for its derived data (`app.derived`)."""
    records: dict[str, set[str]] = {}
    referenced: dict[str, set[str]] = {}
    for report in reports:
        for found, into in ((report.written, records), (report.referenced, referenced)):
            for table, ids in found.items():
                if ids:
                    into.setdefault(table, set()).update(ids)
    return Changed(records, referenced)


@dataclass
class DatasetRows:
    """Every row of one dataset, ready to write: records by table and link rows by table."""

    dataset: str
    records: dict[type[SQLModel], list[Record]] = field(default_factory=dict)
    links: dict[type[SQLModel], list[Record]] = field(default_factory=dict)

    def add(self, model: type[SQLModel], row: Record) -> None:
        """Add one record row (without dataset or timestamps)."""
        self.records.setdefault(model, []).append(row)

    def link(self, model: type[SQLModel], row: Record) -> None:
        """Add one link-table row."""
        self.links.setdefault(model, []).append(row)

    def extend(self, other: "DatasetRows") -> None:
        """Add every row of `other`."""
        for model, records in other.records.items():
            self.records.setdefault(model, []).extend(records)
        for model, links in other.links.items():
            self.links.setdefault(model, []).extend(links)


def _content_columns(table: Table) -> list[str]:
    return [
        c.name
        for c in table.columns
        if c.name not in {"created_at", "updated_at", "dataset", "fingerprint"}
    ]


def _pointers(table: Table) -> list[tuple[str, str | None, str]]:
    """What a row of `table` points to: (column, None, the table it names) for a foreign
    key; (column, type column, '') for a claim's or an event code's subject, whose table
    the type column names."""
    pointers: list[tuple[str, str | None, str]] = [
        (fk.parent.name, None, fk.column.table.name) for fk in table.foreign_keys
    ]
    if "subject_type" in table.c:
        pointers.append(("subject_id", "subject_type", ""))
    return pointers


def _note_pointers(
    report: SyncReport, pointers: list[tuple[str, str | None, str]], row: Mapping[str, Any]
) -> None:
    for column, type_column, target in pointers:
        report.refer(str(row.get(type_column)) if type_column else target, row.get(column))


def chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def fingerprints(
    rows: Iterable[Record], key: str, columns: list[str], links: Mapping[str, tuple[Any, ...]]
) -> dict[str, int]:
    """Each record's fingerprint, by id: a 64-bit hash of the `repr` of its content columns'
    values and of its link rows (`_link_rows`), as given to the writer. Equal fingerprints
    stand for equal content; a differing one only makes the writer compare the stored row
    in full. (One loop for all rows: at 1M records a call per row is a cost of its own.)"""
    blake2b = hashlib.blake2b
    return {
        row[key]: int.from_bytes(
            blake2b(
                repr((tuple(map(row.get, columns)), links.get(row[key], ()))).encode(),
                digest_size=8,
            ).digest(),
            "big",
            signed=True,
        )
        for row in rows
    }


Links = dict[str, set[tuple[Any, ...]]]
# Table name -> ids of stored records: the part of a dataset a write may change.
Scope = Mapping[str, Collection[str]]


def _wanted_links(rows: DatasetRows) -> dict[type[SQLModel], Links]:
    """Each link table's rows as given, by the id of the record owning them."""
    wanted: dict[type[SQLModel], Links] = {}
    for model, owner_column in LINK_TABLES:
        columns = [c.name for c in table_of(model).columns]
        by_owner = wanted.setdefault(model, {})
        for link in rows.links.get(model, []):
            by_owner.setdefault(link[owner_column], set()).add(tuple(link.get(c) for c in columns))
    return wanted


def _link_rows(
    wanted: dict[type[SQLModel], Links], owner: type[SQLModel]
) -> dict[str, tuple[Any, ...]]:
    """The link rows of each of `owner`'s records that has any, for its fingerprint: per
    link table it owns, in `LINK_TABLES` order, the rows sorted."""
    owned = [model for model, _ in LINK_TABLES if LINK_OWNER[table_of(model).name] is owner]
    found: dict[str, tuple[Any, ...]] = {}
    for owner_id in set().union(*(wanted[model].keys() for model in owned)):
        found[owner_id] = tuple(
            tuple(sorted(wanted[model].get(owner_id, ()), key=repr)) for model in owned
        )
    return found


def _stored_prints(
    connection: Connection, table: Table, key: str, dataset: str, scope: Scope | None
) -> dict[str, int | None]:
    """The fingerprint of each stored record of `dataset` in `table`, or of those `scope`
    names."""
    query = select(table.c[key], table.c.fingerprint).where(table.c.dataset == dataset)
    if scope is None:
        return dict(connection.execute(query).all())
    stored: dict[str, int | None] = {}
    for chunk in chunks(sorted(scope.get(table.name, ()))):
        stored.update(connection.execute(query.where(table.c[key].in_(chunk))).all())
    return stored


def _full_rows(
    connection: Connection, table: Table, key: str, columns: list[str], ids: list[str]
) -> dict[str, Record]:
    """The content of the rows of `table` with those ids."""
    found: dict[str, Record] = {}
    for chunk in chunks(ids):
        query = select(*(table.c[c] for c in columns)).where(table.c[key].in_(chunk))
        for row in connection.execute(query).mappings():
            found[row[key]] = dict(row)
    return found


def write_dataset(
    connection: Connection,
    rows: DatasetRows,
    now: datetime | None = None,
    scope: Scope | None = None,
) -> SyncReport:
    """Make the database hold exactly `rows` for their dataset, inside the open transaction.

    Per record table it reads only each stored record's id and fingerprint; the records
    whose fingerprint differs from the one of their given row (or is null) are read and
    compared in full, and only those (and their link rows) are written.

    `scope` (table name -> ids) narrows the write to some parts of the dataset
    (`app.parts`): only the stored records it names are compared, updated or deleted; the
    rest of the dataset stays as it is. Without it the whole dataset is written, and if
    that changes anything, the parts it was loaded in are forgotten."""
    now = now or utc_now()
    report = SyncReport()
    wanted = _wanted_links(rows)
    gone: dict[type[SQLModel], list[str]] = {}
    owned_ids: dict[type[SQLModel], set[str]] = {}
    already_written: dict[type[SQLModel], set[str]] = {}
    # Records whose links are compared: those not known unchanged by their fingerprint.
    unsure: dict[type[SQLModel], set[str]] = {}
    # Records found unchanged in full whose fingerprint is to be stored: id -> fingerprint.
    reprint: dict[type[SQLModel], dict[str, int]] = {}
    prints: dict[type[SQLModel], dict[str, int]] = {}

    for model in RECORD_TABLES:
        table = table_of(model)
        key = primary_key(model)
        columns = _content_columns(table)
        new_rows: Mapping[str, Record] = {row[key]: row for row in rows.records.get(model, [])}
        prints[model] = fingerprints(new_rows.values(), key, columns, _link_rows(wanted, model))
        stored = _stored_prints(connection, table, key, rows.dataset, scope)
        _refuse_foreign_ids(connection, table, key, rows.dataset, new_rows.keys() - stored.keys())

        gone[model] = sorted(stored.keys() - new_rows.keys())
        suspect = sorted(
            record_id
            for record_id, record_print in prints[model].items()
            if record_id in stored and stored[record_id] != record_print
        )
        existing = _full_rows(connection, table, key, columns, suspect + gone[model])
        to_insert = [
            {
                **row,
                "dataset": rows.dataset,
                "created_at": now,
                "updated_at": now,
                "fingerprint": prints[model][record_id],
            }
            for record_id, row in new_rows.items()
            if record_id not in stored
        ]
        to_update = [
            new_rows[record_id]
            for record_id in suspect
            if any(existing[record_id][c] != new_rows[record_id].get(c) for c in columns)
        ]
        for chunk in chunks(to_insert):
            connection.execute(insert(table), chunk)
        for row in to_update:
            values = {c: row.get(c) for c in columns if c != key}
            connection.execute(
                update(table)
                .where(table.c[key] == row[key])
                .values(**values, updated_at=now, fingerprint=prints[model][row[key]])
            )
        owned_ids[model] = set(stored) | set(new_rows)
        already_written[model] = {row[key] for row in to_insert} | {row[key] for row in to_update}
        unsure[model] = already_written[model] | set(suspect) | set(gone[model])
        reprint[model] = {
            record_id: prints[model][record_id]
            for record_id in suspect
            if record_id not in already_written[model]
        }
        written = report.written.setdefault(table.name, set())
        written.update(already_written[model], gone[model])
        pointers = _pointers(table)
        for record_id in already_written[model] | set(gone[model]):
            if record_id in existing:
                _note_pointers(report, pointers, dict(existing[record_id]))
            if record_id in new_rows:
                _note_pointers(report, pointers, new_rows[record_id])
        report.created[table.name] = len(to_insert)
        report.updated[table.name] = len(to_update)

    touched: dict[type[SQLModel], set[str]] = {model: set() for model in RECORD_TABLES}
    for model, owner_column in LINK_TABLES:
        owner = LINK_OWNER[table_of(model).name]
        # Links given for a record of another dataset are compared too, as they always were.
        compared = unsure[owner] | (wanted[model].keys() - owned_ids[owner])
        for owner_id in _write_links(
            connection, model, owner_column, compared, wanted[model], report
        ):
            touched[owner].add(owner_id)

    # A record whose links changed (aliases, topics, parties, signatories) has changed too.
    # Its fingerprint, and that of a record found unchanged in full, is stored; another
    # dataset's record whose links this one changed is left to be compared in full.
    for model, owner_ids in touched.items():
        table = table_of(model)
        key = primary_key(model)
        fresh = owner_ids - set(gone[model]) - already_written[model]
        marked = [
            {"record_id": record_id, "print": prints[model].get(record_id)}
            for record_id in sorted(fresh)
        ]
        if marked:
            connection.execute(
                update(table)
                .where(table.c[key] == bindparam("record_id"))
                .values(updated_at=now, fingerprint=bindparam("print")),
                marked,
            )
        report.updated[table.name] += len(fresh)
        report.written[table.name].update(fresh)
        unchanged = [
            {"record_id": record_id, "print": record_print}
            for record_id, record_print in sorted(reprint[model].items())
            if record_id not in fresh
        ]
        if unchanged:
            connection.execute(
                update(table)
                .where(table.c[key] == bindparam("record_id"))
                .values(fingerprint=bindparam("print")),
                unchanged,
            )

    for model in reversed(RECORD_TABLES):
        table = table_of(model)
        key = primary_key(model)
        for chunk in chunks(gone[model]):
            connection.execute(delete(table).where(table.c[key].in_(chunk)))
        report.deleted[table.name] = gone[model]
        for chunk in chunks(gone[model]):
            connection.execute(
                insert(table_of(Deletion)),
                [
                    {
                        "resource": table.name,
                        "record_id": record_id,
                        "dataset": rows.dataset,
                        "deleted_at": now,
                    }
                    for record_id in chunk
                ],
            )

    if report.changed():
        _bump_version(connection, now)
        if scope is None:  # the parts no longer say what the dataset holds
            parts = table_of(DatasetPart)
            connection.execute(delete(parts).where(parts.c.dataset == rows.dataset))
    return report


def _write_links(
    connection: Connection,
    model: type[SQLModel],
    owner_column: str,
    owner_ids: set[str],
    wanted: Links,
    report: SyncReport,
) -> set[str]:
    """Rewrite the link rows of those owners whose links changed; return their ids. What
    their link rows pointed to, before and after, goes to `report.referenced`."""
    table = table_of(model)
    columns = [c.name for c in table.columns]
    present: Links = {}
    for chunk in chunks(sorted(owner_ids)):
        query = select(*(table.c[c] for c in columns)).where(table.c[owner_column].in_(chunk))
        for stored in connection.execute(query).mappings():
            present.setdefault(stored[owner_column], set()).add(tuple(stored[c] for c in columns))
    changed = {
        owner_id
        for owner_id in owner_ids
        if wanted.get(owner_id, set()) != present.get(owner_id, set())
    }
    pointers = [p for p in _pointers(table) if p[0] != owner_column]
    for owner_id in changed:
        for values in present.get(owner_id, set()) | wanted.get(owner_id, set()):
            _note_pointers(report, pointers, dict(zip(columns, values, strict=True)))
    for chunk in chunks(sorted(changed)):
        connection.execute(delete(table).where(table.c[owner_column].in_(chunk)))
    new_rows = [
        dict(zip(columns, values, strict=True))
        for owner_id in sorted(changed)
        for values in sorted(wanted.get(owner_id, set()), key=repr)
    ]
    for chunk in chunks(new_rows):
        connection.execute(insert(table), chunk)
    return changed


def _bump_version(connection: Connection, now: datetime) -> None:
    """Move the data version: ETags and `GET /v1` change with it."""
    version = table_of(DataVersion)
    moved = connection.execute(
        update(version)
        .where(version.c.id == 1)
        .values(version=version.c.version + 1, changed_at=now)
    )
    if moved.rowcount == 0:
        connection.execute(insert(version).values(id=1, version=1, changed_at=now))


def _refuse_foreign_ids(
    connection: Connection, table: Table, key: str, dataset: str, candidate_ids: Iterable[str]
) -> None:
    for chunk in chunks(sorted(candidate_ids)):
        clash = connection.execute(
            select(table.c[key], table.c.dataset).where(table.c[key].in_(chunk)).limit(1)
        ).first()
        if clash is None:
            continue
        if clash[1] == dataset:
            raise IdConflict(
                f"{table.name} id {clash[0]!r} is already in another part of {dataset!r}"
            )
        raise IdConflict(
            f"{table.name} id {clash[0]!r} belongs to dataset {clash[1]!r}, not {dataset!r}"
        )


def participation_id(context_id: str, participant_id: str) -> str:
    """Id of a participant's part in a visit or meeting."""
    return f"{context_id}--{participant_id}"


def write_countries(connection: Connection, now: datetime | None = None) -> SyncReport:
    """Write the ISO 3166-1 list (`country_rows`), reading the country table alone: no other
    table holds records of that dataset, and a dataset's whole write reads every table."""
    countries = table_of(Country)
    stored = connection.execute(
        select(countries.c.code).where(countries.c.dataset == COUNTRY_DATASET)
    ).scalars()
    return write_dataset(connection, country_rows(), now, scope={"country": list(stored)})


def country_rows() -> DatasetRows:
    """The ISO 3166-1 list as country rows."""
    rows = DatasetRows(COUNTRY_DATASET)
    for country in all_countries():
        rows.add(Country, {"code": country.code, "alpha3": country.alpha3, "name": country.name})
    return rows
