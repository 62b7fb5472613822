"""The synchronous client: `DiplomaticVisitsClient`."""

import builtins
import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Generic, Self, TypeVar, Unpack

import httpx
from pydantic import BaseModel

from app.client._core import (
    AGREEMENTS,
    COUNTRIES,
    DATABASE_PATH,
    DATASET_PATH,
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    DELETIONS_PATH,
    MEETINGS,
    PARTICIPANTS,
    SEARCH_PATH,
    SOURCES,
    TOPICS,
    TOURS,
    VISITS,
    DetailT,
    Endpoint,
    FileTarget,
    PageWriter,
    PublicT,
    api_error,
    check_database_digest,
    check_download,
    decode,
    default_headers,
    download_target,
    next_link,
    query_params,
    retry_after,
    same_origin,
    temporary_path,
    transport_error,
)
from app.client.cache import ETagCache
from app.client.errors import UnexpectedResponse
from app.client.filters import (
    AgreementCriteria,
    AgreementFilters,
    CountryCriteria,
    CountryFilters,
    Format,
    MeetingCriteria,
    MeetingFilters,
    ParticipantCriteria,
    ParticipantFilters,
    SearchType,
    SourceCriteria,
    SourceFilters,
    TopicCriteria,
    TopicFilters,
    TourCriteria,
    TourFilters,
    VisitCriteria,
    VisitFilters,
)
from app.client.retry import RetryPolicy
from app.models.agreement import AgreementDetail, AgreementPublic
from app.models.change import DeletionPublic
from app.models.country import CountryPublic
from app.models.dataset import DatasetInfo
from app.models.meeting import MeetingDetail, MeetingPublic
from app.models.page import ItemList, SearchHit
from app.models.participant import ParticipantDetail, ParticipantPublic, ParticipationPublic
from app.models.source import SourceDetail, SourcePublic
from app.models.topic import TopicPublic
from app.models.tour import TourDetail, TourPublic
from app.models.visit import VisitDetail, VisitPublic

Model = TypeVar("Model", bound=BaseModel)
Item = TypeVar("Item", bound=BaseModel)


class _Http:
    """Sends requests with retries, conditional GETs and typed errors."""

    def __init__(
        self,
        client: httpx.Client,
        retry: RetryPolicy,
        cache: ETagCache | None,
        sleep: Callable[[float], None],
    ) -> None:
        self.client, self.retry, self.cache, self.sleep = client, retry, cache, sleep

    def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        """A successful (or 304) response to `request`, retried as the policy says."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.client.send(request, stream=stream)
            except httpx.TransportError as error:
                if attempt >= self.retry.attempts or not self.retry.retries_error(error):
                    raise transport_error(error, attempt) from error
                self.sleep(self.retry.delay(attempt))
                continue
            if response.is_success or response.status_code == 304:
                return response
            wait = retry_after(response)
            retry = attempt < self.retry.attempts
            if retry and self.retry.retries_status(response.status_code, wait):
                response.close()
                self.sleep(self.retry.delay(attempt, wait))
                continue
            try:
                response.read()
            finally:
                response.close()
            raise api_error(response)

    def get(self, model: type[Model], path: str, params: Mapping[str, str]) -> Model:
        """GET `path` as `model`, revalidating a cached body with `If-None-Match`."""
        request = self.client.build_request("GET", path, params=params)
        key = str(request.url)
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is not None:
            request.headers["If-None-Match"] = cached.etag
        response = self.send(request)
        if response.status_code == 304:
            if cached is None:
                raise UnexpectedResponse(f"304 for {key} that was not asked for", response)
            return decode(model, response, cached.content)
        value = decode(model, response, response.content)
        if self.cache is not None:
            etag = response.headers.get("ETag")
            if etag:
                self.cache.put(key, etag, response.content)
            else:
                self.cache.discard(key)
        return value

    def walk(
        self, page: type[ItemList[Item]], path: str, params: Mapping[str, str]
    ) -> Iterator[Item]:
        """Every item of a list, page after page, following `next_cursor`."""
        params = dict(params)
        while True:
            result = self.get(page, path, params)
            yield from result.items
            if result.next_cursor is None:
                return
            params["cursor"] = result.next_cursor

    def download(
        self,
        path: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        file: FileTarget | IO[bytes],
        format: Format,
    ) -> int:
        """Stream a CSV or NDJSON response (every page of it) into `file`; bytes written."""
        if not isinstance(file, str | os.PathLike):
            return self._stream(path, params, headers, file, format)
        final = Path(file)
        part = temporary_path(final)
        try:
            with part.open("wb") as out:
                written = self._stream(path, params, headers, out, format)
            part.replace(final)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        return written

    def _stream(
        self,
        path: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        out: IO[bytes],
        format: Format,
    ) -> int:
        writer = PageWriter(format)
        request = self.client.build_request("GET", path, params=params, headers=headers)
        while True:
            response = self.send(request, stream=True)
            try:
                check_download(response, format)
                writer.start_page()
                for data in response.iter_bytes():
                    out.write(writer.chunk(data))
            except httpx.TransportError as error:
                raise transport_error(error, 1) from error
            finally:
                response.close()
            url = next_link(response)
            if url is None:
                return writer.written
            if not same_origin(url, self.client.base_url):
                raise UnexpectedResponse(f"next page {url} is on another host", response)
            request = self.client.build_request("GET", url, headers=headers)


class _Resource(Generic[PublicT, DetailT]):
    """What every list resource offers: a page, every item, and a download."""

    def __init__(self, http: _Http, endpoint: Endpoint[PublicT, DetailT]) -> None:
        self._http = http
        self._endpoint = endpoint

    def _list(self, filters: Mapping[str, object]) -> ItemList[PublicT]:
        return self._http.get(self._endpoint.page, self._endpoint.path, query_params(filters))

    def _iter(self, filters: Mapping[str, object]) -> Iterator[PublicT]:
        return self._http.walk(self._endpoint.page, self._endpoint.path, query_params(filters))

    def _download(
        self, file: FileTarget | IO[bytes], format: Format, filters: Mapping[str, object]
    ) -> int:
        path, params, headers = download_target(self._endpoint.export, format, filters)
        return self._http.download(path, params, headers, file, format)


class _RecordResource(_Resource[PublicT, DetailT]):
    """A list resource whose records can also be fetched one by one."""

    def get(self, record_id: str) -> DetailT:
        """One record by id; `NotFound` if no record has it."""
        return self._http.get(self._endpoint.detail, self._endpoint.record_path(record_id), {})


class Visits(_RecordResource[VisitPublic, VisitDetail]):
    """`/v1/visits`: who visited whom, when and where."""

    def list(self, **filters: Unpack[VisitFilters]) -> ItemList[VisitPublic]:
        """One page of visits (compact), newest first unless `sort` says otherwise."""
        return self._list(filters)

    def iter(self, **filters: Unpack[VisitFilters]) -> Iterator[VisitPublic]:
        """Every visit matching the filters, fetching page after page as it goes."""
        return self._iter(filters)

    def download(
        self, file: FileTarget | IO[bytes], format: Format = "csv", **filters: Unpack[VisitCriteria]
    ) -> int:
        """Every matching visit as CSV or NDJSON, streamed into `file`; bytes written."""
        return self._download(file, format, filters)

    def meetings(self, visit_id: str) -> builtins.list[MeetingPublic]:
        """Every meeting of a visit, in date order."""
        path = f"{self._endpoint.record_path(visit_id)}/meetings"
        return list(self._http.walk(ItemList[MeetingPublic], path, {}))

    def agreements(self, visit_id: str) -> builtins.list[AgreementPublic]:
        """Everything signed or agreed during a visit."""
        path = f"{self._endpoint.record_path(visit_id)}/agreements"
        return list(self._http.walk(ItemList[AgreementPublic], path, {}))

    def participants(self, visit_id: str) -> builtins.list[ParticipationPublic]:
        """Everyone who took part in a visit, with role and title."""
        path = f"{self._endpoint.record_path(visit_id)}/participants"
        return list(self._http.walk(ItemList[ParticipationPublic], path, {}))


class Meetings(_RecordResource[MeetingPublic, MeetingDetail]):
    """`/v1/meetings`: the engagements of every visit."""

    def list(self, **filters: Unpack[MeetingFilters]) -> ItemList[MeetingPublic]:
        """One page of meetings."""
        return self._list(filters)

    def iter(self, **filters: Unpack[MeetingFilters]) -> Iterator[MeetingPublic]:
        """Every meeting matching the filters."""
        return self._iter(filters)

    def download(
        self,
        file: FileTarget | IO[bytes],
        format: Format = "csv",
        **filters: Unpack[MeetingCriteria],
    ) -> int:
        """Every matching meeting as CSV or NDJSON, streamed into `file`; bytes written."""
        return self._download(file, format, filters)


class Agreements(_RecordResource[AgreementPublic, AgreementDetail]):
    """`/v1/agreements`: what was signed or agreed."""

    def list(self, **filters: Unpack[AgreementFilters]) -> ItemList[AgreementPublic]:
        """One page of agreements."""
        return self._list(filters)

    def iter(self, **filters: Unpack[AgreementFilters]) -> Iterator[AgreementPublic]:
        """Every agreement matching the filters."""
        return self._iter(filters)

    def download(
        self,
        file: FileTarget | IO[bytes],
        format: Format = "csv",
        **filters: Unpack[AgreementCriteria],
    ) -> int:
        """Every matching agreement as CSV or NDJSON, streamed into `file`; bytes written."""
        return self._download(file, format, filters)


class Participants(_RecordResource[ParticipantPublic, ParticipantDetail]):
    """`/v1/participants`: people and groups."""

    def list(self, **filters: Unpack[ParticipantFilters]) -> ItemList[ParticipantPublic]:
        """One page of participants."""
        return self._list(filters)

    def iter(self, **filters: Unpack[ParticipantFilters]) -> Iterator[ParticipantPublic]:
        """Every participant matching the filters."""
        return self._iter(filters)

    def download(
        self,
        file: FileTarget | IO[bytes],
        format: Format = "csv",
        **filters: Unpack[ParticipantCriteria],
    ) -> int:
        """Every matching participant as CSV or NDJSON, streamed into `file`; bytes written."""
        return self._download(file, format, filters)


class Tours(_RecordResource[TourPublic, TourDetail]):
    """`/v1/tours`: multi-country trips with their legs in order."""

    def list(self, **filters: Unpack[TourFilters]) -> ItemList[TourPublic]:
        """One page of tours."""
        return self._list(filters)

    def iter(self, **filters: Unpack[TourFilters]) -> Iterator[TourPublic]:
        """Every tour matching the filters."""
        return self._iter(filters)

    def download(
        self, file: FileTarget | IO[bytes], format: Format = "csv", **filters: Unpack[TourCriteria]
    ) -> int:
        """Every matching tour as CSV or NDJSON, streamed into `file`; bytes written."""
        return self._download(file, format, filters)


class Countries(_RecordResource[CountryPublic, CountryPublic]):
    """`/v1/countries`: ISO 3166-1 countries with counts of visits made and hosted."""

    def list(self, **filters: Unpack[CountryFilters]) -> ItemList[CountryPublic]:
        """One page of countries."""
        return self._list(filters)

    def iter(self, **filters: Unpack[CountryFilters]) -> Iterator[CountryPublic]:
        """Every country matching the filters."""
        return self._iter(filters)

    def download(
        self,
        file: FileTarget | IO[bytes],
        format: Format = "csv",
        **filters: Unpack[CountryCriteria],
    ) -> int:
        """Every matching country as CSV or NDJSON, streamed into `file`; bytes written."""
        return self._download(file, format, filters)


class Topics(_Resource[TopicPublic, TopicPublic]):
    """`/v1/topics`: fields of cooperation."""

    def list(self, **filters: Unpack[TopicFilters]) -> ItemList[TopicPublic]:
        """One page of topics."""
        return self._list(filters)

    def iter(self, **filters: Unpack[TopicFilters]) -> Iterator[TopicPublic]:
        """Every topic matching the filters."""
        return self._iter(filters)

    def download(
        self, file: FileTarget | IO[bytes], format: Format = "csv", **filters: Unpack[TopicCriteria]
    ) -> int:
        """Every matching topic as CSV or NDJSON, streamed into `file`; bytes written."""
        return self._download(file, format, filters)


class Sources(_RecordResource[SourcePublic, SourceDetail]):
    """`/v1/sources`: the documents every fact is cited from."""

    def list(self, **filters: Unpack[SourceFilters]) -> ItemList[SourcePublic]:
        """One page of sources."""
        return self._list(filters)

    def iter(self, **filters: Unpack[SourceFilters]) -> Iterator[SourcePublic]:
        """Every source matching the filters."""
        return self._iter(filters)

    def download(
        self,
        file: FileTarget | IO[bytes],
        format: Format = "csv",
        **filters: Unpack[SourceCriteria],
    ) -> int:
        """Every matching source as CSV or NDJSON, streamed into `file`; bytes written."""
        return self._download(file, format, filters)


class DiplomaticVisitsClient:
    """A synchronous client of the Diplomatic Visits API.

    ```python
    with DiplomaticVisitsClient("http://127.0.0.1:8000") as client:
        visit = client.visits.get("2023-06-raisi-cuba")
        for visit in client.visits.iter(host_country="CU"):
            print(visit.id, visit.start_date)
    ```

    Every method returns the API's own response models and raises the exceptions of
    `app.client.errors`. Requests are retried on 429, 503 and connection errors as `retry`
    says; GETs send `If-None-Match` with the `ETag` cached from the same URL, and a 304
    returns the cached value. `transport` replaces the network (e.g. `httpx.MockTransport`
    in tests) and `sleep` the wait between retries.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        headers: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
        etag_cache: ETagCache | bool = True,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url,
            timeout=timeout,
            headers=default_headers(headers),
            transport=transport,
            follow_redirects=True,
        )
        cache = (
            (ETagCache() if etag_cache else None) if isinstance(etag_cache, bool) else etag_cache
        )
        self.etag_cache: ETagCache | None = cache
        """The conditional-request cache, or None when turned off."""
        self._http = _Http(self._client, retry or RetryPolicy(), self.etag_cache, sleep)
        self.visits = Visits(self._http, VISITS)
        self.meetings = Meetings(self._http, MEETINGS)
        self.agreements = Agreements(self._http, AGREEMENTS)
        self.participants = Participants(self._http, PARTICIPANTS)
        self.tours = Tours(self._http, TOURS)
        self.countries = Countries(self._http, COUNTRIES)
        self.topics = Topics(self._http, TOPICS)
        self.sources = Sources(self._http, SOURCES)

    @property
    def base_url(self) -> httpx.URL:
        """The API's address."""
        return self._client.base_url

    def search(
        self,
        q: str,
        *,
        type: SearchType | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> ItemList[SearchHit]:
        """One page of search hits over every resource, best match first."""
        params = query_params({"q": q, "type": type, "limit": limit, "cursor": cursor})
        return self._http.get(ItemList[SearchHit], SEARCH_PATH, params)

    def iter_search(
        self, q: str, *, type: SearchType | None = None, limit: int | None = None
    ) -> Iterator[SearchHit]:
        """Every search hit, best match first, page after page."""
        params = query_params({"q": q, "type": type, "limit": limit})
        return self._http.walk(ItemList[SearchHit], SEARCH_PATH, params)

    def dataset(self) -> DatasetInfo:
        """The dataset: its version, record counts per resource, and sources with licences."""
        return self._http.get(DatasetInfo, DATASET_PATH, {})

    def iter_deletions(self, since: dt.datetime | str) -> Iterator[DeletionPublic]:
        """Every record that loads removed at or after `since`, oldest first."""
        params = query_params({"since": since})
        return self._http.walk(ItemList[DeletionPublic], DELETIONS_PATH, params)

    def download_database(self, file: FileTarget) -> str:
        """The whole SQLite database, saved to `file` once its SHA-256 checks out; the digest.

        Written under a temporary name beside `file` and renamed only when complete and
        verified, so a failed or corrupt download leaves nothing behind.
        """
        final = Path(file)
        part = temporary_path(final)
        request = self._client.build_request("GET", DATABASE_PATH, headers={"Accept": "*/*"})
        response = self._http.send(request, stream=True)
        digest = hashlib.sha256()
        try:
            with part.open("wb") as out:
                for data in response.iter_bytes():
                    digest.update(data)
                    out.write(data)
            check_database_digest(response, digest.hexdigest())
            part.replace(final)
        except httpx.TransportError as error:
            part.unlink(missing_ok=True)
            raise transport_error(error, 1) from error
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        finally:
            response.close()
        return digest.hexdigest()

    def download(
        self,
        target: str,
        file: FileTarget | IO[bytes],
        *,
        format: Format = "csv",
        **params: object,
    ) -> int:
        """Stream a CSV or NDJSON download into `file` (a path or a binary file object).

        `target` is a resource name (`"visits"`: the whole-table export
        `/v1/export/visits.csv`), an export path, or a list path (`"/v1/visits"`, asked for
        with `?format=`). `params` are its query parameters (`date_from`/`date_to` for
        `from`/`to`). A path is written whole or not at all (through a temporary file
        beside it). Returns the bytes written.
        """
        path, query, headers = download_target(target, format, params)
        return self._http.download(path, query, headers, file, format)

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
