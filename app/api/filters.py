"""Query parameters of every list, one model per endpoint; unknown parameters are a 422."""

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import core_schema

from app.api.formats import Format
from app.codes import CAMEO, PLOVER
from app.countries import code_pattern, lookup_country
from app.models.citation import CitationKind, CitedType
from app.models.claim import Rank, SubjectType
from app.models.external_id import ID_PATTERNS
from app.queries import (
    agreements,
    claims,
    evidence,
    meetings,
    participants,
    tours,
    visits,
    vocabularies,
)
from app.queries.listing import Listing

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SLUG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$"


# JSON Schema patterns (ECMA-262 with Unicode, as validators read them) that say exactly what
# each check below accepts, so a schema-valid value is never refused.
COUNTRY_CODE_PATTERN = re.compile(code_pattern())
COUNTRY_CODE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": COUNTRY_CODE_PATTERN.pattern,
    "description": "An ISO 3166-1 alpha-2 or alpha-3 code, any case (CU, cub, IRN).",
    "examples": ["CU"],
}
# Any letter or digit: `q` with none of them holds nothing to search for (a 422). This is
# what `app.search` counts as a word, except for letters newer than Python's Unicode tables.
SEARCHABLE_PATTERN = r"[\p{L}\p{N}]"


def _country_code(value: str) -> str:
    country = lookup_country(value) if COUNTRY_CODE_PATTERN.fullmatch(value) else None
    if country is None:
        raise ValueError(f"unknown country code {value!r}; use ISO 3166-1 alpha-2 or alpha-3")
    return country.code


def _iso_date(value: Any) -> Any:
    # Only YYYY-MM-DD: pydantic alone would also take numbers as Unix timestamps.
    if isinstance(value, str) and not ISO_DATE.match(value):
        raise ValueError("use an ISO 8601 date, YYYY-MM-DD")
    return value


def _iso_timestamp(value: Any) -> Any:
    if isinstance(value, str) and not ISO_DATE.match(value[:10]):
        raise ValueError("use an ISO 8601 date-time, e.g. 2023-06-16T00:00:00Z")
    return value


def _utc(moment: dt.datetime) -> dt.datetime:
    if not moment.tzinfo:
        return moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before the first representable instant
        raise ValueError("out of range once converted to UTC (years 1 to 9999)") from None


def _facets(values: list[str]) -> list[str]:
    # `facet=a,b` and `facet=a&facet=b` mean the same; spaces around a name are allowed.
    return list(dict.fromkeys(name.strip(" ") for value in values for name in value.split(",")))


def facet_items(allowed: tuple[str, ...]) -> dict[str, Any]:
    """The schema of one `facet` value: a known name, or several separated by commas."""
    name = "|".join(allowed)
    return {"items": {"type": "string", "pattern": f"^ *(?:{name}) *(?:, *(?:{name}) *)*$"}}


IsoTimestamp = Annotated[dt.datetime, BeforeValidator(_iso_timestamp), AfterValidator(_utc)]
Facets = Annotated[list[str], AfterValidator(_facets)]


def facet_field(allowed: tuple[str, ...], example: str) -> Any:
    """The `facet` parameter of a list whose records can be counted by the fields `allowed`."""
    return Field(
        default_factory=list,
        description="Count records per value of these fields, over every page: "
        + ", ".join(allowed)
        + " (comma-separated or repeated).",
        json_schema_extra=facet_items(allowed),
        examples=[[example]],
    )


def known_facets(allowed: tuple[str, ...]) -> Any:
    """The validator refusing a facet not in `allowed` (a model's `_known_facets`)."""

    def check(cls: type[BaseModel], names: list[str]) -> list[str]:
        unknown = [name for name in names if name not in allowed]
        if unknown:
            raise ValueError(f"unknown facet {unknown[0]!r}; use {', '.join(allowed)}")
        return names

    return field_validator("facet")(classmethod(check))


CountryCode = Annotated[
    str,
    Field(min_length=2, max_length=3),
    AfterValidator(_country_code),
    # One shared component (`main` adds it to the document) rather than the long pattern
    # repeated on every country parameter.
    WithJsonSchema({"$ref": "#/components/schemas/CountryCode"}),
]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
RecordId = Annotated[str, Field(pattern=SLUG_PATTERN)]


def country_param(description: str, example: str) -> Any:
    """A country filter: alpha-2 or alpha-3, any case."""
    return Field(
        default=None,
        description=f"{description} ISO 3166-1 alpha-2 or alpha-3, any case.",
        examples=[example],
    )


# A filter that takes several values takes at most this many in one parameter
# (comma-separated), and the parameter at most this many times: both limits are in the schema
# (`pattern`, `maxItems`), so that what it allows is what the API takes.
MAX_VALUES = 10


@dataclass(frozen=True, eq=False)
class Several:
    """A filter's type taking several values of type `single`, comma-separated
    (`host_country=CU,NI`) or repeated (`host_country=CU&host_country=NI`), any of which a
    record may match: `Annotated[list[str], Several(...)]`. Each value is checked as one would
    be (a bad one is named); repeats and order do not matter. `items` is the schema of one
    parameter's value (several values, comma-separated); the pages' forms offer `single`'s
    control."""

    single: Any
    items: dict[str, Any]

    @functools.cached_property
    def _check(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.single)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Split and check the values, then validate the list."""
        return core_schema.no_info_before_validator_function(self._values, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        """An array of strings, each one or several values, comma-separated."""
        return {"type": "array", "items": self.items, "maxItems": MAX_VALUES}

    def _values(self, given: Any) -> Any:
        if isinstance(given, str):
            given = [given]
        if not isinstance(given, list | tuple):
            return given
        if len(given) > MAX_VALUES:
            raise ValueError(f"given {len(given)} times; give it at most {MAX_VALUES} times")
        parts: list[Any] = []
        for value in given:
            if isinstance(value, str):
                split = value.split(",")
                if len(split) > MAX_VALUES:
                    raise ValueError(f"at most {MAX_VALUES} values in one, comma-separated")
                parts += split
            else:
                parts.append(value)
        checked = []
        for value in parts:
            try:
                checked.append(self._check.validate_python(value))
            except ValidationError as error:
                message = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
                if repr(value) not in message:
                    message = f"{value!r}: {message}"
                raise ValueError(message) from None
        return sorted(dict.fromkeys(checked))


def comma_separated(pattern: str) -> dict[str, Any]:
    """The schema of one parameter's value: values matching `pattern`, comma-separated."""
    part = pattern.removeprefix("^").removesuffix("$")
    return {"type": "string", "pattern": f"^(?:{part})(?:,(?:{part})){{0,{MAX_VALUES - 1}}}$"}


def _one_of(values: Any) -> str:
    """A pattern matching exactly `values` (a Literal's or a tuple)."""
    options = get_args(values) or values
    return "|".join(re.escape(str(value)) for value in options)


def any_of(description: str, example: str) -> Any:
    """A filter's field taking several values (`several`): any of them matches."""
    return Field(
        default=None,
        description=f"{description} Several values, comma-separated or repeated, match any "
        f"of them (at most {MAX_VALUES} in one parameter, given at most {MAX_VALUES} times).",
        examples=[[example]],
    )


# The schema's component (added by app/api/openapi.py) for a list of country codes: the long
# pattern once rather than on every country parameter.
COUNTRY_CODES_SCHEMA: dict[str, Any] = {
    **comma_separated(COUNTRY_CODE_PATTERN.pattern),
    "description": "ISO 3166-1 alpha-2 or alpha-3 codes, any case, comma-separated (CU,nic).",
    "examples": ["CU,NI"],
}
CountryCodes = Annotated[
    list[str], Several(CountryCode, {"$ref": "#/components/schemas/CountryCodes"})
]
RecordIds = Annotated[list[str], Several(RecordId, comma_separated(SLUG_PATTERN))]
Kinds = Annotated[
    list[str],
    Several(Annotated[str, Field(min_length=1, max_length=40)], comma_separated("[^,]{1,40}")),
]


def countries_param(description: str, example: str) -> Any:
    """A country filter: alpha-2 or alpha-3, any case, one or several."""
    return any_of(f"{description} ISO 3166-1 alpha-2 or alpha-3, any case.", example)


@dataclass(frozen=True, eq=False)
class Sorts:
    """The type of a list's `sort`: a sort of its `Listing` (the one place a resource's sorts
    are declared), `-` before it for descending."""

    listing: Listing

    @property
    def names(self) -> tuple[str, ...]:
        """Every value `sort` takes, each order ascending then descending."""
        return tuple(value for name in self.listing.sort_columns for value in (name, f"-{name}"))

    @property
    def form_type(self) -> Any:
        """The same values as a Literal (the pages' forms offer them in a select)."""
        return Literal[self.names]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """One of `names`, as a Literal of them would be checked (and documented)."""
        return core_schema.literal_schema(list(self.names))


def sort_field(listing: Listing) -> Any:
    """The `sort` parameter of the list `listing` reads (its type: `Sorts(listing)`)."""
    return Field(
        default=listing.default_sort,
        description="Sort field; `-` for descending. The id breaks ties.",
        examples=[listing.default_sort],
    )


PAGING_FIELDS = {"limit", "cursor", "sort", "format", "fields"}  # `fields`: app/api/fields.py


class Criteria(BaseModel):
    """What every list can be filtered by; unknown parameters are errors."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    updated_since: IsoTimestamp | None = Field(
        default=None,
        description="Only records changed at or after this time (ISO 8601; UTC if no offset).",
        examples=["2023-06-16T00:00:00Z"],
    )

    def criteria(self) -> dict[str, Any]:
        """The filters alone (no paging, sort or format), keyed as the query layer expects."""
        return self.model_dump(exclude=PAGING_FIELDS, by_alias=False)


class Paging(BaseModel):
    """Paging and format, shared by every list."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    limit: int = Field(
        default=50, ge=1, le=500, description="Items per page (1–500).", examples=[50]
    )
    cursor: str | None = Field(
        default=None,
        max_length=1000,
        description="Opaque cursor from a previous page's `next_cursor` (or `Link` header).",
        examples=[None],
    )
    format: Format | None = Field(
        default=None,
        description="json (default), csv or ndjson; or ask with the Accept header.",
        examples=["csv"],
    )


class SearchableCriteria(Criteria):
    """A list whose records can be found by words."""

    q: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="Words to find (case- and accent-insensitive, each word as a prefix); "
        "at least one letter or digit.",
        examples=["diaz canel"],
        json_schema_extra={"pattern": SEARCHABLE_PATTERN},
    )


class DisputedParams(BaseModel):
    """`disputed=`: keep records with (or without) a disputed property."""

    disputed: bool | None = Field(
        default=None,
        description="true: only records with a disputed property (two or more different "
        "values among its claims not deprecated, and none preferred); false: only those "
        "without.",
        examples=[True],
    )


def _code(scheme: str, known: dict[str, str]) -> Any:
    def check(value: str) -> str:
        if value not in known:
            raise ValueError(f"unknown {scheme} code {value!r}; use one of {', '.join(known)}")
        return value

    return AfterValidator(check)


# The schema lists the known codes (a schema-valid value is never refused); the check names
# an unknown one and lists them.
CameoCode = Annotated[
    str, Field(max_length=10, json_schema_extra={"enum": list(CAMEO)}), _code("CAMEO", CAMEO)
]
PloverType = Annotated[
    str, Field(max_length=20, json_schema_extra={"enum": list(PLOVER)}), _code("PLOVER", PLOVER)
]


CameoCodes = Annotated[list[str], Several(CameoCode, comma_separated(_one_of(tuple(CAMEO))))]
PloverTypes = Annotated[list[str], Several(PloverType, comma_separated(_one_of(tuple(PLOVER))))]


class CodedParams(BaseModel):
    """`cameo=`, `plover=`: keep records carrying an event code."""

    cameo: CameoCodes | None = any_of(
        "Only records with this CAMEO code (042 make a visit, 057 sign formal agreement, ...).",
        "057",
    )
    plover: PloverTypes | None = any_of(
        "Only records with this PLOVER event type (CONSULT, SUPPORT, AGREE, ...).", "CONSULT"
    )


class DateSpanParams(BaseModel):
    """`from`/`to`: keep records whose date span overlaps the range."""

    date_from: IsoDate | None = Field(
        default=None,
        alias="from",
        description="Keep records whose dates overlap a range starting on this day (YYYY-MM-DD).",
        examples=["2023-06-01"],
    )
    date_to: IsoDate | None = Field(
        default=None,
        alias="to",
        description="Keep records whose dates overlap a range ending on this day (YYYY-MM-DD).",
        examples=["2023-06-30"],
    )

    @field_validator("date_to")
    @classmethod
    def _not_before_from(cls, date_to: dt.date | None, info: ValidationInfo) -> dt.date | None:
        date_from = info.data.get("date_from")
        if date_from and date_to and date_to < date_from:
            raise ValueError("'to' is before 'from'")
        return date_to


class VisitCriteria(SearchableCriteria, DisputedParams, CodedParams, DateSpanParams):
    """What `GET /v1/visits` can be filtered and sorted by."""

    country: CountryCodes | None = countries_param("Visitor's or host's country.", "CU")
    visitor_country: CountryCodes | None = countries_param("Visitor's country.", "IR")
    host_country: CountryCodes | None = countries_param("Host country.", "CU")
    participant: RecordIds | None = any_of(
        "Participant id: the visitor or anyone who took part.", "ebrahim-raisi"
    )
    tour: RecordIds | None = any_of("Tour id.", "2023-06-raisi-latin-america")
    topic: RecordIds | None = any_of("Topic id.", "biotechnology")
    kind: Kinds | None = any_of("Visit kind (state, official, ...).", "official")
    sort: Annotated[str, Sorts(visits.list_visits)] = sort_field(visits.list_visits)


class VisitFilters(VisitCriteria, Paging):
    """Filters of `GET /v1/visits`."""

    facet: Facets = facet_field(visits.list_visits.facets, example="host_country")
    _known_facets = known_facets(visits.list_visits.facets)


class MeetingCriteria(SearchableCriteria, DisputedParams, CodedParams, DateSpanParams):
    """What `GET /v1/meetings` can be filtered and sorted by."""

    visit: RecordIds | None = any_of("Visit id.", "2023-06-raisi-cuba")
    country: CountryCodes | None = countries_param("Visitor's or host's country.", "CU")
    visitor_country: CountryCodes | None = countries_param("Visitor's country.", "IR")
    host_country: CountryCodes | None = countries_param("Host country.", "CU")
    tour: RecordIds | None = any_of("Tour id.", "2023-06-raisi-latin-america")
    participant: RecordIds | None = any_of("Participant id.", "miguel-diaz-canel")
    topic: RecordIds | None = any_of("Topic id.", "biotechnology")
    kind: Kinds | None = any_of(
        "Meeting kind (bilateral_talks, signing_ceremony, ...).", "bilateral_talks"
    )
    sort: Annotated[str, Sorts(meetings.list_meetings)] = sort_field(meetings.list_meetings)


class MeetingFilters(MeetingCriteria, Paging):
    """Filters of `GET /v1/meetings`."""

    facet: Facets = facet_field(meetings.list_meetings.facets, example="kind")
    _known_facets = known_facets(meetings.list_meetings.facets)


AgreementStatus = Literal["signed", "agreed"]
Statuses = Annotated[
    list[AgreementStatus], Several(AgreementStatus, comma_separated(_one_of(AgreementStatus)))
]


class AgreementCriteria(SearchableCriteria, DisputedParams, CodedParams, DateSpanParams):
    """What `GET /v1/agreements` can be filtered and sorted by."""

    visit: RecordIds | None = any_of("Visit id.", "2023-06-raisi-cuba")
    country: CountryCodes | None = countries_param("A party's country.", "IR")
    participant: RecordIds | None = any_of(
        "A signatory's participant id.", "hossein-amir-abdollahian"
    )
    topic: RecordIds | None = any_of("Topic id.", "nanotechnology")
    kind: Kinds | None = any_of(
        "cooperation_document, memorandum_of_understanding, joint_commission, ...",
        "cooperation_document",
    )
    status: Statuses | None = any_of("signed or agreed.", "signed")
    sort: Annotated[str, Sorts(agreements.list_agreements)] = sort_field(agreements.list_agreements)


class AgreementFilters(AgreementCriteria, Paging):
    """Filters of `GET /v1/agreements`."""

    facet: Facets = facet_field(agreements.list_agreements.facets, example="kind")
    _known_facets = known_facets(agreements.list_agreements.facets)


def _external_id(value: str) -> str:
    scheme, _, found = value.partition(":")
    if scheme not in ID_PATTERNS:
        raise ValueError(
            f"unknown register {scheme!r}; use scheme:id with one of {', '.join(ID_PATTERNS)}"
        )
    if not re.fullmatch(ID_PATTERNS[scheme], found):
        raise ValueError(f"{found!r} is not a {scheme} id")
    return value


# `scheme:id` for each register, as one pattern the schema shows.
EXTERNAL_ID_PATTERN = (
    "^(?:"
    + "|".join(
        f"{scheme}:{pattern.removeprefix('^').removesuffix('$')}"
        for scheme, pattern in ID_PATTERNS.items()
    )
    + ")$"
)
ExternalIdParam = Annotated[
    str,
    Field(max_length=140, json_schema_extra={"pattern": EXTERNAL_ID_PATTERN}),
    AfterValidator(_external_id),
]

ExternalIds = Annotated[list[str], Several(ExternalIdParam, comma_separated(EXTERNAL_ID_PATTERN))]
ParticipantKind = Literal["person", "group"]
ParticipantKinds = Annotated[
    list[ParticipantKind], Several(ParticipantKind, comma_separated(_one_of(ParticipantKind)))
]


class ParticipantCriteria(SearchableCriteria, DisputedParams):
    """What `GET /v1/participants` can be filtered and sorted by."""

    country: CountryCodes | None = countries_param("Country the participant represents.", "IR")
    visit: RecordIds | None = any_of("Took part in this visit.", "2023-06-raisi-cuba")
    kind: ParticipantKinds | None = any_of("person or group.", "person")
    external_id: ExternalIds | None = any_of(
        "An id in another register, as `scheme:id`: wikidata:Q..., viaf:..., "
        "history-state-gov-people:....",
        "history-state-gov-people:100323",
    )
    sort: Annotated[str, Sorts(participants.list_participants)] = sort_field(
        participants.list_participants
    )


class ParticipantFilters(ParticipantCriteria, Paging):
    """Filters of `GET /v1/participants`."""

    facet: Facets = facet_field(participants.list_participants.facets, example="country")
    _known_facets = known_facets(participants.list_participants.facets)


class TourCriteria(SearchableCriteria, DisputedParams, DateSpanParams):
    """What `GET /v1/tours` can be filtered and sorted by."""

    participant: RecordIds | None = any_of("The principal's participant id.", "ebrahim-raisi")
    country: CountryCodes | None = countries_param("A country visited (or the visitor's).", "NI")
    sort: Annotated[str, Sorts(tours.list_tours)] = sort_field(tours.list_tours)


class TourFilters(TourCriteria, Paging):
    """Filters of `GET /v1/tours`."""

    facet: Facets = facet_field(tours.list_tours.facets, example="year")
    _known_facets = known_facets(tours.list_tours.facets)


class CountryCriteria(SearchableCriteria, DisputedParams):
    """What `GET /v1/countries` can be filtered and sorted by."""

    has_visits: bool | None = Field(
        default=None, description="Only countries that made or hosted a visit.", examples=[True]
    )
    sort: Annotated[str, Sorts(vocabularies.list_countries)] = sort_field(
        vocabularies.list_countries
    )


class CountryFilters(CountryCriteria, Paging):
    """Filters of `GET /v1/countries`."""


class TopicCriteria(SearchableCriteria, DisputedParams):
    """What `GET /v1/topics` can be filtered and sorted by."""

    sort: Annotated[str, Sorts(vocabularies.list_topics)] = sort_field(vocabularies.list_topics)


class TopicFilters(TopicCriteria, Paging):
    """Filters of `GET /v1/topics`."""


class SourceCriteria(SearchableCriteria, DisputedParams):
    """What `GET /v1/sources` can be filtered and sorted by."""

    kind: Kinds | None = any_of("news_article, dataset, ...", "news_article")
    sort: Annotated[str, Sorts(vocabularies.list_sources)] = sort_field(vocabularies.list_sources)


class SourceFilters(SourceCriteria, Paging):
    """Filters of `GET /v1/sources`."""


SubjectTypes = Annotated[
    list[SubjectType], Several(SubjectType, comma_separated(_one_of(SubjectType)))
]
Ranks = Annotated[list[Rank], Several(Rank, comma_separated(_one_of(Rank)))]
Properties = Annotated[
    list[str],
    Several(
        Annotated[str, Field(max_length=60, pattern=r"^[a-z_]+$")], comma_separated("[a-z_]{1,60}")
    ),
]


class ClaimCriteria(Criteria):
    """What `GET /v1/claims` can be filtered and sorted by."""

    subject_type: SubjectTypes | None = any_of("The subject's record type.", "agreement")
    subject: RecordIds | None = any_of(
        "The subject's id.", "2023-06-15-iran-cuba-memorandum-of-understanding"
    )
    property: Properties | None = any_of(
        "The subject's field (count, name, topics, host_country, ...).", "count"
    )
    rank: Ranks | None = any_of("preferred, normal or deprecated.", "normal")
    source: RecordIds | None = any_of(
        "Only claims citing this source (its id).", "telesur-2023-06-15-cuba-iran-six-agreements"
    )
    disputed: bool | None = Field(
        default=None,
        description="true: only claims whose subject's property is disputed; false: only "
        "the others.",
        examples=[True],
    )
    sort: Annotated[str, Sorts(claims.list_claims)] = sort_field(claims.list_claims)


class ClaimFilters(ClaimCriteria, Paging):
    """Filters of `GET /v1/claims`."""

    facet: Facets = facet_field(claims.list_claims.facets, example="property")
    _known_facets = known_facets(claims.list_claims.facets)


StatementRecordType = Literal["visit", "meeting"]
StatementRecordTypes = Annotated[
    list[StatementRecordType],
    Several(StatementRecordType, comma_separated(_one_of(StatementRecordType))),
]
StatementKind = Literal["direct_quote", "paraphrase"]
StatementKinds = Annotated[
    list[StatementKind], Several(StatementKind, comma_separated(_one_of(StatementKind)))
]


class StatementCriteria(SearchableCriteria, DisputedParams):
    """What `GET /v1/statements` can be filtered and sorted by."""

    source: RecordIds | None = any_of(
        "Only statements reported by this source (its id).", "tdi-2023-06-16-raisi-havana"
    )
    record_type: StatementRecordTypes | None = any_of(
        "meeting: statements made at a meeting; visit: those made during a visit at no one "
        "meeting.",
        "meeting",
    )
    record: RecordIds | None = any_of(
        "The id of the record a statement belongs to: its meeting, or its visit when it was "
        "made at no meeting.",
        "2023-06-havana-raisi-raul-castro-meeting",
    )
    visit: RecordIds | None = any_of(
        "Visit id: every statement made during the visit, at its meetings too.",
        "2023-06-raisi-cuba",
    )
    speaker: RecordIds | None = any_of("The speaker's participant id.", "raul-castro")
    kind: StatementKinds | None = any_of("direct_quote or paraphrase.", "direct_quote")
    sort: Annotated[str, Sorts(evidence.list_statements)] = sort_field(evidence.list_statements)


class StatementFilters(StatementCriteria, Paging):
    """Filters of `GET /v1/statements`."""

    facet: Facets = facet_field(evidence.list_statements.facets, example="kind")
    _known_facets = known_facets(evidence.list_statements.facets)


CitedTypes = Annotated[list[CitedType], Several(CitedType, comma_separated(_one_of(CitedType)))]
CitationKinds = Annotated[
    list[CitationKind], Several(CitationKind, comma_separated(_one_of(CitationKind)))
]


class CitationCriteria(Criteria):
    """What `GET /v1/citations` can be filtered and sorted by."""

    source: RecordIds | None = any_of(
        "Only citations of this source (its id).", "telesur-2023-06-15-cuba-iran-six-agreements"
    )
    record_type: CitedTypes | None = any_of(
        "The type of the record cited for: tour, visit, meeting, agreement, participation, "
        "statement, claim, external_id or event_code.",
        "agreement",
    )
    record: RecordIds | None = any_of(
        "The id of the record cited for.", "2023-06-15-iran-cuba-cooperation-documents"
    )
    kind: CitationKinds | None = any_of(
        "quote (the source's exact words) or note (a restatement).", "quote"
    )
    sort: Annotated[str, Sorts(evidence.list_citations)] = sort_field(evidence.list_citations)


class CitationFilters(CitationCriteria, Paging):
    """Filters of `GET /v1/citations`."""

    facet: Facets = facet_field(evidence.list_citations.facets, example="record_type")
    _known_facets = known_facets(evidence.list_citations.facets)


class VisitPartParams(Paging):
    """Paging of a visit's parts (`/v1/visits/{id}/meetings`, ...)."""


class NoParams(BaseModel):
    """An operation that takes no query parameters."""

    model_config = ConfigDict(extra="forbid")


class OnePageParams(BaseModel):
    """A list that always fits on one page takes only a format (no limit, no cursor)."""

    model_config = ConfigDict(extra="forbid")

    format: Format | None = Field(
        default=None,
        description="json (default), csv or ndjson; or ask with the Accept header.",
        examples=["csv"],
    )


class SearchParams(Paging):
    """Parameters of `GET /v1/search`."""

    q: str = Field(
        min_length=1,
        max_length=500,
        description="Words to find in every resource (case- and accent-insensitive prefixes); "
        "at least one letter or digit.",
        examples=["biotech"],
        json_schema_extra={"pattern": SEARCHABLE_PATTERN},
    )
    type: (
        Literal[
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
        | None
    ) = Field(default=None, description="Only results of this resource type.", examples=["meeting"])
