"""Timelines: counts per year through the visits list's facets, drawn to exact coordinates."""

from fastapi.testclient import TestClient

from app.pages.timeline import Bar, Series, draw, visit_years
from app.storage import Reader
from tests.pages.support import BROWSER, read


def test_visits_per_year_come_from_the_list_s_year_facet(client: TestClient) -> None:
    reader: Reader = client.app.state.reader  # type: ignore[attr-defined]
    assert visit_years(reader, {"participant": "ebrahim-raisi"}) == ({2023: 3}, 0)
    assert visit_years(reader, {"host_country": "CU"}) == ({2023: 1}, 0)
    assert visit_years(reader, {"host_country": "IR"}) == ({}, 0)


def test_years_are_counted_in_windows_each_once() -> None:
    # 1950 to 2024 in three windows; a bar per year with visits, one scale for both lanes.
    made = Series("Made", "visits made", {1950: 2, 1990: 1, 2024: 4}, 1)
    hosted = Series("Hosted", "visits hosted", {1975: 4}, 0)
    drawn = draw([made, hosted])
    assert drawn is not None
    assert (drawn.first_year, drawn.last_year, drawn.width, drawn.height) == (1950, 2024, 400, 148)
    slot = (400 - 64 - 8) / 75
    assert drawn.lanes[0].bars == [
        Bar(round(64 + slot * 0.1, 2), 44.0, round(slot * 0.8, 2), 20.0, 1950, 2),
        Bar(round(64 + 40 * slot + slot * 0.1, 2), 54.0, round(slot * 0.8, 2), 10.0, 1990, 1),
        Bar(round(64 + 74 * slot + slot * 0.1, 2), 24.0, round(slot * 0.8, 2), 40.0, 2024, 4),
    ]
    assert [bar.height for bar in drawn.lanes[1].bars] == [40.0]  # the tallest of both lanes
    assert [lane.fill for lane in drawn.lanes] == ["solid", "hatched"]
    assert [year for _, year in drawn.ticks] == [1950, 1960, 1970, 1980, 1990, 2000, 2010, 2020]
    assert drawn.rows() == [(1950, [2, 0]), (1975, [0, 4]), (1990, [1, 0]), (2024, [4, 0])]


def test_nothing_is_drawn_without_a_dated_visit() -> None:
    assert draw([Series("Visits", "visits", {}, 3)]) is None


def test_a_country_page_draws_visits_made_and_hosted(client: TestClient) -> None:
    html = client.get("/countries/cub", headers=BROWSER).text
    document = read(html)
    assert document.headings[0] == (1, "Cuba")
    svg = document.having("svg")[0]
    assert svg["role"] == "img"
    assert svg["viewbox"] == "0 0 400 148"
    assert "Visits made and hosted by Cuba, 2023 to 2023: Made 0; Hosted 1" in document.text
    bars = [a for t, a in document.tags if t == "rect" and "bar" in str(a.get("class"))]
    assert [(bar["class"], bar["height"]) for bar in bars] == [("bar hatched", "40.0")]
    assert "2023: 1 visits hosted" in document.text
    assert "Year Made Hosted 2023 0 1" in document.text  # the same counts as a table
    assert document.link_texts["/visits?host_country=CU"] == "1"


def test_a_participant_page_draws_their_visits(client: TestClient) -> None:
    document = read(client.get("/participants/ebrahim-raisi", headers=BROWSER).text)
    assert "Visits of Ebrahim Raisi, 2023 to 2023: Visits 3" in document.text
    assert "Visits (3)" in [text for _, text in document.headings]
    assert document.link_texts["/visits/2023-06-raisi-cuba"] == "Cuba, Havana"
