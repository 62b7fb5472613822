"""`/v1/citations`: the link from each record to the words of a source that support it."""

from app.api.filters import CitationCriteria, CitationFilters
from app.api.resource import Detail, Resource
from app.models.citation import CitationItem
from app.queries import evidence

CITATIONS = Resource(
    name="citations",
    singular="citation",
    about="Every citation: the record it supports (type and id), the source, and the "
    "source's exact words (`quote`) or, where its text is not held, a restatement (`note`).",
    filters=CitationFilters,
    criteria=CitationCriteria,
    listing=evidence.list_citations,
    item=CitationItem,
    list_summary="List citations, filtered, sorted and paged.",
    detail=Detail(
        model=CitationItem,
        get=evidence.get_citation,
        summary="One citation.",
        id_name="citation_id",
        id_description="Citation id.",
        id_example="meeting:2023-06-15-havana-raisi-diaz-canel-talks:a066d7f316",
    ),
)
