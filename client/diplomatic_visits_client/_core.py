"""What the sync and async clients share: endpoints, parameters, decoding and errors.

Nothing here does I/O; `aio.py` (and `sync.py`, made from it) send the requests.
"""

import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Generic, Protocol, Self, TypeVar, get_args
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from diplomatic_visits_client._version import __version__
from diplomatic_visits_client.errors import (
    ApiError,
    InvalidParameters,
    NotFound,
    RateLimited,
    ServerError,
    ServiceUnavailable,
    Timeout,
    TransportError,
    UnexpectedResponse,
)
from diplomatic_visits_client.filters import Format
from diplomatic_visits_client.models import (
    AgreementDetail,
    CitationItem,
    ClaimPublic,
    CountryDetail,
    ItemListAgreementPublic,
    ItemListCitationItem,
    ItemListClaimPublic,
    ItemListCountryPublic,
    ItemListMeetingPublic,
    ItemListParticipantPublic,
    ItemListSourcePublic,
    ItemListStatementItem,
    ItemListTopicPublic,
    ItemListTourPublic,
    ItemListVisitPublic,
    MeetingDetail,
    ParticipantDetail,
    Problem,
    SourceDetail,
    StatementDetail,
    TopicPublic,
    TourDetail,
    VisitDetail,
)
from diplomatic_visits_client.retry import parse_retry_after

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT = 10.0
USER_AGENT = f"diplomatic-visits-client/{__version__}"
JSON_ACCEPT = "application/json"
MEDIA_TYPES: dict[str, str] = {"csv": "text/csv", "ndjson": "application/x-ndjson"}
# Python keywords cannot be keyword arguments: `from`/`to` are spelt `date_from`/`date_to`.
PARAMETER_NAMES = {"date_from": "from", "date_to": "to"}

PublicT = TypeVar("PublicT", bound=BaseModel)
DetailT = TypeVar("DetailT", bound=BaseModel)
ItemT_co = TypeVar("ItemT_co", covariant=True)

FileTarget = str | os.PathLike[str]


class Decodable(Protocol):
    """A response model: the generated models are pydantic models."""

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray) -> Self:
        """The model read from a JSON body."""
        ...


class Page(Decodable, Protocol[ItemT_co]):
    """A page of a list (`ItemList...` in the models): its items and the next page's cursor."""

    @property
    def items(self) -> Sequence[ItemT_co]:
        """This page's records."""
        ...

    @property
    def next_cursor(self) -> str | None:
        """The next page's cursor; None on the last page."""
        ...


Model = TypeVar("Model", bound=Decodable)
PageT = TypeVar("PageT", bound=Page[Any])


@dataclass(frozen=True)
class Endpoint(Generic[PageT, DetailT]):
    """A resource's list path, export name and response models (a page of the list, and a
    record)."""

    path: str
    export: str
    page: type[PageT]
    detail: type[DetailT]

    def record_path(self, record_id: str) -> str:
        """The path of one record, its id escaped."""
        return f"{self.path}/{quote(record_id, safe='')}"


VISITS: Endpoint[ItemListVisitPublic, VisitDetail] = Endpoint(
    "/v1/visits", "visits", ItemListVisitPublic, VisitDetail
)
MEETINGS: Endpoint[ItemListMeetingPublic, MeetingDetail] = Endpoint(
    "/v1/meetings", "meetings", ItemListMeetingPublic, MeetingDetail
)
AGREEMENTS: Endpoint[ItemListAgreementPublic, AgreementDetail] = Endpoint(
    "/v1/agreements", "agreements", ItemListAgreementPublic, AgreementDetail
)
PARTICIPANTS: Endpoint[ItemListParticipantPublic, ParticipantDetail] = Endpoint(
    "/v1/participants", "participants", ItemListParticipantPublic, ParticipantDetail
)
TOURS: Endpoint[ItemListTourPublic, TourDetail] = Endpoint(
    "/v1/tours", "tours", ItemListTourPublic, TourDetail
)
COUNTRIES: Endpoint[ItemListCountryPublic, CountryDetail] = Endpoint(
    "/v1/countries", "countries", ItemListCountryPublic, CountryDetail
)
# Topics have no single-record route; the detail model is never used.
TOPICS: Endpoint[ItemListTopicPublic, TopicPublic] = Endpoint(
    "/v1/topics", "topics", ItemListTopicPublic, TopicPublic
)
SOURCES: Endpoint[ItemListSourcePublic, SourceDetail] = Endpoint(
    "/v1/sources", "sources", ItemListSourcePublic, SourceDetail
)
CLAIMS: Endpoint[ItemListClaimPublic, ClaimPublic] = Endpoint(
    "/v1/claims", "claims", ItemListClaimPublic, ClaimPublic
)
STATEMENTS: Endpoint[ItemListStatementItem, StatementDetail] = Endpoint(
    "/v1/statements", "statements", ItemListStatementItem, StatementDetail
)
CITATIONS: Endpoint[ItemListCitationItem, CitationItem] = Endpoint(
    "/v1/citations", "citations", ItemListCitationItem, CitationItem
)
SEARCH_PATH = "/v1/search"
DATASET_PATH = "/v1"
DELETIONS_PATH = "/v1/deletions"
DATABASE_PATH = "/v1/export/database.sqlite"
EXPORT_PATH = "/v1/export"


def query_params(filters: Mapping[str, object]) -> dict[str, str]:
    """Filters as query parameters: None left out, dates and times in ISO 8601, booleans in
    lower case, lists comma-separated."""
    params: dict[str, str] = {}
    for name, value in filters.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            text = ",".join(_text(item) for item in value)
        else:
            text = _text(value)
        params[PARAMETER_NAMES.get(name, name)] = text
    return params


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    return str(value)


def default_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """The client's headers: a User-Agent and JSON `Accept`, then the caller's."""
    merged = {"User-Agent": USER_AGENT, "Accept": JSON_ACCEPT}
    merged.update(headers or {})
    return merged


def decode(
    model: type[Model], response: httpx.Response, content: bytes, sparse: bool = False
) -> Model:
    """The body as `model`; `UnexpectedResponse` when it is not that shape. `sparse`: asked
    with `fields=`, each record holds some of its fields (`sparse_record`)."""
    try:
        if sparse:
            answer: Model = _sparse_answer(model, json_loads(content))
            return answer
        return model.model_validate_json(content)
    except ValidationError as error:
        raise UnexpectedResponse(
            f"{response.request.method} {response.request.url} answered with a body that is "
            f"not a {model.__name__}: {error.error_count()} problem(s), first: "
            f"{error.errors()[0]['msg']}",
            response,
        ) from error


def json_loads(content: bytes) -> Any:
    """A JSON body as Python values."""
    return json.loads(content)


def sparse_record(model: type[BaseModel], data: Mapping[str, Any]) -> Any:
    """A record answered with `fields=`: a `model` holding the fields given, each validated,
    and no others (`model_fields_set` names them; reading another raises AttributeError)."""
    values = {}
    for name, value in data.items():
        field = model.model_fields.get(name)
        if field is not None:  # a field this client does not know is left out, as in a whole one
            values[name] = TypeAdapter(field.annotation or Any).validate_python(value)
    return model.model_construct(_fields_set=set(values), **values)


def _sparse_answer(model: Any, data: Any) -> Any:
    fields = model.model_fields
    if "items" in fields and "next_cursor" in fields:  # a page: its records are sparse
        (item,) = get_args(fields["items"].annotation)
        page = model.model_validate({**data, "items": []})
        page.items = [sparse_record(item, record) for record in data["items"]]
        return page
    return sparse_record(model, data)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the response asks the client to wait before trying again, if it says."""
    return parse_retry_after(response.headers.get("Retry-After"))


def problem_of(response: httpx.Response) -> Problem:
    """The response's problem details, or ones made from its status when it has none."""
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    if media_type in ("application/problem+json", "application/json"):
        try:
            return Problem.model_validate_json(response.content)
        except ValidationError:
            pass
    return Problem(
        type="about:blank",
        title=response.reason_phrase or f"HTTP {response.status_code}",
        status=response.status_code,
        detail=f"{response.request.method} {response.request.url} answered "
        f"{response.status_code} without problem details.",
        instance=response.request.url.path,
    )


def api_error(response: httpx.Response) -> ApiError:
    """The typed exception for an error response (its body already read)."""
    problem = problem_of(response)
    status = response.status_code
    if status == 404:
        return NotFound(problem, response)
    if status == 422:
        return InvalidParameters(problem, response)
    if status == 429:
        return RateLimited(problem, response, retry_after(response))
    if status == 503:
        return ServiceUnavailable(problem, response, retry_after(response))
    if status >= 500:
        return ServerError(problem, response)
    return ApiError(problem, response)


def transport_error(error: httpx.TransportError, attempts: int) -> TransportError:
    """The client's exception for an httpx transport error, after `attempts` tries."""
    request = None
    with suppress(RuntimeError):  # httpx raises when the error was made without a request
        request = error.request
    where = f" for {request.method} {request.url}" if request is not None else ""
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    kind = Timeout if isinstance(error, httpx.TimeoutException) else TransportError
    return kind(f"{type(error).__name__}{where}{tries}: {error}", request)


def download_target(
    target: str, format: Format, filters: Mapping[str, object]
) -> tuple[str, dict[str, str], dict[str, str]]:
    """Path, query parameters and headers of a download.

    `target` is a resource name (`"visits"`: the export `/v1/export/visits.csv`), an export
    path whose suffix names the format, or a list path (`"/v1/visits"`), asked for in
    `format` with `?format=` and `Accept`.
    """
    if format not in MEDIA_TYPES:
        raise ValueError(f"format must be one of {sorted(MEDIA_TYPES)}, not {format!r}")
    params = query_params(filters)
    headers = {"Accept": MEDIA_TYPES[format]}
    if not target.startswith("/"):
        return f"{EXPORT_PATH}/{quote(target, safe='')}.{format}", params, headers
    if not target.endswith((".csv", ".ndjson")):
        params = {**params, "format": format}
    return target, params, headers


def check_download(response: httpx.Response, format: Format) -> None:
    """Refuse a successful response that is not in the format asked for (an older server)."""
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    expected = MEDIA_TYPES[format]
    if format == "ndjson":
        acceptable = {expected, "application/ndjson", "application/jsonl", "application/jsonlines"}
    else:
        acceptable = {expected}
    if media_type not in acceptable:
        raise UnexpectedResponse(
            f"{response.request.url} answered {media_type or 'no content type'}, not {expected}",
            response,
        )


def next_link(response: httpx.Response) -> str | None:
    """The `Link: rel="next"` URL of a page, if it has one."""
    link = response.links.get("next")
    return link.get("url") if link else None


def same_origin(url: str, base: httpx.URL) -> bool:
    """Whether `url` is on the host the client talks to (headers must not leak elsewhere)."""
    other = httpx.URL(url)
    return (other.scheme, other.host, other.port) == (base.scheme, base.host, base.port)


class PageWriter:
    """Writes the pages of one download as one file: a CSV header row only once."""

    def __init__(self, format: Format) -> None:
        self.format = format
        self.pages = 0
        self.written = 0
        self._skipping_header = False

    def start_page(self) -> None:
        """A new page begins; pages after the first repeat the CSV header, which is dropped."""
        self.pages += 1
        self._skipping_header = self.format == "csv" and self.pages > 1

    def chunk(self, data: bytes) -> bytes:
        """The part of `data` to write."""
        if self._skipping_header:
            end = data.find(b"\n")
            if end < 0:
                return b""
            data = data[end + 1 :]
            self._skipping_header = False
        self.written += len(data)
        return data


def check_database_digest(response: httpx.Response, digest: str) -> None:
    """Refuse a database download whose SHA-256 is not the one the server announced."""
    announced = response.headers.get("X-Checksum-SHA256")
    if announced is None:
        raise UnexpectedResponse("database download without X-Checksum-SHA256", response)
    if announced.lower() != digest:
        raise UnexpectedResponse(
            f"database download is corrupt: SHA-256 {digest}, announced {announced}", response
        )
