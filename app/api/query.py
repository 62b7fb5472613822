"""Query strings parsed into their parameter model in one validation, documented as FastAPI
documents `Annotated[Model, Query()]`.

FastAPI's own handling of a query model walks every field of the model on every request
(its aliases, whether its annotation is a sequence, twice): about 110 µs for the visits
filters, a quarter of a whole list request. `from_query(Model)` reads only the parameters
present and validates them with the model once (about 2 µs). Its documentation is FastAPI's
own: the parameters of a throwaway route declared the FastAPI way, so the OpenAPI document
says exactly what it said before (tests/api/test_openapi.py compares them).
"""

import functools
import types
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
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


def query_models(dependant: Any) -> list[QueryModel]:
    """The query models a route's dependencies parse (`from_query`), at any depth."""
    found = []
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, QueryModel):
            found.append(dependency.call)
        found.extend(query_models(dependency))
    return found


class ApiRoute(APIRoute):
    """A route of this API: its `from_query` parameters appear in its OpenAPI operation, after
    its path parameters, as FastAPI would document them; a query parameter it does not take
    is a 422, not ignored (a misspelt filter is an error).

    The refusal runs before FastAPI solves the route's dependencies. As a dependency of every
    router it cost 5% of the instructions of a visit by id (FastAPI solves each dependency
    with its own pass over the request's parameters).
    """

    def __init__(self, path: str, endpoint: Any, **options: Any) -> None:
        super().__init__(path, endpoint, **options)
        parameters = [
            parameter
            for parsed in query_models(self.dependant)
            for parameter in documented_parameters(parsed.model)
        ]
        if parameters:
            extra = dict(self.openapi_extra or {})
            extra["parameters"] = [*extra.get("parameters", []), *parameters]
            self.openapi_extra = extra

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """FastAPI's handler, behind the refusal of unknown query parameters."""
        handle = super().get_route_handler()
        known: frozenset[str] | None = None

        async def strictly(request: Request) -> Response:
            nonlocal known
            if known is None:  # the dependant is complete once the route is
                known = query_parameter_names(self.dependant)
            unknown = [name for name in request.query_params if name not in known]
            if unknown:
                raise invalid_parameters(
                    [
                        ParameterError(name=name, location="query", message="unknown parameter")
                        for name in dict.fromkeys(unknown)
                    ]
                )
            return await handle(request)

        return strictly


def query_parameter_names(dependant: Any) -> frozenset[str]:
    """Every query parameter a route takes: its query models' fields and its own."""
    names: set[str] = set()
    for parsed in query_models(dependant):
        names.update(parsed.names)
    for field in dependant.query_params:
        annotation = field.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.update(f.alias or name for name, f in annotation.model_fields.items())
        else:
            names.add(field.alias)
    return frozenset(names)
