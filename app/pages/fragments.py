"""The smallest pieces of markup, which a page repeats for every record it lists: a
participant's name, a country's, a span of dates. Made here rather than as template macros:
a macro call costs Jinja more than the few escaped values it writes (a list of 50 visits
calls these 150 times). Every value is escaped."""

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from markupsafe import Markup

# What markupsafe's `escape` writes for each character it escapes, as a plain string: the
# rows and links of a list page escape a few thousand short values, and a Markup object for
# each cost more than the escaping.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})


def escape(value: Any) -> str:
    """`value` as text in HTML (or in an attribute's quotes), as markupsafe escapes it."""
    text = str(value)
    # Most values hold no such character: five scans cost less than a translation.
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return text.translate(_ESCAPES)
    return text


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


def highlighted(snippet: str) -> Markup:
    """A search snippet escaped whole, its `<mark>` pairs (the index's highlights) restored:
    the only markup it can hold, always balanced."""
    parts = []
    open_mark = False
    for index, piece in enumerate(snippet.replace("</mark>", "<mark>").split("<mark>")):
        if index:  # a marker stood here: open or close, whichever balances
            parts.append("</mark>" if open_mark else "<mark>")
            open_mark = not open_mark
        parts.append(escape(piece))
    if open_mark:
        parts.append("</mark>")
    return Markup("".join(parts))  # noqa: S704 (every piece escaped above)


def _control(c: Any, values: Mapping[str, Any], bad: Mapping[str, Any]) -> str:
    """One form control (app.pages.forms.Control) with its label and hint, its value the
    last one sent (or its default), marked invalid when `bad` names it."""
    error = bad.get(c.name)
    if not error and not values.get(c.name):
        return _unset(c)
    return _written(c, (values.get(c.name) or [c.default])[-1], error)


@cache
def _unset(c: Any) -> str:
    # A control the request does not set (most of a form's 16) is the same for every
    # request: written once per process.
    return _written(c, c.default, None)


def _written(c: Any, current: Any, error: str | None) -> str:
    name = escape(c.name)
    described = f"h-{name} e-{name}" if error else f"h-{name}"
    invalid = ' aria-invalid="true"' if error else ""
    parts = [
        f'<div class="field{" invalid" if error else ""}">\n',
        f'  <label for="f-{name}">{escape(c.label)}</label>\n',
    ]
    if c.kind == "select":
        parts.append(
            f'  <select id="f-{name}" name="{name}" aria-describedby="{described}"{invalid}>\n'
        )
        for option, label in c.options:
            selected = " selected" if option == current else ""
            parts.append(
                f'    <option value="{escape(option)}"{selected}>{escape(label)}</option>\n'
            )
        parts.append("  </select>\n")
    else:
        bounds = "".join(
            (
                f' min="{escape(c.minimum)}"' if c.minimum is not None else "",
                f' max="{escape(c.maximum)}"' if c.maximum is not None else "",
                f' maxlength="{escape(c.max_length)}"' if c.max_length else "",
            )
        )
        parts.append(
            f'  <input id="f-{name}" name="{name}" type="{escape(c.kind)}" '
            f'value="{escape(current)}"{bounds}{invalid} aria-describedby="{described}">\n'
        )
    parts.append(f'  <p class="hint" id="h-{name}">{escape(c.hint)}</p>\n')
    if error:
        parts.append(f'<p class="error" id="e-{name}">{escape(error)}</p>')
    parts.append("</div>\n")
    return "".join(parts)


def control(c: Any, values: Mapping[str, Any], bad: Mapping[str, Any]) -> Markup:
    """One control of a GET form (a list page's, the search page's)."""
    return Markup(_control(c, values, bad))  # noqa: S704 (every value escaped)


# Parameters that leave a list page's "More filters" closed: words and paging.
OPEN_UNLESS = ("q", "cursor", "before")


def filter_form(
    resource: Any, controls: Sequence[Any], values: Mapping[str, Any], bad: Mapping[str, Any]
) -> Markup:
    """A list page's filter form: the words first, the other filters under "More filters"
    (open when one is set or one is wrong). As Python rather than a macro: a macro call per
    control cost a list page's first rendering more than its rows."""
    name = escape(resource.name)
    opened = bad or any(key not in OPEN_UNLESS for key in values)
    parts = [
        f'<form class="filters" method="get" action="/{name}" aria-labelledby="filters-heading">\n',
        '  <h2 id="filters-heading">Filter and sort</h2>\n',
        *(_control(c, values, bad) for c in controls if c.name == "q"),
        f'  <details class="more"{" open" if opened else ""}>\n',
        "    <summary>More filters</summary>\n",
        '    <div class="grid">\n',
        *(_control(c, values, bad) for c in controls if c.name != "q"),
        "    </div>\n",
        "  </details>\n",
        f'  <p><button type="submit">Show {escape(resource.title.lower())}</button> '
        f'<a href="/{name}">Clear all filters</a></p>\n',
        "</form>\n",
    ]
    return Markup("".join(parts))  # noqa: S704 (every value escaped)
