"""The smallest pieces of markup, which a page repeats for every record it lists: a
participant's name, a country's, a span of dates. Made here rather than as template macros:
a macro call costs Jinja more than the few escaped values it writes (a list of 50 visits
calls these 150 times). Every value is escaped."""

from typing import Any

from markupsafe import Markup, escape


def country(ref: dict[str, Any] | None) -> Markup:
    """A country's name linked to its page, or "not known"."""
    if not ref:
        return Markup("not known")
    return Markup(f'<a href="/countries/{escape(ref["code"])}">{escape(ref["name"])}</a>')  # noqa: S704


def person(ref: dict[str, Any]) -> Markup:
    """A participant's name linked to their page, and their country's name."""
    name = escape(ref["name"]) if ref.get("name") else "not named in the sources"
    where = f" ({escape(ref['country']['name'])})" if ref.get("country") else ""
    return Markup(f'<a href="/participants/{escape(ref["id"])}">{name}</a>{where}')  # noqa: S704


def span(start: Any, end: Any) -> Markup:
    """A date, or two as a span, as `<time>` elements; or that the sources give none."""
    if start and end and start != end:
        first, last = escape(start), escape(end)
        return Markup(  # noqa: S704
            f'<time datetime="{first}">{first}</time> to <time datetime="{last}">{last}</time>'
        )
    if start:
        first = escape(start)
        return Markup(f'<time datetime="{first}">{first}</time>')  # noqa: S704
    return Markup("no date in the sources")
