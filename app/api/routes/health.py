"""`/healthz`: liveness and a database check, and the integrity check it reports on."""

import logging
import threading
import time
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, FastAPI, Request, Response
from pydantic import BaseModel, Field

from app.api.deps import ReaderDep
from app.api.filters import NoParams
from app.api.offload import run_read
from app.api.query import from_query
from app.api.responses import JSONBytes, problem
from app.config import Settings
from app.errors import database_damaged
from app.storage import DatabaseNotReady, check_integrity, sqlite_path

logger = logging.getLogger("app")

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The service is up and its database answers."""

    status: str = Field(description="`ok` when the database answers.", examples=["ok"])
    visits: int = Field(description="Visits in the database.", examples=[3])


@router.get(
    "/healthz",
    response_model=Health,
    responses={
        503: problem(
            "The database does not answer, or the integrity check run in the background "
            "(files over INTEGRITY_CHECK_MAX_BYTES) found it damaged (`database-damaged`)."
        )
    },
)
async def healthz(
    request: Request, reader: ReaderDep, params: Annotated[NoParams, from_query(NoParams)]
) -> Response:
    """Liveness and database check."""
    integrity: Integrity | None = request.app.state.integrity
    if integrity is not None and integrity.status == "damaged":
        raise database_damaged()

    def answer() -> Response:
        visits = int(reader.memoised_scalar("SELECT count(*) FROM visit"))
        return JSONBytes({"status": "ok", "visits": visits}, headers={"Cache-Control": "no-store"})

    return await run_read(request, reader, answer)


@dataclass(frozen=True)
class Integrity:
    """What the integrity check run in the background found, in one line."""

    status: Literal["pending", "ok", "damaged"]
    message: str


def checks_integrity_in_background(settings: Settings) -> bool:
    """Whether the database file is larger than INTEGRITY_CHECK_MAX_BYTES: `serve` checks a
    smaller one before it serves; the app checks a larger one in the background as it serves."""
    path = sqlite_path(settings.read_url)
    return path is not None and path.stat().st_size > settings.integrity_check_max_bytes


def check_integrity_in_background(app: FastAPI, database_url: str) -> None:
    """Run the integrity check on a thread; its outcome goes to `app.state.integrity` (which
    `/healthz` reports) and the log.

    SQLite runs the check without holding the GIL, so requests are served meanwhile; a
    damaged file is served still (what can be read is), and `/healthz` says it is damaged.
    """
    app.state.integrity = Integrity("pending", "the integrity check is running")
    logger.info("integrity check started in the background (file over INTEGRITY_CHECK_MAX_BYTES)")

    def check() -> None:
        started = time.perf_counter()
        try:
            pages = check_integrity(database_url)
        except DatabaseNotReady as error:
            app.state.integrity = Integrity("damaged", str(error))
            logger.error("integrity check: %s", error)
            return
        seconds = time.perf_counter() - started
        app.state.integrity = Integrity("ok", f"{pages:,} pages checked in {seconds:.1f} s")
        logger.info("integrity check: database ok: %s", app.state.integrity.message)

    # A daemon: stopping the server does not wait for a check of a large file to end.
    threading.Thread(target=check, name="integrity-check", daemon=True).start()
