"""The read engine gives the records the filters define, in order, on generated data.

Every list is walked page by page, by its cursors, under every sort, for each filter alone,
for pairs of them, with a date range and with words, and compared with the same records
chosen straight from the tables by SQL written from the filters' definitions (ORACLE); the
totals and facet counts with counts made the same way. tests/test_query_plans.py checks how
the pages are read; this checks what they hold.
"""

import itertools
import re
import sqlite3
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from app.api import filters
from app.copy import copy_database
from app.queries import (
    agreements,
    listing,
    meetings,
    participants,
    search,
    tours,
    visits,
    vocabularies,
)
from app.queries.common import parse_sort
from app.storage import Reader, open_reader
from app.storage.sqlite import SqliteReader
from app.storage.sqlite import search as fts5
from app.storage.sqlite.search import match_expression
from tests.conftest import BACKEND
from tests.generated import generated_database

pytestmark = pytest.mark.slow  # builds a generated data set

VISITS = 400

# Per resource: its table and alias, the filter model, the listing, and each filter's
# condition as the API defines it, over the alias and the bound value `:v`.
ORACLE: dict[str, tuple[str, type[BaseModel], listing.Listing, dict[str, str]]] = {
    "visits": (
        "visit v",
        filters.VisitFilters,
        visits.list_visits,
        {
            "country": "(v.visitor_country_code = :v OR v.host_country_code = :v)",
            "visitor_country": "v.visitor_country_code = :v",
            "host_country": "v.host_country_code = :v",
            "participant": "(v.visitor_id = :v OR v.id IN "
            "(SELECT visit_id FROM participation WHERE participant_id = :v))",
            "tour": "v.tour_id = :v",
            "topic": "v.id IN (SELECT visit_id FROM visit_topic WHERE topic_id = :v)",
            "kind": "v.kind = :v",
        },
    ),
    "meetings": (
        "meeting m",
        filters.MeetingFilters,
        meetings.list_meetings,
        {
            "visit": "m.visit_id = :v",
            "country": "m.visit_id IN (SELECT id FROM visit WHERE visitor_country_code = :v "
            "OR host_country_code = :v)",
            "visitor_country": "m.visit_id IN (SELECT id FROM visit "
            "WHERE visitor_country_code = :v)",
            "host_country": "m.visit_id IN (SELECT id FROM visit WHERE host_country_code = :v)",
            "tour": "m.visit_id IN (SELECT id FROM visit WHERE tour_id = :v)",
            "participant": "m.id IN (SELECT meeting_id FROM participation "
            "WHERE participant_id = :v)",
            "topic": "m.id IN (SELECT meeting_id FROM meeting_topic WHERE topic_id = :v)",
            "kind": "m.kind = :v",
        },
    ),
    "agreements": (
        "agreement g",
        filters.AgreementFilters,
        agreements.list_agreements,
        {
            "visit": "g.visit_id = :v",
            "country": "g.id IN (SELECT agreement_id FROM agreement_party WHERE country_code = :v)",
            "participant": "g.id IN (SELECT s.agreement_id FROM agreement_signatory s "
            "JOIN participation pa ON pa.id = s.participation_id WHERE pa.participant_id = :v)",
            "topic": "g.id IN (SELECT agreement_id FROM agreement_topic WHERE topic_id = :v)",
            "kind": "g.kind = :v",
            "status": "g.status = :v",
        },
    ),
    "participants": (
        "participant p",
        filters.ParticipantFilters,
        participants.list_participants,
        {
            "country": "p.country_code = :v",
            "kind": "p.kind = :v",
            "visit": "p.id IN (SELECT participant_id FROM participation WHERE visit_id = :v)",
        },
    ),
    "tours": (
        "tour t",
        filters.TourFilters,
        tours.list_tours,
        {
            "participant": "t.principal_id = :v",
            "country": "t.id IN (SELECT tour_id FROM visit WHERE host_country_code = :v "
            "OR visitor_country_code = :v)",
        },
    ),
    "sources": (
        "source s",
        filters.SourceFilters,
        vocabularies.list_sources,
        {"kind": "s.kind = :v"},
    ),
    "countries": (
        "country c",
        filters.CountryFilters,
        vocabularies.list_countries,
        {
            "has_visits": "(c.code IN (SELECT visitor_country_code FROM visit) "
            "OR c.code IN (SELECT host_country_code FROM visit))",
        },
    ),
    "topics": ("topic t", filters.TopicFilters, vocabularies.list_topics, {}),
}

SPANS = {"visits": ("start_date", "end_date"), "tours": ("start_date", "end_date")}
SPANS |= {"meetings": ("date", "date"), "agreements": ("signed_on", "signed_on")}
WORDS = {
    "visits": "talks",
    "meetings": "discussed",
    "agreements": "signed",
    "participants": "minister",
    "tours": "toured",
    "sources": "report",
    "countries": "islands",
    "topics": "energy",
}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """VISITS generated visits."""
    return generated_database(tmp_path_factory.mktemp("engine") / "visits.sqlite3", VISITS)


@pytest.fixture(scope="module")
def reader(database: Path) -> Iterator[Reader]:
    """A reader over the generated data, on the engine under test: under PostgreSQL, over a
    copy of the SQLite file (`python -m app copy`), which stays the oracle's."""
    if BACKEND == "postgresql":
        from tests.postgres import session_database

        url = session_database()
        assert all(table.matches for table in copy_database(f"sqlite:///{database}", url))
        found = open_reader(url, 60_000)
    else:
        found = SqliteReader(database, 60_000)
    yield found
    found.close()


def _busiest(
    connection: sqlite3.Connection, resource: str, name: str, chosen: Mapping[str, Any]
) -> Any:
    """The filter's value held by the most records, among those matching the filters by
    value already chosen."""
    if name == "has_visits":
        return True
    found = ORACLE[resource][2]
    among = ""
    params: dict[str, Any] = {"name": name}
    for other, value in chosen.items():
        if other in found.keys:
            among += (
                f" AND id IN (SELECT id FROM {found.entry_table} WHERE filter = '{other}' "
                f"AND value = '{value}')"
            )
        elif other == "q":
            among += (
                " AND id IN (SELECT record_id FROM search_index WHERE search_index MATCH :q "
                f"AND resource = '{found.resource}')"
            )
            params["q"] = match_expression(value)
        elif other == "dates":
            start, end = SPANS[resource]
            among += f" AND {start} <= :to AND coalesce({end}, {start}) >= :from"
            params["from"], params["to"] = value
    row = connection.execute(
        f"SELECT value FROM {found.entry_table} WHERE filter = :name{among} "
        "GROUP BY value ORDER BY count(*) DESC, value LIMIT 1",
        params,
    ).fetchone()
    assert row is not None, f"no {name} among the records matching {chosen}"
    return row[0]


def _oracle_ids(
    connection: sqlite3.Connection, resource: str, chosen: Mapping[str, Any], sort: str
) -> list[str]:
    table, _, found, conditions = ORACLE[resource]
    alias = table.split()[1]
    id_column = found.id_column
    where = ["1 = 1"]
    params: dict[str, Any] = {}
    for number, (name, value) in enumerate(chosen.items()):
        if name == "q":
            where.append(
                f"{alias}.{id_column} IN (SELECT record_id FROM search_index "
                f"WHERE search_index MATCH :q AND resource = '{found.resource}')"
            )
            params["q"] = match_expression(value)
        elif name == "dates":
            start, end = SPANS[resource]
            where.append(
                f"{alias}.{start} <= :to AND coalesce({alias}.{end}, {alias}.{start}) >= :from"
            )
            params["from"], params["to"] = value
        elif name == "updated_since":
            where.append(f"{alias}.updated_at >= :since")
            params["since"] = value
        else:
            where.append(conditions[name].replace(":v", f":v{number}"))
            params[f"v{number}"] = value
    column = found.sort_columns[sort.removeprefix("-")]
    descending = sort.startswith("-")
    order = "DESC NULLS LAST" if descending else "ASC NULLS FIRST"
    by_id = "DESC" if descending else "ASC"
    sql = (
        f"SELECT {alias}.{id_column} FROM {table} WHERE {' AND '.join(where)} "
        f"ORDER BY {alias}.{column} {order}, {alias}.{id_column} {by_id}"
    )
    return [row[0] for row in connection.execute(sql, params)]


def _criteria(resource: str, chosen: Mapping[str, Any], sort: str) -> tuple[Any, Any]:
    model = ORACLE[resource][1]
    params: dict[str, Any] = {"sort": sort}
    for name, value in chosen.items():
        if name == "dates":
            params["from"], params["to"] = value
        else:
            params[name] = value
    validated: Any = model.model_validate(params)
    return validated.criteria(), parse_sort(validated.sort, ORACLE[resource][2].sort_columns)


def _walk(reader: Reader, resource: str, criteria: Any, order: Any, limit: int) -> Any:
    found = ORACLE[resource][2]
    walked: list[str] = []
    after = None
    totals = set()
    while True:
        items, page = found(reader, criteria, order, after, limit)
        walked += [item.decoded()[found.id_column] for item in items]
        totals.add((page.total, page.total_is_lower_bound))
        if page.next_after is None:
            return walked, totals
        after = page.next_after


def _cases() -> Iterator[Any]:
    for resource, (_, _, found, conditions) in ORACLE.items():
        sorts = [value for name in found.sort_columns for value in (name, f"-{name}")]
        names = list(conditions)
        chosen: list[tuple[str, ...]] = [(), *[(name,) for name in names]]
        chosen += [(a, b) for a, b in itertools.pairwise(names)]
        if resource in SPANS:
            chosen += [("dates",), *[("dates", name) for name in names[:3]]]
        chosen += [("q",), *[("q", name) for name in names[:2]], ("updated_since",)]
        for names_chosen in chosen:
            for sort in sorts:
                label = "+".join(names_chosen) or "all"
                yield pytest.param(resource, names_chosen, sort, id=f"{resource}-{label}-{sort}")


CASES = list(_cases())
assert len(CASES) > len(ORACLE), "every list's cases"  # never an empty parameter set


@pytest.mark.parametrize(("resource", "names", "sort"), CASES)
def test_every_page_holds_what_the_filters_define(
    resource: str, names: tuple[str, ...], sort: str, reader: Reader, database: Path
) -> None:
    with sqlite3.connect(database) as connection:
        chosen: dict[str, Any] = {}
        for name in names:
            if name == "dates":
                chosen["dates"] = ("1980-01-01", "1999-12-31")
            elif name == "q":
                chosen["q"] = WORDS[resource]
            elif name == "updated_since":
                chosen["updated_since"] = "2025-01-01T00:00:00"
            else:
                chosen[name] = _busiest(connection, resource, name, chosen)
        expected = _oracle_ids(connection, resource, chosen, sort)
    connection.close()
    if "updated_since" in chosen:
        chosen["updated_since"] += "Z"
    criteria, order = _criteria(resource, chosen, sort)
    for limit in (7, 50):
        walked, totals = _walk(reader, resource, criteria, order, limit)
        assert walked == expected, (limit, chosen)
        assert totals == {(len(expected), False)}
    if names and names != ("updated_since",) and names[0] not in ("has_visits",):
        assert expected, f"choose values that match something: {chosen}"


def test_a_total_past_the_bound_is_a_lower_bound(
    reader: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Counted totals stop at COUNT_CAP (a small one here); stored ones are exact.
    monkeypatch.setattr(listing, "COUNT_CAP", 25)
    reader.memo.size = 0  # nothing kept: each call counts again
    order = parse_sort("-start_date", visits.SORT_COLUMNS)
    dated = {"date_from": _day("1980-01-01"), "date_to": _day("1999-12-31")}
    _, page = visits.list_visits(reader, dated, order, None, 5)
    assert (page.total, page.total_is_lower_bound) == (25, True)
    _, page = visits.list_visits(reader, {"kind": "official"}, order, None, 5)
    assert page.total > 25
    assert not page.total_is_lower_bound  # one filter by value: its stored count
    _, page = visits.list_visits(reader, {"q": "talks"}, order, None, 5)
    assert (page.total, page.total_is_lower_bound) == (25, True)
    _, page = visits.list_visits(reader, {"q": "desalination"}, order, None, 5)
    assert page.total < 25
    assert not page.total_is_lower_bound


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _facet_oracle(connection: sqlite3.Connection, sql: str) -> list[tuple[Any, int]]:
    rows = connection.execute(sql).fetchall()
    return sorted(rows, key=lambda row: (-row[1], row[0] is not None, str(row[0] or "")))[:30]


@pytest.mark.parametrize(
    ("criteria", "where"),
    [
        ({}, "1 = 1"),
        ({"host_country": "US"}, "v.host_country_code = 'US'"),
        (
            {"topic": "energy", "kind": "official"},
            "v.kind = 'official' AND v.id IN "
            "(SELECT visit_id FROM visit_topic WHERE topic_id = 'energy')",
        ),
    ],
    ids=["unfiltered", "one-filter", "two-filters"],
)
def test_facets_count_what_the_filters_match(
    criteria: dict[str, Any], where: str, reader: Reader, database: Path
) -> None:
    order = parse_sort("-start_date", visits.SORT_COLUMNS)
    names = ["host_country", "year", "kind", "topic"]
    _, page = visits.list_visits(reader, {**criteria, "facet": names}, order, None, 5)
    assert page.facets is not None
    assert not page.facets_are_lower_bounds
    with sqlite3.connect(database) as connection:
        expected = {
            "host_country": f"SELECT v.host_country_code, count(*) FROM visit v WHERE {where} "
            "GROUP BY 1",
            "year": f"SELECT substr(v.start_date, 1, 4), count(*) FROM visit v WHERE {where} "
            "GROUP BY 1",
            "kind": f"SELECT v.kind, count(*) FROM visit v WHERE {where} GROUP BY 1",
            "topic": "SELECT l.topic_id, count(*) FROM visit v JOIN visit_topic l "
            f"ON l.visit_id = v.id WHERE {where} GROUP BY 1",
        }
        for name, sql in expected.items():
            counted = [(row["value"], row["count"]) for row in page.facets[name]]
            assert counted == _facet_oracle(connection, sql), name
        names = dict(connection.execute("SELECT code, name FROM country"))
    connection.close()
    labels = {row["value"]: row["label"] for row in page.facets["host_country"]}
    assert labels
    assert labels == {code: names[code] for code in labels}


def test_facets_past_the_bound_count_the_first_records_and_say_so(
    reader: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "COUNT_CAP", 10)
    reader.memo.size = 0
    order = parse_sort("-start_date", visits.SORT_COLUMNS)
    criteria = {"kind": "official", "facet": ["host_country"]}
    _, page = visits.list_visits(reader, criteria, order, None, 5)
    assert page.facets is not None
    assert page.facets_are_lower_bounds
    assert sum(row["count"] for row in page.facets["host_country"]) <= 11


def _matches(database: Path, expression: str) -> list[tuple[str, str, int]]:
    """(resource, record id, rowid) of every document matching, by rowid."""
    with sqlite3.connect(database) as connection:
        found = connection.execute(
            "SELECT resource, record_id, rowid FROM search_index WHERE search_index MATCH ? "
            "ORDER BY rowid",
            (expression,),
        ).fetchall()
    connection.close()
    return found


@pytest.mark.sqlite_only(
    reason="FTS5's bounded candidates per resource (app/storage/sqlite/search.py)",
    counterpart=None,
)
@pytest.mark.parametrize("query", ["talks", "talks sides", "castro"])
def test_search_ranks_a_bounded_set_of_candidates_per_resource(
    query: str, reader: Reader, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expression = match_expression(query)
    assert expression is not None
    matches = _matches(database, expression)
    words = len(query.split())
    in_title = {
        (resource, record)
        for resource, record, _ in _matches(database, expression.replace("{title body}", "{title}"))
    }
    # With room for every match: every match, best first.
    monkeypatch.setattr(fts5, "CANDIDATES", 10_000)
    reader.memo.size = 0
    everything, total, _, capped = search.search(reader, query, None, None, 500)
    found = {(hit["resource"], hit["id"]) for hit in everything}
    assert found <= {(resource, record) for resource, record, _ in matches}
    assert len(found) == len(everything) == min(500, len(matches))
    assert (total, capped) == (len(matches), False)
    for hit in everything:  # 1 + the title's share that the words are; 1 in the body only
        title_words = len(re.findall(r"[^\W_]+", hit["title"]))
        if (hit["resource"], hit["id"]) in in_title:
            assert hit["score"] == round(1 + min(1, words / title_words), 6)
        elif words == 1:
            assert hit["score"] == 1.0
    scores = [hit["score"] for hit in everything]
    assert scores == sorted(scores, reverse=True)
    # With 5 per resource: each resource's 5 latest matches.
    monkeypatch.setattr(fts5, "CANDIDATES", 5)
    bounded, bounded_total, _, _ = search.search(reader, query, None, None, 500)
    latest = set()
    for resource in {resource for resource, _, _ in matches}:
        mine = [(r, record) for r, record, _ in matches if r == resource]
        latest |= set(mine[-5:])
    assert {(hit["resource"], hit["id"]) for hit in bounded} == latest
    assert bounded_total == total  # the count is every match's
    # Paged by cursor, the bounded ranking gives the same hits in the same order.
    walked: list[dict[str, Any]] = []
    after = None
    while True:
        page, _, after, _ = search.search(reader, query, None, after, 3)
        walked += page
        if after is None:
            break
    assert walked == bounded
    typed, _, _, _ = search.search(reader, query, "meeting", None, 500)
    assert typed == [hit for hit in bounded if hit["resource"] == "meeting"]


@pytest.mark.parametrize("sort", ["start_date", "-end_date"])
def test_date_ranges_reach_the_ends_of_the_calendar(sort: str, reader: Reader) -> None:
    # The range on the start-date index reaches back the longest span before `from`, and
    # the end-date range as far after `to`: never past year 1 or 9999.
    everything = {"date_from": date.min, "date_to": date.max}
    order = parse_sort(sort, visits.SORT_COLUMNS)
    _, page = visits.list_visits(reader, everything, order, None, 5)
    dated = reader.scalar("SELECT count(*) FROM visit WHERE start_date IS NOT NULL")
    assert page.total == dated


def test_an_answer_says_when_its_counts_are_lower_bounds(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The seed's three visits, with a bound of 1: counted totals and facets say they stopped.
    exact = client.get("/v1/visits", params={"from": "2023-01-01", "facet": "kind"}).json()
    assert exact["total"] == 3
    assert "total_is_lower_bound" not in exact
    assert "facets_are_lower_bounds" not in exact
    monkeypatch.setattr(listing, "COUNT_CAP", 1)
    params = {"from": "2022-01-01", "facet": "kind"}  # another request: not kept yet
    capped = client.get("/v1/visits", params=params).json()
    assert (capped["total"], capped["total_is_lower_bound"]) == (1, True)
    assert capped["facets_are_lower_bounds"] is True
    as_csv = client.get("/v1/visits", params={**params, "format": "csv"})
    assert as_csv.headers["x-total-count"] == "1"
    assert as_csv.headers["x-total-count-is-lower-bound"] == "true"
    stored = client.get("/v1/visits", params={"kind": "official"}).json()
    assert "total_is_lower_bound" not in stored  # one filter by value: a stored count


def test_a_search_page_asked_again_reads_the_version_alone_and_another_page_its_documents(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The ranking and each page are kept per data version: a page asked again runs no
    # statement but the version's, the next page one more (its hits' documents), and the
    # answers are those of a reader that keeps nothing.
    kept = SqliteReader(database, 60_000)
    statements: list[str] = []
    rows = kept.rows

    def recorded(sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        statements.append(sql)
        return rows(sql, params)

    monkeypatch.setattr(kept, "rows", recorded)
    with kept.consistent():
        first = search.search(kept, "talks", None, None, 5)
    assert len(statements) >= 4  # terms, candidates, title matches, lengths, count, documents
    version_read = "SELECT version, changed_at FROM data_version WHERE id = 1"
    statements.clear()
    with kept.consistent():
        assert search.search(kept, "talks", None, None, 5) == first
    assert statements == [version_read]
    statements.clear()
    with kept.consistent():
        second = search.search(kept, "talks", None, first[2], 5)
    assert len(statements) == 2
    assert statements[0] == version_read
    assert "FROM search_index WHERE rowid = :p0" in statements[1]
    cold = SqliteReader(database, 60_000)
    cold.memo.size = 0
    assert search.search(cold, "talks", None, None, 5) == first
    assert search.search(cold, "talks", None, first[2], 5) == second
    assert first[2] is not None
    assert second[0] != first[0]
