"""Errors as pages, for browsers: the problem said in words, and on a list page the form again,
each bad parameter marked beside its control."""

from typing import Any

from fastapi import Request, Response
from starlette.types import Scope

from app.api.headers import header
from app.pages import data
from app.pages.lists import form_controls, given
from app.pages.render import page

HTML_TYPES = ("text/html", "application/xhtml+xml")
DATA_TYPES = ("application/json", "application/problem+json", "*/*", "application/*")


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def prefers_html(scope: Scope) -> bool:
    """Whether the client's `Accept` puts HTML above JSON (as browsers send it)."""
    accept = header(scope, b"accept") or ""
    html = data_quality = 0.0
    for part in accept.split(","):
        media_range, *parameters = part.strip().lower().split(";")
        quality = _quality(parameters)
        if media_range.strip() in HTML_TYPES:
            html = max(html, quality)
        elif media_range.strip() in DATA_TYPES:
            data_quality = max(data_quality, quality)
    return html > data_quality


def problem_page(problem: dict[str, Any], scope: Scope) -> Response:
    """The page for a problem (RFC 9457 fields): its title and detail, each bad parameter, and
    for a list page its form with what was sent."""
    request = Request(scope)
    resource = data.RESOURCES.get(scope["path"].strip("/"))
    bad = {error["name"]: error["message"] for error in problem.get("errors", [])}
    context: dict[str, Any] = {
        "problem": problem,
        "bad": bad,
        "resource": resource,
        "controls": form_controls(resource) if resource else (),
        "values": given(request.query_params) if resource else {},
    }
    return page(request, "error.html", context, status_code=problem["status"])
