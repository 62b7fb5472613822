"""Dependencies shared by the routes."""

from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BaseModel

from app.api.query import query_models
from app.config import Settings
from app.db import ReadDatabase
from app.errors import ParameterError, invalid_parameters


async def get_reader(request: Request) -> ReadDatabase:
    """The read-only database of this app (async: resolving it costs no thread hop)."""
    reader: ReadDatabase = request.app.state.reader
    return reader


async def get_app_settings(request: Request) -> Settings:
    """The settings this app was built with."""
    settings: Settings = request.app.state.settings
    return settings


ReaderDep = Annotated[ReadDatabase, Depends(get_reader)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def _query_names(route: Any) -> frozenset[str]:
    names: set[str] = set()
    for parsed in query_models(route.dependant):
        names.update(parsed.names)
    for field in route.dependant.query_params:
        annotation = field.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.update(f.alias or name for name, f in annotation.model_fields.items())
        else:
            names.add(field.alias)
    return frozenset(names)


_KNOWN_PARAMETERS: dict[int, frozenset[str]] = {}


async def reject_unknown_parameters(request: Request) -> None:
    """422 for any query parameter the route does not take: a misspelt filter is an error."""
    route = request.scope.get("route")
    if route is None:
        return
    known = _KNOWN_PARAMETERS.get(id(route))
    if known is None:
        known = _KNOWN_PARAMETERS[id(route)] = _query_names(route)
    unknown = [name for name in request.query_params if name not in known]
    if unknown:
        raise invalid_parameters(
            [
                ParameterError(name=name, location="query", message="unknown parameter")
                for name in dict.fromkeys(unknown)
            ]
        )
