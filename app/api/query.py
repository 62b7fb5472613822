"""Query strings parsed into their parameter model in one validation, and documented as
FastAPI documents `Annotated[Model, Query()]` (why: docs/decisions/0013-query-models.md).

A parameter the model does not name goes to the model too, whose `extra="forbid"` refuses it:
the one place an unknown parameter is refused (app/api/handlers.py says it in words).
"""

import functools
import types
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from app.errors import ParameterError, invalid_parameters

Model = TypeVar("Model", bound=BaseModel)

_SEQUENCES = (list, tuple, set, frozenset)


def _is_sequence(annotation: Any) -> bool:
    """Whether a field takes repeated parameters (`facet=a&facet=b`), as FastAPI decides it."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _is_sequence(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return any(_is_sequence(arg) for arg in get_args(annotation))
    return origin in _SEQUENCES or annotation in _SEQUENCES


class QueryModel:
    """A dependency: the request's query string as an instance of `model`."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        self.repeated = frozenset(
            field.alias or name
            for name, field in model.model_fields.items()
            if _is_sequence(field.annotation)
        )
        self.names = frozenset(field.alias or name for name, field in model.model_fields.items())

    async def __call__(self, request: Request) -> BaseModel:
        """Validate the parameters given, read as FastAPI reads them, except that a
        parameter taking one value given more than once is refused (FastAPI keeps the last
        value: the others would be dropped silently); 422 naming each bad one."""
        given = request.query_params
        values: dict[str, Any] = {}
        repeated = []
        for name in given.keys():  # noqa: SIM118 (a multidict: each name once)
            every = given.getlist(name)
            if name in self.repeated:
                values[name] = every
            elif name in self.names and len(every) > 1:
                repeated.append(name)
            else:
                values[name] = every[0] if len(every) == 1 else every
        if repeated:
            raise invalid_parameters(
                [
                    ParameterError(
                        name=name, location="query", message="given more than once; give one value"
                    )
                    for name in repeated
                ]
            )
        try:
            return self.model.model_validate(values)
        except ValidationError as error:
            raise RequestValidationError(
                [
                    {**problem, "loc": ("query", *problem["loc"])}
                    for problem in error.errors(include_url=False)
                ]
            ) from None


def from_query(model: type[Model]) -> Any:
    """`Depends` on the query string parsed into `model` (use as `Annotated[Model, ...]`)."""
    return Depends(_query_model(model))


async def parse_query(model: type[Model], request: Request) -> Model:
    """The request's query string parsed into `model` as `from_query(model)` parses it, for
    the fast path (app/api/fast_path.py), which answers without FastAPI's dependencies."""
    parsed: Model = await _query_model(model)(request)  # type: ignore[assignment]
    return parsed


@functools.cache
def _query_model(model: type[BaseModel]) -> QueryModel:
    return QueryModel(model)


@functools.cache
def documented_parameters(model: type[BaseModel]) -> tuple[dict[str, Any], ...]:
    """The OpenAPI parameters FastAPI documents for `Annotated[model, Query()]`."""
    probe = FastAPI()

    @probe.get("/")
    def endpoint(params: Annotated[model, Query()]) -> None:  # type: ignore[valid-type]
        """Never called: its documentation is read."""

    document = probe.openapi()
    parameters: list[dict[str, Any]] = document["paths"]["/"]["get"].get("parameters", [])
    # A schema FastAPI would have shared in the probe's components is not in the app's
    # (the app's own shared schemas, such as CountryCode, are referred to by name).
    for name in document.get("components", {}).get("schemas", {}):
        if f"#/components/schemas/{name}" in repr(parameters):
            raise TypeError(f"{model.__name__}: a query parameter refers to schema {name}")
    return tuple(parameters)


def documented(model: type[BaseModel]) -> dict[str, Any]:
    """A route's `openapi_extra` naming the parameters `from_query(model)` reads, after its path
    parameters, as FastAPI documents `Annotated[model, Query()]`."""
    return {"parameters": list(documented_parameters(model))}
