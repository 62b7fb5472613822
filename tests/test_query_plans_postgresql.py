"""On PostgreSQL too, every list the API offers reads its page as an index range, in order,
and stops: the counterpart of tests/test_query_plans.py, over the same cases (tests/plans.py).

The two generated data sets (SMALL visits and BIG = 8 x SMALL) are copied from SQLite
(`python -m app copy`) into fresh databases, then ANALYZEd so that the planner sees their
real sizes. Each statement of a page is run again with `EXPLAIN (ANALYZE, BUFFERS, TIMING
OFF, FORMAT JSON)` with its parameters (no timings: nothing here is timed), and on BIG:

- no plan reads a growing table whole (a `Seq Scan`, but of SMALL_TABLES);
- no plan sorts more than SORTED_ROWS (two pages) rows per index range it reads (per value
  of a filter) that no `Limit` below the `Sort` bounds: a `Sort` under the page's `Limit`
  reads every match; one over the union of a few limited ranges, or over a vocabulary,
  sorts a bounded number of rows; and a top-N sort of a block of a few rows (a rare value's
  entries, the few records without a sort key) is the planner's cheapest plan for it, its
  growth held by the bound below.

SMALL's plans are not held to those: on tables of a few pages a whole read and a sort of a
few hundred rows is the cheapest plan, and PostgreSQL rightly takes it.

The cost measure is the rows a page's scans read: over every scan of a growing table or of
its indexes, the rows it returned plus those its filter or recheck removed, times its loops.
It counts what SQLite's virtual machine steps count, rows visited, without timings and
without the index depth: shared buffers (hits and reads) take one more page per look-up
when an index grows a level, so they grow with the data even for a range that stops. A page
that reads an index range and stops reads the same rows at any size: it reads no more on BIG
than GROWTH times its rows on SMALL, plus ROW_READS per row it returns beyond those it
returns on SMALL, plus SLACK. A plan that read every match reads about 8x
(`test_the_measure_sees_a_plan_that_reads_every_match` shows both checks failing one). A
page past a cursor among the records without a sort key is held to neither
(`past_cursor_in_nulls`).

The combinations that are not one index range are those of `not_a_range` (SQLite's list) and
those `not_a_range_here` adds for PostgreSQL, with the reason (docs/read-path.md says the same).
"""

from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from app.copy import copy_database
from app.storage import Memo, Row
from app.storage.postgresql import PgReader, libpq_url
from tests.plans import (
    BIG,
    GROWTH,
    LIMIT,
    SMALL,
    busy_enough,
    cases,
    deep_cases,
    deep_pages,
    generate,
    lists_alone,
    measure,
    not_a_range,
    over_the_bound,
)
from tests.postgres import fresh_database

pytestmark = [
    pytest.mark.slow,  # builds and copies two generated data sets
    pytest.mark.postgresql_only(
        reason="PostgreSQL's query plans and the rows they read",
        counterpart="tests/test_query_plans.py::test_a_page_is_an_index_range_that_stops",
    ),
]

ROW_READS = 10  # the most rows one more returned row may read (its entry, item, row, record)
SLACK = 50

# Small, fixed vocabularies and their list entries: a few hundred rows at most.
SMALL_TABLES = {
    "country",
    "topic",
    "country_list_entry",
    "topic_list_entry",
    "data_version",
    "list_span",
}
# A sort of no more rows than two pages hold, for each index range read (each value of a
# filter): a block of a few rows that the planner rightly reads whole (a rare value's
# entries, the few records without a sort key).
SORTED_ROWS = 2 * (LIMIT + 1)
# A node's subqueries, apart from the rows it reads.
NOT_OUR_CHILDREN = {"InitPlan", "SubPlan"}


@dataclass
class Statement:
    """One statement a reader ran: its SQL and parameters."""

    sql: str
    params: dict[str, Any]


class RecordingReader(PgReader):
    """A PostgreSQL reader that remembers every statement it runs, and explains them."""

    def __init__(self, url: str) -> None:
        super().__init__(url, time_limit_ms=60_000, pool_size=1)
        self.statements: list[Statement] = []

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """The rows, the statement remembered."""
        found = super().rows(sql, params)
        self.statements.append(Statement(sql, dict(params or {})))
        return found

    def fresh(self) -> None:
        """Forget the statements and every kept answer: each case counts from nothing."""
        self.statements.clear()
        self.memo = Memo(self.MEMO_SIZE)

    def explain(self, statement: Statement) -> dict[str, Any]:
        """The statement's plan, run, with what each node read (not remembered)."""
        found = super().rows(
            f"EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) {statement.sql}",
            statement.params,
        )
        plan: dict[str, Any] = found[0]["QUERY PLAN"][0]["Plan"]
        return plan


@contextmanager
def _copied(sqlite_file: Path) -> Iterator[str]:
    """A fresh PostgreSQL database holding a copy of the file (without stored pages, as the
    file has none), analyzed."""
    with fresh_database() as url:
        with lists_alone():
            copied = copy_database(f"sqlite:///{sqlite_file}", url)
        assert all(table.matches for table in copied)
        with psycopg.connect(libpq_url(url), autocommit=True) as connection:
            connection.execute("ANALYZE")
        yield url


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SMALL generated visits (the SQLite file, where each case's values are chosen)."""
    return generate(tmp_path_factory, SMALL)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """BIG generated visits."""
    return generate(tmp_path_factory, BIG)


@pytest.fixture(scope="module")
def readers(small: Path, big: Path) -> Iterator[dict[str, RecordingReader]]:
    """A recording reader over a PostgreSQL copy of each data set."""
    with ExitStack() as stack:
        found = {}
        for scale, db in (("small", small), ("big", big)):
            found[scale] = RecordingReader(stack.enter_context(_copied(db)))
            stack.callback(found[scale].close)  # before its database is dropped
        yield found


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def rows_read(plan: dict[str, Any]) -> int:
    """The rows the plan's scans of growing tables and their indexes read, over all their
    loops."""
    return sum(
        round(
            (
                node["Actual Rows"]
                + node.get("Rows Removed by Filter", 0)
                + node.get("Rows Removed by Index Recheck", 0)
            )
            * node["Actual Loops"]
        )
        for node in _nodes(plan)
        if "Relation Name" in node and node["Relation Name"] not in SMALL_TABLES
    )


def _inputs(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The nodes whose rows `node` reads (not its subqueries')."""
    return [c for c in node.get("Plans", []) if c["Parent Relationship"] not in NOT_OUR_CHILDREN]


def _bounded(node: dict[str, Any]) -> bool:
    """Whether a Limit below `node` bounds every row it passes on (a nested loop's inner
    side is a look-up per outer row)."""
    if node["Node Type"] == "Limit":
        return True
    if "Relation Name" in node:
        return node["Relation Name"] in SMALL_TABLES
    children = _inputs(node)
    if node["Node Type"] == "Nested Loop":
        children = [c for c in children if c["Parent Relationship"] == "Outer"]
    return bool(children) and all(_bounded(child) for child in children)


def problems_of(plan: dict[str, Any], ranges: int = 1) -> list[str]:
    """The plan's whole reads of growing tables and its sorts of unbounded rows (more than
    SORTED_ROWS for each of the `ranges` index ranges it reads)."""
    found = []
    for node in _nodes(plan):
        if node["Node Type"] == "Seq Scan" and node["Relation Name"] not in SMALL_TABLES:
            found.append(f"reads {node['Relation Name']} whole")
        if node["Node Type"] != "Sort":
            continue
        inputs = _inputs(node)
        sorted_rows = sum(child["Actual Rows"] * child["Actual Loops"] for child in inputs)
        if sorted_rows > SORTED_ROWS * ranges and not all(_bounded(child) for child in inputs):
            found.append(f"sorts {sorted_rows} rows ({node['Sort Key']})")
    return found


def not_a_range_here(resource: str, name: str | None) -> str | None:
    """Why a page is not one index range that stops on PostgreSQL (beyond SQLite's
    `not_a_range`), or None."""
    if name == "q":
        return "q: the GIN index gives the matches in no order, every one is read"
    if resource == "tours" and name in (None, "dates"):
        return "tours: a table of a few pages, read whole as the cheapest plan"
    if name == "dates":
        return "from/to: the planner expects few records in the range, reads them and sorts"
    return None


def past_cursor_in_nulls(statement: Statement) -> bool:
    """Whether the statement reads the records without a sort key past a cursor: PostgreSQL
    estimates `id > :after_id` over every id, expects a few rows, and sorts the rest of
    the block."""
    return "IS NULL AND" in statement.sql and "after_id" in statement.params


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
    reason = reason or not_a_range_here(resource, name)
    read: dict[str, list[int | None]] = {}
    problems = []
    for scale in ("small", "big"):
        read[scale] = []
        for statements, _ in measured[scale][0]:
            plans = [readers[scale].explain(statement) for statement in statements]
            held = not any(past_cursor_in_nulls(statement) for statement in statements)
            read[scale].append(sum(rows_read(plan) for plan in plans) if held else None)
            if scale == "big" and reason is None and held:
                for statement, plan in zip(statements, plans, strict=True):
                    if "AS hit" not in statement.sql:  # sorts whole days of matches, as SQLite
                        ranges = sum(key.startswith("value_") for key in statement.params)
                        found = problems_of(plan, max(1, ranges))
                        problems += [f"{problem} in {statement.sql}" for problem in found]
    if reason is None:
        # A page past a cursor among the NULL keys reads None: not held to the bound.
        reads = [
            (small_read, big_read, len(rows), len(big_rows))
            for small_read, big_read, (_, rows), (_, big_rows) in zip(
                read["small"], read["big"], measured["small"][0], measured["big"][0], strict=False
            )
        ]
        problems += over_the_bound(reads, ROW_READS, SLACK, "rows read")
    busy_enough(resource, name, which, measured["small"][1].total)
    assert not problems, "\n".join(problems)


def test_the_measure_sees_a_plan_that_reads_every_match(
    readers: dict[str, RecordingReader],
) -> None:
    # The unfiltered visits page, sorted by an expression no index holds: every visit is
    # read and sorted, and both the sort check and the bound catch it.
    sql = (
        "SELECT d.item, r.id FROM visit r JOIN record_item d ON d.resource = 'visit' "
        "AND d.record_id = r.id ORDER BY r.start_date + 0 DESC, r.id DESC LIMIT :page_limit"
    )
    read = {}
    for scale, reader in readers.items():
        plan = reader.explain(Statement(sql, {"page_limit": LIMIT + 1}))
        read[scale] = rows_read(plan)
        assert any(found.startswith("sorts") for found in problems_of(plan))
    page = (read["small"], read["big"], LIMIT + 1, LIMIT + 1)
    assert over_the_bound([page], ROW_READS, SLACK, "rows read") == [
        f"page 1: {read['big']} rows read on {BIG} visits, {read['small']} on {SMALL} "
        f"(bound {int(GROWTH * read['small']) + SLACK})"
    ]


@pytest.mark.parametrize(("resource", "sort"), list(deep_cases()))
def test_a_deep_page_costs_what_the_first_costs(
    resource: str, sort: str, readers: dict[str, RecordingReader]
) -> None:
    # Page DEPTH by cursor (or the list's last full page when it has fewer) reads its own
    # index range from the cursor on: the rows it reads are those of page 1.
    reason = not_a_range_here(resource, None)
    if reason is not None:
        pytest.skip(reason)
    reader = readers["big"]
    first, deep = deep_pages(reader, resource, sort)
    first_read = sum(rows_read(reader.explain(statement)) for statement in first)
    deep_read = sum(rows_read(reader.explain(statement)) for statement in deep)
    assert deep_read <= 1.2 * first_read + SLACK, (first_read, deep_read)
