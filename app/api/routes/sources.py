"""`/v1/sources`: the documents every fact is taken from."""

from app.api.filters import SourceCriteria, SourceFilters
from app.api.resource import Detail, Resource
from app.models.source import SourceDetail, SourcePublic
from app.queries import vocabularies

SOURCES = Resource(
    name="sources",
    singular="source",
    about="The documents every fact is cited from.",
    filters=SourceFilters,
    criteria=SourceCriteria,
    listing=vocabularies.list_sources,
    item=SourcePublic,
    list_summary="List sources with how many citations point to each.",
    detail=Detail(
        model=SourceDetail,
        get=vocabularies.get_source,
        summary="One source with its full text where the project holds it.",
        id_name="source_id",
        id_description="Source id.",
        id_example="tdi-2023-06-16-raisi-havana",
    ),
)
