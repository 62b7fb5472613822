"""The application: settings, the read-only database, the API's routes and docs, the pages for
people, the HTTP edge around them, and how errors are answered."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware import Middleware

from app import edge
from app.api import docs, openapi
from app.api.fast_path import FastPath
from app.api.handlers import add_handlers
from app.api.kept import KeptAnswers, RecentVersion
from app.api.main import FAST_ROUTES, RESOURCES, ROUTERS
from app.api.offload import SlowReads
from app.api.routes.health import check_integrity_in_background, checks_integrity_in_background
from app.config import Settings, get_settings
from app.copy import copy_to_sqlite
from app.derived import DERIVED_VERSION
from app.edge.limits import ClientLimits
from app.edge.problems import PageRenderer, Problems
from app.pages import routes as page_routes
from app.pages.errors import problem_page as page_of_problem
from app.pages.kept import KeptPages, RenderedPages
from app.pages.render import FINGERPRINT
from app.storage import check_database, open_reader
from app.telemetry import telemetry_config


def create_app(
    settings: Settings | None = None, problem_page: PageRenderer | None = page_of_problem
) -> FastAPI:
    """Build the application for `settings` (the environment's by default); `problem_page`
    renders errors as pages for browsers (the pages' own by default; None: problem JSON for
    every client)."""
    settings = settings or get_settings()
    # The API only reads: from the replica when there is one (loads write to DATABASE_URL).
    check_database(settings.read_url, DERIVED_VERSION)
    problems = Problems(problem_page)
    rate_limits = None
    if settings.rate_limit:
        rate_limits = ClientLimits(settings.rate_limit, settings.rate_limit_storage)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.integrity_check_in_background and checks_integrity_in_background(settings):
            check_integrity_in_background(app, settings.read_url)
        yield
        app.state.reader.close()
        if rate_limits is not None:
            await rate_limits.close()

    app = FastAPI(
        title=openapi.TITLE,
        version=openapi.VERSION,
        description=openapi.DESCRIPTION,
        openapi_tags=openapi.tags(RESOURCES),
        generate_unique_id_function=openapi.operation_id,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        telemetry=telemetry_config(),
        middleware=edge.middleware(
            settings,
            problems,
            rate_limits=rate_limits,
            page_policies=docs.POLICIES,
            # A kept page goes out before the fast path parses anything (decision 0022).
            innermost=[
                Middleware(KeptPages, page_routes.ROOTS),
                Middleware(FastPath, [*FAST_ROUTES, *page_routes.FAST_ROUTES], problems),
            ],
        ),
    )
    app.state.settings = settings
    app.state.reader = open_reader(
        settings.read_url,
        settings.query_time_limit_ms,
        backup=copy_to_sqlite,
        pool_size=settings.database_pool_size,
    )
    app.state.slow_reads = SlowReads(settings.database_pool_size)
    app.state.problems = problems
    app.state.kept_answers = KeptAnswers(settings.answer_cache_mb * 1024 * 1024)
    app.state.recent_version = RecentVersion(settings.version_check_seconds)
    app.state.rendered_pages = RenderedPages(settings.page_cache_mb * 1024 * 1024, FINGERPRINT)
    # An Integrity while the app checks the file in the background, None when it does not
    # (a file within INTEGRITY_CHECK_MAX_BYTES is checked by `serve` before the app starts).
    app.state.integrity = None

    for router in [*ROUTERS, page_routes.router]:
        app.include_router(router)
    docs.add_docs(app)
    add_handlers(app, problems)
    openapi.document_answers(app)
    return app
