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

The cases, MIN_BUSY, FEW_BY_NATURE and `not_a_range` are in tests/plans.py, shared with
PostgreSQL's counterpart (tests/test_query_plans_postgresql.py). The combinations that are
not one index range are those `not_a_range` names, with the reason (docs/read-path.md says
the same). No timings are asserted here: bench/ measures those.
"""

import re
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.queries.common import parse_sort
from app.storage import Memo, Row
from app.storage.sqlite import SqliteReader
from tests.plans import (
    BIG,
    GROWTH,
    LIMIT,
    RESOURCES,
    SMALL,
    busy_enough,
    cases,
    deep_cases,
    deep_pages,
    generate,
    measure,
    not_a_range,
    over_the_bound,
    page_statements,
)

pytestmark = [
    pytest.mark.slow,  # builds two generated data sets
    pytest.mark.sqlite_only(
        reason="SQLite's query plans and virtual machine steps",
        counterpart="tests/test_query_plans_postgresql.py::test_a_page_is_an_index_range_that_stops",
    ),
]

STEP_UNIT = 10  # the progress handler counts steps in tens
ROW_STEPS = 150  # the most steps one more returned row may add
SLACK = 300

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


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SMALL generated visits through the project's schema, seed and writer."""
    return generate(tmp_path_factory, SMALL)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """BIG generated visits."""
    return generate(tmp_path_factory, BIG)


@pytest.fixture(scope="module")
def readers(small: Path, big: Path) -> Iterator[dict[str, RecordingReader]]:
    """A recording reader over each data set."""
    found = {"small": RecordingReader(small), "big": RecordingReader(big)}
    yield found
    for reader in found.values():
        reader.close()


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


@pytest.mark.parametrize(("resource", "name", "which", "sort"), list(cases()))
def test_a_page_is_an_index_range_that_stops(
    resource: str,
    name: str | None,
    which: str | None,
    sort: str,
    readers: dict[str, RecordingReader],
    small: Path,
    big: Path,
) -> None:
    measured = measure(readers, resource, name, which, sort, {"small": small, "big": big})
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
        steps = [
            (sum(s.steps for s in small_run), sum(s.steps for s in big_run), len(rows), len(big))
            for (small_run, rows), (big_run, big) in zip(
                measured["small"][0], measured["big"][0], strict=False
            )
        ]
        problems += over_the_bound(steps, ROW_STEPS, SLACK, "steps")
    busy_enough(resource, name, which, measured["small"][1].total)
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
    page = (steps["small"], steps["big"], LIMIT + 1, LIMIT + 1)
    assert over_the_bound([page], ROW_STEPS, SLACK, "steps") == [
        f"page 1: {steps['big']} steps on {BIG} visits, {steps['small']} on {SMALL} "
        f"(bound {int(GROWTH * steps['small']) + SLACK})"
    ]


@pytest.mark.parametrize(("resource", "sort"), list(deep_cases()))
def test_a_deep_page_costs_what_the_first_costs(
    resource: str, sort: str, readers: dict[str, RecordingReader]
) -> None:
    # Page DEPTH by cursor (or the list's last full page when it has fewer) reads its own
    # index range from the cursor on: its steps are those of page 1, not a walk from the start.
    first, deep = deep_pages(readers["big"], resource, sort)
    first_steps = sum(s.steps for s in first)
    deep_steps = sum(s.steps for s in deep)
    assert deep_steps <= 1.2 * first_steps + SLACK, (first_steps, deep_steps)


@pytest.mark.parametrize("sort", ["end_date", "-end_date"])
def test_a_first_page_reads_its_null_keys_in_the_same_range(
    sort: str, readers: dict[str, RecordingReader], small: Path
) -> None:
    # SQLite's index orders NULL first ascending and last descending, as the API lists
    # them: a first page holding both reads them in one statement, with no NULL phase.
    with sqlite3.connect(small) as connection:
        keyed = connection.execute("SELECT end_date, id FROM visit").fetchall()
    connection.close()
    nulls = sorted(record_id for end, record_id in keyed if end is None)
    dated = [record_id for _, record_id in sorted(k for k in keyed if k[0] is not None)]
    assert nulls  # the page holds both kinds of key
    assert dated
    expected = nulls + dated if sort == "end_date" else dated[::-1] + nulls[::-1]
    reader = readers["small"]
    reader.fresh()
    found = RESOURCES["visits"][1]
    _, page = found(reader, {}, parse_sort(sort, found.sort_columns), None, len(keyed), count=False)
    assert [row["id"] for row in page.rows] == expected
    statements = page_statements(reader)
    assert len(statements) == 1
    assert "IS NULL" not in statements[0].sql
    assert "IS NOT NULL" not in statements[0].sql
