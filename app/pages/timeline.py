"""Timelines of visits over the years, drawn by the server as SVG: one lane per series (made,
hosted), a bar per year, heights on one scale. Lanes are told apart by their labels and
their fill (solid or hatched), never by colour alone; the same counts go in a table beside.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.pages import data
from app.storage import Reader

# Counted by the list's `year` facet over windows of this many years: a facet lists at most
# FACET_LIMIT (30) values, and a window holds at most 25 years of its own plus the years of
# visits that began before it and overlap it (ignored there, counted in their own window).
WINDOW_YEARS = 25

WIDTH = 400  # the drawing's coordinates; it scales to the page's width
LEFT = 64  # room for the lanes' labels
RIGHT = 8
LANE = 56  # height of a lane
BAR_ROOM = 40  # of which the tallest bar takes this much
TOP = 8
AXIS = 28  # room for the years below the lanes
STEPS = (1, 2, 5, 10, 20, 25, 50, 100)
MAX_TICKS = 8
FILLS = ("solid", "hatched")


@dataclass(frozen=True)
class Series:
    """Counts of visits per year for one lane, and how many have no date."""

    label: str
    noun: str  # "visits made", for each bar's title
    years: dict[int, int]
    undated: int


@dataclass(frozen=True)
class Bar:
    """One year's bar in a lane."""

    x: float
    y: float
    width: float
    height: float
    year: int
    count: int


@dataclass(frozen=True)
class Lane:
    """One series drawn: its label's position, its bars and its fill."""

    series: Series
    label_y: float
    baseline: float
    bars: list[Bar]
    fill: str


@dataclass(frozen=True)
class Timeline:
    """A whole timeline: the drawing's size, its lanes and its year ticks."""

    width: int
    height: int
    lanes: list[Lane]
    ticks: list[tuple[float, int]]  # (x, year)
    first_year: int
    last_year: int
    left: int = LEFT

    def rows(self) -> list[tuple[int, list[int]]]:
        """Each year with a visit in any lane, and its count in every lane."""
        years = sorted({year for lane in self.lanes for year in lane.series.years})
        return [(year, [lane.series.years.get(year, 0) for lane in self.lanes]) for year in years]


def visit_years(db: Reader, criteria: Mapping[str, Any]) -> tuple[dict[int, int], int]:
    """Visits matching `criteria` per year of their start, and how many have no start date."""
    visits = data.RESOURCES["visits"]
    dated = {**criteria, "date_from": data.EARLIEST}
    earliest, dated_total = data.first(db, visits, dated, "start_date", 1)
    _, total = data.first(db, visits, criteria, "start_date", 1)
    years: dict[int, int] = {}
    # Window after window from the first year, until every dated visit is counted (the
    # last year needs no read of its own).
    start = int(earliest[0]["start_date"][:4]) if earliest else dt.MAXYEAR + 1
    while sum(years.values()) < dated_total and start <= dt.MAXYEAR:
        end = start + WINDOW_YEARS - 1
        window = {
            **criteria,
            "date_from": dt.date(start, 1, 1),
            "date_to": dt.date(min(end, dt.MAXYEAR), 12, 31),
            "facet": ["year"],
        }
        _, page = data.list_page(db, visits, window, "start_date", None, 1)
        for row in (page.facets or {}).get("year", []):
            if row["value"] is not None and start <= int(row["value"]) <= end:
                years[int(row["value"])] = row["count"]
        start = end + 1
    return years, total - sum(years.values())


def years_of(visits: list[dict[str, Any]]) -> tuple[dict[int, int], int]:
    """Visits per year of their start, and how many have no start date, counted from the
    visits themselves (when a page lists them all already)."""
    years: dict[int, int] = {}
    for visit in visits:
        if visit["start_date"]:
            year = int(visit["start_date"][:4])
            years[year] = years.get(year, 0) + 1
    return years, sum(1 for visit in visits if not visit["start_date"])


def _step(span: int) -> int:
    return next((step for step in STEPS if span // step < MAX_TICKS), STEPS[-1])


def draw(series: list[Series]) -> Timeline | None:
    """The timeline of `series` on one scale, or None when no series has a dated visit."""
    every_year = [year for one in series for year in one.years]
    if not every_year:
        return None
    first_year, last_year = min(every_year), max(every_year)
    span = last_year - first_year + 1
    slot = (WIDTH - LEFT - RIGHT) / span
    tallest = max(count for one in series for count in one.years.values())
    lanes = []
    for index, one in enumerate(series):
        baseline = TOP + LANE * (index + 1)
        bars = []
        for year, count in sorted(one.years.items()):
            height = round(max(BAR_ROOM * count / tallest, 1.5), 2)
            bars.append(
                Bar(
                    x=round(LEFT + (year - first_year) * slot + slot * 0.1, 2),
                    y=round(baseline - height, 2),
                    width=round(slot * 0.8, 2),
                    height=height,
                    year=year,
                    count=count,
                )
            )
        lanes.append(Lane(one, baseline - LANE / 2, baseline, bars, FILLS[index % len(FILLS)]))
    step = _step(span)
    first_tick = -(-first_year // step) * step
    ticks = [
        (round(LEFT + (year - first_year + 0.5) * slot, 2), year)
        for year in range(first_tick, last_year + 1, step)
    ]
    height = TOP + LANE * len(series) + AXIS
    return Timeline(WIDTH, height, lanes, ticks, first_year, last_year)
