"""The cases of the query-plan tests, shared by both engines' (tests/test_query_plans.py on
SQLite, tests/test_query_plans_postgresql.py on PostgreSQL): every list, every sort (both
directions), every filter (its busiest value and its rarest, and for a filter taking several
values its two busiest), date ranges at the start, middle and end of the generated data, and
deep pages; each case's parameters go through the route's filter model, as a request's would.
"""

import sqlite3
import typing
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import pytest
from pydantic import BaseModel

from app import derived
from app.api import filters
from app.queries import (
    agreements,
    claims,
    evidence,
    listing,
    meetings,
    participants,
    tours,
    visits,
    vocabularies,
)
from app.queries.common import NoSearchWords, parse_sort
from app.storage import SEARCH_ORDER, Reader
from tests.generated import generated_database

SMALL = 500
BIG = 8 * SMALL
LIMIT = 10
GROWTH = 1.5  # what a page may cost on BIG over its cost on SMALL (a read of every match: ~8x)
MIN_BUSY = 20  # matches of a busiest value on SMALL
DEPTH = 1000  # pages of LIMIT records

RESOURCES: dict[str, tuple[type[BaseModel], listing.Listing, Mapping[str, str]]] = {
    "visits": (filters.VisitFilters, visits.list_visits, visits.SORT_COLUMNS),
    "meetings": (filters.MeetingFilters, meetings.list_meetings, meetings.SORT_COLUMNS),
    "agreements": (filters.AgreementFilters, agreements.list_agreements, agreements.SORT_COLUMNS),
    "participants": (
        filters.ParticipantFilters,
        participants.list_participants,
        participants.SORT_COLUMNS,
    ),
    "tours": (filters.TourFilters, tours.list_tours, tours.SORT_COLUMNS),
    "sources": (
        filters.SourceFilters,
        vocabularies.list_sources,
        vocabularies.SOURCE_SORT_COLUMNS,
    ),
    "countries": (
        filters.CountryFilters,
        vocabularies.list_countries,
        vocabularies.COUNTRY_SORT_COLUMNS,
    ),
    "topics": (filters.TopicFilters, vocabularies.list_topics, vocabularies.TOPIC_SORT_COLUMNS),
    "claims": (filters.ClaimFilters, claims.list_claims, claims.SORT_COLUMNS),
    "statements": (filters.StatementFilters, evidence.list_statements, evidence.SORT_COLUMNS),
    "citations": (filters.CitationFilters, evidence.list_citations, evidence.SORT_COLUMNS),
}
NOT_FILTERS = {"limit", "cursor", "sort", "format", "facet", "date_from", "date_to"}

# A word in most of each resource's documents, and one in about 1% of visits' (or none).
BUSY_WORDS = {
    "visits": "sides",
    "meetings": "sides",
    "agreements": "signed",
    "participants": "islands",
    "tours": "nation",
    "sources": "report",
    "countries": "islands",
    "topics": "energy",
    "statements": "relations",
}
RARE_WORD = "desalination"
# Filters whose busiest value holds few records whatever the size of the data: a visit's
# meetings, a tour's legs, the tours of one traveller, a country's few people.
FEW_BY_NATURE = {
    ("*", "visit"),
    ("*", "tour"),
    ("participants", "country"),
    ("tours", "participant"),
    ("tours", "country"),
    ("countries", "q"),
    ("topics", "q"),
    # A claim's subject has a few claims; a participant has one id per register.
    ("claims", "subject"),
    ("claims", "source"),
    ("participants", "external_id"),
    # A meeting or visit has a few statements, and a record a few citations; in the
    # generated data a person speaks at few visits, and each source reports few statements.
    ("statements", "record"),
    ("statements", "speaker"),
    ("statements", "source"),
    ("citations", "record"),
}
# Years at the start, in the middle and at the end of the generated dates.
YEARS = {"start": 1950, "middle": 1987, "end": 2025}

SINGULAR = {"countries": "country"} | {
    name: name.removesuffix("s") for name in RESOURCES if name != "countries"
}


def not_a_range(resource: str, name: str, sort: str) -> str | None:
    """Why a page with this filter and sort is not one index range that stops (the same
    list as docs/read-path.md), or None."""
    column = RESOURCES[resource][2][sort.removeprefix("-")]
    if name == "q" and SEARCH_ORDER.get(SINGULAR[resource]) != column:
        return "q with another order than the search order: every match is looked up"
    if name == "q" and not sort.startswith("-"):
        return "q ascending: the undated matches come first, read as one block"
    if name == "updated_since":
        return "updated_since: the sort's index is walked, each change time checked"
    span = RESOURCES[resource][1].span
    if name == "dates" and span is not None and column not in (span.start, span.end):
        return "from/to sorted by another field than a date: its index is walked, dates checked"
    if name == "dates" and column == "end_date":
        return "from/to by end date: the records without an end date are read as a block"
    if name == "has_visits":
        return "about 250 countries, each looked up in the visits' indexes"
    return None


@contextmanager
def lists_alone() -> Iterator[None]:
    """Loads in the block build every derived table but the pages' stored pages and rows,
    as a process that never imported the pages does (app/derived.py): the plans read lists
    alone, and the pages are most of a load's time (on PostgreSQL, 20 of 33 s of a copy of
    500 generated visits)."""
    steps = list(derived.LATER)
    derived.LATER.clear()
    try:
        yield
    finally:
        derived.LATER[:] = steps


def generate(tmp_path_factory: pytest.TempPathFactory, visits: int) -> Path:
    """A SQLite file of `visits` generated visits (tests/generated.py), without stored pages
    (`lists_alone`)."""
    with lists_alone():
        return generated_database(
            tmp_path_factory.mktemp(f"plans{visits}") / "visits.sqlite3", visits
        )


def _filter_names(model: type[BaseModel]) -> list[str]:
    """Every filter a list offers, by its query parameter name (dates apart)."""
    return sorted(
        (info.alias or name) for name, info in model.model_fields.items() if name not in NOT_FILTERS
    )


def sorts(found: listing.Listing) -> list[str]:
    """Every sort of a list, both directions."""
    return [value for name in found.sort_columns for value in (name, f"-{name}")]


def _takes_several(model: type[BaseModel], name: str) -> bool:
    """Whether the filter `name` takes several values (`several` in app/api/filters.py)."""
    info = next(info for field, info in model.model_fields.items() if (info.alias or field) == name)
    return any(
        isinstance(mark, filters.Several)
        for choice in typing.get_args(info.annotation)
        for mark in typing.get_args(choice)[1:]
    )


def cases() -> Iterator[Any]:
    """(resource, filter or None, which value or None, sort) for every list."""
    for resource, (model, found, _) in RESOURCES.items():
        for sort in sorts(found):
            yield pytest.param(resource, None, None, sort, id=f"{resource}-{sort}")
            for name in _filter_names(model):
                # `several`: its two busiest values (any of them), read as one range each.
                several = ("several",) if _takes_several(model, name) else ()
                for which in ("busy", "rare", *several):
                    yield pytest.param(
                        resource, name, which, sort, id=f"{resource}-{name}-{which}-{sort}"
                    )
            if found.span is not None:
                for when in YEARS:
                    yield pytest.param(
                        resource, "dates", when, sort, id=f"{resource}-dates-{when}-{sort}"
                    )


def deep_cases() -> Iterator[Any]:
    """(resource, sort) for every list."""
    for resource, (_, found, _) in RESOURCES.items():
        for sort in sorts(found):
            yield pytest.param(resource, sort, id=f"{resource}-{sort}")


def _value(db: Path, resource: str, name: str, which: str, found: listing.Listing) -> Any:
    """A value of a filter on one data set (its SQLite file): its busiest or rarest."""
    if name == "q":
        return BUSY_WORDS[resource] if which == "busy" else RARE_WORD
    if name == "updated_since":
        return "2025-01-01T00:00:00Z" if which == "busy" else "2030-01-01T00:00:00Z"
    if name == "has_visits":
        return which == "busy"
    assert name in found.keys, f"{resource}: say how to choose a value of {name!r}"
    order = "ASC" if which == "rare" else "DESC"
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT value, total FROM list_count WHERE resource = ? AND name = ? "
            f"AND value IS NOT NULL ORDER BY total {order}, value LIMIT 2",
            (found.resource, name),
        ).fetchall()
    connection.close()
    assert rows, (resource, name)
    if which == "several":
        return [row[0] for row in rows]
    return rows[0][0]


def criteria(
    resource: str, name: str | None, which: str | None, sort: str, db: Path | None = None
) -> tuple[dict[str, Any], Any]:
    """A case's criteria and sort as the route's filter model gives them, with the filter's
    value chosen on the data set `db` (a SQLite file)."""
    model, found, _ = RESOURCES[resource]
    params: dict[str, Any] = {"sort": sort}
    if name == "dates" and which is not None:
        year = YEARS[which]
        params["from"], params["to"] = f"{year}-01-01", f"{year}-12-31"
    elif name is not None and which is not None:
        assert db is not None
        params[name] = _value(db, resource, name, which, found)
    chosen: Any = model.model_validate(params)
    return chosen.criteria(), chosen.sort


class Recording(Protocol):
    """A reader that records the statements it runs."""

    statements: list[Any]

    def fresh(self) -> None:
        """Forget the statements and every kept answer: each case counts from nothing."""


def page_statements(reader: Recording) -> list[Any]:
    """The statements the reader ran that read a page (bound by `:page_limit`)."""
    return [s for s in reader.statements if "page_limit" in s.params]


def pages(
    reader: Recording, resource: str, criteria: Any, sort: Any
) -> tuple[list[tuple[list[Any], list[Any]]], Any]:
    """The first page and the one after it, each as its statements and rows, and the
    first page's answer (its total)."""
    found = RESOURCES[resource][1]
    db = typing.cast(Reader, reader)
    order = parse_sort(sort, found.sort_columns)
    reader.fresh()
    _, page = found(db, criteria, order, None, LIMIT)
    made = [(page_statements(reader), page.rows)]
    if page.next_after is not None:
        reader.statements.clear()
        _, second = found(db, criteria, order, page.next_after, LIMIT, count=False)
        made.append((page_statements(reader), second.rows))
    return made, page


def busy_enough(resource: str, name: str | None, which: str | None, total: int) -> None:
    """A busiest value has at least MIN_BUSY matches on SMALL (a scan of them would show),
    but for the filters FEW_BY_NATURE."""
    few = ("*", name) in FEW_BY_NATURE or (resource, name) in FEW_BY_NATURE
    if (
        which in ("busy", "several")
        and name not in (None, "dates", "updated_since", "has_visits")
        and not few
    ):
        assert total >= MIN_BUSY, f"{name}: a busiest value with {total} matches shows no scan"


def deep_pages(reader: Recording, resource: str, sort: str) -> tuple[list[Any], list[Any]]:
    """The statements of the first page and of page DEPTH by cursor (or the list's last
    full page when it has fewer); checks the deep page holds the records it should."""
    found = RESOURCES[resource][1]
    db = typing.cast(Reader, reader)
    chosen, given = criteria(resource, None, None, sort)
    order = parse_sort(given, found.sort_columns)
    reader.fresh()
    found(db, chosen, order, None, LIMIT, count=False)
    first = page_statements(reader)
    _, every = found(db, chosen, order, None, DEPTH * LIMIT, count=False)
    depth = min(DEPTH, (len(every.rows) - 1) // LIMIT)
    if depth < 2:
        pytest.skip(f"{resource}: fewer than two pages")
    last = every.rows[depth * LIMIT - 1]
    reader.fresh()
    _, deep = found(db, chosen, order, (last["sort_key"], last["id"]), LIMIT, count=False)
    assert [row["id"] for row in deep.rows] == [
        row["id"] for row in every.rows[depth * LIMIT : (depth + 1) * LIMIT]
    ]
    return first, page_statements(reader)


def over_the_bound(
    pages: Iterable[tuple[int | None, int | None, int, int]], per_row: int, slack: int, unit: str
) -> list[str]:
    """The pages whose cost on BIG passes GROWTH times their cost on SMALL, plus `per_row`
    for each row they return beyond those on SMALL, plus `slack`. `pages`: each page's cost
    on SMALL and on BIG (None: not held to the bound) and the rows it returns on each."""
    problems = []
    for number, (small, big, rows, big_rows) in enumerate(pages):
        if small is None or big is None:
            continue
        bound = int(GROWTH * small) + per_row * max(0, big_rows - rows) + slack
        if big > bound:
            problems.append(
                f"page {number + 1}: {big} {unit} on {BIG} visits, {small} on {SMALL} "
                f"(bound {bound})"
            )
    return problems


def measure(
    readers: Mapping[str, Recording],
    resource: str,
    name: str | None,
    which: str | None,
    sort: str,
    files: Mapping[str, Path],
) -> dict[str, Any]:
    """`pages` of the case on each scale (its reader and the file its values are chosen
    from), by scale."""
    measured = {}
    for scale, db in files.items():
        chosen, given = criteria(resource, name, which, sort, db)
        try:
            measured[scale] = pages(readers[scale], resource, chosen, given)
        except NoSearchWords:  # pragma: no cover - the words always hold letters
            pytest.fail("the sample word holds no letters")
    return measured
