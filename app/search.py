"""Full-text search: the one seam between the rest of the service and the search engine.

On SQLite this is an FTS5 table (`search_index`, made by the migrations) whose tokenizer
folds case and diacritics. Every load rebuilds it inside the load's transaction. Another
database replaces the functions here and nothing else.
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


# One SELECT per resource producing (resource, record_id, title, body).
_DOCUMENTS = {
    "visit": f"""
        SELECT 'visit', v.id,
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
        SELECT 'meeting', m.id, m.title,
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
        SELECT 'participant', p.id, coalesce(p.name, p.description, p.id),
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
        SELECT 'agreement', g.id, coalesce(g.title, replace(g.kind, '_', ' ')),
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
        SELECT 'tour', t.id, t.name, {_concat("t.summary", "p.name", _quotes("tour_id", "t.id"))}
        FROM tour t JOIN participant p ON p.id = t.principal_id""",
    "statement": f"""
        SELECT 'statement', s.id, s.text, {_concat("p.name", "s.channel")}
        FROM statement s JOIN participant p ON p.id = s.speaker_id""",
    "source": f"""
        SELECT 'source', s.id, s.title, {_concat("s.publisher", "s.dateline")}
        FROM source s""",
    "country": """
        SELECT 'country', c.code, c.name, c.code || ' ' || c.alpha3 FROM country c""",
    "topic": """
        SELECT 'topic', t.id, t.name, '' FROM topic t""",
}


def rebuild_search_index(connection: Connection) -> None:
    """Rebuild the full-text index from the tables, inside the caller's transaction."""
    if connection.dialect.name != "sqlite":
        return
    connection.execute(text("DELETE FROM search_index"))
    for select_documents in _DOCUMENTS.values():
        connection.execute(
            text(f"INSERT INTO search_index (resource, record_id, title, body) {select_documents}")
        )


# Ids of the records matching the bound `:match` expression (see `match_expression`).
MATCHING_IDS_SQL = "SELECT record_id FROM search_index WHERE search_index MATCH :match"


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
