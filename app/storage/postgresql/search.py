"""Full-text search on PostgreSQL: `search_index` (made by the migrations) holds each
record's document as a tsvector of the configuration `visits_search`, which folds accents
(unaccent) and case, under a GIN index.

A document's position is its resource's base, plus its day times 2**32, plus a number
from a sequence, as SQLite's document rowids are built: at a full rebuild the documents are
numbered in the order of their records' rows (the order they were written in, as SQLite's
rowids, until a row is updated). Matches of one resource read in position order come in day
order, and ranked hits tie-break on it. Every word of a query is required as a prefix
(`word:*`), as on FTS5.
"""

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import Connection, text

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

CONFIGURATION = "visits_search"
RECORD_SPAN = 1 << 32
RESOURCE_SPAN = 1 << 54
CANDIDATES = 200
QUERY = f"to_tsquery('{CONFIGURATION}', :match)"


def resource_base(resource: str) -> int:
    """The first position of `resource`."""
    if resource not in SEARCHABLE:
        raise ValueError(f"not a searchable resource: {resource}")
    return (SEARCHABLE.index(resource) + 1) * RESOURCE_SPAN


def _id_column(resource: str) -> str:
    return "code" if resource == "country" else "id"


def query_text(query: str) -> str | None:
    """A tsquery requiring every word of `query` as a prefix; None if it has no words.
    Words are letters, digits and underscores only (`search_words`): nothing else reaches
    the tsquery syntax."""
    words = [word.replace("_", " ").split() for word in search_words(query)]
    parts = [f"{part}:*" for word in words for part in word]
    return " & ".join(parts) or None


def _matches(resource: str | None) -> str:
    restrict = "" if resource is None else f"resource = '{resource}' AND "
    return f"{restrict}document @@ {QUERY}"


class TsSearch(TextSearch):
    """Matches read through the GIN index of the documents' tsvectors."""

    def expression(self, db: Reader, query: str, resource: str | None = None) -> str | None:
        """The query's words, each a prefix, all required."""
        return query_text(query)

    def condition(self, resource: str, alias: str, first: int | None = None) -> str:
        """The record's id among the matches' record ids."""
        limit = "" if first is None else f" ORDER BY position LIMIT {int(first)}"
        return (
            f"{alias}.{_id_column(resource)} IN (SELECT record_id FROM search_index "
            f"WHERE {_matches(resource)}{limit})"
        )

    def count(self, db: Reader, resource: str | None, match: str, cap: int) -> int:
        """Counted from the index, stopping past `cap`."""
        counted = db.memoised_scalar(
            f"SELECT count(*) FROM (SELECT 1 FROM search_index WHERE {_matches(resource)} "
            "LIMIT :cap) AS found",
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
        """The day of the match found by walking positions in `days`."""
        found = db.scalar(
            f"SELECT day FROM search_index WHERE {_matches(resource)} "
            "AND day >= :low_day AND day <= :high_day "
            f"ORDER BY position {'DESC' if descending else 'ASC'} LIMIT 1 OFFSET :skip",
            {"match": match, "low_day": days[0], "high_day": days[1], "skip": skip},
        )
        return None if found is None else int(found)

    def between_days(
        self, resource: str, alias: str, days: tuple[int, int]
    ) -> tuple[str, str, dict[str, Any]]:
        """The matches' record ids in `days`, read first."""
        driving = (
            f"(SELECT record_id FROM search_index WHERE {_matches(resource)} "
            "AND day >= :low_day AND day <= :high_day) AS hit CROSS JOIN "
        )
        return (
            driving,
            f"{alias}.{_id_column(resource)} = hit.record_id",
            {"low_day": days[0], "high_day": days[1]},
        )

    def scores(self, db: Reader, match: str, resource: str | None) -> dict[int, float]:
        """The CANDIDATES latest matches of each resource, scored by how much of the title
        the query's words are (1 to 2, as on SQLite)."""
        resources = [resource] if resource is not None else list(SEARCHABLE)
        words = match.split(" & ")
        held = " + ".join(
            f"(title_vector @@ to_tsquery('{CONFIGURATION}', :word{n}))::int"
            for n in range(len(words))
        )
        candidates = db.rows(
            " UNION ALL ".join(
                f"(SELECT position, {held} AS held, title_words FROM search_index "
                f"WHERE {_matches(name)} ORDER BY position DESC LIMIT {CANDIDATES})"
                for name in resources
            ),
            {"match": match, **{f"word{n}": word for n, word in enumerate(words)}},
        )
        return {
            row["position"]: round(
                1 + min(1.0, row["held"] / max(1, row["title_words"])) if row["held"] else 1.0,
                6,
            )
            for row in candidates
        }

    def best_first(self, score: float, position: int) -> tuple[float, int, int, int]:
        """Higher score, later day, then by resource (in SEARCHABLE's order), later record."""
        return _best_first(score, position)

    def documents(self, db: Reader, positions: list[int]) -> dict[int, Row]:
        """The documents at `positions`, in one statement."""
        return {
            row["position"]: row
            for row in db.rows(
                "SELECT position, resource, record_id, title, body FROM search_index "
                "WHERE position = ANY(:page)",
                {"page": list(positions)},
            )
        }


def _best_first(score: float, position: int) -> tuple[float, int, int, int]:
    """Higher score, later day, then by resource (in SEARCHABLE's order), later record."""
    index = position // RESOURCE_SPAN - 1
    day = (position - (index + 1) * RESOURCE_SPAN) // RECORD_SPAN
    return (-score, -day, index, -position)


def _day(resource: str) -> str:
    column = SEARCH_ORDER.get(resource)
    if column is None:
        return "0"
    return f"coalesce(r.{column} - DATE '0001-01-01' + 1, 0)"


class TsIndex(SearchIndex):
    """The documents' table, written on a load's connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def refresh(self, documents: DocumentsSql, ids: Mapping[str, Collection[str]] | None) -> None:
        """Insert the documents again (all of them, or those of `ids`)."""
        if ids is None:
            self.connection.execute(text("DELETE FROM search_index"))
            for resource in SEARCHABLE:
                self._insert(documents, resource, "1 = 1", {})
            return
        for resource, records in ids.items():
            if resource not in SEARCHABLE or not records:
                continue
            chosen = {"records": sorted(records)}
            self.connection.execute(
                text(
                    f"DELETE FROM search_index WHERE resource = '{resource}' "
                    "AND record_id = ANY(:records)"
                ),
                chosen,
            )
            self._insert(documents, resource, f"r.{_id_column(resource)} = ANY(:records)", chosen)

    def _insert(
        self, documents: DocumentsSql, resource: str, where: str, params: dict[str, Any]
    ) -> None:
        select = documents(resource, f"{_day(resource)} AS day, r.ctid AS place", where)
        base = resource_base(resource)
        self.connection.execute(
            text(
                "INSERT INTO search_index (position, resource, record_id, day, title, body, "
                "title_words, title_vector, document) "
                f"SELECT {base} + d.day::bigint * {RECORD_SPAN} + nextval('search_index_number'), "
                f"'{resource}', d.record_id, d.day, coalesce(d.title, ''), coalesce(d.body, ''), "
                f"(SELECT count(*) FROM ts_parse('default', coalesce(d.title, '')) t "
                "WHERE t.tokid NOT IN (12, 13, 15, 16, 17)), "
                f"to_tsvector('{CONFIGURATION}', coalesce(d.title, '')), "
                f"to_tsvector('{CONFIGURATION}', coalesce(d.title, '') || ' ' || "
                "coalesce(d.body, '')) "
                # Numbered in the order of the records' rows in their table (the order they
                # were written in, as SQLite's rowids, until rows are updated).
                f"FROM (SELECT * FROM ({select}) m ORDER BY m.day, m.place) d"
            ),
            params,
        )
