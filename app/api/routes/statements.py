"""`/v1/statements`: what was said, in the sources' own words, with who said it and where."""

from app.api.filters import StatementCriteria, StatementFilters
from app.api.resource import Detail, Resource
from app.models.statement import StatementDetail, StatementItem
from app.queries import evidence

STATEMENTS = Resource(
    name="statements",
    singular="statement",
    about="What participants said, in the sources' own words (direct quotes or the source's "
    "paraphrase), each with its speaker, the meeting or visit it belongs to and its "
    "citations.",
    filters=StatementFilters,
    criteria=StatementCriteria,
    listing=evidence.list_statements,
    item=StatementItem,
    list_summary="List statements, filtered, sorted and paged.",
    detail=Detail(
        model=StatementDetail,
        get=evidence.get_statement,
        summary="One statement with its citations and claims.",
        id_name="statement_id",
        id_description="Statement id.",
        id_example="2023-06-raul-castro-unilateralism-over",
    ),
)
