"""The edge is built by one function, in one order, around what the app puts innermost."""

from starlette.middleware import Middleware

from app.api.fast_path import FastPath
from app.config import Settings
from app.edge import middleware
from app.edge.access import AccessLog
from app.edge.compression import Compression
from app.edge.cors import OpenCors
from app.edge.head import HeadAsGet
from app.edge.limits import ClientLimits, RateLimit, RequestTimeout
from app.edge.problems import Problems
from app.edge.security import RequestShape, SecurityHeaders
from app.main import create_app
from app.pages.kept import KeptPages

EDGE = [AccessLog, SecurityHeaders, RequestShape, OpenCors, RequestTimeout, HeadAsGet, Compression]


def test_the_edge_outermost_first(settings: Settings) -> None:
    problems = Problems()
    built = middleware(settings, problems, rate_limits=None, page_policies={})
    assert [m.cls for m in built] == EDGE
    clock = built[EDGE.index(RequestTimeout)]
    assert clock.args == (settings.request_time_limit_ms / 1000, problems)


def test_a_rate_limit_counts_after_cors_and_before_the_clock(settings: Settings) -> None:
    limits = ClientLimits("5/second", "memory://")
    inner = Middleware(HeadAsGet)
    built = middleware(
        settings, Problems(), rate_limits=limits, page_policies={}, innermost=[inner]
    )
    assert [m.cls for m in built] == [*EDGE[:4], RateLimit, *EDGE[4:], HeadAsGet]
    assert built[4].args[0] is limits


def test_the_app_is_built_with_the_edge_and_the_fast_paths_innermost(settings: Settings) -> None:
    app = create_app(settings)
    assert [m.cls for m in app.user_middleware] == [*EDGE, KeptPages, FastPath]
    problems = app.state.problems
    answering = [m for m in app.user_middleware if problems in m.args]
    assert [m.cls for m in answering] == [AccessLog, RequestShape, RequestTimeout, FastPath]
