"""`/v1/export/...`: every record of a resource as a stream, and the whole database file."""

import functools
import hashlib
import os
import sqlite3
import tempfile
from base64 import b64encode
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import FileResponse, StreamingResponse
from starlette.datastructures import Headers
from starlette.types import Message, Receive, Scope, Send

from app.api.caching import conditional, data_version
from app.api.deps import ReaderDep, SettingsDep
from app.api.fields import chosen
from app.api.fields import ndjson_lines as sparse_lines
from app.api.filters import NoParams
from app.api.formats import MEDIA_TYPES, csv_lines, ndjson_lines
from app.api.lists import no_words
from app.api.offload import on_a_worker, run_read, where_it_reads
from app.api.paging import filters_digest
from app.api.query import documented, from_query
from app.api.resource import Resource
from app.api.responses import problem
from app.config import Settings
from app.edge.problems import Problems
from app.errors import ApiError
from app.queries.common import NoSearchWords, Sort, parse_sort
from app.queries.events import EVENT_KINDS, events, undated
from app.queries.listing import stored_count
from app.storage import Reader

EXPORT_PAGE = 1000
# The events export's count of the records it leaves out for want of a date.
UNDATED_HEADER = "X-Undated-Count"
ExportFormat = Literal["csv", "ndjson"]


def router(resources: Iterable[Resource]) -> APIRouter:
    """The exports: each resource's records as CSV or NDJSON, and the database file."""
    exports = APIRouter(prefix="/v1/export", tags=["export"])
    for resource in resources:
        _add_export(exports, resource)
    exports.add_api_route(
        "/events.ndjson",
        export_events,
        methods=["GET"],
        description="Every dated visit, meeting and agreement as a PLOVER event (the Open "
        "Event Data Alliance's event records: id, date, enddate, source and recipient actors, "
        "event type, mode, context, location, citation), one JSON object a line. PLOVER "
        "requires a date: a record no source dates is left out, never given a guessed one; "
        f"`{UNDATED_HEADER}` says how many were.",
        responses={
            422: problem(
                "A parameter was given (it takes none), or more records than one export may stream."
            ),
            200: {
                "description": "Every dated event, streamed.",
                "content": {"application/x-ndjson": {}},
                "headers": {
                    UNDATED_HEADER: {
                        "description": "How many visits, meetings and agreements were left "
                        "out because no source gives their date.",
                        "schema": {"type": "integer"},
                    }
                },
            },
        },
        response_class=StreamingResponse,
        openapi_extra=documented(NoParams),
    )
    exports.add_api_route(
        "/database.sqlite",
        export_database,
        methods=["GET"],
        response_class=FileResponse,
        responses={
            200: {
                "description": "The SQLite database file; `Repr-Digest` carries its SHA-256.",
                "content": {"application/vnd.sqlite3": {}},
            },
            206: {
                "description": "The bytes of the file asked for with `Range`.",
                "content": {"application/vnd.sqlite3": {}, "multipart/byteranges": {}},
            },
            400: problem("The `Range` header is malformed."),
            416: problem("The `Range` asked for starts past the end of the file."),
        },
    )
    return exports


def _page(
    snapshot: Reader,
    resource: Resource,
    criteria: Mapping[str, Any],
    order: Sort,
    after: tuple[Any, str] | None,
    answer_in: ExportFormat,
    fields: tuple[str, ...] | None = None,
) -> tuple[bytes, tuple[Any, str] | None]:
    """One page of the export, encoded (with the CSV header on the first), and where the next
    one starts (None: this was the last); with `fields`, those alone."""
    for_csv = answer_in == "csv" and fields is None
    items, page = resource.listing(
        snapshot, criteria, order, after, EXPORT_PAGE, count=False, for_csv=for_csv
    )
    if answer_in == "csv":
        lines = csv_lines(items, resource.item, header=after is None, fields=fields)
        chunk = "".join(lines).encode()
    elif fields is not None:
        chunk = b"".join(sparse_lines(items, fields))
    else:
        chunk = b"".join(ndjson_lines(items))
    return chunk, page.next_after


async def _stream(
    request: Request,
    reader: Reader,
    resource: Resource,
    criteria: Mapping[str, Any],
    sort: str,
    answer_in: ExportFormat,
    fields: tuple[str, ...] | None = None,
) -> AsyncIterator[bytes]:
    """Every matching record, a page at a time from one consistent snapshot, each page read
    and encoded on a worker thread (app/api/offload.py)."""
    async with _snapshot(request, reader) as snapshot:
        order = parse_sort(sort, resource.sorts)
        after = None
        while True:
            read = functools.partial(
                _page, snapshot, resource, criteria, order, after, answer_in, fields
            )
            chunk, after = await on_a_worker(request, read, not reader.on_the_loop)
            yield chunk
            if after is None:
                return


async def _events(request: Request, reader: Reader) -> AsyncIterator[bytes]:
    """Visits, then meetings, then agreements, each by id, a page at a time from one
    consistent snapshot, read and encoded on a worker thread."""
    async with _snapshot(request, reader) as snapshot:
        for kind in EVENT_KINDS:
            after = ""
            while True:
                read = functools.partial(events, snapshot, kind, after, EXPORT_PAGE)
                found, after = await on_a_worker(request, read, not reader.on_the_loop)
                if found:
                    yield b"".join(ndjson_lines(found))
                if not after:
                    break


@asynccontextmanager
async def _snapshot(request: Request, reader: Reader) -> AsyncIterator[Reader]:
    """A snapshot of `reader` for one export, taken and given back where its reads belong (on
    a database server, its transaction's start and end are round trips: a worker thread's)."""
    snapshot = await where_it_reads(request, reader, reader.snapshot)
    try:
        yield snapshot
    finally:
        with anyio.CancelScope(shield=True):  # given back even when the client has gone
            await where_it_reads(request, reader, snapshot.close)


async def export_events(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    params: Annotated[Any, from_query(NoParams)],
) -> Response:
    """`/v1/export/events.ndjson`: the records as PLOVER events."""

    def respond() -> Response:
        total = sum(stored_count(reader, kind, "", "") for kind in EVENT_KINDS)
        if total > settings.export_max_rows:
            raise export_too_large(
                "events",
                total,
                settings.export_max_rows,
                "/v1/visits, /v1/meetings, /v1/agreements",
            )
        return StreamingResponse(
            _events(request, reader),
            media_type=MEDIA_TYPES["ndjson"],
            headers={
                "Content-Disposition": 'attachment; filename="events.ndjson"',
                UNDATED_HEADER: str(undated(reader)),
            },
        )

    return await run_read(request, reader, lambda: conditional(request, reader, settings, respond))


def export_too_large(name: str, total: int, most: int, lists: str | None = None) -> ApiError:
    """422 for an export of more records than one request may stream (EXPORT_MAX_ROWS);
    `lists` names where to page instead (`/v1/<name>` by default)."""
    return ApiError(
        422,
        "export-too-large",
        "Export too large",
        f"{total:,} {name} match; one export streams at most {most:,}. Narrow the filters, "
        f"page through {lists or f'/v1/{name}'}, or download the whole database from "
        "/v1/export/database.sqlite.",
    )


def _add_export(exports: APIRouter, resource: Resource) -> None:
    name = resource.name

    async def export(
        request: Request,
        reader: ReaderDep,
        settings: SettingsDep,
        format: Annotated[ExportFormat, Path(description="csv or ndjson.", examples=["csv"])],
        filters: Annotated[Any, from_query(resource.export_params)],  # with a `sort`
    ) -> Response:
        criteria: dict[str, Any] = filters.criteria()
        sort: str = filters.sort
        fields = chosen(filters)

        def respond() -> Response:
            # Check `q` and the size before the first byte goes out: a stream cannot turn
            # into a 422.
            try:
                _, probe = resource.listing(
                    reader, criteria, parse_sort(sort, resource.sorts), None, 1
                )
            except NoSearchWords:
                raise no_words() from None
            if (probe.total or 0) > settings.export_max_rows:
                raise export_too_large(name, probe.total or 0, settings.export_max_rows)
            return StreamingResponse(
                _stream(request, reader, resource, criteria, sort, format, fields),
                media_type=MEDIA_TYPES[format],
                headers={"Content-Disposition": f'attachment; filename="{name}.{format}"'},
            )

        alike = f"{request.scope['path']} {sort} {filters_digest(criteria)}"
        return await run_read(
            request, reader, lambda: conditional(request, reader, settings, respond), alike
        )

    exports.add_api_route(
        f"/{name}.{{format}}",
        export,
        methods=["GET"],
        name=f"export_{name}",
        description=f"Every record of {name} matching the filters, streamed as CSV or NDJSON.",
        responses={
            422: problem(
                "A parameter is invalid or unknown (`errors` names each one), or more records "
                "match than one export may stream."
            ),
            200: {
                "description": "Every matching record, streamed.",
                "content": {"text/csv": {}, "application/x-ndjson": {}},
            },
        },
        response_class=StreamingResponse,
        openapi_extra=documented(resource.export_params),
    )


def _snapshot_dir(settings: Settings) -> FilePath:
    directory = settings.export_dir or FilePath(tempfile.gettempdir()) / "diplomatic-visits"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def database_snapshot(reader: Reader, settings: Settings) -> tuple[FilePath, str, int]:
    """A consistent copy of the database (made once per data version): path, SHA-256, version.

    The copy is written under a temporary name and renamed when complete, so no request ever
    serves a half-written file.
    """
    directory = _snapshot_dir(settings)
    database_key = hashlib.sha256(reader.location.encode()).hexdigest()[:12]
    current = data_version(reader)[0]
    ready = directory / f"{database_key}-v{current}.sqlite3"
    if ready.exists() and ready.with_suffix(".sha256").exists():
        # Made for this data version already: no second copy of the database per request.
        return ready, ready.with_suffix(".sha256").read_text(), current
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".partial-", suffix=".sqlite3")
    os.close(handle)
    try:
        reader.backup_to(FilePath(temporary))
        with sqlite3.connect(temporary) as copy:
            (version,) = copy.execute("SELECT version FROM data_version WHERE id = 1").fetchone()
        final = directory / f"{database_key}-v{version}.sqlite3"
        digest_file = final.with_suffix(".sha256")
        if final.exists() and digest_file.exists():
            return final, digest_file.read_text(), int(version)
        digest = hashlib.sha256(FilePath(temporary).read_bytes()).hexdigest()
        digest_file.write_text(digest)
        os.replace(temporary, final)
        for old in directory.glob(f"{database_key}-v*.sqlite3"):
            if old != final:
                old.unlink(missing_ok=True)
                old.with_suffix(".sha256").unlink(missing_ok=True)
        return final, digest, int(version)
    finally:
        FilePath(temporary).unlink(missing_ok=True)


class DatabaseFile(FileResponse):
    """The database file; a bad `Range` is answered as a problem, like every other error."""

    def __init__(self, problems: Problems, path: FilePath, **options: Any) -> None:
        super().__init__(path, **options)
        self.problems = problems

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the file (or the asked range); turn Starlette's plain-text range errors into
        problems."""
        replaced = False

        async def problems_only(message: Message) -> None:
            nonlocal replaced
            if replaced:
                return  # the plain-text body of the error replaced below
            if message["type"] == "http.response.start" and message["status"] in (400, 416):
                replaced = True
                error = _range_error(message["status"], Headers(raw=message["headers"]))
                await self.problems.response(error, scope)(scope, receive, send)
                return
            await send(message)

        await super().__call__(scope, receive, problems_only)


def _range_error(status: int, headers: Headers) -> ApiError:
    if status == 400:
        return ApiError(400, "invalid-range", "Invalid range", "Ask for bytes=START-END ranges.")
    return ApiError(
        416,
        "range-not-satisfiable",
        "Range not satisfiable",
        "The range starts past the end of the file (its size is in Content-Range).",
        headers={"Content-Range": headers.get("content-range", "")},
    )


def export_database(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    params: Annotated[NoParams, from_query(NoParams)],
) -> Response:
    """The whole database as one SQLite file: a consistent snapshot, with its SHA-256."""
    problems: Problems = request.app.state.problems

    def respond() -> Response:
        path, digest, version = database_snapshot(reader, settings)
        encoded = b64encode(bytes.fromhex(digest)).decode()
        return DatabaseFile(
            problems,
            path,
            media_type="application/vnd.sqlite3",
            filename=f"diplomatic-visits-v{version}.sqlite3",
            headers={"Repr-Digest": f"sha-256=:{encoded}:", "X-Checksum-SHA256": digest},
        )

    return conditional(request, reader, settings, respond)
