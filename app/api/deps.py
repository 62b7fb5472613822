"""Dependencies shared by the routes."""

from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings
from app.db import ReadDatabase


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
