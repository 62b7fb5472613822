"""The filters of each list, as keyword arguments (`client.visits.list(host_country="CU")`).

Names are the API's query parameters, except `from` and `to` (Python keywords), spelt
`date_from` and `date_to`. Dates may be `datetime.date` or ISO strings, `updated_since` a
`datetime` or an ISO 8601 string; countries are ISO 3166-1 alpha-2 or alpha-3 in any case.
`*Criteria` are what a list and its export share (the filters and the sort); `*Filters` add
paging (`limit`, the page size; `cursor`, a page a previous response pointed to) and `facet`
(count records per value of these fields; the counts come back in `ItemList.facets`). A filter
given a list (`host_country=["CU", "NI"]`) matches records with any of its values (at most 10);
filters together match records that pass each. The server rejects an unknown or invalid value
with a 422, raised as `InvalidParameters`.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Literal, TypedDict

DateLike = dt.date | str
TimestampLike = dt.datetime | str
Format = Literal["csv", "ndjson"]
Status = Literal["signed", "agreed"]
ParticipantKind = Literal["person", "group"]
Rank = Literal["preferred", "normal", "deprecated"]
SubjectType = Literal[
    "source",
    "topic",
    "participant",
    "tour",
    "visit",
    "meeting",
    "agreement",
    "participation",
    "statement",
]
# A filter's value, or several (any of them matches).
OneOrMore = str | Sequence[str]
SearchType = Literal[
    "visit",
    "meeting",
    "participant",
    "agreement",
    "tour",
    "statement",
    "source",
    "country",
    "topic",
]


class Paging(TypedDict, total=False):
    """Page size and start, shared by every list."""

    limit: int
    cursor: str


class Criteria(TypedDict, total=False):
    """What every list can be filtered by, and `fields`: the fields each record is answered
    with (lists and downloads; the records of a page then hold those alone)."""

    updated_since: TimestampLike
    fields: Sequence[str]


class DateSpan(TypedDict, total=False):
    """Keep records whose date span overlaps `date_from`..`date_to` (either may be left out)."""

    date_from: DateLike
    date_to: DateLike


class Disputed(TypedDict, total=False):
    """`disputed=True`: records with a disputed field (sources give different values and
    none is preferred); `False`: those without."""

    disputed: bool


class Coded(TypedDict, total=False):
    """Records carrying an event code: a CAMEO code (`"057"`) or a PLOVER event type
    (`"CONSULT"`)."""

    cameo: OneOrMore
    plover: OneOrMore


class VisitCriteria(Criteria, DateSpan, Disputed, Coded, total=False):
    """Filters and sort of visits."""

    q: str
    country: OneOrMore
    visitor_country: OneOrMore
    host_country: OneOrMore
    participant: OneOrMore
    tour: OneOrMore
    topic: OneOrMore
    kind: OneOrMore
    sort: Literal[
        "start_date",
        "-start_date",
        "end_date",
        "-end_date",
        "host_country",
        "-host_country",
        "visitor_country",
        "-visitor_country",
        "city",
        "-city",
        "id",
        "-id",
    ]


class VisitFilters(VisitCriteria, Paging, total=False):
    """Parameters of `GET /v1/visits`."""

    facet: Sequence[Literal["host_country", "visitor_country", "year", "kind", "topic"]]


class MeetingCriteria(Criteria, DateSpan, Disputed, Coded, total=False):
    """Filters and sort of meetings."""

    q: str
    visit: OneOrMore
    country: OneOrMore
    visitor_country: OneOrMore
    host_country: OneOrMore
    tour: OneOrMore
    participant: OneOrMore
    topic: OneOrMore
    kind: OneOrMore
    sort: Literal["date", "-date", "id", "-id"]


class MeetingFilters(MeetingCriteria, Paging, total=False):
    """Parameters of `GET /v1/meetings`."""

    facet: Sequence[Literal["kind", "year", "topic", "host_country"]]


class AgreementCriteria(Criteria, DateSpan, Disputed, Coded, total=False):
    """Filters and sort of agreements."""

    q: str
    visit: OneOrMore
    country: OneOrMore
    participant: OneOrMore
    topic: OneOrMore
    kind: OneOrMore
    status: Status | Sequence[Status]
    sort: Literal["signed_on", "-signed_on", "count", "-count", "id", "-id"]


class AgreementFilters(AgreementCriteria, Paging, total=False):
    """Parameters of `GET /v1/agreements`."""

    facet: Sequence[Literal["kind", "status", "year", "topic", "country"]]


class ParticipantCriteria(Criteria, Disputed, total=False):
    """Filters and sort of participants."""

    q: str
    country: OneOrMore
    visit: OneOrMore
    kind: ParticipantKind | Sequence[ParticipantKind]
    external_id: OneOrMore  # scheme:id, e.g. "history-state-gov-people:100323"
    sort: Literal["name", "-name", "id", "-id"]


class ParticipantFilters(ParticipantCriteria, Paging, total=False):
    """Parameters of `GET /v1/participants`."""

    facet: Sequence[Literal["country", "kind"]]


class TourCriteria(Criteria, DateSpan, Disputed, total=False):
    """Filters and sort of tours."""

    q: str
    participant: OneOrMore
    country: OneOrMore
    sort: Literal["start_date", "-start_date", "id", "-id"]


class TourFilters(TourCriteria, Paging, total=False):
    """Parameters of `GET /v1/tours`."""

    facet: Sequence[Literal["year"]]


class CountryCriteria(Criteria, Disputed, total=False):
    """Filters and sort of countries."""

    q: str
    has_visits: bool
    sort: Literal["code", "-code", "name", "-name"]


class CountryFilters(CountryCriteria, Paging, total=False):
    """Parameters of `GET /v1/countries`."""


class TopicCriteria(Criteria, Disputed, total=False):
    """Filters and sort of topics."""

    q: str
    sort: Literal["name", "-name", "id", "-id"]


class TopicFilters(TopicCriteria, Paging, total=False):
    """Parameters of `GET /v1/topics`."""


class SourceCriteria(Criteria, Disputed, total=False):
    """Filters and sort of sources."""

    q: str
    kind: OneOrMore
    sort: Literal["published_on", "-published_on", "id", "-id"]


class SourceFilters(SourceCriteria, Paging, total=False):
    """Parameters of `GET /v1/sources`."""


class ClaimCriteria(Criteria, total=False):
    """Filters and sort of claims."""

    subject_type: SubjectType | Sequence[SubjectType]
    subject: OneOrMore
    property: OneOrMore
    rank: Rank | Sequence[Rank]
    source: OneOrMore
    disputed: bool
    sort: Literal["id", "-id"]


class ClaimFilters(ClaimCriteria, Paging, total=False):
    """Parameters of `GET /v1/claims`."""

    facet: Sequence[Literal["subject_type", "property", "rank"]]


StatementRecordType = Literal["visit", "meeting"]
StatementKind = Literal["direct_quote", "paraphrase"]
CitedType = Literal[
    "tour",
    "visit",
    "meeting",
    "agreement",
    "participation",
    "statement",
    "claim",
    "external_id",
    "event_code",
]
CitationKind = Literal["quote", "note"]


class StatementCriteria(Criteria, total=False):
    """Filters and sort of statements."""

    q: str
    source: OneOrMore
    record_type: StatementRecordType | Sequence[StatementRecordType]
    record: OneOrMore
    visit: OneOrMore
    speaker: OneOrMore
    kind: StatementKind | Sequence[StatementKind]
    disputed: bool
    sort: Literal["id", "-id"]


class StatementFilters(StatementCriteria, Paging, total=False):
    """Parameters of `GET /v1/statements`."""

    facet: Sequence[Literal["kind", "record_type", "speaker"]]


class CitationCriteria(Criteria, total=False):
    """Filters and sort of citations."""

    source: OneOrMore
    record_type: CitedType | Sequence[CitedType]
    record: OneOrMore
    kind: CitationKind | Sequence[CitationKind]
    sort: Literal["id", "-id"]


class CitationFilters(CitationCriteria, Paging, total=False):
    """Parameters of `GET /v1/citations`."""

    facet: Sequence[Literal["kind", "record_type", "source"]]
