"""The asynchronous client: `AsyncDiplomaticVisitsClient`, on asyncio or trio (through anyio).

`sync.py` is generated from this file (`client/generate.py`): write the client here.
"""

import builtins
import datetime as dt
import hashlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Generic, Self, TypeVar, Unpack

import anyio
import httpx

from diplomatic_visits_client._core import (
    AGREEMENTS,
    CITATIONS,
    CLAIMS,
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
    STATEMENTS,
    TOPICS,
    TOURS,
    VISITS,
    DetailT,
    Endpoint,
    FileTarget,
    Model,
    Page,
    PageT,
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
    transport_error,
)
from diplomatic_visits_client._files import AsyncAtomicFile, AsyncWritable, AsyncWriter
from diplomatic_visits_client.cache import ETagCache
from diplomatic_visits_client.errors import UnexpectedResponse
from diplomatic_visits_client.filters import (
    AgreementCriteria,
    AgreementFilters,
    CitationCriteria,
    CitationFilters,
    ClaimCriteria,
    ClaimFilters,
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
    StatementCriteria,
    StatementFilters,
    TopicCriteria,
    TopicFilters,
    TourCriteria,
    TourFilters,
    VisitCriteria,
    VisitFilters,
)
from diplomatic_visits_client.models import (
    AgreementDetail,
    AgreementPublic,
    CitationItem,
    ClaimPublic,
    CountryDetail,
    CountryPublic,
    DatasetInfo,
    DeletionPublic,
    ItemListAgreementPublic,
    ItemListCitationItem,
    ItemListClaimPublic,
    ItemListCountryPublic,
    ItemListDeletionPublic,
    ItemListMeetingPublic,
    ItemListParticipantPublic,
    ItemListParticipationPublic,
    ItemListSearchHit,
    ItemListSourcePublic,
    ItemListStatementItem,
    ItemListTopicPublic,
    ItemListTourPublic,
    ItemListVisitPublic,
    MeetingDetail,
    MeetingPublic,
    ParticipantDetail,
    ParticipantPublic,
    ParticipationPublic,
    SearchHit,
    SourceDetail,
    SourcePublic,
    StatementDetail,
    StatementItem,
    TopicPublic,
    TourDetail,
    TourPublic,
    VisitDetail,
    VisitPublic,
)
from diplomatic_visits_client.retry import RetryPolicy

Item = TypeVar("Item")


class _AsyncHttp:
    """Sends requests with retries, conditional GETs and typed errors."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        retry: RetryPolicy,
        cache: ETagCache | None,
        sleep: Callable[[float], Awaitable[None]],
    ) -> None:
        self.client, self.retry, self.cache, self.sleep = client, retry, cache, sleep

    async def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        """A successful (or 304) response to `request`, retried as the policy says."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self.client.send(request, stream=stream)
            except httpx.TransportError as error:
                if attempt >= self.retry.attempts or not self.retry.retries_error(error):
                    raise transport_error(error, attempt) from error
                await self.sleep(self.retry.delay(attempt))
                continue
            if response.is_success or response.status_code == 304:
                return response
            wait = retry_after(response)
            retry = attempt < self.retry.attempts
            if retry and self.retry.retries_status(response.status_code, wait):
                await response.aclose()
                await self.sleep(self.retry.delay(attempt, wait))
                continue
            try:
                await response.aread()
            finally:
                await response.aclose()
            raise api_error(response)

    async def get(self, model: type[Model], path: str, params: Mapping[str, str]) -> Model:
        """GET `path` as `model`, revalidating a cached body with `If-None-Match`."""
        request = self.client.build_request("GET", path, params=params)
        key = str(request.url)
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is not None:
            request.headers["If-None-Match"] = cached.etag
        response = await self.send(request)
        if response.status_code == 304:
            if cached is None:
                raise UnexpectedResponse(f"304 for {key} that was not asked for", response)
            return decode(model, response, cached.content, "fields" in params)
        value = decode(model, response, response.content, "fields" in params)
        if self.cache is not None:
            etag = response.headers.get("ETag")
            if etag:
                self.cache.put(key, etag, response.content)
            else:
                self.cache.discard(key)
        return value

    async def walk(
        self, page: type[Page[Item]], path: str, params: Mapping[str, str]
    ) -> AsyncIterator[Item]:
        """Every item of a list, page after page, following `next_cursor`."""
        params = dict(params)
        while True:
            result = await self.get(page, path, params)
            for item in result.items:
                yield item
            if result.next_cursor is None:
                return
            params["cursor"] = result.next_cursor

    async def collect(
        self, page: type[Page[Item]], path: str, params: Mapping[str, str]
    ) -> list[Item]:
        """Every item of a list, as one list."""
        return [item async for item in self.walk(page, path, params)]

    async def download(
        self,
        path: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        file: FileTarget | IO[bytes],
        format: Format,
    ) -> int:
        """Stream a CSV or NDJSON response (every page of it) into `file`; bytes written."""
        if not isinstance(file, str | os.PathLike):
            return await self._stream(path, params, headers, AsyncWriter(file), format)
        async with AsyncAtomicFile(Path(file)) as out:
            return await self._stream(path, params, headers, out, format)

    async def _stream(
        self,
        path: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        out: AsyncWritable,
        format: Format,
    ) -> int:
        writer = PageWriter(format)
        request = self.client.build_request("GET", path, params=params, headers=headers)
        while True:
            response = await self.send(request, stream=True)
            try:
                check_download(response, format)
                writer.start_page()
                async for data in response.aiter_bytes():
                    await out.write(writer.chunk(data))
            except httpx.TransportError as error:
                raise transport_error(error, 1) from error
            finally:
                await response.aclose()
            url = next_link(response)
            if url is None:
                return writer.written
            if not same_origin(url, self.client.base_url):
                raise UnexpectedResponse(f"next page {url} is on another host", response)
            request = self.client.build_request("GET", url, headers=headers)


class _AsyncResource(Generic[PageT, PublicT, DetailT]):
    """What every list resource offers: a page, every item (`PublicT`), and a download."""

    def __init__(self, http: _AsyncHttp, endpoint: Endpoint[PageT, DetailT]) -> None:
        self._http = http
        self._endpoint = endpoint

    async def _list(self, filters: Mapping[str, object]) -> PageT:
        return await self._http.get(self._endpoint.page, self._endpoint.path, query_params(filters))

    def _iter(self, filters: Mapping[str, object]) -> AsyncIterator[PublicT]:
        return self._http.walk(self._endpoint.page, self._endpoint.path, query_params(filters))

    async def _download(
        self, file: FileTarget | IO[bytes], format: Format, filters: Mapping[str, object]
    ) -> int:
        path, params, headers = download_target(self._endpoint.export, format, filters)
        return await self._http.download(path, params, headers, file, format)


class _AsyncRecordResource(_AsyncResource[PageT, PublicT, DetailT]):
    """A list resource whose records can also be fetched one by one."""

    async def get(self, record_id: str, *, fields: Sequence[str] | None = None) -> DetailT:
        """One record by id; `NotFound` if no record has it. With `fields`, the record holds
        those fields alone (`model_fields_set` names them)."""
        return await self._http.get(
            self._endpoint.detail,
            self._endpoint.record_path(record_id),
            query_params({"fields": fields}),
        )


class AsyncVisits(_AsyncRecordResource[ItemListVisitPublic, VisitPublic, VisitDetail]):
    """`/v1/visits`: who visited whom, when and where."""

    async def list(self, **filters: Unpack[VisitFilters]) -> ItemListVisitPublic:
        """One page of visits (compact), newest first unless `sort` says otherwise."""
        return await self._list(filters)

    def iter(self, **filters: Unpack[VisitFilters]) -> AsyncIterator[VisitPublic]:
        """Every visit matching the filters (`async for`), fetching page after page."""
        return self._iter(filters)

    async def download(
        self, file: FileTarget | IO[bytes], format: Format = "csv", **filters: Unpack[VisitCriteria]
    ) -> int:
        """Every matching visit as CSV or NDJSON, streamed into `file`; bytes written."""
        return await self._download(file, format, filters)

    async def meetings(self, visit_id: str) -> builtins.list[MeetingPublic]:
        """Every meeting of a visit, in date order."""
        path = f"{self._endpoint.record_path(visit_id)}/meetings"
        return await self._http.collect(ItemListMeetingPublic, path, {})

    async def agreements(self, visit_id: str) -> builtins.list[AgreementPublic]:
        """Everything signed or agreed during a visit."""
        path = f"{self._endpoint.record_path(visit_id)}/agreements"
        return await self._http.collect(ItemListAgreementPublic, path, {})

    async def participants(self, visit_id: str) -> builtins.list[ParticipationPublic]:
        """Everyone who took part in a visit, with role and title."""
        path = f"{self._endpoint.record_path(visit_id)}/participants"
        return await self._http.collect(ItemListParticipationPublic, path, {})


class AsyncMeetings(_AsyncRecordResource[ItemListMeetingPublic, MeetingPublic, MeetingDetail]):
    """`/v1/meetings`: the engagements of every visit."""

    async def list(self, **filters: Unpack[MeetingFilters]) -> ItemListMeetingPublic:
        """One page of meetings."""
        return await self._list(filters)

    def iter(self, **filters: Unpack[MeetingFilters]) -> AsyncIterator[MeetingPublic]:
        """Every meeting matching the filters."""
        return self._iter(filters)

    async def download(
        self,
        file: FileTarget | IO[bytes],
        format: Format = "csv",
        **filters: Unpack[MeetingCriteria],
    ) -> int:
        """Every matching meeting as CSV or NDJSON, streamed into `file`; bytes written."""
        return await self._download(file, format, filters)


class AsyncAgreements(
    _AsyncRecordResource[ItemListAgreementPublic, AgreementPublic, AgreementDetail]
):
    """`/v1/agreements`: what was signed or agreed."""

    async def list(self, **filters: Unpack[AgreementFilters]) -> ItemListAgreementPublic:
        """One page of agreements."""
        return await self._list(filters)

    def iter(self, **filters: Unpack[AgreementFilters]) -> AsyncIterator[AgreementPublic]:
        """Every agreement matching the filters."""
        return self._iter(filters)

    async def download(
        self,
        file: FileTarget | IO[bytes],
        format: Format = "csv",
        **filters: Unpack[AgreementCriteria],
    ) -> int:
        """Every matching agreement as CSV or NDJSON, streamed into `file`; bytes written."""
        return await self._download(file, format, filters)


class AsyncParticipants(
    _AsyncRecordResource[ItemListParticipantPublic, ParticipantPublic, ParticipantDetail]
):
    """`/v1/participants`: people and groups."""

    async def list(self, **filters: Unpack[ParticipantFilters]) -> ItemListParticipantPublic:
        """One page of participants."""
        return await self._list(filters)

    def iter(self, **filters: Unpack[ParticipantFilters]) -> AsyncIterator[ParticipantPublic]:
        """Every participant matching the filters."""
        return self._iter(filters)

    async def download(
        self,
        file: FileTarget | IO[bytes],
        format: Format = "csv",
        **filters: Unpack[ParticipantCriteria],
    ) -> int:
        """Every matching participant as CSV or NDJSON, streamed into `file`; bytes written."""
        return await self._download(file, format, filters)


class AsyncTours(_AsyncRecordResource[ItemListTourPublic, TourPublic, TourDetail]):
    """`/v1/tours`: multi-country trips with their legs in order."""

    async def list(self, **filters: Unpack[TourFilters]) -> ItemListTourPublic:
        """One page of tours."""
        return await self._list(filters)

    def iter(self, **filters: Unpack[TourFilters]) -> AsyncIterator[TourPublic]:
        """Every tour matching the filters."""
        return self._iter(filters)

    async def download(
        self, file: FileTarget | IO[bytes], format: Format = "csv", **filters: Unpack[TourCriteria]
    ) -> int:
        """Every matching tour as CSV or NDJSON, streamed into `file`; bytes written."""
        return await self._download(file, format, filters)


class AsyncCountries(_AsyncRecordResource[ItemListCountryPublic, CountryPublic, CountryDetail]):
    """`/v1/countries`: ISO 3166-1 countries with counts of visits made and hosted."""

    async def list(self, **filters: Unpack[CountryFilters]) -> ItemListCountryPublic:
        """One page of countries."""
        return await self._list(filters)

    def iter(self, **filters: Unpack[CountryFilters]) -> AsyncIterator[CountryPublic]:
        """Every country matching the filters."""
        return self._iter(filters)

    async def download(
        self,
        file: FileTarget | IO[bytes],
        format: Format = "csv",
        **filters: Unpack[CountryCriteria],
    ) -> int:
        """Every matching country as CSV or NDJSON, streamed into `file`; bytes written."""
        return await self._download(file, format, filters)


class AsyncTopics(_AsyncResource[ItemListTopicPublic, TopicPublic, TopicPublic]):
    """`/v1/topics`: fields of cooperation."""

    async def list(self, **filters: Unpack[TopicFilters]) -> ItemListTopicPublic:
        """One page of topics."""
        return await self._list(filters)

    def iter(self, **filters: Unpack[TopicFilters]) -> AsyncIterator[TopicPublic]:
        """Every topic matching the filters."""
        return self._iter(filters)

    async def download(
        self, file: FileTarget | IO[bytes], format: Format = "csv", **filters: Unpack[TopicCriteria]
    ) -> int:
        """Every matching topic as CSV or NDJSON, streamed into `file`; bytes written."""
        return await self._download(file, format, filters)


class AsyncSources(_AsyncRecordResource[ItemListSourcePublic, SourcePublic, SourceDetail]):
    """`/v1/sources`: the documents every fact is cited from."""

    async def list(self, **filters: Unpack[SourceFilters]) -> ItemListSourcePublic:
        """One page of sources."""
        return await self._list(filters)

    def iter(self, **filters: Unpack[SourceFilters]) -> AsyncIterator[SourcePublic]:
        """Every source matching the filters."""
        return self._iter(filters)

    async def download(
        self,
        file: FileTarget | IO[bytes],
        format: Format = "csv",
        **filters: Unpack[SourceCriteria],
    ) -> int:
        """Every matching source as CSV or NDJSON, streamed into `file`; bytes written."""
        return await self._download(file, format, filters)


class AsyncClaims(_AsyncRecordResource[ItemListClaimPublic, ClaimPublic, ClaimPublic]):
    """`/v1/claims`: every source's version of a record's field, where sources disagree or
    add."""

    async def list(self, **filters: Unpack[ClaimFilters]) -> ItemListClaimPublic:
        """One page of claims."""
        return await self._list(filters)

    def iter(self, **filters: Unpack[ClaimFilters]) -> AsyncIterator[ClaimPublic]:
        """Every claim matching the filters."""
        return self._iter(filters)

    async def download(
        self,
        file: FileTarget | IO[bytes],
        format: Format = "csv",
        **filters: Unpack[ClaimCriteria],
    ) -> int:
        """Every matching claim as CSV or NDJSON, streamed into `file`; bytes written."""
        return await self._download(file, format, filters)


class AsyncStatements(_AsyncRecordResource[ItemListStatementItem, StatementItem, StatementDetail]):
    """`/v1/statements`: what was said, in the sources' own words."""

    async def list(self, **filters: Unpack[StatementFilters]) -> ItemListStatementItem:
        """One page of statements."""
        return await self._list(filters)

    def iter(self, **filters: Unpack[StatementFilters]) -> AsyncIterator[StatementItem]:
        """Every statement matching the filters."""
        return self._iter(filters)

    async def download(
        self,
        file: FileTarget | IO[bytes],
        format: Format = "csv",
        **filters: Unpack[StatementCriteria],
    ) -> int:
        """Every matching statement as CSV or NDJSON, streamed into `file`; bytes written."""
        return await self._download(file, format, filters)


class AsyncCitations(_AsyncRecordResource[ItemListCitationItem, CitationItem, CitationItem]):
    """`/v1/citations`: the record each citation supports, its source and the source's
    words."""

    async def list(self, **filters: Unpack[CitationFilters]) -> ItemListCitationItem:
        """One page of citations."""
        return await self._list(filters)

    def iter(self, **filters: Unpack[CitationFilters]) -> AsyncIterator[CitationItem]:
        """Every citation matching the filters."""
        return self._iter(filters)

    async def download(
        self,
        file: FileTarget | IO[bytes],
        format: Format = "csv",
        **filters: Unpack[CitationCriteria],
    ) -> int:
        """Every matching citation as CSV or NDJSON, streamed into `file`; bytes written."""
        return await self._download(file, format, filters)


class AsyncDiplomaticVisitsClient:
    """An asynchronous client of the Diplomatic Visits API.

    ```python
    async with AsyncDiplomaticVisitsClient("http://127.0.0.1:8000") as client:
        visit = await client.visits.get("2023-06-raisi-cuba")
        async for visit in client.visits.iter(host_country="CU"):
            print(visit.id, visit.start_date)
    ```

    Every method returns the API's response models (`models`) and raises the exceptions of
    `errors`. Requests are retried on 429, 503 and connection errors as `retry` says; GETs
    send `If-None-Match` with the `ETag` cached from the same URL, and a 304 returns the
    cached value. `transport` replaces the network (e.g. `httpx.MockTransport` in tests) and
    `sleep` the wait between retries.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        headers: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
        etag_cache: ETagCache | bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        self._client = httpx.AsyncClient(
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
        self._http = _AsyncHttp(self._client, retry or RetryPolicy(), self.etag_cache, sleep)
        self.visits = AsyncVisits(self._http, VISITS)
        self.meetings = AsyncMeetings(self._http, MEETINGS)
        self.agreements = AsyncAgreements(self._http, AGREEMENTS)
        self.participants = AsyncParticipants(self._http, PARTICIPANTS)
        self.tours = AsyncTours(self._http, TOURS)
        self.countries = AsyncCountries(self._http, COUNTRIES)
        self.topics = AsyncTopics(self._http, TOPICS)
        self.sources = AsyncSources(self._http, SOURCES)
        self.claims = AsyncClaims(self._http, CLAIMS)
        self.statements = AsyncStatements(self._http, STATEMENTS)
        self.citations = AsyncCitations(self._http, CITATIONS)

    @property
    def base_url(self) -> httpx.URL:
        """The API's address."""
        return self._client.base_url

    async def search(
        self,
        q: str,
        *,
        type: SearchType | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> ItemListSearchHit:
        """One page of search hits over every resource, best match first."""
        params = query_params({"q": q, "type": type, "limit": limit, "cursor": cursor})
        return await self._http.get(ItemListSearchHit, SEARCH_PATH, params)

    def iter_search(
        self, q: str, *, type: SearchType | None = None, limit: int | None = None
    ) -> AsyncIterator[SearchHit]:
        """Every search hit, best match first, page after page (`async for`)."""
        params = query_params({"q": q, "type": type, "limit": limit})
        return self._http.walk(ItemListSearchHit, SEARCH_PATH, params)

    async def dataset(self) -> DatasetInfo:
        """The dataset: its version, record counts per resource, and sources with licences."""
        return await self._http.get(DatasetInfo, DATASET_PATH, {})

    def iter_deletions(self, since: dt.datetime | str) -> AsyncIterator[DeletionPublic]:
        """Every record that loads removed at or after `since`, oldest first (`async for`)."""
        params = query_params({"since": since})
        return self._http.walk(ItemListDeletionPublic, DELETIONS_PATH, params)

    async def download_database(self, file: FileTarget) -> str:
        """The whole SQLite database, saved to `file` once its SHA-256 checks out; the digest.

        Written under a temporary name beside `file` and renamed only when complete and
        verified, so a failed or corrupt download leaves nothing behind.
        """
        request = self._client.build_request("GET", DATABASE_PATH, headers={"Accept": "*/*"})
        response = await self._http.send(request, stream=True)
        digest = hashlib.sha256()
        try:
            async with AsyncAtomicFile(Path(file)) as out:
                async for data in response.aiter_bytes():
                    digest.update(data)
                    await out.write(data)
                check_database_digest(response, digest.hexdigest())
        except httpx.TransportError as error:
            raise transport_error(error, 1) from error
        finally:
            await response.aclose()
        return digest.hexdigest()

    async def download(
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
        return await self._http.download(path, query, headers, file, format)

    async def aclose(self) -> None:
        """Close the connections."""
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
