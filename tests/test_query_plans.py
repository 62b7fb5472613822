"""Every list the API offers reads its page as an index range, in order, and stops.

The queries are the API's own: parameters go through the route's filter model (as a
request's would), then the query layer runs on two generated data sets (bench/generate.py),
SMALL visits and BIG = 8 x SMALL, through a reader that records each statement and the
virtual machine steps it took (SQLite's progress handler, counted every STEP_UNIT steps).
For every list, every sort (both directions) and every filter (its busiest value and its
rarest, alone, under every sort), and date ranges at the start, middle and end of the data:

- no statement reads a growing table without an index, and no page sorts its rows in a
  temporary B-tree (`USE TEMP B-TREE FOR ORDER BY`);
- a page costs no more on BIG than GROWTH times its cost on SMALL, plus ROW_STEPS per row
  it returns beyond those it returns on SMALL, plus SLACK: a plan that read every match
  would cost about 8x (the busiest values have at least MIN_BUSY matches on SMALL, but for
  the filters FEW_BY_NATURE; `test_the_measure_sees_a_plan_that_reads_every_match` shows
  the measure failing such a plan).

The combinations that are not one index range are those `not_a_range` names, with the
reason (docs/read-path.md says the same). No timings are asserted here: bench/ measures those.
"""

import re
import sqlite3
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from app.api import filters
from app.queries import (
    agreements,
    claims,
    evidence,
    listing,
    meetings,
    participants,
    tours,
    visits,
    vocabularies,
)
from app.queries.common import NoSearchWords, parse_sort
from app.storage import SEARCH_ORDER, Memo, Row
from app.storage.sqlite import SqliteReader
from tests.generated import generated_database

pytestmark = [
    pytest.mark.slow,  # builds two generated data sets
    pytest.mark.sqlite_only(
        reason="SQLite's query plans and virtual machine steps",
        counterpart=None,
    ),
]

SMALL = 500
BIG = 8 * SMALL
LIMIT = 10
STEP_UNIT = 10  # the progress handler counts steps in tens
GROWTH = 1.5
ROW_STEPS = 150  # the most steps one more returned row may add
SLACK = 300
MIN_BUSY = 20  # matches of a busiest value on SMALL

# Small, fixed vocabularies: a scan of one of these is a few hundred rows at most; `page`
# is a page's own rows, chosen in a subquery (at most limit + 1).
SMALL_TABLES = {"country", "topic", "data_version", "list_span", "page"}
FULL_SCAN = re.compile(r"^SCAN (?P<table>\w+)(?: AS (?P<alias>\w+))?$")
TEMP_SORT = "USE TEMP B-TREE FOR ORDER BY"


@dataclass
class Statement:
    """One statement a reader ran: its SQL, parameters and virtual machine steps."""

    sql: str
    params: dict[str, Any]
    steps: int


class RecordingReader(SqliteReader):
    """A SQLite reader that remembers every statement it runs, with the steps it took."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, time_limit_ms=60_000)
        self.statements: list[Statement] = []

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Count the steps of the statement (in place of the time limit's handler)."""
        link = self._link()
        counted = [0]

        def count() -> int:
            counted[0] += 1
            return 0

        link.connection.set_progress_handler(count, STEP_UNIT)
        try:
            found = super().rows(sql, params)
        finally:
            link.connection.set_progress_handler(link._progress, 10_000)
        self.statements.append(Statement(sql, dict(params or {}), counted[0] * STEP_UNIT))
        return found

    def fresh(self) -> None:
        """Forget the statements and every kept answer: each case counts from nothing."""
        self.statements.clear()
        self.memo = Memo(self.MEMO_SIZE)


def _generate(tmp_path_factory: pytest.TempPathFactory, visits: int) -> Path:
    return generated_database(tmp_path_factory.mktemp(f"plans{visits}") / "visits.sqlite3", visits)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SMALL generated visits through the project's schema, seed and writer."""
    return _generate(tmp_path_factory, SMALL)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """BIG generated visits."""
    return _generate(tmp_path_factory, BIG)


@pytest.fixture(scope="module")
def readers(small: Path, big: Path) -> Iterator[dict[str, RecordingReader]]:
    """A recording reader over each data set."""
    found = {"small": RecordingReader(small), "big": RecordingReader(big)}
    yield found
    for reader in found.values():
        reader.close()


ListFunction = Callable[..., tuple[list[Any], Any]]
RESOURCES: dict[str, tuple[type[BaseModel], listing.Listing, Mapping[str, str]]] = {
    "visits": (filters.VisitFilters, visits.list_visits, visits.SORT_COLUMNS),
    "meetings": (filters.MeetingFilters, meetings.list_meetings, meetings.SORT_COLUMNS),
    "agreements": (filters.AgreementFilters, agreements.list_agreements, agreements.SORT_COLUMNS),
    "participants": (
        filters.ParticipantFilters,
        participants.list_participants,
        participants.SORT_COLUMNS,
    ),
    "tours": (filters.TourFilters, tours.list_tours, tours.SORT_COLUMNS),
    "sources": (
        filters.SourceFilters,
        vocabularies.list_sources,
        vocabularies.SOURCE_SORT_COLUMNS,
    ),
    "countries": (
        filters.CountryFilters,
        vocabularies.list_countries,
        vocabularies.COUNTRY_SORT_COLUMNS,
    ),
    "topics": (filters.TopicFilters, vocabularies.list_topics, vocabularies.TOPIC_SORT_COLUMNS),
    "claims": (filters.ClaimFilters, claims.list_claims, claims.SORT_COLUMNS),
    "statements": (filters.StatementFilters, evidence.list_statements, evidence.SORT_COLUMNS),
    "citations": (filters.CitationFilters, evidence.list_citations, evidence.SORT_COLUMNS),
}
NOT_FILTERS = {"limit", "cursor", "sort", "format", "facet", "date_from", "date_to"}

# A word in most of each resource's documents, and one in about 1% of visits' (or none).
BUSY_WORDS = {
    "visits": "sides",
    "meetings": "sides",
    "agreements": "signed",
    "participants": "islands",
    "tours": "nation",
    "sources": "report",
    "countries": "islands",
    "topics": "energy",
    "statements": "relations",
}
RARE_WORD = "desalination"
# Filters whose busiest value holds few records whatever the size of the data: a visit's
# meetings, a tour's legs, the tours of one traveller, a country's few people.
FEW_BY_NATURE = {
    ("*", "visit"),
    ("*", "tour"),
    ("participants", "country"),
    ("tours", "participant"),
    ("tours", "country"),
    ("countries", "q"),
    ("topics", "q"),
    # A claim's subject has a few claims; a participant has one id per register.
    ("claims", "subject"),
    ("claims", "source"),
    ("participants", "external_id"),
    # A meeting or visit has a few statements, and a record a few citations; in the
    # generated data a person speaks at few visits, and each source reports few statements.
    ("statements", "record"),
    ("statements", "speaker"),
    ("statements", "source"),
    ("citations", "record"),
}
# Years at the start, in the middle and at the end of the generated dates.
YEARS = {"start": 1950, "middle": 1987, "end": 2025}

SINGULAR = {"countries": "country"} | {
    name: name.removesuffix("s") for name in RESOURCES if name != "countries"
}


def not_a_range(resource: str, name: str, sort: str) -> str | None:
    """Why a page with this filter and sort is not one index range that stops (the same
    list as docs/read-path.md), or None."""
    column = RESOURCES[resource][2][sort.removeprefix("-")]
    if name == "q" and SEARCH_ORDER.get(SINGULAR[resource]) != column:
        return "q with another order than the search order: every match is looked up"
    if name == "q" and not sort.startswith("-"):
        return "q ascending: the undated matches come first, read as one block"
    if name == "updated_since":
        return "updated_since: the sort's index is walked, each change time checked"
    span = RESOURCES[resource][1].span
    if name == "dates" and span is not None and column not in (span.start, span.end):
        return "from/to sorted by another field than a date: its index is walked, dates checked"
    if name == "dates" and column == "end_date":
        return "from/to by end date: the records without an end date are read as a block"
    if name == "has_visits":
        return "about 250 countries, each looked up in the visits' indexes"
    return None


def _filter_names(model: type[BaseModel]) -> list[str]:
    """Every filter a list offers, by its query parameter name (dates apart)."""
    return sorted(
        (info.alias or name) for name, info in model.model_fields.items() if name not in NOT_FILTERS
    )


def _sorts(found: listing.Listing) -> list[str]:
    return [value for name in found.sort_columns for value in (name, f"-{name}")]


def _takes_several(model: type[BaseModel], name: str) -> bool:
    """Whether the filter `name` takes several values (`several` in app/api/filters.py)."""
    info = next(info for field, info in model.model_fields.items() if (info.alias or field) == name)
    return any(
        isinstance(mark, filters.Several)
        for choice in typing.get_args(info.annotation)
        for mark in typing.get_args(choice)[1:]
    )


def _cases() -> Iterator[Any]:
    for resource, (model, found, _) in RESOURCES.items():
        for sort in _sorts(found):
            yield pytest.param(resource, None, None, sort, id=f"{resource}-{sort}")
            for name in _filter_names(model):
                # `several`: its two busiest values (any of them), read as one range each.
                several = ("several",) if _takes_several(model, name) else ()
                for which in ("busy", "rare", *several):
                    yield pytest.param(
                        resource, name, which, sort, id=f"{resource}-{name}-{which}-{sort}"
                    )
            if found.span is not None:
                for when in YEARS:
                    yield pytest.param(
                        resource, "dates", when, sort, id=f"{resource}-dates-{when}-{sort}"
                    )


def _value(db: Path, resource: str, name: str, which: str, found: listing.Listing) -> Any:
    """A value of a filter on one data set: its busiest or rarest."""
    if name == "q":
        return BUSY_WORDS[resource] if which == "busy" else RARE_WORD
    if name == "updated_since":
        return "2025-01-01T00:00:00Z" if which == "busy" else "2030-01-01T00:00:00Z"
    if name == "has_visits":
        return which == "busy"
    assert name in found.keys, f"{resource}: say how to choose a value of {name!r}"
    order = "ASC" if which == "rare" else "DESC"
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT value, total FROM list_count WHERE resource = ? AND name = ? "
            f"AND value IS NOT NULL ORDER BY total {order}, value LIMIT 2",
            (found.resource, name),
        ).fetchall()
    connection.close()
    assert rows, (resource, name)
    if which == "several":
        return [row[0] for row in rows]
    return rows[0][0]


def _criteria(
    model: type[BaseModel], name: str | None, value: Any, sort: str
) -> tuple[dict[str, Any], Any]:
    params: dict[str, Any] = {"sort": sort}
    if name == "dates":
        params["from"], params["to"] = f"{value}-01-01", f"{value}-12-31"
    elif name is not None:
        params[name] = value
    chosen: Any = model.model_validate(params)
    return chosen.criteria(), chosen.sort


def _pages(reader: RecordingReader, found: listing.Listing, criteria: Any, sort: Any) -> Any:
    """The first page and the one after it: each page's statements and rows."""
    order = parse_sort(sort, found.sort_columns)
    reader.fresh()
    _, page = found(reader, criteria, order, None, LIMIT)
    first = [s for s in reader.statements if "page_limit" in s.params]
    pages = [(first, page.rows)]
    if page.next_after is not None:
        reader.statements.clear()
        _, second = found(reader, criteria, order, page.next_after, LIMIT, count=False)
        pages.append(([s for s in reader.statements if "page_limit" in s.params], second.rows))
    return pages, page


def _plan(db: Path, statement: Statement) -> list[str]:
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as connection:
        lines = [
            row[-1]
            for row in connection.execute(f"EXPLAIN QUERY PLAN {statement.sql}", statement.params)
        ]
    connection.close()
    return lines


def _full_scans(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        match = FULL_SCAN.match(line)
        if match and match["table"] not in SMALL_TABLES:
            found.append(line)
    return found


@pytest.mark.parametrize(("resource", "name", "which", "sort"), list(_cases()))
def test_a_page_is_an_index_range_that_stops(
    resource: str,
    name: str | None,
    which: str | None,
    sort: str,
    readers: dict[str, RecordingReader],
    small: Path,
    big: Path,
) -> None:
    model, found, _columns = RESOURCES[resource]
    measured: dict[str, Any] = {}
    for scale, db in (("small", small), ("big", big)):
        value = None
        if name is not None and which is not None:
            value = YEARS[which] if name == "dates" else _value(db, resource, name, which, found)
        criteria, chosen = _criteria(model, name, value, sort)
        try:
            measured[scale] = _pages(readers[scale], found, criteria, chosen)
        except NoSearchWords:  # pragma: no cover - the words always hold letters
            pytest.fail("the sample word holds no letters")
    reason = None if name is None else not_a_range(resource, name, sort)
    problems = []
    for scale, db in (("small", small), ("big", big)):
        for statements, _ in measured[scale][0]:
            for statement in statements:
                lines = _plan(db, statement)
                scans = _full_scans(lines)
                if scans and reason is None:
                    problems.append(f"{scale}: full scan {scans} in {statement.sql}")
                searched = "AS hit" in statement.sql  # sorts whole days of matches, see below
                if TEMP_SORT in lines and reason is None and not searched:
                    problems.append(f"{scale}: sorts its rows: {statement.sql}")
    if reason is None:
        for number, ((small_run, rows), (big_run, big_rows)) in enumerate(
            zip(measured["small"][0], measured["big"][0], strict=False)
        ):
            small_steps = sum(s.steps for s in small_run)
            big_steps = sum(s.steps for s in big_run)
            more_rows = max(0, len(big_rows) - len(rows))
            bound = int(GROWTH * small_steps) + ROW_STEPS * more_rows + SLACK
            if big_steps > bound:
                problems.append(
                    f"page {number + 1}: {big_steps} steps on {BIG} visits, "
                    f"{small_steps} on {SMALL} (bound {bound})"
                )
    few = ("*", name) in FEW_BY_NATURE or (resource, name) in FEW_BY_NATURE
    if (
        which in ("busy", "several")
        and name not in (None, "dates", "updated_since", "has_visits")
        and not few
    ):
        total = measured["small"][1].total
        assert total >= MIN_BUSY, f"{name}: a busiest value with {total} matches shows no scan"
    assert not problems, "\n".join(problems)


def test_the_measure_sees_a_plan_that_reads_every_match(
    readers: dict[str, RecordingReader],
) -> None:
    # The unfiltered visits page, sorted by a column the planner may not read in order
    # (`+` hides the index): every visit is read and sorted, and the bound catches it.
    sql = (
        "SELECT d.item, r.id FROM visit r JOIN record_item d ON d.resource = 'visit' "
        "AND d.record_id = r.id ORDER BY +r.start_date DESC, r.id DESC LIMIT :page_limit"
    )
    steps = {}
    for scale, reader in readers.items():
        reader.fresh()
        reader.rows(sql, {"page_limit": LIMIT + 1})
        steps[scale] = reader.statements[-1].steps
    assert steps["big"] > GROWTH * steps["small"] + SLACK


DEPTH = 1000  # pages of LIMIT records


def _deep_cases() -> Iterator[Any]:
    for resource, (_, found, _) in RESOURCES.items():
        for sort in _sorts(found):
            yield pytest.param(resource, sort, id=f"{resource}-{sort}")


@pytest.mark.parametrize(("resource", "sort"), list(_deep_cases()))
def test_a_deep_page_costs_what_the_first_costs(
    resource: str, sort: str, readers: dict[str, RecordingReader]
) -> None:
    # Page DEPTH by cursor (or the list's last full page when it has fewer) reads its own
    # index range from the cursor on: its steps are those of page 1, not a walk from the start.
    model, found, _ = RESOURCES[resource]
    reader = readers["big"]
    criteria, chosen = _criteria(model, None, None, sort)
    order = parse_sort(chosen, found.sort_columns)
    reader.fresh()
    found(reader, criteria, order, None, LIMIT, count=False)
    first_steps = sum(s.steps for s in reader.statements if "page_limit" in s.params)
    _, every = found(reader, criteria, order, None, DEPTH * LIMIT, count=False)
    depth = min(DEPTH, (len(every.rows) - 1) // LIMIT)
    if depth < 2:
        pytest.skip(f"{resource}: fewer than two pages")
    last = every.rows[depth * LIMIT - 1]
    reader.fresh()
    _, deep = found(reader, criteria, order, (last["sort_key"], last["id"]), LIMIT, count=False)
    deep_steps = sum(s.steps for s in reader.statements if "page_limit" in s.params)
    assert [row["id"] for row in deep.rows] == [
        row["id"] for row in every.rows[depth * LIMIT : (depth + 1) * LIMIT]
    ]
    assert deep_steps <= 1.2 * first_steps + SLACK, (depth, first_steps, deep_steps)
