"""Problem details (RFC 9457): the one shape of every error the API returns."""

from typing import Any

from pydantic import BaseModel, Field

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://diplomatic-visits.example/problems/"


class ParameterError(BaseModel):
    """One bad parameter: where it is, its name and what is wrong with it."""

    name: str = Field(description="Name of the parameter.", examples=["limit"])
    location: str = Field(description="query, path or header.", examples=["query"])
    message: str = Field(
        description="What is wrong with it.", examples=["Input should be less than or equal to 500"]
    )


class Problem(BaseModel):
    """An error, as `application/problem+json` (RFC 9457)."""

    type: str = Field(
        description="URI identifying the kind of problem.",
        examples=[PROBLEM_TYPE_BASE + "invalid-parameters"],
    )
    title: str = Field(
        description="Short, human-readable summary of the kind of problem.",
        examples=["Invalid parameters"],
    )
    status: int = Field(description="HTTP status code.", examples=[422])
    detail: str = Field(
        description="What went wrong with this request.",
        examples=["limit: Input should be less than or equal to 500"],
    )
    instance: str | None = Field(
        default=None, description="The request path.", examples=["/v1/visits"]
    )
    errors: list[ParameterError] = Field(
        default_factory=list, description="Each bad parameter, when there are any."
    )


class ApiError(Exception):
    """An error that the handlers turn into a problem response."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        errors: list[ParameterError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        self.errors = errors or []
        self.headers = headers or {}

    def problem(self, instance: str | None = None) -> dict[str, Any]:
        """The problem document for this error."""
        return Problem(
            type=PROBLEM_TYPE_BASE + self.slug,
            title=self.title,
            status=self.status,
            detail=self.detail,
            instance=instance,
            errors=self.errors,
        ).model_dump()


def not_found(resource: str, record_id: str) -> ApiError:
    """404 for an id that names no record."""
    return ApiError(404, "not-found", "Not found", f"No {resource} has the id {record_id!r}.")


def invalid_parameter(name: str, message: str, location: str = "query") -> ApiError:
    """422 naming one bad parameter."""
    return invalid_parameters([ParameterError(name=name, location=location, message=message)])


def invalid_parameters(errors: list[ParameterError]) -> ApiError:
    """422 naming every bad parameter."""
    detail = "; ".join(f"{e.name}: {e.message}" for e in errors)
    return ApiError(422, "invalid-parameters", "Invalid parameters", detail, errors)


def database_damaged() -> ApiError:
    """503 once the integrity check run in the background has found the database file damaged
    (the server's log has SQLite's report; the file's path stays internal)."""
    return ApiError(
        503,
        "database-damaged",
        "Database damaged",
        "The integrity check found the database file damaged: answers may fail or be "
        "incomplete until it is restored from a copy.",
        headers={"Cache-Control": "no-store"},
    )
