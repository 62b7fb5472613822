"""`/v1/export/...`: every record of a resource as a stream, and the whole database file."""

import hashlib
import os
import sqlite3
import tempfile
from base64 import b64encode
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel
from starlette.datastructures import Headers
from starlette.types import Message, Receive, Scope, Send

from app.api.caching import conditional, data_version
from app.api.deps import ReaderDep, SettingsDep
from app.api.filters import (
    AgreementCriteria,
    CountryCriteria,
    Criteria,
    MeetingCriteria,
    ParticipantCriteria,
    SourceCriteria,
    TopicCriteria,
    TourCriteria,
    VisitCriteria,
)
from app.api.formats import MEDIA_TYPES, csv_lines, ndjson_lines
from app.api.lists import ListQuery, no_words
from app.api.query import ApiRoute, from_query
from app.api.responses import ProblemResponse, problem
from app.config import Settings
from app.errors import ApiError
from app.models.agreement import AgreementPublic
from app.models.country import CountryPublic
from app.models.meeting import MeetingPublic
from app.models.participant import ParticipantPublic
from app.models.source import SourcePublic
from app.models.topic import TopicPublic
from app.models.tour import TourPublic
from app.models.visit import VisitPublic
from app.queries import agreements, meetings, participants, tours, visits, vocabularies
from app.queries.common import NoSearchWords, parse_sort
from app.storage import Reader

router = APIRouter(prefix="/v1/export", tags=["export"], route_class=ApiRoute)

EXPORT_PAGE = 1000
ExportFormat = Literal["csv", "ndjson"]


@dataclass(frozen=True)
class Exported:
    """One resource as exports see it."""

    criteria: type[Criteria]
    query: ListQuery
    sort_columns: Mapping[str, str]
    model: type[BaseModel]


EXPORTS = {
    "visits": Exported(VisitCriteria, visits.list_visits, visits.SORT_COLUMNS, VisitPublic),
    "meetings": Exported(
        MeetingCriteria, meetings.list_meetings, meetings.SORT_COLUMNS, MeetingPublic
    ),
    "agreements": Exported(
        AgreementCriteria, agreements.list_agreements, agreements.SORT_COLUMNS, AgreementPublic
    ),
    "participants": Exported(
        ParticipantCriteria,
        participants.list_participants,
        participants.SORT_COLUMNS,
        ParticipantPublic,
    ),
    "tours": Exported(TourCriteria, tours.list_tours, tours.SORT_COLUMNS, TourPublic),
    "countries": Exported(
        CountryCriteria,
        vocabularies.list_countries,
        vocabularies.COUNTRY_SORT_COLUMNS,
        CountryPublic,
    ),
    "topics": Exported(
        TopicCriteria, vocabularies.list_topics, vocabularies.TOPIC_SORT_COLUMNS, TopicPublic
    ),
    "sources": Exported(
        SourceCriteria, vocabularies.list_sources, vocabularies.SOURCE_SORT_COLUMNS, SourcePublic
    ),
}


def _stream(
    reader: Reader,
    exported: Exported,
    criteria: Mapping[str, Any],
    sort: str,
    answer_in: ExportFormat,
) -> Iterator[bytes]:
    """Every matching record, a page at a time, from one consistent snapshot."""
    snapshot = reader.snapshot()
    try:
        order = parse_sort(sort, exported.sort_columns)
        after = None
        first = True
        while True:
            items, page = exported.query(
                snapshot,
                criteria,
                order,
                after,
                EXPORT_PAGE,
                count=False,
                for_csv=answer_in == "csv",
            )
            if answer_in == "csv":
                yield "".join(csv_lines(items, exported.model, header=first)).encode()
            else:
                yield b"".join(ndjson_lines(items))
            first = False
            if page.next_after is None:
                return
            after = page.next_after
    finally:
        snapshot.close()


def export_too_large(name: str, total: int, most: int) -> ApiError:
    """422 for an export of more records than one request may stream (EXPORT_MAX_ROWS)."""
    return ApiError(
        422,
        "export-too-large",
        "Export too large",
        f"{total:,} {name} match; one export streams at most {most:,}. Narrow the filters, "
        f"page through /v1/{name}, or download the whole database from "
        "/v1/export/database.sqlite.",
    )


def _add_export(name: str, exported: Exported) -> None:
    criteria_model = exported.criteria

    def export(
        request: Request,
        reader: ReaderDep,
        settings: SettingsDep,
        format: Annotated[ExportFormat, Path(description="csv or ndjson.", examples=["csv"])],
        filters: Annotated[criteria_model, from_query(criteria_model)],  # type: ignore[valid-type]
    ) -> Response:
        chosen: Any = filters  # one of the Criteria models, each with a `sort`
        criteria: dict[str, Any] = chosen.criteria()
        sort: str = chosen.sort

        def respond() -> Response:
            # Check `q` and the size before the first byte goes out: a stream cannot turn
            # into a 422.
            try:
                _, probe = exported.query(
                    reader, criteria, parse_sort(sort, exported.sort_columns), None, 1
                )
            except NoSearchWords:
                raise no_words() from None
            if (probe.total or 0) > settings.export_max_rows:
                raise export_too_large(name, probe.total or 0, settings.export_max_rows)
            return StreamingResponse(
                _stream(reader, exported, criteria, sort, format),
                media_type=MEDIA_TYPES[format],
                headers={"Content-Disposition": f'attachment; filename="{name}.{format}"'},
            )

        return conditional(request, reader, settings, respond)

    export.__name__ = f"export_{name}"
    export.__doc__ = f"Every record of {name} matching the filters, streamed as CSV or NDJSON."
    router.add_api_route(
        f"/{name}.{{format}}",
        export,
        methods=["GET"],
        name=f"export_{name}",
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
    )


for _name, _exported in EXPORTS.items():
    _add_export(_name, _exported)


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
                problem = ProblemResponse(
                    error.problem(instance=scope["path"]), error.status, error.headers
                )
                await problem(scope, receive, send)
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


@router.get(
    "/database.sqlite",
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
def export_database(request: Request, reader: ReaderDep, settings: SettingsDep) -> Response:
    """The whole database as one SQLite file: a consistent snapshot, with its SHA-256."""

    def respond() -> Response:
        path, digest, version = database_snapshot(reader, settings)
        encoded = b64encode(bytes.fromhex(digest)).decode()
        return DatabaseFile(
            path,
            media_type="application/vnd.sqlite3",
            filename=f"diplomatic-visits-v{version}.sqlite3",
            headers={"Repr-Digest": f"sha-256=:{encoded}:", "X-Checksum-SHA256": digest},
        )

    return conditional(request, reader, settings, respond)
