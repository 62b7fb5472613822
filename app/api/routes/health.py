"""`/healthz`: liveness and a database check."""

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from app.api.deps import ReaderDep
from app.api.query import ApiRoute
from app.api.responses import JSONBytes, problem
from app.errors import database_damaged

router = APIRouter(tags=["health"], route_class=ApiRoute)


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
async def healthz(request: Request, reader: ReaderDep) -> JSONBytes:
    """Liveness and database check."""
    # Set by app.main while it checks a large file in the background.
    integrity = request.app.state.integrity
    if integrity is not None and integrity.status == "damaged":
        raise database_damaged()
    visits = int(reader.memoised_scalar("SELECT count(*) FROM visit"))
    return JSONBytes({"status": "ok", "visits": visits}, headers={"Cache-Control": "no-store"})
