"""The API: every resource (listed here once, in the order the docs show them) and the other
routes, as one router; the fast path's table is made from the same resources."""

from fastapi import APIRouter

from app.api import fast_path
from app.api.routes import export, health, meta, search
from app.api.routes.agreements import AGREEMENTS
from app.api.routes.countries import COUNTRIES
from app.api.routes.meetings import MEETINGS
from app.api.routes.participants import PARTICIPANTS
from app.api.routes.sources import SOURCES
from app.api.routes.topics import TOPICS
from app.api.routes.tours import TOURS
from app.api.routes.visits import VISITS

RESOURCES = (VISITS, MEETINGS, AGREEMENTS, PARTICIPANTS, TOURS, COUNTRIES, TOPICS, SOURCES)

api_router = APIRouter()
api_router.include_router(meta.router)
for resource in RESOURCES:
    api_router.include_router(resource.router())
api_router.include_router(search.router)
api_router.include_router(export.router(RESOURCES))
api_router.include_router(health.router)

FAST_ROUTES = fast_path.routes(RESOURCES)
