"""A mixed read workload for `make load` (locust, headless): what the API's clients do.

Each simulated client sends requests back to back (no think time), so 64 users keep 64
connections busy. The mix, by weight: filtered lists (visits, meetings, agreements,
participants, tours) 30, records by id 25, search 15, CSV and NDJSON pages 10, facets 5, the
next page through a cursor 5, revalidation with `If-None-Match` (a 304) 5, vocabularies 5.
Ids, countries and words come from the server itself when the run starts, so the workload
fits whatever data it serves (the seed alone, or the seed and the Historian import).

When the run ends, one line sums it up (requests, errors, throughput, p50 and p99) and the
exit code is 1 if any request failed: a 4xx or 5xx, a timeout or a refused connection.
"""

# ruff: noqa: S311 (random picks requests here; nothing secret depends on it)

import json
import random
from typing import Any
from urllib.parse import urlencode
from urllib.request import urlopen

from locust import FastHttpUser, constant, events, task
from locust.env import Environment

DATA: dict[str, list[str]] = {}
WORDS = ["havana", "president", "visit", "state", "minister", "cuba", "iran", "talks", "trade"]


def _ids(host: str, path: str, key: str = "id", **params: str) -> list[str]:
    query = urlencode({"limit": "500", **params})
    with urlopen(f"{host}{path}?{query}", timeout=30) as answer:  # noqa: S310 (our server)
        return [str(item[key]) for item in json.load(answer)["items"]]


@events.test_start.add_listener
def discover(environment: Environment, **_kwargs: Any) -> None:
    """Learn ids and codes from the server under test, once, before the users start."""
    host = environment.host or ""
    DATA["visit"] = _ids(host, "/v1/visits")
    DATA["meeting"] = _ids(host, "/v1/meetings") or DATA["visit"]
    DATA["participant"] = _ids(host, "/v1/participants")
    DATA["tour"] = _ids(host, "/v1/tours") or DATA["visit"]
    DATA["country"] = _ids(host, "/v1/countries", key="code", has_visits="true")
    if not DATA["visit"]:
        raise SystemExit("the server has no visits to load-test with")


@events.quitting.add_listener
def summarize(environment: Environment, **_kwargs: Any) -> None:
    """One line for the record; a non-zero exit code when anything failed."""
    total = environment.stats.total
    seconds = max(total.last_request_timestamp - total.start_time, 1e-9)
    print(
        f"load: {total.num_requests} requests, {total.num_failures} errors, "
        f"{total.num_requests / seconds:.0f} req/s, "
        f"p50 {total.get_response_time_percentile(0.5):.0f} ms, "
        f"p99 {total.get_response_time_percentile(0.99):.0f} ms"
    )
    if total.num_failures or total.num_requests == 0:
        environment.process_exit_code = 1


def _some(kind: str) -> str:
    return random.choice(DATA[kind])


class ApiClient(FastHttpUser):
    """One client, asking as fast as answers come."""

    wait_time = constant(0)

    @task(12)
    def visits_filtered(self) -> None:
        country = _some("country")
        params = random.choice(
            [
                {"host_country": country},
                {"visitor_country": country, "sort": "-start_date"},
                {"country": country, "from": "1990-01-01", "to": "2024-12-31"},
                {"participant": _some("participant"), "limit": 20},
            ]
        )
        self.client.get("/v1/visits", params=params, name="/v1/visits?filters")

    @task(6)
    def meetings_filtered(self) -> None:
        params = {"host_country": _some("country"), "sort": "-date"}
        self.client.get("/v1/meetings", params=params, name="/v1/meetings?filters")

    @task(4)
    def agreements_filtered(self) -> None:
        params = {"country": _some("country"), "status": random.choice(["signed", "agreed"])}
        self.client.get("/v1/agreements", params=params, name="/v1/agreements?filters")

    @task(4)
    def participants_filtered(self) -> None:
        params = {"country": _some("country"), "sort": "name"}
        self.client.get("/v1/participants", params=params, name="/v1/participants?filters")

    @task(4)
    def tours_filtered(self) -> None:
        self.client.get("/v1/tours", params={"from": "2000-01-01"}, name="/v1/tours?filters")

    @task(25)
    def record(self) -> None:
        kind = random.choice(["visit", "visit", "visit", "meeting", "participant", "tour"])
        if DATA[kind] is DATA["visit"]:
            kind = "visit"
        self.client.get(f"/v1/{kind}s/{_some(kind)}", name=f"/v1/{kind}s/{{id}}")

    @task(15)
    def search(self) -> None:
        words = " ".join(random.sample(WORDS, random.choice([1, 1, 2])))
        self.client.get("/v1/search", params={"q": words}, name="/v1/search?q")

    @task(10)
    def csv_page(self) -> None:
        resource = random.choice(["visits", "meetings", "participants"])
        fmt = random.choice(["csv", "csv", "ndjson"])
        self.client.get(
            f"/v1/{resource}", params={"format": fmt}, name=f"/v1/{{list}}?format={fmt}"
        )

    @task(5)
    def facets(self) -> None:
        params = {"facet": "host_country,year,kind", "limit": 1}
        self.client.get("/v1/visits", params=params, name="/v1/visits?facet")

    @task(5)
    def next_page(self) -> None:
        first = self.client.get("/v1/visits", params={"limit": 5}, name="/v1/visits?limit=5")
        cursor = first.json().get("next_cursor") if first.status_code == 200 else None
        if cursor:
            params = {"limit": 5, "cursor": cursor}
            self.client.get("/v1/visits", params=params, name="/v1/visits?cursor")

    @task(5)
    def revalidate(self) -> None:
        path = f"/v1/visits/{_some('visit')}"
        etag = self.client.get(path, name="/v1/visits/{id}").headers.get("etag")
        if etag:
            self.client.get(path, headers={"If-None-Match": etag}, name="/v1/visits/{id} (304)")

    @task(5)
    def vocabularies(self) -> None:
        path = random.choice(["/v1/topics", "/v1/sources", "/v1/countries?has_visits=true"])
        self.client.get(path, name=path.split("?")[0])
