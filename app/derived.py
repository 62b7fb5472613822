"""Data derived from the tables, built when data is loaded: the full-text index
(app/search.py), every record's stored documents (app/documents.py), and each list's
entries, counts and longest date span (app/queries/listing.py).

`refresh(connection, changed)` brings all of it in step with the tables inside the load's
transaction: for the records a load changed and those whose documents show them
(`SHOWN_IN`, `COUNTED_IN`; docs/read-path.md has the table), or for everything
(`EVERYTHING`). Loads call `refresh_after_load` with what `app.store.write_dataset`
reports it wrote (`app.store.changes`): a reload that changes N records rebuilds the
derived data of those N and of the records that show or count them, and a reload that
changes nothing rebuilds nothing. The storage records which `DERIVED_VERSION` built it:
`python -m app migrate` rebuilds derived data of another version (`rebuild_if_stale`),
and `serve` refuses it (`app.storage.check_database`). After a load or a migration,
derived data missing while records exist is an error (`DerivedDataMissing`).
"""

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from app.documents import Documents, store
from app.models.agreement import AgreementPublic
from app.models.citation import CitationItem
from app.models.claim import ClaimPublic
from app.models.country import CountryPublic
from app.models.meeting import MeetingPublic
from app.models.participant import ParticipantPublic
from app.models.source import SourcePublic
from app.models.statement import StatementItem
from app.models.topic import TopicPublic
from app.models.tour import TourPublic
from app.models.visit import VisitPublic
from app.queries import (
    agreements,
    claims,
    evidence,
    meetings,
    participants,
    tours,
    visits,
    vocabularies,
)
from app.queries.listing import Listing, Year
from app.search import documents_sql
from app.storage import (
    DatabaseNotReady,
    Dialect,
    Reader,
    create_write_engine,
    derived_version,
    dialect_name,
    load_reader,
    rebuilding,
    search_index,
    set_derived_version,
    sqlite_path,
)

# Bump when derived data changes shape (the search documents or their numbering, a list
# item, a detail, a CSV column, the list entries): databases then need a rebuild.
# 2: visits' search documents numbered by start date. 3: visit details stored.
# 4: every resource's items and details stored; list entries, counts and spans.
# 5: claims, `disputed` and event codes in the documents; claims listed; the entries
# `disputed`, `cameo`, `plover`, `external_id`. 6: `disputed` on countries and topics (and
# their list entries), countries' details stored with `claims`; event codes in the details
# only. 7: statements and citations listed (items, entries); `source_ids` in the items of
# visits, meetings, agreements, participants and tours; search documents' fields kept apart.
# 8: visits' entries carry their countries and city, agreements' their count (sorts).
# 9: `disputed` and `claims` on embedded participations and statements; `disputed` in
# statements' items and entries; statements' details stored, with `claims`.
# 11: every record's page and the home page stored (`record_page`, app/pages/stored.py).
# 12: every record's row of its list page stored (`record_row`, app/pages/stored.py).
DERIVED_VERSION = 12

DOCUMENTS = (
    Documents("visit", VisitPublic, visits.items, visits.details),
    Documents("meeting", MeetingPublic, meetings.items, meetings.details),
    Documents("agreement", AgreementPublic, agreements.items, agreements.details),
    Documents("participant", ParticipantPublic, participants.items, participants.details),
    Documents("tour", TourPublic, tours.items, tours.details),
    Documents("source", SourcePublic, vocabularies.source_items, vocabularies.source_details),
    Documents(
        "country",
        CountryPublic,
        vocabularies.country_items,
        vocabularies.country_details,
        id_column="code",
    ),
    Documents("topic", TopicPublic, vocabularies.topic_items, None),
    # A claim's detail is its list item.
    Documents("claim", ClaimPublic, claims.items, None),
    Documents("statement", StatementItem, evidence.statement_items, evidence.statement_details),
    # A citation's detail is its list item.
    Documents("citation", CitationItem, evidence.citation_items, None),
)

LISTINGS: tuple[Listing, ...] = (
    visits.list_visits,
    meetings.list_meetings,
    agreements.list_agreements,
    participants.list_participants,
    tours.list_tours,
    vocabularies.list_sources,
    vocabularies.list_countries,
    vocabularies.list_topics,
    claims.list_claims,
    evidence.list_statements,
    evidence.list_citations,
)

# What `Later` steps fill (emptied when none is registered): pages and list-page rows.
PAGES_TABLE = "record_page"
ROWS_TABLE = "record_row"

# The tables filled here, which the models do not describe (the migrations make them; the
# full-text index's are the engine's, named `search_index*`).
TABLES = frozenset(
    {
        "record_item",
        "record_detail",
        PAGES_TABLE,
        ROWS_TABLE,
        "list_count",
        "list_span",
        *(listing.entry_table for listing in LISTINGS if listing.keys),
    }
)

Ids = Mapping[str, Collection[str]]


@dataclass(frozen=True)
class Changed:
    """What a load changed, by table: `records`, the ids of the rows it wrote or deleted;
    `referenced`, the ids of the rows those pointed to before or after the change (a
    deleted meeting's visit, a participation's former participant), whose own documents
    list or count them."""

    records: Ids
    referenced: Ids = field(default_factory=dict)


EVERYTHING = None  # `refresh(connection, EVERYTHING)`: a full rebuild


@dataclass(frozen=True)
class Later:
    """Derived data a higher layer makes from what `refresh` made (the pages' stored pages,
    app/pages/stored.py, which register this when imported): `build` runs last in every
    refresh with the same stale records; `current` says whether what is stored was made
    by the running code (`rebuild_if_stale` builds it again when not)."""

    build: Callable[[Connection, Reader, Mapping[str, Collection[str]] | None], None]
    current: Callable[[Connection], bool]


LATER: list[Later] = []


def register(step: Later) -> None:
    """Run `step` in every refresh, after the rest (once, however often it is registered)."""
    if step not in LATER:
        LATER.append(step)


class DerivedDataMissing(DatabaseNotReady):
    """Records exist whose derived data (search index, stored documents) does not: the load
    or migration that would leave it so is refused (its transaction rolls back)."""


# A load that writes more records than this share of those listed rebuilds everything: a
# first load, or one that rewrites most of a dataset, is faster done in one pass, and on
# SQLite leaves the full-text index optimized into one segment.
FULL_REBUILD_SHARE = 0.25


def refresh_after_load(connection: Connection, changed: Changed) -> dict[str, int] | None:
    """Bring the derived data in step after a load's writes (`changed`, as
    `app.store.changes` reports them), inside its transaction: only what they make stale,
    or everything when derived data of this version is not there yet or the load wrote a
    large share of the records. Then refuse
    to leave derived data missing (`DerivedDataMissing`). Returns how many records of each
    resource were refreshed (None: a full rebuild)."""
    written = sum(len(ids) for ids in changed.records.values())
    if derived_version(connection) != DERIVED_VERSION or written > FULL_REBUILD_SHARE * _listed(
        connection
    ):
        refresh(connection, EVERYTHING)
        check_not_missing(connection)
        return None
    refreshed = refresh(connection, changed)
    if missing_derived_data(connection):
        # Derived data lost since it was built (not by a load): build it all again.
        refresh(connection, EVERYTHING)
        check_not_missing(connection)
        return None
    return {
        resource: len(ids)
        for resource, ids in sorted(refreshed.items())
        if ids and resource in _RESOURCES
    }


def _listed(connection: Connection) -> int:
    # By (resource, name), so the index is used: by name alone every count row is read.
    resources = ", ".join(f"'{listing.resource}'" for listing in LISTINGS)
    total = connection.execute(
        text(
            "SELECT coalesce(sum(total), 0) FROM list_count "
            f"WHERE resource IN ({resources}) AND name = ''"
        )
    ).scalar()
    return int(total or 0)


# What every record must have, fixed apart from the builders it checks: each resource's
# items, and its details where it has them.
_EXPECTED = tuple((d.resource, d.details is not None) for d in DOCUMENTS)
_RESOURCES = frozenset(resource for resource, _ in _EXPECTED)


def missing_derived_data(connection: Connection) -> list[str]:
    """What derived data is missing though records exist: 'search index', or a resource's
    'items' or 'details'. One indexed read each."""

    def exists(sql: str, **params: str) -> bool:
        return bool(connection.execute(text(f"SELECT EXISTS ({sql})"), params).scalar())

    missing: list[str] = []
    held = False
    for resource, detailed in _EXPECTED:
        if not exists(f"SELECT 1 FROM {resource}"):
            continue
        held = True
        for table, what in (("record_item", "items"), ("record_detail", "details")):
            if what == "details" and not detailed:
                continue
            if not exists(f"SELECT 1 FROM {table} WHERE resource = :resource", resource=resource):
                missing.append(f"{resource} {what}")
    if held and not exists("SELECT 1 FROM search_index"):
        missing.append("search index")
    return missing


def check_not_missing(connection: Connection) -> None:
    """Raise `DerivedDataMissing` if records exist without their derived data."""
    missing = missing_derived_data(connection)
    if missing:
        raise DerivedDataMissing(
            "derived data missing after building it: no "
            + ", no ".join(missing)
            + f" (derived data version {DERIVED_VERSION})"
        )


_CODED = "SELECT subject_id FROM event_code WHERE id {{ids}} AND subject_type = '{kind}'"

# A change to a record of the first table makes stale the documents of these records of
# the second, which show its content, as does whatever shows them in turn (`:ids`: the
# changed ids).
SHOWN_IN: tuple[tuple[str, str, str], ...] = (
    ("country", "participant", "SELECT id FROM participant WHERE country_code {ids}"),
    ("country", "agreement", "SELECT agreement_id FROM agreement_party WHERE country_code {ids}"),
    (
        "country",
        "visit",
        "SELECT id FROM visit WHERE visitor_country_code {ids} "
        "UNION SELECT id FROM visit WHERE host_country_code {ids}",
    ),
    ("topic", "visit", "SELECT visit_id FROM visit_topic WHERE topic_id {ids}"),
    ("topic", "meeting", "SELECT meeting_id FROM meeting_topic WHERE topic_id {ids}"),
    ("topic", "agreement", "SELECT agreement_id FROM agreement_topic WHERE topic_id {ids}"),
    ("participant", "participation", "SELECT id FROM participation WHERE participant_id {ids}"),
    ("participant", "statement", "SELECT id FROM statement WHERE speaker_id {ids}"),
    ("participant", "visit", "SELECT id FROM visit WHERE visitor_id {ids}"),
    ("participant", "tour", "SELECT id FROM tour WHERE principal_id {ids}"),
    ("source", "citation", "SELECT id FROM citation WHERE source_id {ids}"),
    *(
        (
            "citation",
            cited,
            f"SELECT {cited}_id FROM citation WHERE id {{ids}} AND {cited}_id IS NOT NULL",
        )
        for cited in (
            "visit",
            "meeting",
            "agreement",
            "participation",
            "statement",
            "tour",
            "claim",
            "external_id",
        )
    ),
    ("participation", "visit", "SELECT visit_id FROM participation WHERE id {ids}"),
    (
        "participation",
        "meeting",
        "SELECT meeting_id FROM participation WHERE id {ids} AND meeting_id IS NOT NULL",
    ),
    (
        "participation",
        "agreement",
        "SELECT agreement_id FROM agreement_signatory WHERE participation_id {ids}",
    ),
    ("statement", "visit", "SELECT visit_id FROM statement WHERE id {ids}"),
    (
        "statement",
        "meeting",
        "SELECT meeting_id FROM statement WHERE id {ids} AND meeting_id IS NOT NULL",
    ),
    ("meeting", "visit", "SELECT visit_id FROM meeting WHERE id {ids}"),
    ("agreement", "visit", "SELECT visit_id FROM agreement WHERE id {ids}"),
    (
        "agreement",
        "meeting",
        "SELECT meeting_id FROM agreement WHERE id {ids} AND meeting_id IS NOT NULL",
    ),
    ("visit", "tour", "SELECT tour_id FROM visit WHERE id {ids} AND tour_id IS NOT NULL"),
    *(
        (
            "claim",
            subject,
            f"SELECT subject_id FROM claim WHERE id {{ids}} AND subject_type = '{subject}'",
        )
        for subject in (
            "visit",
            "meeting",
            "agreement",
            "participant",
            "tour",
            "source",
            "topic",
            "participation",
            "statement",
        )
    ),
    ("external_id", "participant", "SELECT participant_id FROM external_id WHERE id {ids}"),
    ("event_code", "visit", _CODED.format(kind="visit")),
    ("event_code", "meeting", _CODED.format(kind="meeting")),
    ("event_code", "agreement", _CODED.format(kind="agreement")),
)

# A record with stale documents makes stale those of these records, which count or list it
# (or, for meetings, carry its visit's countries and tour in their list entries), and no
# further.
COUNTED_IN: tuple[tuple[str, str, str], ...] = (
    (
        "visit",
        "country",
        "SELECT visitor_country_code FROM visit WHERE id {ids} "
        "UNION SELECT host_country_code FROM visit WHERE id {ids}",
    ),
    ("visit", "topic", "SELECT topic_id FROM visit_topic WHERE visit_id {ids}"),
    ("visit", "meeting", "SELECT id FROM meeting WHERE visit_id {ids}"),
    ("meeting", "topic", "SELECT topic_id FROM meeting_topic WHERE meeting_id {ids}"),
    ("agreement", "topic", "SELECT topic_id FROM agreement_topic WHERE agreement_id {ids}"),
    (
        "agreement",
        "participant",
        "SELECT pa.participant_id FROM agreement_signatory s "
        "JOIN participation pa ON pa.id = s.participation_id WHERE s.agreement_id {ids}",
    ),
    ("participation", "participant", "SELECT participant_id FROM participation WHERE id {ids}"),
    ("citation", "source", "SELECT source_id FROM citation WHERE id {ids}"),
    # Whether a claim's property is disputed depends on the other claims of its subject's
    # property.
    (
        "claim",
        "claim",
        "SELECT o.id FROM claim c JOIN claim o ON o.subject_type = c.subject_type "
        "AND o.subject_id = c.subject_id AND o.property = c.property WHERE c.id {ids}",
    ),
)

# SQLite's page cache while derived data is rebuilt (KiB; its default is 2 MiB): the
# details read each record's embedded records by index, and at 1M visits a larger cache
# keeps those indexes' pages. It is filled only as pages are read.
REBUILD_CACHE_KIB = 512 * 1024


def refresh(connection: Connection, changed: Changed | None) -> dict[str, set[str]]:
    """Bring every derived table in step with the tables, inside the caller's transaction:
    for what `changed` makes stale, or for everything when it is `EVERYTHING`. Returns the
    records refreshed, by resource (empty for a full rebuild or for no change)."""
    if changed is not None and not any(changed.records.values()):
        return {}  # nothing written: nothing stale, nothing rewritten
    with rebuilding(connection, REBUILD_CACHE_KIB):
        reader = load_reader(connection)
        stale = None if changed is None else stale_records(reader, changed)
        search_index(connection).refresh(documents_sql(reader.dialect), stale)
        for documents in DOCUMENTS:
            if stale is None or stale.get(documents.resource):
                store(
                    connection,
                    reader,
                    documents,
                    None if stale is None else stale[documents.resource],
                )
        for listing in LISTINGS:
            if stale is None or stale.get(listing.resource):
                refresh_lists(
                    connection,
                    reader.dialect,
                    listing,
                    None if stale is None else stale[listing.resource],
                )
        # Last: a page reads the documents and list entries refreshed above. With no step
        # registered (a process that never imported the pages) no stored page or row is
        # kept: the pages render per request rather than send what this load made stale.
        if not LATER:
            for table in (PAGES_TABLE, ROWS_TABLE):
                connection.execute(text(f"DELETE FROM {table}"))
        for step in LATER:
            step.build(connection, reader, stale)
        set_derived_version(connection, DERIVED_VERSION)
    return stale or {}


def stale_records(reader: Reader, changed: Changed) -> dict[str, set[str]]:
    """The records, by table, whose derived data `changed` makes stale."""
    stale: dict[str, set[str]] = {}
    for ids in (changed.records, changed.referenced):
        for table, records in ids.items():
            stale.setdefault(table, set()).update(records)
    frontier = {table: set(records) for table, records in changed.records.items()}
    while frontier:
        found: dict[str, set[str]] = {}
        for source, target, sql in SHOWN_IN:
            for record in related_ids(reader, sql, frontier.get(source)):
                if record not in stale.setdefault(target, set()):
                    stale[target].add(record)
                    found.setdefault(target, set()).add(record)
        frontier = found
    for source, target, sql in COUNTED_IN:
        stale.setdefault(target, set()).update(related_ids(reader, sql, stale.get(source)))
    return stale


def related_ids(reader: Reader, sql: str, ids: Collection[str] | None) -> set[str]:
    """The non-null values of the first column `sql` selects for `ids` (its `{ids}` list)."""
    if not ids:
        return set()
    rows = reader.rows(
        sql.format(ids=reader.dialect.in_list("ids")),
        {"ids": reader.dialect.list_param(sorted(ids))},
    )
    return {value for row in rows if (value := next(iter(row.values()))) is not None}


def refresh_lists(
    connection: Connection, dialect: Dialect, listing: Listing, ids: Collection[str] | None
) -> None:
    """A listing's entries, counts and longest span, for `ids` (every record when None)."""
    resource = listing.resource
    counts = {"resource": resource}
    connection.execute(
        text("DELETE FROM list_count WHERE resource = :resource AND name = ''"), counts
    )
    connection.execute(
        text(
            "INSERT INTO list_count (resource, name, value, total) "
            f"SELECT :resource, '', '', count(*) FROM {resource}"
        ),
        counts,
    )
    if listing.keys:  # after the total, which counts the facets' null values
        _refresh_entries(connection, dialect, listing, ids)
    span = listing.span
    if span is not None and span.start != span.end:
        longest = (
            f"SELECT max({dialect.days_between(span.start, span.end)}) FROM {resource} "
            f"WHERE {span.end} IS NOT NULL"
        )
        params: dict[str, Any] = dict(counts)
        if ids is not None:  # a bound: it only needs to be no shorter than the longest
            longest += f" AND {listing.id_column} {dialect.in_list('ids')}"
            params["ids"] = dialect.list_param(sorted(ids))
            longest = (
                "SELECT max(days) FROM (SELECT days FROM list_span WHERE resource = :resource "
                f"UNION ALL {longest}) AS spans"
            )
        days = connection.execute(text(longest), params).scalar()
        connection.execute(text("DELETE FROM list_span WHERE resource = :resource"), counts)
        connection.execute(
            text("INSERT INTO list_span (resource, days) VALUES (:resource, :days)"),
            {**counts, "days": int(days or 0)},
        )


def _refresh_entries(
    connection: Connection, dialect: Dialect, listing: Listing, ids: Collection[str] | None
) -> None:
    table = listing.entry_table
    columns = listing.entry_columns
    resource = listing.resource
    chosen: dict[str, Any] = {"resource": resource}
    restrict = None
    before: dict[tuple[str, str], int] = {}
    if ids is None:
        connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(
            text("DELETE FROM list_count WHERE resource = :resource AND name <> ''"), chosen
        )
    else:
        chosen["ids"] = dialect.list_param(sorted(ids))
        restrict = dialect.in_list("ids")
        before = _pair_counts(connection, dialect, table, chosen)
        connection.execute(text(f"DELETE FROM {table} WHERE id {dialect.in_list('ids')}"), chosen)
    carried = "".join(f", {c}" for c in columns)
    from_record = "".join(f", r.{c}" for c in columns)
    for name in listing.keys:
        connection.execute(
            text(
                f"INSERT INTO {table} (filter, value, id{carried}) "
                f"SELECT DISTINCT '{name}', k.value, k.id{from_record} "
                f"FROM ({listing.key_sql(name, dialect, restrict)}) k "
                f"JOIN {resource} r ON r.{listing.id_column} = k.id "
                "WHERE k.value IS NOT NULL"
            ),
            chosen,
        )
    if ids is None:
        connection.execute(
            text(
                "INSERT INTO list_count (resource, name, value, total) "
                f"SELECT :resource, filter, value, count(*) FROM {table} GROUP BY filter, value"
            ),
            chosen,
        )
    else:
        # Each pair's count moves by what the chosen ids' entries added or removed: a busy
        # value is not counted again.
        after = _pair_counts(connection, dialect, table, chosen)
        for name, value in sorted(after.keys() | before.keys()):
            moved = after.get((name, value), 0) - before.get((name, value), 0)
            if moved:
                pair = {"resource": resource, "name": name, "value": value}
                _move_count(connection, pair, moved)
    # Records without a value (an unknown kind, an undated record): the facets' null value.
    for name in listing.facets:
        connection.execute(
            text(
                "DELETE FROM list_count WHERE resource = :resource AND name = :name "
                "AND value IS NULL"
            ),
            {**chosen, "name": name},
        )
        if ids is not None and _one_value(listing, name):
            # One row per record, NULL or a value: the records counted under no value
            # are the rest, without reading every record.
            _count_the_rest(connection, resource, name)
            continue
        connection.execute(
            text(
                "INSERT INTO list_count (resource, name, value, total) "
                "SELECT :resource, :name, NULL, count(*) "
                f"FROM ({listing.key_sql(name, dialect)}) k WHERE k.value IS NULL "
                "HAVING count(*) > 0"
            ),
            {**chosen, "name": name},
        )


def _one_value(listing: Listing, name: str) -> bool:
    """Whether the key `name` gives each record exactly one row (a value or NULL)."""
    key = listing.keys[name]
    return isinstance(key, Year) or (
        isinstance(key, str)
        and re.fullmatch(rf"SELECT id, \w+ AS value FROM {listing.resource}", key) is not None
    )


def _count_the_rest(connection: Connection, resource: str, name: str) -> None:
    """Count under the null value of `name` the records not counted under a value."""
    chosen = {"resource": resource, "name": name}
    total = connection.execute(
        text("SELECT total FROM list_count WHERE resource = :resource AND name = ''"), chosen
    ).scalar_one()
    valued = connection.execute(
        text(
            "SELECT coalesce(sum(total), 0) FROM list_count WHERE resource = :resource "
            "AND name = :name AND value IS NOT NULL"
        ),
        chosen,
    ).scalar_one()
    if total > valued:
        connection.execute(
            text(
                "INSERT INTO list_count (resource, name, value, total) "
                "VALUES (:resource, :name, NULL, :total)"
            ),
            {**chosen, "total": int(total - valued)},
        )


def _pair_counts(
    connection: Connection, dialect: Dialect, table: str, chosen: dict[str, Any]
) -> dict[tuple[str, str], int]:
    """How many entries of the chosen ids each (filter, value) pair lists."""
    rows = connection.execute(
        text(
            f"SELECT filter, value, count(*) FROM {table} WHERE id {dialect.in_list('ids')} "
            "GROUP BY filter, value"
        ),
        chosen,
    )
    return {(row[0], row[1]): int(row[2]) for row in rows}


def _move_count(connection: Connection, pair: dict[str, Any], moved: int) -> None:
    """Add `moved` to a (filter, value) pair's count: inserted when new, deleted when it
    reaches 0, as a full count would leave it."""
    where = "WHERE resource = :resource AND name = :name AND value = :value"
    previous = connection.execute(text(f"SELECT total FROM list_count {where}"), pair).scalar()
    total = (previous or 0) + moved
    if total <= 0:
        connection.execute(text(f"DELETE FROM list_count {where}"), pair)
    elif previous is None:
        connection.execute(
            text(
                "INSERT INTO list_count (resource, name, value, total) "
                "VALUES (:resource, :name, :value, :total)"
            ),
            {**pair, "total": total},
        )
    else:
        connection.execute(
            text(f"UPDATE list_count SET total = :total {where}"), {**pair, "total": total}
        )


def rebuild_if_stale(database_url: str) -> None:
    """Build the derived data if another version of the service built it (or none did: a
    new or just-migrated database) or if some is missing, and the stored pages if other
    pages' code made them; call after migrating. Raises `DerivedDataMissing` if records
    still lack it."""
    if sqlite_path(database_url) is None and dialect_name(database_url) != "postgresql":
        return
    engine = create_write_engine(database_url)
    try:
        with engine.begin() as connection:
            if derived_version(connection) != DERIVED_VERSION or missing_derived_data(connection):
                refresh(connection, EVERYTHING)
            else:
                for step in LATER:
                    if not step.current(connection):  # made by other code: made again
                        with rebuilding(connection, REBUILD_CACHE_KIB):
                            step.build(connection, load_reader(connection), EVERYTHING)
            check_not_missing(connection)
    finally:
        engine.dispose()
