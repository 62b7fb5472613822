"""The API: every resource (listed here once, in the order the docs show them) and the other
routes, as the routers the app includes; the fast path's table is made from the same resources.

The app includes each router itself: FastAPI walks included routers on every request, and a
router included in a router included in the app is one more level to walk.
"""

from fastapi import APIRouter

from app.api import fast_path
from app.api.routes import export, health, meta, search
from app.api.routes.agreements import AGREEMENTS
from app.api.routes.citations import CITATIONS
from app.api.routes.claims import CLAIMS
from app.api.routes.countries import COUNTRIES
from app.api.routes.meetings import MEETINGS
from app.api.routes.participants import PARTICIPANTS
from app.api.routes.sources import SOURCES
from app.api.routes.statements import STATEMENTS
from app.api.routes.topics import TOPICS
from app.api.routes.tours import TOURS
from app.api.routes.visits import VISITS

RESOURCES = (
    VISITS,
    MEETINGS,
    AGREEMENTS,
    PARTICIPANTS,
    TOURS,
    COUNTRIES,
    TOPICS,
    SOURCES,
    CLAIMS,
    STATEMENTS,
    CITATIONS,
)

ROUTERS: list[APIRouter] = [
    meta.router,
    *(resource.router() for resource in RESOURCES),
    search.router,
    export.router(RESOURCES),
    health.router,
]

FAST_ROUTES = fast_path.routes(RESOURCES, {search.PATH: search.fast_answer})
