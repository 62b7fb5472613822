"""Every list query the API issues reads through an index, never a full scan of its table.

The queries are the API's own: parameters go through the route's filter model (as a request's
would), then the query layer runs on a generated data set (bench/generate.py, a few thousand
visits) through a reader that records each statement. Every statement's
`EXPLAIN QUERY PLAN` must be free of a `SCAN <table>` without an index on a table that grows
with the data. No timings are asserted here: bench/ measures those.
"""

import importlib.util
import re
import sqlite3
import sys
import typing
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel

from app.api import filters
from app.config import PROJECT_ROOT
from app.queries import agreements, meetings, participants, tours, visits
from app.queries.common import NoSearchWords, parse_sort, search_match
from app.search import match_expression, matching_rowids_sql
from app.storage import Row
from app.storage.sqlite import SqliteReader

pytestmark = pytest.mark.slow  # builds a generated data set

VISITS = 2_000

# Small, fixed vocabularies: a scan of one of these is a few hundred rows at most.
SMALL_TABLES = {"country", "topic", "data_version"}
FULL_SCAN = re.compile(r"^SCAN (?P<table>\w+)(?: AS (?P<alias>\w+))?$")


def _load_generator() -> ModuleType:
    """bench/generate.py (bench/ is not an installed package)."""
    location = PROJECT_ROOT / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", location)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class RecordingReader(SqliteReader):
    """A SQLite reader that remembers every statement it runs, with its parameters."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, time_limit_ms=10_000)
        self.statements: list[tuple[str, dict[str, Any]]] = []

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Record, then run."""
        self.statements.append((sql, dict(params or {})))
        return super().rows(sql, params)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated data set through the project's schema, seed and writer."""
    path = tmp_path_factory.mktemp("plans") / "visits.sqlite3"
    generator = _load_generator()
    generator.generate(path, VISITS, seed=generator.DEFAULT_SEED, quiet=True)
    return path


@pytest.fixture(scope="module")
def reader(generated: Path) -> Iterator[RecordingReader]:
    """A recording reader over the generated data set."""
    recording = RecordingReader(generated)
    yield recording
    recording.close()


@pytest.fixture(scope="module")
def samples(generated: Path) -> dict[str, Any]:
    """A real value for each filter, taken from the generated data."""
    generator = _load_generator()
    connection = sqlite3.connect(generated)
    try:

        def one(sql: str) -> Any:
            return connection.execute(sql).fetchone()[0]

        return {
            "country": "US",
            "visitor_country": "US",
            "host_country": "US",
            "participant": one(
                "SELECT participant_id FROM participation GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
            ),
            "tour": one("SELECT id FROM tour WHERE dataset = 'bench' ORDER BY id LIMIT 1"),
            "topic": "energy",
            "visit": one("SELECT visit_id FROM agreement ORDER BY visit_id LIMIT 1"),
            "q": generator.SEARCH_WORD,
            "from": "1990-01-01",
            "to": "1999-12-31",
            "updated_since": "2025-01-01T00:00:00Z",
            "status": "signed",
            "has_visits": True,
        }
    finally:
        connection.close()


# The kind filter takes each resource's own vocabulary.
KINDS = {"visits": "official", "meetings": "bilateral_talks", "agreements": "treaty"}
KINDS["participants"] = "person"


ListFunction = Callable[..., tuple[list[dict[str, Any]], Any]]
RESOURCES: dict[str, tuple[type[BaseModel], ListFunction, Mapping[str, str]]] = {
    "visits": (filters.VisitFilters, visits.list_visits, visits.SORT_COLUMNS),
    "meetings": (filters.MeetingFilters, meetings.list_meetings, meetings.SORT_COLUMNS),
    "agreements": (filters.AgreementFilters, agreements.list_agreements, agreements.SORT_COLUMNS),
    "participants": (
        filters.ParticipantFilters,
        participants.list_participants,
        participants.SORT_COLUMNS,
    ),
    "tours": (filters.TourFilters, tours.list_tours, tours.SORT_COLUMNS),
}
NOT_FILTERS = {"limit", "cursor", "sort", "format", "facet"}


def _filter_names(model: type[BaseModel]) -> list[str]:
    """Every filter a list offers, by its query parameter name."""
    return sorted(
        (info.alias or name) for name, info in model.model_fields.items() if name not in NOT_FILTERS
    )


def _sorts(model: type[BaseModel]) -> list[str]:
    return list(typing.get_args(model.model_fields["sort"].annotation))


def _facets(model: type[BaseModel]) -> list[str]:
    if "facet" not in model.model_fields:
        return []
    names = {
        "VisitFilters": "FACETS_VISIT",
        "MeetingFilters": "FACETS_MEETING",
        "AgreementFilters": "FACETS_AGREEMENT",
        "ParticipantFilters": "FACETS_PARTICIPANT",
        "TourFilters": "FACETS_TOUR",
    }
    return list(getattr(filters, names[model.__name__], ()))


def _param(resource: str, filter_name: str | None, sort: str | None, label: str) -> Any:
    return pytest.param(resource, filter_name, sort, id=f"{resource}-{label}")


def _cases() -> Iterator[Any]:
    for resource, (model, _, _) in RESOURCES.items():
        for sort in _sorts(model):
            yield _param(resource, None, sort, f"unfiltered-{sort}")
            for name in _filter_names(model):
                yield _param(resource, name, sort, f"{name}-{sort}")
        for facet in _facets(model):
            yield _param(resource, f"facet={facet}", None, f"facet-{facet}")


def full_scans(connection: sqlite3.Connection, sql: str, params: Mapping[str, Any]) -> list[str]:
    """The plan lines that read a growing table with no index."""
    found = []
    for *_, detail in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params):
        match = FULL_SCAN.match(detail)
        if match and match["table"] not in SMALL_TABLES:
            found.append(detail)
    return found


@pytest.mark.parametrize(("resource", "filter_name", "sort"), list(_cases()))
def test_list_queries_use_indexes(
    resource: str,
    filter_name: str | None,
    sort: str | None,
    reader: RecordingReader,
    samples: dict[str, Any],
    generated: Path,
) -> None:
    model, list_function, sort_columns = RESOURCES[resource]
    params: dict[str, Any] = {}
    if filter_name is not None and filter_name.startswith("facet="):
        params["facet"] = [filter_name.removeprefix("facet=")]
    elif filter_name == "kind":
        params["kind"] = KINDS[resource]
    elif filter_name is not None:
        assert filter_name in samples, f"add a sample value for the new filter {filter_name!r}"
        params[filter_name] = samples[filter_name]
    if sort is not None:
        params["sort"] = sort
    chosen: Any = model.model_validate(params)
    criteria = chosen.criteria()
    order = parse_sort(chosen.sort, sort_columns)

    reader.statements.clear()
    try:
        _, page = list_function(reader, criteria, order, None, 5)
        if page.next_after is not None:  # the keyset page after it, as a cursor asks
            list_function(reader, criteria, order, page.next_after, 5)
    except NoSearchWords:  # pragma: no cover - the samples always hold words
        pytest.fail("the q sample holds no words")
    assert reader.statements

    connection = sqlite3.connect(f"{generated.resolve().as_uri()}?mode=ro", uri=True)
    try:
        scans = {
            " ".join(sql.split()): lines
            for sql, bound in reader.statements
            if (lines := full_scans(connection, sql, bound))
        }
    finally:
        connection.close()
    assert not scans, f"full table scans in {resource} {params}: {scans}"


def test_generated_data_keeps_foreign_keys(generated: Path) -> None:
    connection = sqlite3.connect(generated)
    try:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        (visit_count,) = connection.execute(
            "SELECT count(*) FROM visit WHERE dataset = 'bench'"
        ).fetchone()
        uncited = connection.execute(
            "SELECT count(*) FROM visit v WHERE NOT EXISTS "
            "(SELECT 1 FROM citation c WHERE c.visit_id = v.id)"
        ).fetchone()[0]
    finally:
        connection.close()
    assert visit_count == VISITS
    assert uncited == 0


def _sorted_ids(
    connection: sqlite3.Connection, sort: str, where: str = "1 = 1", **params: Any
) -> list[str]:
    """Visit ids in the API's order for `sort` (NULLs first ascending, last descending)."""
    column = sort.removeprefix("-")
    direction = "DESC NULLS LAST" if sort.startswith("-") else "ASC NULLS FIRST"
    tie = "DESC" if sort.startswith("-") else "ASC"
    sql = f"SELECT id FROM visit WHERE {where} ORDER BY {column} {direction}, id {tie}"
    return [row[0] for row in connection.execute(sql, params)]


def _pages(
    reader: RecordingReader, criteria: dict[str, Any], sort: str, limit: int, count: bool = True
) -> Iterator[tuple[list[str], Any, Any]]:
    """Every page of visits, by following cursors: its ids, its Page and the cursor it
    followed, with `reader.statements` holding that page's statements."""
    after = None
    order = parse_sort(sort, visits.SORT_COLUMNS)
    while True:
        reader.statements.clear()
        items, page = visits.list_visits(reader, criteria, order, after, limit, count=count)
        yield [item.decoded()["id"] for item in items], page, after  # type: ignore[union-attr]
        if page.next_after is None:
            return
        after = page.next_after


def _visit_scans(connection: sqlite3.Connection, reader: RecordingReader) -> list[str]:
    """The plan lines of the recorded statements that walk `visit` (alias v) row by row."""
    return [
        line
        for sql, params in reader.statements
        for *_, line in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        if line.startswith("SCAN v")
    ]


@pytest.mark.parametrize("sort", ["start_date", "-start_date", "end_date", "-end_date"])
def test_walking_every_page_through_undated_visits(
    sort: str, reader: RecordingReader, generated: Path
) -> None:
    # Undated visits (2% of the generated ones; most have no end date) sort first ascending
    # and last descending: a cursor inside or across that block must neither skip nor repeat
    # a visit, and each of its pages reads an index range (it once walked the index from the
    # start: page 1000 cost 2.5x page 1 at 1M visits).
    column = sort.removeprefix("-")
    connection = sqlite3.connect(generated)
    try:
        expected = _sorted_ids(connection, sort)
        undated = connection.execute(f"SELECT count(*) FROM visit WHERE {column} IS NULL")
        assert undated.fetchone()[0] > 7  # the walk crosses the block at least once inside it
        walked: list[str] = []
        for ids, _, after in _pages(reader, {}, sort, 97, count=False):
            walked += ids
            if after is not None:  # a cursor page: a range of the index, not a walk from its start
                assert not _visit_scans(connection, reader)
        assert walked == expected
    finally:
        connection.close()


@pytest.mark.parametrize("sort", ["-start_date", "start_date"])
@pytest.mark.parametrize(("word", "limit"), [("visit", 3), ("desalination", 1), ("france", 50)])
def test_search_pages_walk_the_index_in_date_order(
    sort: str, word: str, limit: int, reader: RecordingReader, generated: Path
) -> None:
    # `q` alone, sorted by start date: each page walks the index's matches in date order
    # (app/search.py), whole days at a time. It must give every page the keyset path gives:
    # same days split by a page edge ("visit" matches all 2,000, so days repeat), the
    # undated block, pages of one. Every statement reads an index range, never a visit scan.
    matching = f"rowid IN ({matching_rowids_sql('visit')})"
    match = match_expression(word)
    connection = sqlite3.connect(generated)
    try:
        expected = _sorted_ids(connection, sort, matching, match=match)
        same_day = connection.execute(
            f"SELECT count(*) FROM (SELECT start_date FROM visit WHERE {matching} "
            "GROUP BY 1 HAVING count(*) > 1)",
            {"match": match},
        ).fetchone()[0]
        walked: list[str] = []
        totals = set()
        for ids, page, _ in _pages(reader, {"q": word}, sort, limit):
            walked += ids
            totals.add(page.total)
            assert any("rowid >= :low" in sql for sql, _ in reader.statements)
            assert not _visit_scans(connection, reader)
    finally:
        connection.close()
    assert walked == expected
    assert totals == {len(expected)}
    assert len(expected) > limit
    if word == "visit":
        assert len(expected) == VISITS + 3  # the seed's three visits match too
        assert same_day > 0


@pytest.mark.parametrize(
    "query",
    ["desalination", "fra", "visit", "hav cuba", "x", "de", "energy visit", "2023", "díaz", "qqq"],
)
def test_expanded_prefixes_match_what_prefix_queries_match(
    query: str, reader: RecordingReader, generated: Path
) -> None:
    # Lists match each word's prefix as the index's terms it covers (at most 16, else as a
    # prefix): the same documents, of every resource, as FTS5's own prefix query.
    expanded = search_match(reader, query)
    native = match_expression(query)
    assert expanded is not None
    assert native is not None
    connection = sqlite3.connect(generated)
    try:
        found = {
            expression: [
                row[0]
                for row in connection.execute(
                    "SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY rowid",
                    (expression,),
                )
            ]
            for expression in (expanded, native)
        }
    finally:
        connection.close()
    assert found[expanded] == found[native]
    if query in ("de", "díaz", "qqq"):  # over 16 terms, accented, no term: a prefix query
        assert expanded == native
    else:
        assert expanded != native
    if query != "qqq":
        assert found[native]


def test_a_word_becomes_the_terms_it_begins(reader: RecordingReader) -> None:
    assert search_match(reader, "Fra Hav") == (
        '{title body} : (("fra" OR "france" OR "francois") AND ("hava" OR "havana" OR "havian"))'
    )
