"""The envelope of every list response."""

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

Item = TypeVar("Item")


class FacetValue(BaseModel):
    """How many records matching the filters have one value of a field."""

    value: str | None = Field(description="The value (null: not known).", examples=["CU"])
    label: str | None = Field(description="Its name, for codes and ids.", examples=["Cuba"])
    count: int = Field(description="Records with this value.", examples=[1])


class ItemList(BaseModel, Generic[Item]):
    """One page of a list: the items, the total for the filters, and the next page's cursor."""

    items: list[Item] = Field(description="This page's records.")
    total: int = Field(
        description="How many records match the filters, over all pages (counted up to "
        "10,000 where the count is not stored: see `total_is_lower_bound`).",
        examples=[3],
    )
    total_is_lower_bound: bool = Field(
        default=False,
        description="Present (true) only when the count stopped at 10,000: at least `total` "
        "records match.",
        examples=[False],
    )
    next_cursor: str | None = Field(
        description="Cursor for the next page (also in the `Link` header); null on the last page.",
        examples=[None],
    )
    facets: dict[str, list[FacetValue]] | None = Field(
        default=None,
        description="Counts per value of each field named in `facet`, over every page, most "
        "frequent first (at most 30 values each); present only when asked for.",
        examples=[{"host_country": [{"value": "CU", "label": "Cuba", "count": 1}]}],
    )
    facets_are_lower_bounds: bool = Field(
        default=False,
        description="Present (true) only when the facets were counted over the first 10,000 "
        "matching records: each count is then a lower bound.",
        examples=[False],
    )


class SearchHit(BaseModel):
    """One search result: which record, its title and where the words were found."""

    resource: str = Field(
        description="visit, meeting, participant, agreement, tour, statement, source, country "
        "or topic.",
        examples=["meeting"],
    )
    id: str = Field(description="The record's id.", examples=["2023-06-havana-cigb-visit"])
    title: str = Field(
        description="The record's title or name.",
        examples=["Visit to the Center for Genetic Engineering and Biotechnology (CIGB)"],
    )
    snippet: str = Field(
        description="Text around the match; matched words are wrapped in <mark>…</mark>.",
        examples=["Center for Genetic Engineering and <mark>Biotechnology</mark> (CIGB)"],
    )
    score: float = Field(
        description="Relevance, from 1 to 2: 1 plus how much of the title the words found "
        "in it are (2: the title is the words searched for); ties go to the latest records.",
        examples=[2.0],
    )
