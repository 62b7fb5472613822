"""What full-text search finds: each searchable record's document, a title and a body.

The index itself is the engine's (`app.storage.search_index` writes it, a reader's `search`
reads it: FTS5 on SQLite). This module says what text each resource's document holds, in
SQL every engine runs, with the reader's dialect for string aggregation.
"""

from app.storage import FIELD_SEPARATOR, Dialect, DocumentsSql

# Fields of a body stay apart, so that a snippet shows one of them (app/storage/snippets.py).
_APART = f"'{FIELD_SEPARATOR}'"


def _concat(*parts: str) -> str:
    return f" || {_APART} || ".join(f"coalesce({p}, '')" for p in parts)


def _documents(dialect: Dialect) -> dict[str, tuple[str, str, str, str]]:
    """Per resource: its table (aliased `r`) with any joins, the record id, title and body."""
    joined = dialect.joined

    def quotes(column: str) -> str:
        return (
            f"(SELECT {joined('coalesce(quote, note)', FIELD_SEPARATOR)} FROM citation "
            f"WHERE citation.{column} = r.id)"
        )

    def participant_names(where: str) -> str:
        aliases = (
            f"(SELECT {joined('alias', FIELD_SEPARATOR)} FROM participant_alias a "
            "WHERE a.participant_id = p.id)"
        )
        named = _concat("p.name", "p.description", aliases)
        return (
            f"(SELECT {joined(named, FIELD_SEPARATOR)} FROM participation pa "
            f"JOIN participant p ON p.id = pa.participant_id WHERE {where})"
        )

    def topic_names(link: str, column: str) -> str:
        return (
            f"(SELECT {joined('t.name', FIELD_SEPARATOR)} FROM {link} l "
            "JOIN topic t ON t.id = l.topic_id "
            f"WHERE l.{column} = r.id)"
        )

    meeting_text = _concat("m.title", "m.venue")
    return {
        "visit": (
            "visit r JOIN participant p ON p.id = r.visitor_id "
            "JOIN country vc ON vc.code = r.visitor_country_code "
            "JOIN country hc ON hc.code = r.host_country_code",
            "r.id",
            "coalesce(p.name, '') || ' visit to ' || hc.name",
            _concat(
                "r.city",
                "r.summary",
                "r.kind",
                "vc.name",
                "hc.name",
                participant_names("pa.visit_id = r.id"),
                topic_names("visit_topic", "visit_id"),
                f"(SELECT {joined(meeting_text, FIELD_SEPARATOR)} FROM meeting m "
                "WHERE m.visit_id = r.id)",
                quotes("visit_id"),
            ),
        ),
        "meeting": (
            "meeting r",
            "r.id",
            "r.title",
            _concat(
                "r.venue",
                "r.city",
                "r.summary",
                "r.kind",
                participant_names("pa.meeting_id = r.id"),
                topic_names("meeting_topic", "meeting_id"),
                quotes("meeting_id"),
            ),
        ),
        "participant": (
            "participant r LEFT JOIN country c ON c.code = r.country_code",
            "r.id",
            "coalesce(r.name, r.description, r.id)",
            _concat(
                "r.description",
                "c.name",
                f"(SELECT {joined('alias', FIELD_SEPARATOR)} FROM participant_alias a "
                "WHERE a.participant_id = r.id)",
            ),
        ),
        "agreement": (
            "agreement r",
            "r.id",
            "coalesce(r.title, replace(r.kind, '_', ' '))",
            _concat(
                "r.summary",
                "replace(r.kind, '_', ' ')",
                f"(SELECT {joined('c.name', FIELD_SEPARATOR)} FROM agreement_party ap "
                "JOIN country c ON c.code = ap.country_code WHERE ap.agreement_id = r.id)",
                topic_names("agreement_topic", "agreement_id"),
                quotes("agreement_id"),
            ),
        ),
        "tour": (
            "tour r JOIN participant p ON p.id = r.principal_id",
            "r.id",
            "r.name",
            _concat("r.summary", "p.name", quotes("tour_id")),
        ),
        "statement": (
            "statement r JOIN participant p ON p.id = r.speaker_id",
            "r.id",
            "r.text",
            _concat("p.name", "r.channel"),
        ),
        "source": ("source r", "r.id", "r.title", _concat("r.publisher", "r.dateline")),
        "country": ("country r", "r.code", "r.name", _concat("r.code", "r.alpha3")),
        "topic": ("topic r", "r.id", "r.name", "''"),
    }


def documents_sql(dialect: Dialect) -> DocumentsSql:
    """The documents of a resource, for the engine's index (`app.storage.DocumentsSql`)."""
    documents = _documents(dialect)

    def select(resource: str, columns: str, where: str) -> str:
        tables, record_id, title, body = documents[resource]
        return (
            f"SELECT {record_id} AS record_id, {title} AS title, {body} AS body, {columns} "
            f"FROM {tables} WHERE {where}"
        )

    return select
