"""Full-text search on SQLite: an FTS5 table (`search_index`, made by the migrations) whose
tokenizer folds case and diacritics.

A document's rowid is its resource's base, plus its day times 2**32, plus its record's
rowid, so a list filtered by `q` matches integers against integers: the FTS5 query returns
rowids from its posting lists alone (no stored row read per hit), limited to one resource by
a rowid range, and each hit finds its record by its rowid modulo 2**32. Loads never renumber
records (no VACUUM); `search_index_map` says which document each record has, so a load can
index a few records again.

The day (`date.toordinal()` of the resource's `SEARCH_ORDER` column, 0 undated) makes the
index return a resource's matches in the order its lists use most: FTS5 walks its posting
lists in rowid order, so a page of `/v1/visits?q=word` reads the next matches in date order
and stops instead of looking up and sorting every match.

Each plain word's prefix is matched as the index's terms it covers (`search_index_terms`,
filled from `fts5vocab` at each refresh), which FTS5 streams in rowid order; a `"word"*`
prefix query merges every posting of every term it covers before returning its first match.
"""

import json
import re
import sqlite3
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection

from app.storage.reader import (
    SEARCH_ORDER,
    SEARCHABLE,
    DocumentsSql,
    Reader,
    Row,
    SearchIndex,
    TextSearch,
    search_words,
)

# A record's rowid takes the low 32 bits of its document's rowid; the day the next 22
# (9999-12-31 is day 3,652,059 < 2**22).
RECORD_SPAN = 1 << 32
MAX_DAY = date.max.toordinal()
# Each resource's documents take rowids [base, base + RESOURCE_SPAN): its position in
# SEARCHABLE plus one, times 2**54, above any day and record rowid.
RESOURCE_SPAN = 1 << 54

# A word's prefix is expanded to the index's terms when it covers at most this many.
MAX_PREFIX_TERMS = 16
PREFIX_TERMS_SQL = (
    "SELECT term FROM search_index_terms WHERE term >= :low AND term < :high "
    f"ORDER BY term LIMIT {MAX_PREFIX_TERMS + 1}"
)

# `/v1/search` ranks, per resource, the matches with the latest days (the latest records for
# undated resources), at most this many: a common word's cost stays bounded.
CANDIDATES = 200

_BATCH = 500
# Hits read per statement (SQLite allows 500 SELECTs in one compound statement).
_SEEKS = 100


def resource_base(resource: str) -> int:
    """The first document rowid of `resource`."""
    if resource not in SEARCHABLE:
        raise ValueError(f"not a searchable resource: {resource}")
    return (SEARCHABLE.index(resource) + 1) * RESOURCE_SPAN


def day_range(resource: str, first: int, last: int) -> tuple[int, int]:
    """The document rowids [low, high) of `resource` whose day is in [first, last]."""
    base = resource_base(resource)
    return base + first * RECORD_SPAN, base + (last + 1) * RECORD_SPAN


def day_of_document(resource: str, rowid: int) -> int:
    """The day inside a document rowid of `resource`."""
    return (rowid - resource_base(resource)) // RECORD_SPAN


def document_rowid(resource: str) -> str:
    """SQL for the document rowid of the record aliased `r`."""
    rowid = f"{resource_base(resource)} + r.rowid"
    column = SEARCH_ORDER.get(resource)
    if column is None:
        return rowid
    # julianday('0001-01-01') is 1721425.5: the day is Python's date.toordinal(), 0 for NULL.
    day = f"coalesce(CAST(julianday(r.{column}) - 1721424.5 AS INTEGER), 0)"
    return f"{rowid} + {day} * {RECORD_SPAN}"


def prefix_bounds(word: str) -> tuple[str, str] | None:
    """The terms [low, high) that start with `word` as the tokenizer writes it; None unless
    the word is plain ASCII letters and digits (which the tokenizer only lowercases)."""
    if not (word.isascii() and word.isalnum()):
        return None
    low = word.lower()
    return low, low[:-1] + chr(ord(low[-1]) + 1)


def match_expression(query: str, terms: Mapping[str, Collection[str]] | None = None) -> str | None:
    """An FTS5 expression requiring every word of `query` as a prefix in a title or body;
    None if `query` has no words. `terms`: the index's terms a word's prefix covers, matched
    as any of them (the same documents) instead of as a prefix."""
    words = search_words(query)
    if not words:
        return None
    required = []
    for word in words:
        covered = (terms or {}).get(word)
        if covered:
            required.append("(" + " OR ".join(f'"{term}"' for term in sorted(covered)) + ")")
        else:
            required.append(f'"{word}"*')
    return "{title body} : (" + " AND ".join(required) + ")"


def _in_resource(resource: str | None) -> str:
    if resource is None:
        return ""
    base = resource_base(resource)
    return f" AND rowid >= {base} AND rowid < {base + RESOURCE_SPAN}"


class Fts5Search(TextSearch):
    """Matches read from FTS5's posting lists (see the module's docstring)."""

    def expression(self, db: Reader, query: str, resource: str | None = None) -> str | None:
        """Every word of `query` as a prefix, given as the index's terms it covers when they
        are few (kept, as totals are, until the data changes). The resource is chosen by a
        rowid range, not by the expression."""
        terms = {}
        for word in search_words(query):
            bounds = prefix_bounds(word)
            if bounds is not None:
                found = db.memoised(PREFIX_TERMS_SQL, {"low": bounds[0], "high": bounds[1]})
                if len(found) <= MAX_PREFIX_TERMS:
                    terms[word] = [row["term"] for row in found]
        return match_expression(query, terms)

    def condition(self, resource: str, alias: str, first: int | None = None) -> str:
        """The record's rowid among the matches' record rowids."""
        base = resource_base(resource)
        limit = "" if first is None else f" LIMIT {int(first)}"
        return (
            f"{alias}.rowid IN (SELECT (rowid - {base}) % {RECORD_SPAN} FROM search_index "
            f"WHERE search_index MATCH :match{_in_resource(resource)}{limit})"
        )

    def count(self, db: Reader, resource: str | None, match: str, cap: int) -> int:
        """Counted from the posting lists, stopping past `cap`."""
        counted = db.memoised_scalar(
            "SELECT count(*) FROM (SELECT 1 FROM search_index WHERE search_index MATCH :match"
            f"{_in_resource(resource)} LIMIT :cap)",
            {"match": match, "cap": cap + 1},
        )
        return int(counted)

    def nth_day(
        self,
        db: Reader,
        resource: str,
        match: str,
        days: tuple[int, int],
        descending: bool,
        skip: int,
    ) -> int | None:
        """The day of the rowid found by walking the rowid range of `days`."""
        low, high = day_range(resource, *days)
        rowid = db.scalar(
            "SELECT rowid FROM search_index WHERE search_index MATCH :match "
            "AND rowid >= :low AND rowid < :high "
            f"ORDER BY rowid {'DESC' if descending else 'ASC'} LIMIT 1 OFFSET :skip",
            {"match": match, "low": low, "high": high, "skip": skip},
        )
        return None if rowid is None else day_of_document(resource, rowid)

    def between_days(
        self, resource: str, alias: str, days: tuple[int, int]
    ) -> tuple[str, str, dict[str, Any]]:
        """The matches' record rowids from the rowid range of `days`, read first (CROSS
        JOIN keeps them the outer loop: left to itself, SQLite may walk a date index
        instead, probing every record against them)."""
        base = resource_base(resource)
        low, high = day_range(resource, *days)
        driving = (
            f"(SELECT (rowid - {base}) % {RECORD_SPAN} AS record_rowid FROM search_index "
            "WHERE search_index MATCH :match AND rowid >= :low AND rowid < :high) AS hit "
            "CROSS JOIN "
        )
        return driving, f"{alias}.rowid = hit.record_rowid", {"low": low, "high": high}

    def scores(self, db: Reader, match: str, resource: str | None) -> dict[int, float]:
        """The CANDIDATES latest matches of each resource, scored by how much of the title
        the query's words are (from 1 to 2).

        Not FTS5's BM25: its weight of each word is the number of documents holding it,
        which FTS5 counts from the word's whole posting list on every query, a cost that
        grows with the data (docs/performance.md).
        """
        resources = [resource] if resource is not None else list(SEARCHABLE)
        candidates = [
            row["position"]
            for row in db.rows(
                " UNION ALL ".join(
                    "SELECT * FROM (SELECT rowid AS position FROM search_index "
                    f"WHERE search_index MATCH :match{_in_resource(name)} "
                    f"ORDER BY rowid DESC LIMIT {CANDIDATES})"
                    for name in resources
                ),
                {"match": match},
            )
        ]
        if not candidates:
            return {}
        return self._title_shares(db, match, candidates)

    def best_first(self, score: float, position: int) -> tuple[float, int, int, int]:
        """Higher score, later day, then by resource (in SEARCHABLE's order) and later
        record first."""
        return _best_first(score, position)

    def documents(self, db: Reader, positions: list[int]) -> dict[int, Row]:
        """One seek per document: FTS5 reads `rowid = ?` from the index, not
        `rowid IN (...)`."""
        found: dict[int, Row] = {}
        for start in range(0, len(positions), _SEEKS):
            chosen = positions[start : start + _SEEKS]
            for row in db.rows(
                " UNION ALL ".join(
                    "SELECT rowid AS position, resource, record_id, title, body "
                    f"FROM search_index WHERE rowid = :p{number}"
                    for number in range(len(chosen))
                ),
                {f"p{n}": position for n, position in enumerate(chosen)},
            ):
                found[row["position"]] = row
        return found

    def _title_shares(self, db: Reader, match: str, candidates: list[int]) -> dict[int, float]:
        """1 + how much of each candidate's title the query's words are: the words found in
        the title over the title's words (2: the title is the query)."""
        words = match.removeprefix("{title body} : (").removesuffix(")").split(" AND ")
        ranges: dict[int, tuple[int, int]] = {}
        for position in candidates:
            low, high = ranges.get(position // RESOURCE_SPAN, (position, position))
            ranges[position // RESOURCE_SPAN] = (min(low, position), max(high, position))
        # The title matches of each word among the candidates: a rowid range of each
        # resource's candidates, which holds no other match.
        found = db.rows(
            " UNION ALL ".join(
                f"SELECT {number} AS word, rowid AS position FROM search_index "
                f"WHERE search_index MATCH :word{number} AND rowid >= {low} AND rowid <= {high}"
                for number in range(len(words))
                for low, high in ranges.values()
            ),
            {f"word{number}": "{title} : (" + word + ")" for number, word in enumerate(words)},
        )
        held: dict[int, int] = {}
        for row in found:
            held[row["position"]] = held.get(row["position"], 0) + 1
        # Each document's token count per column, as FTS5 keeps it (`search_index_docsize`:
        # resource, record_id, title, body).
        lengths = {
            row["id"]: _varints(row["sz"])[2]
            for row in db.rows(
                f"SELECT id, sz FROM search_index_docsize WHERE id {db.dialect.in_list('ids')}",
                {"ids": db.dialect.list_param(held)},
            )
        }
        return {
            p: round(1 + min(1.0, held[p] / max(1, lengths.get(p, 1))), 6) if p in held else 1.0
            for p in candidates
        }


def _varints(data: bytes) -> list[int]:
    """SQLite's variable-length integers, one after the other (7 bits a byte, high bit set
    on all but the last; a ninth byte holds 8)."""
    numbers = []
    value = length = 0
    for byte in data:
        length += 1
        if length == 9:
            value = (value << 8) | byte
        else:
            value = (value << 7) | (byte & 0x7F)
            if byte & 0x80:
                continue
        numbers.append(value)
        value = length = 0
    return numbers


def _best_first(score: float, position: int) -> tuple[float, int, int, int]:
    """The order of ranked hits: higher score, later day, then by resource (in SEARCHABLE's
    order) and later record first."""
    index = position // RESOURCE_SPAN - 1
    return (-score, -day_of_document(SEARCHABLE[index], position), index, -position)


class Fts5Index(SearchIndex):
    """The FTS5 table, its map from records to documents and its table of terms, written
    on a load's connection."""

    def __init__(self, connection: Connection) -> None:
        raw = connection.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        self.raw = raw

    def refresh(self, documents: DocumentsSql, ids: Mapping[str, Collection[str]] | None) -> None:
        """Insert the documents again (all of them, or those of `ids`), then the terms."""
        raw = self.raw
        for resource in SEARCHABLE:  # the tables are named after their resources
            (largest,) = raw.execute(f"SELECT max(rowid) FROM {resource}").fetchone()
            if largest is not None and largest >= RECORD_SPAN:
                raise ValueError(f"{resource} rowid {largest} does not fit a search document")
        if ids is None:
            raw.execute("DELETE FROM search_index")
            raw.execute("DELETE FROM search_index_map")
            for resource in SEARCHABLE:
                self._insert(documents, resource, "1 = 1", [])
            # One segment: a term's postings in one place, read much faster than from the
            # segments inserts leave (docs/performance.md).
            raw.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
        else:
            # The terms of the documents taken out and put in, tokenized as the index does
            # (the table's own tokenizer): only their counts can have changed.
            raw.execute(
                "CREATE VIRTUAL TABLE temp.search_index_changed USING fts5(title, body, "
                f"tokenize = {_tokenizer(raw)})"
            )
            for resource, records in ids.items():
                if resource not in SEARCHABLE:
                    continue
                chosen = sorted(records)
                for start in range(0, len(chosen), _BATCH):
                    self._replace(documents, resource, chosen[start : start + _BATCH])
            self._recount_changed_terms()
            return
        raw.execute(
            "CREATE VIRTUAL TABLE temp.search_index_vocabulary "
            "USING fts5vocab(main, search_index, row)"
        )
        raw.execute("DELETE FROM search_index_terms")
        raw.execute(
            "INSERT INTO search_index_terms (term, documents) "
            "SELECT term, doc FROM temp.search_index_vocabulary"
        )
        raw.execute("DROP TABLE temp.search_index_vocabulary")

    def _recount_changed_terms(self) -> None:
        """Count again, in `search_index_terms`, the documents of each term of
        `temp.search_index_changed` (one indexed read of the index's vocabulary each)."""
        raw = self.raw
        raw.execute(
            "CREATE VIRTUAL TABLE temp.search_index_changed_terms "
            "USING fts5vocab(temp, search_index_changed, row)"
        )
        raw.execute(
            "CREATE VIRTUAL TABLE temp.search_index_vocabulary "
            "USING fts5vocab(main, search_index, row)"
        )
        terms = [row[0] for row in raw.execute("SELECT term FROM temp.search_index_changed_terms")]
        raw.executemany("DELETE FROM search_index_terms WHERE term = ?", [(t,) for t in terms])
        raw.executemany(
            "INSERT INTO search_index_terms (term, documents) "
            "SELECT term, doc FROM temp.search_index_vocabulary WHERE term = ?",
            [(t,) for t in terms],
        )
        for table in (
            "search_index_vocabulary",
            "search_index_changed_terms",
            "search_index_changed",
        ):
            raw.execute(f"DROP TABLE temp.{table}")

    def _replace(self, documents: DocumentsSql, resource: str, records: list[str]) -> None:
        """Take the documents of `records` out of the index, and put in those that exist;
        the text of both goes to `temp.search_index_changed`."""
        chosen = {"records": json.dumps(records)}
        in_chosen = "IN (SELECT value FROM json_each(:records))"
        old = self.raw.execute(
            f"SELECT document FROM search_index_map WHERE resource = '{resource}' "
            f"AND record_id {in_chosen}",
            chosen,
        ).fetchall()
        self._note_changed("rowid = ?", old)
        self.raw.executemany("DELETE FROM search_index WHERE rowid = ?", old)
        self.raw.execute(
            f"DELETE FROM search_index_map WHERE resource = '{resource}' AND record_id {in_chosen}",
            chosen,
        )
        self._insert(documents, resource, f"r.{_id_column(resource)} {in_chosen}", chosen)
        self._note_changed(
            f"rowid IN (SELECT document FROM search_index_map WHERE resource = '{resource}' "
            f"AND record_id {in_chosen})",
            [chosen],
        )

    def _note_changed(self, where: str, params: Any) -> None:
        self.raw.executemany(
            "INSERT INTO temp.search_index_changed (title, body) "
            f"SELECT resource || ' ' || coalesce(title, ''), body FROM search_index WHERE {where}",
            params,
        )

    def _insert(self, documents: DocumentsSql, resource: str, where: str, params: Any) -> None:
        rowid = document_rowid(resource)
        select = documents(resource, f"{rowid} AS document", where)
        self.raw.execute(
            "INSERT INTO search_index (rowid, resource, record_id, title, body) "
            f"SELECT document, '{resource}', record_id, title, body FROM ({select})",
            params,
        )
        self.raw.execute(
            "INSERT INTO search_index_map (resource, record_id, document) "
            f"SELECT '{resource}', r.{_id_column(resource)}, {rowid} FROM {resource} r "
            f"WHERE {where}",
            params,
        )


def _tokenizer(raw: sqlite3.Connection) -> str:
    """The `tokenize` option the index was made with, as SQL (quoted)."""
    (sql,) = raw.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'search_index'"
    ).fetchone()
    found = re.search(r"tokenize\s*=\s*('(?:[^']|'')*')", sql)
    assert found is not None, "the index names its tokenizer"
    return found.group(1)


def _id_column(resource: str) -> str:
    return "code" if resource == "country" else "id"
