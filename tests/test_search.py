"""Full-text search on SQLite (app/storage/sqlite/search.py): match expressions, prefix
expansion and document rowids.

The lists' use of them runs on generated data in tests/test_query_plans.py, the ranking of
`/v1/search` in tests/test_read_engine.py.
"""

import random
import sqlite3
from array import array
from datetime import date

import pytest

from app.storage import SEARCHABLE, search_words
from app.storage.reader import Ranking
from app.storage.sqlite.search import (
    MAX_DAY,
    RECORD_SPAN,
    RESOURCE_SPAN,
    _best_first,
    day_of_document,
    day_range,
    document_rowid,
    match_expression,
    prefix_bounds,
    resource_base,
)

pytestmark = pytest.mark.sqlite_only(
    reason="FTS5 match expressions, prefix bounds and rowids (app/storage/sqlite/search.py)",
    counterpart="tests/test_postgresql.py::test_every_word_is_a_required_prefix_and_nothing_reaches_the_syntax",
)


def test_words_are_letters_and_digits_and_nothing_reaches_the_query_syntax() -> None:
    assert search_words('Díaz-Canel "visit*" OR NEAR(cuba) _ __') == [
        "Díaz",
        "Canel",
        "visit",
        "OR",
        "NEAR",
        "cuba",
    ]
    assert search_words(" ".join(f"w{n}" for n in range(40)))[-1] == "w31"  # at most 32


def test_every_word_is_a_prefix_unless_its_terms_are_given() -> None:
    assert match_expression("Díaz-Canel visit") == (
        '{title body} : ("Díaz"* AND "Canel"* AND "visit"*)'
    )
    terms = {"visit": ["visit", "visitor", "visits"], "Canel": []}
    assert match_expression("Díaz-Canel visit", terms=terms) == (
        '{title body} : ("Díaz"* AND "Canel"* AND ("visit" OR "visitor" OR "visits"))'
    )
    assert match_expression(' "* -- ') is None


@pytest.mark.parametrize(
    ("word", "bounds"),
    [
        ("France", ("france", "francf")),
        ("2023", ("2023", "2024")),
        ("z", ("z", "{")),
        ("díaz", None),  # the tokenizer folds accents: left to FTS5's own prefix query
        ("diaz_canel", None),  # two tokens for the tokenizer
    ],
)
def test_prefix_bounds_cover_the_terms_starting_with_the_word(
    word: str, bounds: tuple[str, str] | None
) -> None:
    assert prefix_bounds(word) == bounds


def test_prefix_bounds_take_exactly_the_terms_with_that_prefix() -> None:
    terms = ["franc", "france", "frances", "franceza", "francf", "francisco", "fr"]
    low, high = prefix_bounds("France")  # type: ignore[misc]
    assert [t for t in sorted(terms) if low <= t < high] == ["france", "frances", "franceza"]


def _day(value: str | None) -> int:
    return 0 if value is None else date.fromisoformat(value).toordinal()


def test_document_rowids_order_visits_by_start_date_then_rowid() -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE visit (start_date TEXT)")
    dates = ["2023-06-15", None, "0001-01-01", "9999-12-31", "2023-06-15", "1950-02-28"]
    connection.executemany("INSERT INTO visit VALUES (?)", [(d,) for d in dates])
    rowids = dict(connection.execute(f"SELECT r.rowid, {document_rowid('visit')} FROM visit r"))
    base = resource_base("visit")
    for rowid, document in rowids.items():
        value = dates[rowid - 1]
        assert (document - base) % RECORD_SPAN == rowid
        assert day_of_document("visit", document) == _day(value)
        assert base <= document < base + RESOURCE_SPAN
    by_document = sorted(rowids, key=lambda r: rowids[r])
    assert [dates[r - 1] for r in by_document] == [
        None,
        "0001-01-01",
        "1950-02-28",
        "2023-06-15",
        "2023-06-15",
        "9999-12-31",
    ]
    assert _day("2023-06-15") == 738686
    assert _day("9999-12-31") == MAX_DAY
    assert MAX_DAY * RECORD_SPAN + RECORD_SPAN <= RESOURCE_SPAN


def test_day_ranges_hold_whole_days() -> None:
    low, high = day_range("visit", 738686, 738686)
    base = resource_base("visit")
    assert (low, high) == (base + 738686 * RECORD_SPAN, base + 738687 * RECORD_SPAN)
    assert day_range("visit", 0, MAX_DAY)[0] == base
    assert day_range("visit", 0, MAX_DAY)[1] <= base + RESOURCE_SPAN
    # Undated resources: the record's rowid alone.
    assert document_rowid("participant") == f"{resource_base('participant')} + r.rowid"
    assert "julianday(r.date)" in document_rowid("meeting")


def test_document_sizes_are_read_as_sqlite_writes_its_varints() -> None:
    from app.storage.sqlite.search import _varints

    assert _varints(bytes([0x01, 0x00, 0x05, 0x4B])) == [1, 0, 5, 75]  # one byte each
    assert _varints(bytes([0x81, 0x05, 0x7F])) == [133, 127]  # 1 * 128 + 5
    nine = bytes([0xFF] * 8 + [0x01])  # 8 bytes of 7 bits, then a whole byte
    assert _varints(nine) == [((1 << 56) - 1) << 8 | 1]


def test_a_kept_ranking_pages_as_filtering_its_order_does() -> None:
    # `Ranking.page` finds a page by binary search; the same page by filtering the whole
    # order (as each request did before rankings were kept).
    rng = random.Random(14)
    scores = {
        resource_base(rng.choice(SEARCHABLE))
        + rng.randrange(0, 800_000) * RECORD_SPAN
        + rng.randrange(1, 5_000): rng.choice((1.0, 1.25, 1.5, 2.0))
        for _ in range(120)
    }
    order = sorted(scores, key=lambda p: _best_first(scores[p], p))
    ranking = Ranking(array("q", order), array("d", (scores[p] for p in order)))
    keys = [None, *((scores[p], p) for p in rng.sample(order, 12)), (2.5, order[0]), (0.5, 1)]
    for after in keys:
        for before in keys:
            for limit in (1, 3, 50, 500):
                expected = order
                if after is not None:
                    expected = [
                        p for p in expected if _best_first(scores[p], p) > _best_first(*after)
                    ]
                if before is not None:
                    ahead = _best_first(*before)
                    expected = [p for p in expected if _best_first(scores[p], p) < ahead]
                    expected = expected[-(limit + 1) :]
                assert ranking.page(_best_first, after, before, limit) == [
                    (p, scores[p]) for p in expected[: limit + 1]
                ]
