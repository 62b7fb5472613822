"""The rows of each list page, one `<li>` per record, from the record's list item. Each
record's row is made when data is loaded and stored beside its list item
(app/pages/stored.py), so a list page's first request joins stored rows rather than decode
and write up to 100 records; a request writes a row here only when none is stored by the
running code. Written in Python rather than in a template: Jinja's cost per value written (an
attribute lookup, an escape and a markup object each) was most of a list's first rendering.
tests/pages pin the rows' bytes; every value is escaped."""

from collections.abc import Callable
from typing import Any

from app.pages.fragments import country, escape, highlighted, person, span

Row = Callable[[dict[str, Any]], str]


def _label(value: Any) -> str:
    return str(value).replace("_", " ")


def _s(count: Any) -> str:
    return "s" if count != 1 else ""


def _agreement(item: dict[str, Any]) -> str:
    title = escape(item["title"]) if item["title"] else escape(_label(item["kind"]).capitalize())
    line = [escape(str(item["status"]).capitalize())]
    if item["signed_on"]:
        signed = escape(item["signed_on"])
        line.append(f' on <time datetime="{signed}">{signed}</time>')
    line.append(f" · {escape(_label(item['kind']))}")
    if item["count"]:
        line.append(f" · {escape(item['count'])} instrument{_s(item['count'])}")
    if item["parties"]:
        line.append(" · parties: " + ", ".join(country(party) for party in item["parties"]))
    return (
        f'<li><h3><a href="/agreements/{escape(item["id"])}">{title}</a></h3>\n'
        f"<p>{''.join(line)}</p>\n</li>\n"
    )


def _country(item: dict[str, Any]) -> str:
    code = escape(item["code"])
    made, hosted = item["visits_made"], item["visits_hosted"]
    made_html = f'<a href="/visits?visitor_country={code}">{escape(made)}</a>' if made else "0"
    hosted_html = f'<a href="/visits?host_country={code}">{escape(hosted)}</a>' if hosted else "0"
    return (
        f'<li><h3><a href="/countries/{code}">{escape(item["name"])}</a></h3>\n'
        f"<p>{code}, {escape(item['alpha3'])} · visits made: {made_html} · visits hosted: "
        f"{hosted_html}</p>\n</li>\n"
    )


def _meeting(item: dict[str, Any]) -> str:
    title = escape(item["title"]) if item["title"] else escape(_label(item["kind"]))
    line = [str(span(item["date"], None)), f" · {escape(_label(item['kind']))}"]
    if item["venue"]:
        line.append(f" · {escape(item['venue'])}")
    if item["city"]:
        line.append(f" · {escape(item['city'])}")
    visit = escape(item["visit_id"])
    line.append(f' · during <a href="/visits/{visit}">{visit}</a>')
    return (
        f'<li><h3><a href="/meetings/{escape(item["id"])}">{title}</a></h3>\n'
        f"<p>{''.join(line)}</p>\n</li>\n"
    )


def _participant(item: dict[str, Any]) -> str:
    name = escape(item["name"]) if item["name"] else "Not named in the sources"
    line = [escape(str(item["kind"]).capitalize())]
    if item["country"]:
        line.append(f" · {country(item['country'])}")
    if item["aliases"]:
        line.append(" · also written " + ", ".join(escape(alias) for alias in item["aliases"]))
    if item["description"]:
        line.append(f" · {escape(item['description'])}")
    return (
        f'<li><h3><a href="/participants/{escape(item["id"])}">{name}</a></h3>\n'
        f"<p>{''.join(line)}</p>\n</li>\n"
    )


def _source(item: dict[str, Any]) -> str:
    line = [(escape(item["publisher"]))]
    if item["published_on"]:
        published = escape(item["published_on"])
        line.append(f', <time datetime="{published}">{published}</time>')
    cited = item["citation_count"]
    line.append(f" · {escape(_label(item['kind']))} · cited {escape(cited)} time{_s(cited)}")
    return (
        f'<li><h3><a href="/sources/{escape(item["id"])}">{escape(item["title"])}</a></h3>\n'
        f"<p>{''.join(line)}</p>\n</li>\n"
    )


def _tour(item: dict[str, Any]) -> str:
    legs = item["legs"]
    hosts = ", ".join((escape(leg["host_country"]["name"])) for leg in legs)
    return (
        f'<li><h3><a href="/tours/{escape(item["id"])}">{escape(item["name"])}</a></h3>\n'
        f"<p>{span(item['start_date'], item['end_date'])} · {person(item['principal'])} · "
        f"{len(legs)} leg{_s(len(legs))}: {hosts}</p>\n</li>\n"
    )


def _visit(item: dict[str, Any]) -> str:
    visitor = item["visitor"]["name"]
    heading = [
        (escape(visitor)) if visitor else "An unnamed visitor",
        f" in {escape(item['host_country']['name'])}",
    ]
    if item["city"]:
        heading.append(f", {escape(item['city'])}")
    kind = f" · {escape(_label(item['kind']))} visit" if item["kind"] else ""
    summary = f"<p>{escape(item['summary'])}</p>" if item["summary"] else ""
    return (
        f'<li><h3><a href="/visits/{escape(item["id"])}">{"".join(heading)}</a></h3>\n'
        f"<p>{span(item['start_date'], item['end_date'])}{kind} · from "
        f"{country(item['visitor_country'])} to {country(item['host_country'])}</p>\n"
        f"{summary}</li>\n"
    )


ROWS: dict[str, Row] = {
    "agreements": _agreement,
    "countries": _country,
    "meetings": _meeting,
    "participants": _participant,
    "sources": _source,
    "tours": _tour,
    "visits": _visit,
}


def row(resource: str, item: dict[str, Any]) -> str:
    """The `<li>` of a record on the `resource` list page, from its list item (every value
    escaped)."""
    return ROWS[resource](item)


# Where a search hit of each type links (a topic: the visits it is a topic of).
HIT_PATHS = {
    "visit": "/visits/",
    "meeting": "/meetings/",
    "participant": "/participants/",
    "agreement": "/agreements/",
    "tour": "/tours/",
    "source": "/sources/",
    "country": "/countries/",
}


def _hit(hit: dict[str, Any]) -> str:
    resource, title = hit["resource"], escape(hit["title"])
    path = HIT_PATHS.get(resource)
    if path:
        heading = f'<a href="{path}{escape(hit["id"])}">{title}</a>'
    elif resource == "topic":
        heading = f'<a href="/visits?topic={escape(hit["id"])}">{title}</a>'
    else:
        heading = title
    return (
        "    <li>\n"
        f'      <p class="type">{escape(resource)}</p>\n'
        f"      <h3>{heading}</h3>\n"
        f'      <p class="snippet">{highlighted(hit["snippet"])}</p>\n'
        "    </li>\n"
    )


def hits(results: list[dict[str, Any]]) -> str:
    """The HTML of the search page's hits (`/v1/search`'s items), one `<li>` each, in order:
    every value escaped, their snippets' marks the only markup they hold."""
    return "".join(_hit(hit) for hit in results)
