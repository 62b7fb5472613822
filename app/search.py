"""Full-text search: the one seam between the rest of the service and the search engine.

On SQLite this is an FTS5 table (`search_index`, made by the migrations) whose tokenizer
folds case and diacritics. Every load rebuilds it inside the load's transaction. Another
database replaces the functions here and nothing else.

A document's rowid is its record's rowid plus its resource's base (`document_rowid`), so a
list filtered by `q` matches integers against integers: the FTS5 query returns rowids from
its posting lists alone (no stored row read per hit), limited to one resource by a rowid
range, and each hit finds its record by rowid. Loads never renumber records (no VACUUM), and
every load rebuilds the index, so the two always agree.
"""

import re

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

# Each resource's documents take rowids [base, base + RESOURCE_SPAN): the position in
# RESOURCES (never reorder; add at the end) times 2**40, above any record's rowid.
RESOURCE_SPAN = 1 << 40


def resource_base(resource: str) -> int:
    """The first document rowid of `resource`."""
    if resource not in RESOURCES:
        raise ValueError(f"not a searchable resource: {resource}")
    return (RESOURCES.index(resource) + 1) * RESOURCE_SPAN


def document_rowid(resource: str, record_rowid: str) -> str:
    """SQL for the document rowid of a record, from the SQL of the record's own rowid."""
    return f"{resource_base(resource)} + {record_rowid}"


def match_expression(query: str, resource: str | None = None) -> str | None:
    """An FTS5 MATCH expression requiring every word of `query` as a prefix in a title or
    body, of one resource when given; None if `query` has no words.

    The resource is an indexed column, matched like a word: FTS5 intersects it with the
    words' postings instead of reading every matching row to filter on it.
    """
    words = [w for w in _WORD.findall(query) if w.strip("_")][:MAX_QUERY_WORDS]
    if not words:
        return None
    expression = "{title body} : (" + " ".join(f'"{word}"*' for word in words) + ")"
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
        SELECT {document_rowid("visit", "v.rowid")},
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
        SELECT {document_rowid("meeting", "m.rowid")},
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
        SELECT {document_rowid("participant", "p.rowid")},
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
        SELECT {document_rowid("agreement", "g.rowid")},
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
        SELECT {document_rowid("tour", "t.rowid")},
               'tour', t.id, t.name, {_concat("t.summary", "p.name", _quotes("tour_id", "t.id"))}
        FROM tour t JOIN participant p ON p.id = t.principal_id""",
    "statement": f"""
        SELECT {document_rowid("statement", "s.rowid")},
               'statement', s.id, s.text, {_concat("p.name", "s.channel")}
        FROM statement s JOIN participant p ON p.id = s.speaker_id""",
    "source": f"""
        SELECT {document_rowid("source", "s.rowid")},
               'source', s.id, s.title, {_concat("s.publisher", "s.dateline")}
        FROM source s""",
    "country": f"""
        SELECT {document_rowid("country", "c.rowid")},
               'country', c.code, c.name, c.code || ' ' || c.alpha3 FROM country c""",
    "topic": f"""
        SELECT {document_rowid("topic", "t.rowid")},
               'topic', t.id, t.name, '' FROM topic t""",
}


def rebuild_search_index(connection: Connection) -> None:
    """Rebuild the full-text index from the tables, inside the caller's transaction."""
    if connection.dialect.name != "sqlite":
        return
    connection.execute(text("DELETE FROM search_index"))
    for select_documents in _DOCUMENTS.values():
        connection.execute(
            text(
                "INSERT INTO search_index (rowid, resource, record_id, title, body) "
                f"{select_documents}"
            )
        )


def matching_rowids_sql(resource: str) -> str:
    """A subquery for the rowids of the `resource` records matching the bound `:match`
    expression (made by `match_expression` without a resource: the rowid range selects it)."""
    base = resource_base(resource)
    return (
        f"SELECT rowid - {base} FROM search_index WHERE search_index MATCH :match "
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
