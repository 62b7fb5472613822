"""What changes when data changes: the version, ETags, `updated_since` and the deletions feed."""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.seed import load_seed
from app.storage import create_write_engine
from tests.support import SEED_DIR, build_database

TOUR_FILE = "tours/2023-06-raisi-latin-america.yaml"


class Service:
    """A writable database behind a running app, and a seed copy to edit and re-load."""

    def __init__(self, root: Path) -> None:
        self.seed = root / "seed_data"
        shutil.copytree(SEED_DIR, self.seed)
        self.url = build_database(root / "visits.sqlite3", self.seed)
        settings = Settings(database_url=self.url, export_dir=root / "exports")
        self.client = TestClient(create_app(settings))

    def edit(self, change: Any) -> None:
        path = self.seed / TOUR_FILE
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")

    def reload(self) -> None:
        engine = create_write_engine(self.url)
        with engine.begin() as connection:
            load_seed(connection, self.seed)
        engine.dispose()


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    running = Service(tmp_path)
    with running.client:
        yield running


def drop_castro_meeting(data: Any) -> None:
    visit = data["visits"][2]
    visit["meetings"] = [
        m for m in visit["meetings"] if m["id"] != "2023-06-havana-raisi-raul-castro-meeting"
    ]


def test_dataset_summary(service: Service) -> None:
    body = service.client.get("/v1").json()
    assert body["counts"] == {
        "visits": 3,
        "meetings": 10,
        "agreements": 4,
        "participants": 13,
        "tours": 1,
        "statements": 11,
        "citations": 101,
        "sources": 7,
        "topics": 18,
        "countries": 250,
    }
    assert [s["id"] for s in body["sources"]][:2] == [
        "acn-2023-06-12-raisi-official-visit",
        "efe-2023-06-16-cuba-iran-accords",
    ]
    tdi = next(s for s in body["sources"] if s["publisher"] == "TDI")
    assert tdi["license"] == "Held in full for citation; rights remain with the publisher."
    assert body["changed_at"].endswith("Z")


def test_reloading_unchanged_data_keeps_version_and_etags(service: Service) -> None:
    before = service.client.get("/v1/visits")
    version = service.client.get("/v1").json()["version"]
    service.reload()
    assert service.client.get("/v1").json()["version"] == version
    again = service.client.get("/v1/visits", headers={"If-None-Match": before.headers["etag"]})
    assert again.status_code == 304


def test_a_data_change_moves_version_and_etag(service: Service) -> None:
    before = service.client.get("/v1/visits/2023-06-raisi-venezuela")
    version = service.client.get("/v1").json()["version"]

    def new_summary(data: Any) -> None:
        data["visits"][0]["summary"] = "First leg of the tour."

    service.edit(new_summary)
    service.reload()
    assert service.client.get("/v1").json()["version"] == version + 1
    after = service.client.get(
        "/v1/visits/2023-06-raisi-venezuela", headers={"If-None-Match": before.headers["etag"]}
    )
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert after.json()["summary"] == "First leg of the tour."


def test_updated_since_returns_what_changed(service: Service) -> None:
    stamp = service.client.get("/v1").json()["changed_at"]
    assert service.client.get(f"/v1/visits?updated_since={stamp}").json()["total"] == 3

    def new_summary(data: Any) -> None:
        data["visits"][1]["summary"] = "Second leg of the tour."

    service.edit(new_summary)
    service.reload()
    changed_at = service.client.get("/v1").json()["changed_at"]
    changed = service.client.get(f"/v1/visits?updated_since={changed_at}").json()
    assert [v["id"] for v in changed["items"]] == ["2023-06-raisi-nicaragua"]
    bad = service.client.get("/v1/visits?updated_since=yesterday")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["name"] == "updated_since"


def test_deleted_records_appear_in_the_feed(service: Service) -> None:
    since = service.client.get("/v1").json()["changed_at"]
    assert service.client.get(f"/v1/deletions?since={since}").json()["total"] == 0
    service.edit(drop_castro_meeting)
    service.reload()
    feed = service.client.get(f"/v1/deletions?since={since}&limit=500").json()
    deleted = {(d["resource"], d["id"]) for d in feed["items"]}
    assert ("meeting", "2023-06-havana-raisi-raul-castro-meeting") in deleted
    assert ("statement", "2023-06-raul-castro-unilateralism-over") in deleted
    assert ("participation", "2023-06-havana-raisi-raul-castro-meeting--raul-castro") in deleted
    # the meeting, 2 participations, 4 statements, and the 7 citations of those
    assert feed["total"] == len(feed["items"]) == 14
    assert all(d["deleted_at"].endswith("Z") for d in feed["items"])
    later = service.client.get("/v1/deletions?since=2999-01-01T00:00:00Z").json()
    assert later["total"] == 0
    paged = service.client.get(f"/v1/deletions?since={since}&limit=5").json()
    assert len(paged["items"]) == 5
    second = service.client.get(
        f"/v1/deletions?since={since}&limit=5&cursor={paged['next_cursor']}"
    ).json()
    assert second["items"][0] == feed["items"][5]
    assert service.client.get("/v1/deletions").status_code == 422


def test_database_download_is_a_consistent_snapshot(service: Service, tmp_path: Path) -> None:
    import hashlib
    import sqlite3
    from base64 import b64encode

    response = service.client.get("/v1/export/database.sqlite")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.sqlite3"
    digest = hashlib.sha256(response.content).hexdigest()
    assert response.headers["x-checksum-sha256"] == digest
    expected = b64encode(hashlib.sha256(response.content).digest()).decode()
    assert response.headers["repr-digest"] == f"sha-256=:{expected}:"
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(response.content)
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM visit").fetchone() == (3,)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    again = service.client.get("/v1/export/database.sqlite")
    assert again.headers["x-checksum-sha256"] == digest  # the same snapshot, reused
    service.edit(drop_castro_meeting)
    service.reload()
    fresh = service.client.get("/v1/export/database.sqlite")
    assert fresh.headers["x-checksum-sha256"] != digest
    assert sorted(p.suffix for p in (tmp_path / "exports").iterdir()) == [".sha256", ".sqlite3"]


def test_a_renamed_visitor_is_renamed_in_every_visit(service: Service) -> None:
    # A visit's stored document embeds its visitor: a load that renames the participant
    # alone (no visit changes) must still rebuild what the visit lists say.
    path = service.seed / "participants.yaml"
    people = yaml.safe_load(path.read_text(encoding="utf-8"))
    for person in people:
        if person["id"] == "ebrahim-raisi":
            person["name"] = "Seyyed Ebrahim Raisi"
    path.write_text(yaml.safe_dump(people, allow_unicode=True, sort_keys=False), "utf-8")
    service.reload()
    items = service.client.get("/v1/visits").json()["items"]
    assert [item["visitor"]["name"] for item in items] == ["Seyyed Ebrahim Raisi"] * 3
    detail = service.client.get("/v1/visits/2023-06-raisi-cuba").json()
    assert detail["visitor"]["name"] == "Seyyed Ebrahim Raisi"
    exported = service.client.get("/v1/export/visits.csv").text.splitlines()
    assert all(",Seyyed Ebrahim Raisi," in line for line in exported[1:])
