"""Full-text search: the one seam between the rest of the service and the search engine.

On SQLite this is an FTS5 table (`search_index`, made by the migrations) whose tokenizer
folds case and diacritics. Every load rebuilds it inside the load's transaction. Another
database replaces the functions here and nothing else.

A document's rowid is its resource's base, plus its order key times 2**32, plus its record's
rowid (`document_rowid`), so a list filtered by `q` matches integers against integers: the
FTS5 query returns rowids from its posting lists alone (no stored row read per hit), limited
to one resource by a rowid range, and each hit finds its record by its rowid modulo 2**32.
Loads never renumber records (no VACUUM), and every load rebuilds the index, so the two
always agree.

The order key makes the index return a resource's matches in the order lists use most:
visits' key is their start date's day number (0 when undated), so FTS5, which walks its
posting lists in rowid order, yields a word's visits by start date. A page of
`/v1/visits?q=word` then reads the next 51 matches in order instead of looking up and sorting
every match (`app.queries.common`, "search order"): at 1M visits a common word has 10,000.
"""

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

# Words as the user typed them; everything else (operators, quotes, punctuation) is a separator,
# so no input can reach FTS5's query syntax.
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 32

RESOURCES = (
    "visit",
    "meeting",
    "participant",
    "agreement",
    "tour",
    "statement",
    "source",
    "country",
    "topic",
)

# A record's rowid takes the low 32 bits of its document's rowid; the order key the next 22
# (a day number: 9999-12-31 is 3,652,059 < 2**22).
RECORD_SPAN = 1 << 32
MAX_ORDER_KEY = date.max.toordinal()
# Each resource's documents take rowids [base, base + RESOURCE_SPAN): the position in
# RESOURCES (never reorder; add at the end) times 2**54, above any order key and record rowid.
RESOURCE_SPAN = 1 << 54

# The date column ordering each resource's documents (the others' order key is 0).
ORDER_COLUMNS = {"visit": "start_date"}


def resource_base(resource: str) -> int:
    """The first document rowid of `resource`."""
    if resource not in RESOURCES:
        raise ValueError(f"not a searchable resource: {resource}")
    return (RESOURCES.index(resource) + 1) * RESOURCE_SPAN


def _order_key_sql(column: str) -> str:
    # julianday('0001-01-01') is 1721425.5: the key is Python's date.toordinal(), 0 for NULL.
    return f"coalesce(CAST(julianday({column}) - 1721424.5 AS INTEGER), 0)"


def document_rowid(resource: str, record: str) -> str:
    """SQL for the document rowid of a record aliased `record` in the documents' SELECT."""
    rowid = f"{resource_base(resource)} + {record}.rowid"
    column = ORDER_COLUMNS.get(resource)
    if column is None:
        return rowid
    return f"{rowid} + {_order_key_sql(f'{record}.{column}')} * {RECORD_SPAN}"


def order_key(value: Any) -> int:
    """The order key of an ORDER_COLUMNS value (a date or its ISO text; 0 for None)."""
    if value is None:
        return 0
    return (value if isinstance(value, date) else date.fromisoformat(value)).toordinal()


def order_key_of_document(resource: str, rowid: int) -> int:
    """The order key inside a document rowid of `resource`."""
    return (rowid - resource_base(resource)) // RECORD_SPAN


def order_key_range(resource: str, first: int, last: int) -> tuple[int, int]:
    """The document rowids [low, high) of `resource` whose order key is in [first, last]."""
    base = resource_base(resource)
    return base + first * RECORD_SPAN, base + (last + 1) * RECORD_SPAN


# A word's prefix is expanded to the index's terms (`search_index_terms`) when it covers at
# most this many. FTS5 reads a term's postings in rowid order and stops when a page is full,
# but merges every posting of every term a prefix covers before returning the first match.
MAX_PREFIX_TERMS = 16

PREFIX_TERMS_SQL = (
    "SELECT term FROM search_index_terms WHERE term >= :low AND term < :high "
    f"ORDER BY term LIMIT {MAX_PREFIX_TERMS + 1}"
)


def search_words(query: str) -> list[str]:
    """The words of `query` that a match expression requires (at most MAX_QUERY_WORDS)."""
    return [w for w in _WORD.findall(query) if w.strip("_")][:MAX_QUERY_WORDS]


def prefix_bounds(word: str) -> tuple[str, str] | None:
    """The terms [low, high) that start with `word` as the tokenizer writes it; None unless
    the word is plain ASCII letters and digits (which the tokenizer only lowercases)."""
    if not (word.isascii() and word.isalnum()):
        return None
    low = word.lower()
    return low, low[:-1] + chr(ord(low[-1]) + 1)


def match_expression(
    query: str, resource: str | None = None, terms: Mapping[str, Sequence[str]] | None = None
) -> str | None:
    """An FTS5 MATCH expression requiring every word of `query` as a prefix in a title or
    body, of one resource when given; None if `query` has no words. `terms`: the index's
    terms a word's prefix covers (`PREFIX_TERMS_SQL`), matched as any of them (the same
    documents) instead of as a prefix.

    The resource is an indexed column, matched like a word: FTS5 intersects it with the
    words' postings instead of reading every matching row to filter on it.
    """
    words = search_words(query)
    if not words:
        return None
    required = []
    for word in words:
        covered = (terms or {}).get(word)
        if covered:
            required.append("(" + " OR ".join(f'"{term}"' for term in covered) + ")")
        else:
            required.append(f'"{word}"*')
    expression = "{title body} : (" + " AND ".join(required) + ")"
    if resource is None:
        return expression
    if resource not in RESOURCES:
        raise ValueError(f"not a searchable resource: {resource}")
    return f'resource : "{resource}" AND {expression}'


def _concat(*parts: str) -> str:
    return " || ' ' || ".join(f"coalesce({p}, '')" for p in parts)


def _quotes(column: str, record: str) -> str:
    return (
        "(SELECT group_concat(coalesce(quote, note), ' ') FROM citation "
        f"WHERE citation.{column} = {record})"
    )


def _participant_names(where: str) -> str:
    return (
        "(SELECT group_concat(coalesce(p.name, '') || ' ' || coalesce(p.description, '') || ' ' || "
        "coalesce((SELECT group_concat(alias, ' ') FROM participant_alias a "
        "WHERE a.participant_id = p.id), ''), ' ') "
        f"FROM participation pa JOIN participant p ON p.id = pa.participant_id WHERE {where})"
    )


def _topic_names(link: str, column: str, record: str) -> str:
    return (
        f"(SELECT group_concat(t.name, ' ') FROM {link} l JOIN topic t ON t.id = l.topic_id "
        f"WHERE l.{column} = {record})"
    )


# One SELECT per resource producing (rowid, resource, record_id, title, body).
_DOCUMENTS = {
    "visit": f"""
        SELECT {document_rowid("visit", "v")},
               'visit', v.id,
               coalesce(p.name, '') || ' visit to ' || hc.name,
               {
        _concat(
            "v.city",
            "v.summary",
            "v.kind",
            "vc.name",
            "hc.name",
            _participant_names("pa.visit_id = v.id"),
            _topic_names("visit_topic", "visit_id", "v.id"),
            "(SELECT group_concat(m.title || ' ' || coalesce(m.venue, ''), ' ') "
            "FROM meeting m WHERE m.visit_id = v.id)",
            _quotes("visit_id", "v.id"),
        )
    }
        FROM visit v
        JOIN participant p ON p.id = v.visitor_id
        JOIN country vc ON vc.code = v.visitor_country_code
        JOIN country hc ON hc.code = v.host_country_code""",
    "meeting": f"""
        SELECT {document_rowid("meeting", "m")},
               'meeting', m.id, m.title,
               {
        _concat(
            "m.venue",
            "m.city",
            "m.summary",
            "m.kind",
            _participant_names("pa.meeting_id = m.id"),
            _topic_names("meeting_topic", "meeting_id", "m.id"),
            _quotes("meeting_id", "m.id"),
        )
    }
        FROM meeting m""",
    "participant": f"""
        SELECT {document_rowid("participant", "p")},
               'participant', p.id, coalesce(p.name, p.description, p.id),
               {
        _concat(
            "p.description",
            "c.name",
            "(SELECT group_concat(alias, ' ') FROM participant_alias a "
            "WHERE a.participant_id = p.id)",
        )
    }
        FROM participant p LEFT JOIN country c ON c.code = p.country_code""",
    "agreement": f"""
        SELECT {document_rowid("agreement", "g")},
               'agreement', g.id, coalesce(g.title, replace(g.kind, '_', ' ')),
               {
        _concat(
            "g.summary",
            "replace(g.kind, '_', ' ')",
            "(SELECT group_concat(c.name, ' ') FROM agreement_party ap "
            "JOIN country c ON c.code = ap.country_code WHERE ap.agreement_id = g.id)",
            _topic_names("agreement_topic", "agreement_id", "g.id"),
            _quotes("agreement_id", "g.id"),
        )
    }
        FROM agreement g""",
    "tour": f"""
        SELECT {document_rowid("tour", "t")},
               'tour', t.id, t.name, {_concat("t.summary", "p.name", _quotes("tour_id", "t.id"))}
        FROM tour t JOIN participant p ON p.id = t.principal_id""",
    "statement": f"""
        SELECT {document_rowid("statement", "s")},
               'statement', s.id, s.text, {_concat("p.name", "s.channel")}
        FROM statement s JOIN participant p ON p.id = s.speaker_id""",
    "source": f"""
        SELECT {document_rowid("source", "s")},
               'source', s.id, s.title, {_concat("s.publisher", "s.dateline")}
        FROM source s""",
    "country": f"""
        SELECT {document_rowid("country", "c")},
               'country', c.code, c.name, c.code || ' ' || c.alpha3 FROM country c""",
    "topic": f"""
        SELECT {document_rowid("topic", "t")},
               'topic', t.id, t.name, '' FROM topic t""",
}


def rebuild_search_index(connection: Connection) -> None:
    """Rebuild the full-text index from the tables, inside the caller's transaction."""
    if connection.dialect.name != "sqlite":
        return
    for resource in RESOURCES:  # the tables are named after their resources
        largest = connection.execute(text(f"SELECT max(rowid) FROM {resource}")).scalar()
        if largest is not None and largest >= RECORD_SPAN:
            raise ValueError(f"{resource} rowid {largest} does not fit a search document rowid")
    connection.execute(text("DELETE FROM search_index"))
    for select_documents in _DOCUMENTS.values():
        connection.execute(
            text(
                "INSERT INTO search_index (rowid, resource, record_id, title, body) "
                f"{select_documents}"
            )
        )
    # One segment: a term's postings in one place (at 100k visits a common word's first
    # page of matches read 6x faster than from the segments the inserts leave).
    connection.execute(text("INSERT INTO search_index (search_index) VALUES ('optimize')"))
    connection.execute(
        text(
            "CREATE VIRTUAL TABLE temp.search_index_vocabulary "
            "USING fts5vocab(main, search_index, row)"
        )
    )
    connection.execute(text("DELETE FROM search_index_terms"))
    connection.execute(
        text(
            "INSERT INTO search_index_terms (term, documents) "
            "SELECT term, doc FROM temp.search_index_vocabulary"
        )
    )
    connection.execute(text("DROP TABLE temp.search_index_vocabulary"))


def matching_rowids_sql(resource: str, ranged: bool = False) -> str:
    """A subquery for the rowids of the `resource` records matching the bound `:match`
    expression (made by `match_expression` without a resource: the rowid range selects it);
    `ranged`: only documents in the bound rowid range [:low, :high) (`order_key_range`)."""
    base = resource_base(resource)
    low, high = (":low", ":high") if ranged else (base, base + RESOURCE_SPAN)
    return (
        f"SELECT (rowid - {base}) % {RECORD_SPAN} AS record_rowid FROM search_index "
        f"WHERE search_index MATCH :match AND rowid >= {low} AND rowid < {high}"
    )


def nth_match_sql(descending: bool) -> str:
    """The rowid of the match after the first `:skip`, walking [:low, :high) by rowid."""
    return (
        "SELECT rowid FROM search_index WHERE search_index MATCH :match "
        "AND rowid >= :low AND rowid < :high "
        f"ORDER BY rowid {'DESC' if descending else 'ASC'} LIMIT 1 OFFSET :skip"
    )


def match_count_sql(resource: str) -> str:
    """How many `resource` documents match `:match`, from the posting lists alone."""
    base = resource_base(resource)
    return (
        "SELECT count(*) FROM search_index WHERE search_index MATCH :match "
        f"AND rowid >= {base} AND rowid < {base + RESOURCE_SPAN}"
    )


def search_page_sql(after: bool) -> str:
    """Ranked matches (best first), with a highlighted snippet each."""
    conditions = ["search_index MATCH :match"]
    if after:
        conditions.append("(rank > :after_rank OR (rank = :after_rank AND rowid > :after_rowid))")
    return (
        "SELECT resource, record_id, title, rank, rowid AS position, "
        "snippet(search_index, -1, '<mark>', '</mark>', '…', 16) AS snippet "
        f"FROM search_index WHERE {' AND '.join(conditions)} "
        "ORDER BY rank, rowid LIMIT :page_limit"
    )


SEARCH_COUNT_SQL = "SELECT count(*) FROM search_index WHERE search_index MATCH :match"
