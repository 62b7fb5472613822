"""The read-only connections: rows as dicts, time limits, and answers kept until a load."""

import shutil
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from app.storage import Memo, OverBudget, QueryTimeout, sqlite_path
from app.storage.sqlite import SqliteReader
from tests.support import LONG_QUERY

pytestmark = pytest.mark.sqlite_only(
    reason="the SQLite reader's connections, budgets and kept answers, on a copy of the file",
    counterpart="tests/test_postgresql.py::test_a_query_past_the_time_limit_is_a_query_timeout",
)

COUNT_VISITS = "SELECT count(*) FROM visit"


@pytest.fixture
def copy(database_url: str, tmp_path: Path) -> Path:
    """A private copy of the seeded database, free to write to."""
    source = sqlite_path(database_url)
    assert source is not None
    target = tmp_path / "visits.sqlite3"
    shutil.copy(source, target)
    return target


def _add_visit(path: Path, visit_id: str, load: bool = True) -> None:
    """Write from another connection, as a load in another process does: with the data
    version moved (`load`), or behind the API's back."""
    with sqlite3.connect(path) as writer:
        writer.execute(
            "INSERT INTO visit (id, dataset, visitor_id, visitor_country_code, "
            "host_country_code, kind, created_at, updated_at) "
            "SELECT :id, dataset, visitor_id, visitor_country_code, host_country_code, kind, "
            "created_at, updated_at FROM visit ORDER BY id LIMIT 1",
            {"id": visit_id},
        )
        if load:
            writer.execute("UPDATE data_version SET version = version + 1 WHERE id = 1")
    writer.close()


def test_rows_are_dicts_in_column_order(copy: Path) -> None:
    reader = SqliteReader(copy, 2000)
    rows = reader.rows("SELECT code, alpha3 FROM country WHERE code IN ('CU', 'IR') ORDER BY 1")
    assert rows == [{"code": "CU", "alpha3": "CUB"}, {"code": "IR", "alpha3": "IRN"}]
    assert reader.rows("SELECT code FROM country WHERE code = 'nope'") == []


def test_a_kept_answer_lasts_until_a_load_moves_the_data_version(copy: Path) -> None:
    reader = SqliteReader(copy, 2000)
    assert reader.memoised_scalar(COUNT_VISITS) == 3
    _add_visit(copy, "behind-the-api", load=False)
    assert reader.scalar(COUNT_VISITS) == 4  # a plain read sees the new row
    assert reader.memoised_scalar(COUNT_VISITS) == 3  # the kept count: no load said so
    _add_visit(copy, "loaded")
    assert reader.memoised_scalar(COUNT_VISITS) == 5  # a load moved the version


def test_kept_answers_are_shared_by_every_thread_of_a_reader(copy: Path) -> None:
    reader = SqliteReader(copy, 2000)
    kept = reader.memoised(COUNT_VISITS)
    other: list[Any] = []
    thread = threading.Thread(target=lambda: other.append(reader.memoised(COUNT_VISITS)))
    thread.start()
    thread.join()
    assert other[0] is kept  # the other thread's connection ran no query
    snapshot = reader.snapshot()
    try:
        assert snapshot.memoised(COUNT_VISITS) is kept
    finally:
        snapshot.close()
    assert SqliteReader(copy, 2000).memoised(COUNT_VISITS) is not kept  # another reader


def test_the_data_version_is_read_once_per_read_transaction(copy: Path) -> None:
    reader = SqliteReader(copy, 2000)
    with reader.consistent():
        version = reader.data_version()
        _add_visit(copy, "during-the-block")
        assert reader.data_version() == version
    assert reader.data_version() == version + 1


def test_the_data_state_read_in_a_transaction_gives_its_version(copy: Path) -> None:
    reader = SqliteReader(copy, 2000)
    ran: list[str] = []
    reader._link().connection.set_trace_callback(ran.append)
    with reader.consistent():
        version, changed_at = reader.data_state()
        assert reader.data_version() == version  # not read again
        assert ran == ["BEGIN", "SELECT version, changed_at FROM data_version WHERE id = 1"]
    with sqlite3.connect(copy) as direct:
        stored = direct.execute("SELECT version, changed_at FROM data_version").fetchone()
    direct.close()
    assert (version, changed_at) == stored
    ran.clear()
    assert reader.data_version() == version  # outside a transaction: read each time
    assert reader.data_version() == version
    assert ran == ["SELECT version, changed_at FROM data_version WHERE id = 1"] * 2


def test_timestamps_are_bound_as_stored(copy: Path) -> None:
    reader = SqliteReader(copy, 2000)
    stored = reader.scalar("SELECT updated_at FROM visit ORDER BY id LIMIT 1")
    moment = datetime.fromisoformat(stored).replace(tzinfo=UTC)
    in_paris = moment.astimezone(timezone(timedelta(hours=2)))
    assert reader.scalar("SELECT :at AS at", {"at": in_paris}) == stored
    assert reader.scalar(
        "SELECT count(*) FROM visit WHERE updated_at >= :since", {"since": in_paris}
    ) == reader.scalar("SELECT count(*) FROM visit WHERE updated_at >= :since", {"since": stored})


def test_the_dialect_binds_lists_and_reads_years(copy: Path) -> None:
    reader = SqliteReader(copy, 2000)
    dialect = reader.dialect
    codes = reader.rows(
        f"SELECT code FROM country WHERE code {dialect.in_list('codes')} ORDER BY code",
        {"codes": dialect.list_param(["IR", "CU", "XX"])},
    )
    assert codes == [{"code": "CU"}, {"code": "IR"}]
    assert reader.scalar(f"SELECT {dialect.year_of(':day')}", {"day": "2023-06-15"}) == "2023"
    spans = f"SELECT {dialect.days_between(':first', ':last')}"
    assert reader.scalar(spans, {"first": "2023-06-14", "last": "2023-06-16"}) == 2
    assert (
        reader.scalar(
            f"SELECT {dialect.joined('code', '; ')} FROM (SELECT code FROM country "
            "WHERE code IN ('CU', 'IR') ORDER BY code)"
        )
        == "CU; IR"
    )


def test_a_kept_answer_is_not_read_again(copy: Path) -> None:
    reader = SqliteReader(copy, 2000)
    first = reader.memoised("SELECT code FROM country WHERE code = :code", {"code": "CU"})
    again = reader.memoised("SELECT code FROM country WHERE code = :code", {"code": "CU"})
    assert again is first  # the same list: no query ran
    other = reader.memoised("SELECT code FROM country WHERE code = :code", {"code": "IR"})
    assert other == [{"code": "IR"}]


def test_the_kept_answers_are_bounded(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SqliteReader, "MEMO_SIZE", 2)
    reader = SqliteReader(copy, 2000)
    kept = [reader.memoised("SELECT :n AS n", {"n": n}) for n in range(3)]
    assert reader.memoised("SELECT :n AS n", {"n": 2}) is kept[2]
    assert reader.memoised("SELECT :n AS n", {"n": 0}) is not kept[0]  # the oldest went


def test_a_consistent_block_keeps_its_state_and_its_kept_answers(copy: Path) -> None:
    reader = SqliteReader(copy, 2000)
    with reader.consistent():
        assert reader.memoised_scalar(COUNT_VISITS) == 3
        _add_visit(copy, "inside-the-block")
        assert reader.scalar(COUNT_VISITS) == 3  # the block reads one committed state
        assert reader.memoised_scalar(COUNT_VISITS) == 3
    assert reader.memoised_scalar(COUNT_VISITS) == 4
    with reader.consistent():  # a later block at the new version
        assert reader.memoised_scalar(COUNT_VISITS) == 4


def test_a_query_over_its_time_limit_is_interrupted(copy: Path) -> None:
    reader = SqliteReader(copy, 50)
    endless = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    )
    with pytest.raises(QueryTimeout):
        reader.rows(endless)
    assert reader.scalar("SELECT 1") == 1  # the connection is still usable


def test_queries_past_a_budget_stop_with_over_budget(copy: Path) -> None:
    reader = SqliteReader(copy, 60_000)
    with reader.within(0.05):
        assert reader.scalar(COUNT_VISITS) == 3  # short: within the budget
        with pytest.raises(OverBudget):
            reader.scalar(LONG_QUERY)
    # The budget ends with its block: the same query then runs to its end.
    assert reader.scalar(LONG_QUERY) == 3_000_000


def test_a_budget_is_shared_by_every_query_in_its_block(copy: Path) -> None:
    reader = SqliteReader(copy, 60_000)
    checked = LONG_QUERY.replace("3000000", "30000")  # a millisecond, long enough to be checked
    with reader.within(0.05):
        assert reader.scalar(checked) == 30_000
        _spin(0.06)  # the CPU time the block spends between queries counts too
        with pytest.raises(OverBudget):
            reader.scalar(checked)


def test_a_budget_counts_cpu_time_not_waiting(copy: Path) -> None:
    # A thread preempted on a busy machine waits without spending its budget: a cheap read
    # must not count as slow (and run again on a worker thread) for it.
    reader = SqliteReader(copy, 60_000)
    with reader.within(0.05):
        time.sleep(0.1)
        assert reader.scalar(COUNT_VISITS) == 3


def _spin(seconds: float) -> None:
    """Spend `seconds` of this thread's CPU time."""
    ends = time.thread_time() + seconds
    while time.thread_time() < ends:
        pass


def test_no_query_starts_once_the_budget_is_spent(copy: Path) -> None:
    reader = SqliteReader(copy, 60_000)
    with reader.within(0.0), pytest.raises(OverBudget):
        reader.scalar(COUNT_VISITS)  # too short to be stopped while it runs


def test_the_time_limit_still_applies_within_a_budget(copy: Path) -> None:
    reader = SqliteReader(copy, 20)
    with reader.within(60.0), pytest.raises(QueryTimeout):
        reader.scalar(LONG_QUERY)


def test_serving_connections_cache_64_mb_and_snapshots_the_default(copy: Path) -> None:
    reader = SqliteReader(copy, 2000)
    assert reader.scalar("PRAGMA cache_size") == -65536
    snapshot = reader.snapshot()
    try:
        assert snapshot.scalar("PRAGMA cache_size") == -2000  # SQLite's default, 2 MB
    finally:
        snapshot.close()


def test_the_memo_keeps_answers_by_weight_and_parts_by_their_own_bound() -> None:
    memo = Memo(3)
    memo.put(("a",), [{"n": 1}])
    memo.put(("b",), [{"n": 2}], weight=2)
    assert memo.get(("a",)) == [{"n": 1}]
    assert memo.get(("b",)) == [{"n": 2}]
    memo.put(("c",), [{"n": 3}])  # 4 > 3: the least recently used goes
    assert memo.get(("a",)) is None
    assert memo.get(("c",)) == [{"n": 3}]
    memo.put(("d",), [{"n": 4}], weight=5)  # heavier than the whole bound: nothing stays
    assert [memo.get((key,)) for key in "bcd"] == [None, None, None]
    part = memo.part("pages", 10)
    assert memo.part("pages", 99) is part  # made once
    part.put(("a",), [{"n": 5}], weight=10)
    assert part.get(("a",)) == [{"n": 5}]
    assert memo.get(("a",)) is None
    memo.size = 0  # nothing kept anywhere
    part.put(("b",), [{"n": 6}])
    assert part.get(("b",)) is None


def test_kept_answers_are_made_once_per_data_version(copy: Path) -> None:
    reader = SqliteReader(copy, 2000)
    made: list[int] = []

    def make() -> list[dict[str, Any]]:
        made.append(1)
        return [{"n": len(made)}]

    assert reader.kept(("k",), make) == [{"n": 1}]
    assert reader.kept(("k",), make) == [{"n": 1}]
    _add_visit(copy, "2024-01-01-kept")
    assert reader.kept(("k",), make) == [{"n": 2}]  # a load moved the version
