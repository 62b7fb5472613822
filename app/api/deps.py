"""Dependencies shared by the routes."""

from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings
from app.storage import Reader


async def get_reader(request: Request) -> Reader:
    """The read-only database of this app (async: resolving it costs no thread hop)."""
    reader: Reader = request.app.state.reader
    return reader


async def get_app_settings(request: Request) -> Settings:
    """The settings this app was built with."""
    settings: Settings = request.app.state.settings
    return settings


ReaderDep = Annotated[Reader, Depends(get_reader)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
