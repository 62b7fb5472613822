"""`/v1/topics`: fields of cooperation."""

from typing import Annotated

from fastapi import APIRouter, Request, Response

from app.api.deps import ReaderDep, SettingsDep
from app.api.filters import TopicFilters
from app.api.lists import run_list
from app.api.query import ApiRoute, from_query
from app.api.responses import LIST_ERRORS
from app.models.page import ItemList
from app.models.topic import TopicPublic
from app.queries import vocabularies

router = APIRouter(prefix="/v1/topics", tags=["topics"], route_class=ApiRoute)


@router.get("", response_model=ItemList[TopicPublic], responses=LIST_ERRORS)
async def list_topics(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    filters: Annotated[TopicFilters, from_query(TopicFilters)],
) -> Response:
    """List topics with how many visits, meetings and agreements carry each."""
    return await run_list(
        request,
        reader,
        settings,
        filters,
        vocabularies.list_topics,
        vocabularies.TOPIC_SORT_COLUMNS,
        TopicPublic,
    )
