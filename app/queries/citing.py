"""Citations fetched for a whole response at once: every record shaped for one response takes
its (still empty) list from one `Citations`, and one query fills them all when the response
is complete.
"""

from typing import Any

from app.models.citation import CITED_COLUMNS
from app.storage import Dialect, Reader

# The cited records whose responses embed their citations, by record type: every cited column
# but `event_code_id` (an event-code override is embedded as its code alone; its citations are
# listed at /v1/citations).
CITED = {
    column.removesuffix("_id"): column for column in CITED_COLUMNS if column != "event_code_id"
}


def _citations_sql(dialect: Dialect) -> str:
    # One branch per kind of cited record (an OR of the conditions was planned as a
    # multi-index OR that re-read every id list per candidate row: 6x slower for one visit).
    return (
        " UNION ALL ".join(
            f"SELECT '{kind}' AS kind, c.{column} AS subject_id, c.id AS citation_id, "
            "c.quote, c.note, s.id AS source_id, s.title AS source_title, "
            "s.publisher AS source_publisher, s.url AS source_url "
            f"FROM citation c JOIN source s ON s.id = c.source_id "
            f"WHERE c.{column} {dialect.in_list(kind)}"
            for kind, column in CITED.items()
        )
        + " ORDER BY citation_id"
    )


class Citations:
    """The citation lists of the records in one response, filled by one query (`fill`)."""

    def __init__(self) -> None:
        self._wanted: dict[str, dict[str, list[dict[str, Any]]]] = {kind: {} for kind in CITED}

    def of(self, kind: str, record_id: str) -> list[dict[str, Any]]:
        """The list that will hold the citations of one record (empty until `fill`)."""
        return self._wanted[kind].setdefault(record_id, [])

    def fill(self, db: Reader) -> None:
        """Read every asked-for record's citations, in a stable order, into its list."""
        if not any(self._wanted.values()):
            return
        params = {kind: db.dialect.list_param(wanted) for kind, wanted in self._wanted.items()}
        for row in db.rows(_citations_sql(db.dialect), params):
            citation = {
                "id": row["citation_id"],
                "source": {
                    "id": row["source_id"],
                    "title": row["source_title"],
                    "publisher": row["source_publisher"],
                    "url": row["source_url"],
                },
                "quote": row["quote"],
                "note": row["note"],
            }
            self._wanted[row["kind"]][row["subject_id"]].append(citation)
