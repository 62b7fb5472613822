"""The home page: what the data holds, the latest visits, the most cited sources."""

from fastapi.testclient import TestClient

from app.pages import home
from tests.pages.support import BROWSER, read


def test_the_most_cited_sources_come_first_and_link_to_every_source(client: TestClient) -> None:
    document = read(client.get("/", headers=BROWSER).text)
    sources = client.get("/v1").json()["sources"]
    cited = sorted(sources, key=lambda s: (-s["citation_count"], s["id"]))[: home.CITED]
    shown = [
        href.removeprefix("/sources/") for href in document.links if href.startswith("/sources/")
    ]
    assert shown == [source["id"] for source in cited]
    assert f"The {len(cited)} most cited of {len(sources)}:" in document.text
    first = cited[0]
    assert f"cited {first['citation_count']} times" in document.text
    assert document.link_texts["/sources"] == "Every source"


def test_the_datasets_are_named_with_their_visits_and_sources(client: TestClient) -> None:
    document = read(client.get("/", headers=BROWSER).text)
    assert "1 dataset: seed (3 visits, 7 sources)." in document.text
