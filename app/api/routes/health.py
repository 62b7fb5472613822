"""`/healthz`: liveness and a database check."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.api.deps import ReaderDep
from app.api.responses import JSONBytes, problem

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The service is up and its database answers."""

    status: str = Field(description="`ok` when the database answers.", examples=["ok"])
    visits: int = Field(description="Visits in the database.", examples=[3])


@router.get(
    "/healthz",
    response_model=Health,
    responses={503: problem("The database does not answer.")},
)
def healthz(reader: ReaderDep) -> JSONBytes:
    """Liveness and database check."""
    visits = int(reader.scalar("SELECT count(*) FROM visit"))
    return JSONBytes({"status": "ok", "visits": visits}, headers={"Cache-Control": "no-store"})
