"""The client against a real server over the seed: typed results, pages, ETags, gzip, files."""

import asyncio
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from diplomatic_visits_client import (
    AsyncDiplomaticVisitsClient,
    DiplomaticVisitsClient,
    InvalidParameters,
    NotFound,
)
from diplomatic_visits_client.models import MeetingDetail, VisitDetail, VisitPublic

CUBA = "2023-06-raisi-cuba"
VISITS = ["2023-06-raisi-cuba", "2023-06-raisi-nicaragua", "2023-06-raisi-venezuela"]


class Recording(httpx.HTTPTransport):
    """The network, with every response's status and headers kept for the test to read."""

    def __init__(self) -> None:
        super().__init__()
        self.responses: list[httpx.Response] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send the request, and keep its response."""
        response = super().handle_request(request)
        self.responses.append(response)
        return response


@pytest.fixture
def network() -> Recording:
    """A recording transport."""
    return Recording()


@pytest.fixture
def api(api_url: str, network: Recording) -> Iterator[DiplomaticVisitsClient]:
    """A client of the real server."""
    with DiplomaticVisitsClient(api_url, transport=network) as client:
        yield client


def test_typed_results_of_every_resource(api: DiplomaticVisitsClient) -> None:
    visit = api.visits.get(CUBA)
    assert isinstance(visit, VisitDetail)
    assert (visit.host_country.code, visit.visitor.id) == ("CU", "ebrahim-raisi")
    assert visit.city == "Havana"
    assert len(visit.meetings) == 7
    assert {a.status for a in visit.agreements} == {"signed", "agreed"}

    talks = api.meetings.get("2023-06-15-havana-raisi-diaz-canel-talks")
    assert isinstance(talks, MeetingDetail)
    assert talks.venue == "Palace of the Revolution"
    assert api.agreements.list(status="signed", visit=CUBA).total == 2
    assert api.participants.get("miguel-diaz-canel").name == "Miguel Diaz-Canel"
    tour = api.tours.get("2023-06-raisi-latin-america")
    assert [leg.host_country.code for leg in tour.legs] == ["VE", "NI", "CU"]
    assert api.countries.get("cub").name == "Cuba"
    assert "biotechnology" in [topic.id for topic in api.topics.iter()]
    assert "tdi-2023-06-16-raisi-havana" in [source.id for source in api.sources.iter()]
    assert api.search("diaz canel", type="participant").items[0].id == "miguel-diaz-canel"
    said = api.statements.list(speaker="raul-castro")
    assert [(s.record.type, s.source_ids) for s in said.items] == [
        ("meeting", ["tdi-2023-06-16-raisi-havana"])
    ] * 2
    castro = api.statements.get("2023-06-raul-castro-unilateralism-over")
    assert castro.record.id == "2023-06-havana-raisi-raul-castro-meeting"
    assert [c.record.type for c in api.citations.iter(record_type="tour")] == ["tour"] * 4
    assert visit.source_ids == [
        "acn-2023-06-12-raisi-official-visit",
        "efe-2023-06-16-cuba-iran-accords",
        "radio-reloj-2023-06-15-iran-cuba-agenda",
        "tdi-2023-06-16-raisi-havana",
    ]


def test_several_values_of_a_filter(api: DiplomaticVisitsClient, network: Recording) -> None:
    either = api.visits.list(host_country=["CU", "NI"], sort="id")
    assert [visit.id for visit in either.items] == [CUBA, "2023-06-raisi-nicaragua"]
    assert "host_country=CU%2CNI" in str(network.responses[-1].request.url)
    assert api.meetings.list(host_country=("CU", "NI")).total == 8
    assert api.agreements.list(status=["signed", "agreed"], visit=CUBA).total == 3


def test_a_visits_parts(api: DiplomaticVisitsClient) -> None:
    meetings = api.visits.meetings(CUBA)
    assert len(meetings) == 7
    assert {m.visit_id for m in meetings} == {CUBA}
    assert len(api.visits.agreements(CUBA)) == 3
    roles = {(p.participant.id, p.role) for p in api.visits.participants(CUBA)}
    assert ("miguel-diaz-canel", "host") in roles


def test_iter_walks_every_page(api: DiplomaticVisitsClient, network: Recording) -> None:
    assert [visit.id for visit in api.visits.iter(limit=1)] == VISITS
    assert len(network.responses) == 3


def test_a_second_get_is_a_304_served_from_the_cache(
    api: DiplomaticVisitsClient, network: Recording
) -> None:
    first = api.visits.get(CUBA)
    second = api.visits.get(CUBA)
    assert [r.status_code for r in network.responses] == [200, 304]
    assert network.responses[0].headers["ETag"] == network.responses[1].headers["ETag"]
    assert second == first


def test_bodies_come_gzipped(api: DiplomaticVisitsClient, network: Recording) -> None:
    api.visits.get(CUBA)
    assert network.responses[0].headers["Content-Encoding"] == "gzip"


def test_errors_are_typed(api: DiplomaticVisitsClient) -> None:
    with pytest.raises(NotFound) as missing:
        api.visits.get("no-such-visit")
    assert missing.value.problem.detail == "No visit has the id 'no-such-visit'."
    with pytest.raises(InvalidParameters) as invalid:
        api.visits.list(host_country="XX", limit=501)
    assert sorted(e.name for e in invalid.value.errors) == ["host_country", "limit"]


def test_csv_export_to_a_file(api: DiplomaticVisitsClient, tmp_path: Path) -> None:
    out = tmp_path / "visits.csv"
    written = api.visits.download(out, visitor_country="IR", date_from="2023-06-13")
    assert written == out.stat().st_size
    with out.open(encoding="utf-8-sig", newline="") as saved:
        rows = list(csv.DictReader(saved))
    assert [row["id"] for row in rows] == ["2023-06-raisi-cuba", "2023-06-raisi-nicaragua"]
    assert rows[0]["host_country.code"] == "CU"


def test_ndjson_export_holds_the_list_models(api: DiplomaticVisitsClient) -> None:
    out = io.BytesIO()
    api.download("visits", out, format="ndjson", sort="id")
    records = [VisitPublic.model_validate(json.loads(line)) for line in out.getvalue().splitlines()]
    assert [visit.id for visit in records] == sorted(VISITS)


def test_a_paged_csv_list_downloads_whole(api: DiplomaticVisitsClient, tmp_path: Path) -> None:
    paged, exported = tmp_path / "paged.csv", tmp_path / "exported.csv"
    api.download("/v1/visits", paged, limit=1)
    api.visits.download(exported)
    assert paged.read_bytes() == exported.read_bytes()
    assert paged.read_bytes().count(b"\n") == 1 + len(VISITS)


def test_async_client(api_url: str, tmp_path: Path) -> None:
    out = tmp_path / "meetings.ndjson"

    async def main() -> None:
        async with AsyncDiplomaticVisitsClient(api_url) as client:
            visit = await client.visits.get(CUBA)
            assert await client.visits.get(CUBA) == visit
            assert [v.id async for v in client.visits.iter(limit=2)] == VISITS
            await client.meetings.download(out, format="ndjson", visit=CUBA)
            with pytest.raises(NotFound):
                await client.tours.get("no-such-tour")

    asyncio.run(main())
    assert len(out.read_bytes().splitlines()) == 7


def test_dataset_and_deletions(api: DiplomaticVisitsClient) -> None:
    info = api.dataset()
    assert info.counts["visits"] == 3
    assert "tdi-2023-06-16-raisi-havana" in [s.id for s in info.sources]
    assert list(api.iter_deletions("2000-01-01T00:00:00Z")) == []


def test_database_download_is_verified(api: DiplomaticVisitsClient, tmp_path: Path) -> None:
    import hashlib
    import sqlite3

    target = tmp_path / "visits.sqlite3"
    digest = api.download_database(target)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == digest
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM visit").fetchone() == (3,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["visits.sqlite3"]


def test_async_dataset_and_database(api_url: str, tmp_path: Path) -> None:
    async def run() -> tuple[int, str]:
        async with AsyncDiplomaticVisitsClient(api_url) as client:
            info = await client.dataset()
            deleted = [d async for d in client.iter_deletions("2000-01-01T00:00:00Z")]
            assert deleted == []
            return info.counts["meetings"], await client.download_database(tmp_path / "db")

    meetings, digest = asyncio.run(run())
    assert meetings == 10
    assert len(digest) == 64


def test_fields_give_records_holding_those_alone(api: DiplomaticVisitsClient) -> None:
    page = api.visits.list(fields=["id", "host_country"], sort="id")
    assert [(visit.id, visit.host_country.code) for visit in page.items] == [
        ("2023-06-raisi-cuba", "CU"),
        ("2023-06-raisi-nicaragua", "NI"),
        ("2023-06-raisi-venezuela", "VE"),
    ]
    assert page.items[0].model_fields_set == {"id", "host_country"}
    with pytest.raises(AttributeError):
        _ = page.items[0].city
    walked = [visit.id for visit in api.visits.iter(fields=["id"], limit=1, sort="id")]
    assert walked == VISITS
    visit = api.visits.get(CUBA, fields=["meetings"])
    assert isinstance(visit, VisitDetail)
    assert visit.model_fields_set == {"meetings"}
    assert len(visit.meetings) == 7
    out = io.BytesIO()
    api.visits.download(out, fields=["city", "id"], sort="id")
    assert out.getvalue().decode().removeprefix("\ufeff").splitlines() == [
        "city,id",
        "Havana,2023-06-raisi-cuba",
        "Managua,2023-06-raisi-nicaragua",
        "Caracas,2023-06-raisi-venezuela",
    ]
    with pytest.raises(InvalidParameters) as raised:
        api.visits.list(fields=["nope"])
    assert raised.value.problem.errors[0].name == "fields"
