"""Errors as pages, for browsers: the problem said in words, and on a list page the form again,
each bad parameter marked beside its control."""

from typing import Any

from fastapi import Request, Response
from starlette.types import Scope

from app.pages import data
from app.pages.lists import form_controls, given
from app.pages.render import page


def problem_page(problem: dict[str, Any], scope: Scope) -> Response:
    """The page for a problem (RFC 9457 fields): its title and detail, each bad parameter, and
    for a list page whose parameters are the problem its form with what was sent (a problem
    of the request itself, refused at the edge, links home instead)."""
    request = Request(scope)
    named = problem.get("errors")
    resource = data.RESOURCES.get(scope["path"].strip("/")) if named else None
    bad = {error["name"]: error["message"] for error in problem.get("errors", [])}
    context: dict[str, Any] = {
        "problem": problem,
        "bad": bad,
        "resource": resource,
        "controls": form_controls(resource) if resource else (),
        "values": given(request.query_params) if resource else {},
    }
    return page(request, "error.html", context, status_code=problem["status"])
