"""Templates, the pages' security policy and stylesheet, their fingerprint, and the dependency
every page takes."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse

from app.api.caching import conditional
from app.config import Settings
from app.pages import fragments
from app.pages.kept import RenderedPages
from app.storage import Reader

HERE = Path(__file__).parent

# Pages load nothing but this server's stylesheet: no script, no frame, no other site; forms
# submit here only. (Inline SVG is part of the document, not a load.)
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Stylesheet:
    """The one stylesheet, served at an address that changes with its content (so it can be
    cached for a year)."""

    body: bytes
    url: str
    etag: str

    @classmethod
    def load(cls, path: Path) -> "Stylesheet":
        """Read the stylesheet and name it by its digest."""
        body = path.read_bytes()
        digest = hashlib.sha256(body).hexdigest()[:16]
        return cls(body, f"/static/pages/pages-{digest}.css", f'"{digest}"')


STYLESHEET = Stylesheet.load(HERE / "static" / "pages.css")


def fingerprint(folder: Path) -> str:
    """A digest of every file under `folder` (names and contents): what makes a page besides
    the data. A deploy that changes a template, the stylesheet or the pages' code changes it."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".pyc"):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


# In every page's ETag (by way of the app's RenderedPages): a browser's copy from before a
# deploy is not revalidated as current.
FINGERPRINT = fingerprint(HERE)


@lru_cache(maxsize=4096)
def encoded_pair(name: str, value: str) -> str:
    # A list page's links repeat the same few pairs (its filters, sort and limit) once per
    # facet value: each is encoded once, not once per link.
    return urlencode(((name, value),))


def query_string(values: dict[str, Any]) -> str:
    """`?a=1&b=2` from the values that are set (lists repeat their name), or ''."""
    pairs = [
        encoded_pair(name, str(item))
        for name, value in values.items()
        for item in (value if isinstance(value, list | tuple) else [value])
        if item not in (None, "")
    ]
    return "?" + "&".join(pairs) if pairs else ""


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """Jinja2 as configured below, reading a record's fields (dicts) by key first: `item.id`
    is `item["id"]` without the failed attribute lookup Jinja tries first (a fifth of a
    record page's rendering). A dict's own methods (`values.get`) stay methods, whatever
    keys a request sends."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`obj.attribute` in a template."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def _environment() -> jinja2.Environment:
    environment = _Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates change with a deploy, not while serving
    )
    environment.globals["stylesheet"] = STYLESHEET.url
    for fragment in (
        fragments.country,
        fragments.person,
        fragments.span,
        fragments.control,
        fragments.filter_form,
    ):
        environment.globals[fragment.__name__] = fragment
    environment.filters["query"] = query_string
    environment.filters["label"] = lambda name: str(name).replace("_", " ")
    return environment


# Rendered to a string, then sent: Starlette's TemplateResponse also sends an
# `http.response.debug` message to test clients, ahead of the answer's start, which the app's
# gzip middleware (rightly, for any server) refuses.
templates = _environment()


@dataclass(frozen=True)
class Site:
    """What a page reads from: the app's read-only database and its settings, and the pages
    rendered already."""

    reader: Reader
    settings: Settings
    rendered: RenderedPages


def site_of(request: Request) -> Site:
    """The app's database, settings and rendered pages, for a page."""
    state = request.app.state
    return Site(state.reader, state.settings, state.rendered_pages)


async def get_site(request: Request) -> Site:
    """The app's database, settings and rendered pages, for a page (a dependency)."""
    return site_of(request)


SiteDep = Annotated[Site, Depends(get_site)]


def render(template: str, context: dict[str, Any]) -> str:
    """The HTML of `template` with `context` (no page reads the request: a page made at load
    time, app/pages/stored.py, is the page a request gets)."""
    return templates.get_template(template).render(context)


def html_response(body: str | bytes, status_code: int = 200, gzipped: bool = False) -> Response:
    """A page's body under the pages' security policy (`gzipped`: compressed already)."""
    headers = {"Content-Security-Policy": PAGE_POLICY}
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return HTMLResponse(body, status_code=status_code, headers=headers, media_type=HTML)


def page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """A rendered page under the pages' security policy."""
    return html_response(render(template, context), status_code)


def answer(request: Request, site: Site, respond: Callable[[], Response]) -> Response:
    """`respond()` as the API answers (ETag, 304, Cache-Control), the ETag naming the pages'
    fingerprint too; a page rendered already for this ETag is sent as it was."""
    rendered = site.rendered
    return conditional(
        request,
        site.reader,
        site.settings,
        respond,
        fingerprint=rendered.fingerprint,
        kept=rendered,
    )
