"""Our server against Datasette on the same generated SQLite file, loaded in turn by wrk.

    .venv/bin/python -m bench.run                      # 100k visits (what `make bench` runs)
    .venv/bin/python -m bench.run --visits 10000 100000 1000000 --duration 10
    .venv/bin/python -m bench.run --visits 100000 --cases visit_by_id search --profile

For each scale: generate the file (or reuse the cached one under bench/out/), start our
server (`python -m app serve`, one uvicorn worker) and Datasette (`datasette serve -i`, one
worker) on it, check that both return the same records for every case, then load each
server in turn with wrk (1 thread, 16 connections; a warm-up, then rounds of a fixed
duration that alternate which server goes first) and print req/s, p50, p99 and server CPU
per request for each case, with the ratios. Results also go to bench/out/results.json
(merged by scale). Only 127.0.0.1 is ever contacted; every run is bounded in time.

With `--backend postgresql`, the file is also copied to a fresh PostgreSQL database
(bench/postgres.py), served by our server with DATABASE_URL pointing at it and loaded with
the same cases in the same rounds (and with `--workers N`, by a second server with N
workers); the report adds a table for it, with the database's CPU and its own time for the
same SQL.

With `--cold`, our servers keep no answer (ANSWER_CACHE_MB=0, PAGE_CACHE_MB=0): each
request is made as a first request is, while a default server sends a repeated request as
it was kept (decisions 0040 and 0041). Results go to results-cold.json.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy.engine import make_url

from app.derived import DERIVED_VERSION, rebuild_if_stale
from app.storage import SEARCHABLE, open_reader, upgrade_to_head
from app.storage.sqlite.search import (
    CANDIDATES,
    RECORD_SPAN,
    RESOURCE_SPAN,
    Fts5Search,
    resource_base,
)
from bench.generate import DATA_VERSION, DEFAULT_SEED, SEARCH_WORD
from bench.postgres import SERVER, DatabaseCpu, copy_into, cpu_between, floors, fresh_database

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
BENCH_VENV = BENCH_DIR / ".venv"
WRK_SCRIPT = BENCH_DIR / "wrk_report.lua"
HOST = "127.0.0.1"
DB_NAME = "visits"  # Datasette names the database after the file's stem
PAGE_DEEP = 1000
PAGE_DEEP_SIZE = 10
FILTERED_SIZE = 50
CSV_ROWS = 10_000
TIME_LIMIT_MS = 2000  # our default query_time_limit_ms; Datasette gets the same
# `--cold`: nothing kept, so that a request costs what a first request costs.
COLD = {"ANSWER_CACHE_MB": "0", "PAGE_CACHE_MB": "0"}
# Our server checks the whole file (`PRAGMA quick_check`) before it serves: minutes at 1M.
STARTUP_LIMIT_S = 1800


def log(message: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(message, file=sys.stderr, flush=True)


# ---- the data file ----


def fingerprint() -> str:
    """Changes with the generated rows, the schema or the seed: regenerate.

    The schema is the one the migrations build (read from a scratch database migrated to
    head), not the migrations' source: a comment or a refactor of a migration keeps a cached
    file that took an hour to generate at 1M. A migration that changes no schema is applied to
    the cached file by `refresh_derived`. The search index and the stored documents are data
    derived from the rows, rebuilt in place when the service reads another version of them.
    """
    digest = hashlib.sha256(f"generator {DATA_VERSION}".encode())
    for line in migrated_schema():
        digest.update(line.encode())
    for path in sorted((PROJECT_ROOT / "seed_data").rglob("*.*")):
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def migrated_schema() -> list[str]:
    """Every table, index, view and trigger of a new database migrated to head, as SQL with
    its whitespace collapsed, in name order."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "schema.sqlite3"
        upgrade_to_head(f"sqlite:///{path}")
        with closing(sqlite3.connect(path)) as connection:
            rows = connection.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                "ORDER BY type, name"
            ).fetchall()
    return [f"{kind} {name}: {_normalized(sql)}" for kind, name, sql in rows]


def _normalized(sql: str) -> str:
    """The SQL with its whitespace collapsed and its named constraints in name order: a
    table rebuilt by a batch migration lists them in an order that varies from run to run."""
    head, *constraints = " ".join(sql.split()).split(", CONSTRAINT ")
    if not constraints:
        return head
    last, closing_paren, tail = constraints[-1].rpartition(" )")
    constraints[-1] = last if closing_paren else constraints[-1]
    return head + "".join(f", CONSTRAINT {c}" for c in sorted(constraints)) + closing_paren + tail


def data_file(visits: int, seed: int) -> Path:
    """The cached file for this scale, generated (to a temporary name, then moved) if missing."""
    path = OUT_DIR / f"{visits}-s{seed}-{fingerprint()}" / f"{DB_NAME}.sqlite3"
    if path.exists():
        log(f"reusing {path.relative_to(PROJECT_ROOT)}")
        refresh_derived(path)
        return path
    for stale in OUT_DIR.glob(f"{visits}-s{seed}-*"):  # files of an older schema: gigabytes
        if stale != path.parent and stale.is_dir():
            log(f"removing {stale.relative_to(PROJECT_ROOT)} (older schema or generator)")
            shutil.rmtree(stale)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{DB_NAME}.partial.sqlite3")
    log(f"generating {visits:,} visits into {path.relative_to(PROJECT_ROOT)} ...")
    command = [sys.executable, "-m", "bench.generate", "--visits", str(visits)]
    command += ["--seed", str(seed), "--out", str(partial)]
    subprocess.run(command, check=True, cwd=PROJECT_ROOT)
    partial.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    return path


def refresh_derived(path: Path) -> None:
    """Bring a cached file to the service's version, as `python -m app migrate` does: apply
    migrations newer than the file (ones that change no schema keep its fingerprint) and
    rebuild the search index and the stored documents if another version built them. Leaves
    everything in the main file."""
    with closing(sqlite3.connect(path)) as connection:
        (version,) = connection.execute("PRAGMA user_version").fetchone()
    if version != DERIVED_VERSION:
        log(f"rebuilding derived data (version {version} -> {DERIVED_VERSION}) ...")
    started = time.monotonic()
    upgrade_to_head(f"sqlite:///{path}")
    rebuild_if_stale(f"sqlite:///{path}")
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if version != DERIVED_VERSION:
        log(f"rebuilt in {time.monotonic() - started:.0f} s")


# ---- servers ----


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A server process we started (and only we stop)."""

    name: str
    command: list[str]
    ready_path: str
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    startup_seconds: float | None = None
    database: DatabaseCpu | None = None  # the PostgreSQL database it serves

    @property
    def base(self) -> str:
        """Its URL prefix."""
        return f"http://{HOST}:{self.port}"

    @property
    def log_path(self) -> Path:
        """Where its output goes."""
        return OUT_DIR / "logs" / f"{self.name}.log"

    @property
    def pid(self) -> int:
        """Its process id."""
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        """Start it and wait until it answers `ready_path`."""
        self.port = free_port()
        command = [part.replace("{port}", str(self.port)) for part in self.command]
        # Both servers log every request, as they would in production: to a file here.
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log_file:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env={**os.environ, **self.env},
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        started = time.monotonic()
        deadline = started + STARTUP_LIMIT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.log_path.read_text(errors="replace")
                raise SystemExit(f"{self.name} did not start:\n{error[-3000:]}")
            try:
                if httpx.get(self.base + self.ready_path, timeout=5).status_code == 200:
                    self.startup_seconds = round(time.monotonic() - started, 1)
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{self.name} did not answer {self.ready_path} within {STARTUP_LIMIT_S} s")

    def stop(self) -> None:
        """Stop it (SIGTERM, then SIGKILL after 10 s)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def settle(self, quiet: float = 0.2, longest: float = 15.0) -> float:
        """Wait until the server has used no CPU for `quiet` seconds (at most `longest`):
        requests wrk gave up on may still be running (Datasette's SQL, up to its time
        limit), and would run beside the next server's timed run. The seconds waited."""
        started = time.monotonic()
        last = self.cpu_seconds()
        while time.monotonic() - started < longest:
            time.sleep(quiet)
            now = self.cpu_seconds()
            if now - last < 0.01 * quiet:  # under 1% of a core: idle
                break
            last = now
        return time.monotonic() - started

    def cpu_seconds(self) -> float:
        """CPU time (user + system, all threads) the process and its children (the workers
        of `serve --workers N`) have used so far."""
        total, pending = 0.0, [self.pid]
        while pending:
            pid = pending.pop()
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                tasks = list(Path(f"/proc/{pid}/task").iterdir())
            except OSError:  # ended in between
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in tasks:
                try:
                    pending += [int(child) for child in (task / "children").read_text().split()]
                except OSError:
                    continue
        return total

    def peak_rss_mb(self) -> float | None:
        """The process's peak resident memory so far (VmHWM), in MB."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None


def our_server(path: Path, name: str = "ours", **settings: str) -> Server:
    """`python -m app serve`, one worker, on `path` (other settings as environment)."""
    return _served(f"sqlite:///{path}", name, 1, settings)


def postgresql_server(
    url: str, name: str = "postgresql", workers: int = 1, **settings: str
) -> Server:
    """`python -m app serve`, `workers` workers, on the PostgreSQL database at `url` (other
    settings as environment), with its backends' CPU read too."""
    server = _served(url, name, workers, settings)
    server.database = DatabaseCpu(url)
    return server


def _served(database_url: str, name: str, workers: int, settings: dict[str, str]) -> Server:
    env = {
        "DATABASE_URL": database_url,
        "QUERY_TIME_LIMIT_MS": str(TIME_LIMIT_MS),
        # The background integrity check reads the whole file (17 minutes at 1M visits): its
        # CPU would be counted as the requests' (Datasette checks nothing either).
        "INTEGRITY_CHECK_IN_BACKGROUND": "false",
    }
    command = [sys.executable, "-m", "app", "serve", "--host", HOST, "--port", "{port}"]
    if workers > 1:
        command += ["--workers", str(workers)]
    return Server(
        name,
        command,
        "/healthz",
        env={**env, **settings},
    )


def datasette_server(path: Path) -> Server:
    """`datasette serve -i`, one worker, with settings as close to ours as Datasette has."""
    datasette = BENCH_VENV / "bin" / "datasette"
    if not datasette.exists():
        raise SystemExit("bench/.venv is missing: run `make bench` (it builds it)")
    return Server(
        "datasette",
        [
            str(datasette),
            "serve",
            "-i",  # immutable: we serve the file read-only too
            str(path),
            "--host",
            HOST,
            "--port",
            "{port}",
            "--setting",
            "sql_time_limit_ms",
            str(TIME_LIMIT_MS),
            "--setting",
            "max_returned_rows",
            "1000",
            # Facet suggestions are HTML conveniences our API does not compute either.
            "--setting",
            "suggest_facets",
            "off",
        ],
        "/-/versions.json",
    )


# ---- cases ----


@dataclass
class Case:
    """One request shape, as each server spells it."""

    name: str
    title: str
    ours: list[str]  # one path, or several cycled through
    theirs: list[str] | None  # None: Datasette has no equivalent
    check: str = ""  # how the records were found equal
    note: str = ""
    # Long responses (the CSV export) get fewer connections and more time, so that each
    # timed run completes a useful number of them.
    connections: int | None = None
    min_duration: int = 0


class Mismatch(Exception):
    """The two servers returned different records."""


def _get(client: httpx.Client, url: str) -> httpx.Response:
    response = client.get(url)
    if response.status_code != 200:
        raise Mismatch(f"{url} answered {response.status_code}: {response.text[:300]}")
    return response


def _keys(rows: list[dict[str, Any]]) -> list[tuple[Any, str]]:
    return [(row["start_date"], row["id"]) for row in rows]


def same_records(
    ours: list[tuple[Any, str]], theirs: list[tuple[Any, str]], edges: Sequence[str]
) -> str:
    """Equal (start_date, id) pages, allowing another order of ids tied on start_date.

    Datasette breaks ties on the sort column by id ascending whatever the direction; we break
    them in the direction of the sort. So a run of equal dates cut by the page edge may hold
    other ids; every other run must hold exactly the same ids.
    """
    if [d for d, _ in ours] != [d for d, _ in theirs]:
        raise Mismatch(f"different dates: {ours[:3]}... vs {theirs[:3]}...")
    runs: list[tuple[set[str], set[str]]] = []
    previous: object = object()
    for (date, our_id), (_, their_id) in zip(ours, theirs, strict=True):
        if date != previous:
            runs.append((set(), set()))
            previous = date
        runs[-1][0].add(our_id)
        runs[-1][1].add(their_id)
    tolerated = 0
    for index, (mine, other) in enumerate(runs):
        at_edge = ("first" in edges and index == 0) or ("last" in edges and index == len(runs) - 1)
        if mine != other:
            if not at_edge:
                raise Mismatch(f"run {index} differs: {sorted(mine)} vs {sorted(other)}")
            tolerated += len(mine - other)
    if tolerated:
        return f"same dates; {tolerated} id(s) differ within a date tie cut by the page edge"
    return "identical ids in identical order"


def _follow(client: httpx.Client, base: str, path: str, pages: int) -> str:
    """The path of page `pages`, following `Link: rel="next"` from `path` (page 1)."""
    for _ in range(pages - 1):
        response = _get(client, base + path)
        link = response.headers.get("link", "")
        if 'rel="next"' not in link:
            raise Mismatch(f"{base}{path}: no next page before page {pages}")
        url = link.split(";")[0].strip().strip("<>")
        path = url.removeprefix(base)
    return path


def build_cases(
    client: httpx.Client, ours: Server, theirs: Server, path: Path
) -> tuple[list[Case], dict[str, Any]]:
    """The cases for this file, after checking both servers agree on each."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        (total,) = db.execute("SELECT count(*) FROM visit").fetchone()
        (host,) = db.execute(
            "SELECT host_country_code FROM visit GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()
        # 200 visits spread over the id order, each with agreements: a full embedded detail.
        with_agreements = [
            r[0]
            for r in db.execute(
                "SELECT id FROM visit WHERE id IN (SELECT visit_id FROM agreement) ORDER BY id"
            )
        ]
        step = max(1, len(with_agreements) // 200)
        visit_ids = with_agreements[::step][:200]
        csv_to = db.execute(
            "SELECT start_date FROM visit WHERE start_date IS NOT NULL "
            "ORDER BY start_date LIMIT 1 OFFSET ?",
            (CSV_ROWS - 1,),
        ).fetchone()
        chosen = _chosen_values(db)
    finally:
        db.close()
    fts = f"rowid in ({_visit_matches(path)})"
    params = {"visits": total, "host_country": host, "search_word": SEARCH_WORD, **chosen}
    ds = f"/{path.stem}"  # Datasette names a database after its file
    cases = [
        Case(
            "visit_by_id",
            "one visit by id, embedded detail",
            [f"/v1/visits/{visit_id}" for visit_id in visit_ids],
            [f"{ds}/visit/{visit_id}.json?_shape=array" for visit_id in visit_ids],
            note=f"{len(visit_ids)} visits with agreements, cycled; Datasette's row page "
            "returns the visit row alone, ours embeds meetings, agreements, participants, "
            "statements and citations",
        ),
        Case(
            "filtered_sorted",
            f"host_country={host}, -start_date, 50",
            [f"/v1/visits?{urlencode({'host_country': host, 'sort': '-start_date'})}&limit=50"],
            [
                f"{ds}/visit.json?"
                + urlencode(
                    {
                        "host_country_code": host,
                        "_sort_desc": "start_date",
                        "_size": FILTERED_SIZE,
                        "_shape": "array",
                    }
                )
            ],
        ),
        Case(
            "search",
            f"full text q={SEARCH_WORD}, -start_date, 50",
            [f"/v1/visits?q={SEARCH_WORD}&limit=50"],
            [
                f"{ds}/visit.json?"
                + urlencode(
                    {
                        "_where": fts,
                        "_sort_desc": "start_date",
                        "_size": FILTERED_SIZE,
                        "_shape": "array",
                    }
                )
            ],
            note="Datasette runs the same FTS5 query as ours (visit rowids from the index's "
            "visit range) through _where",
        ),
        Case(
            "page_1",
            f"page 1, start_date, {PAGE_DEEP_SIZE}",
            [f"/v1/visits?sort=start_date&limit={PAGE_DEEP_SIZE}"],
            [f"{ds}/visit.json?_sort=start_date&_size={PAGE_DEEP_SIZE}&_shape=array"],
        ),
        Case(
            "page_1000",
            f"page {PAGE_DEEP} by cursor, start_date, {PAGE_DEEP_SIZE}",
            [],
            [],
            note="cursor (ours) and _next token (Datasette) found by walking from page 1",
        ),
    ]
    deep = cases[-1]
    log(f"walking to page {PAGE_DEEP} on both servers ...")
    deep.ours = [_follow(client, ours.base, cases[-2].ours[0], PAGE_DEEP)]
    assert cases[-2].theirs is not None
    deep.theirs = [_follow(client, theirs.base, cases[-2].theirs[0], PAGE_DEEP)]

    csv_case = _csv_case(client, ours, ds, csv_to[0] if csv_to else None)
    cases.append(csv_case)
    cases += _every_resource_cases(client, ours, ds, path, chosen)

    for case in cases:
        if case.theirs is None:
            continue
        try:
            case.check = _check(client, ours, theirs, case)
        except Mismatch as mismatch:
            too_long = "SQL query took too long" in str(mismatch)
            if case.name != "csv_10k" and not too_long:
                raise
            # Not timed: the two would not be doing the same work (or Datasette's SQL ran
            # past its time limit, so there is nothing to compare). Said in the table's notes.
            case.note = (
                "not timed: Datasette's SQL ran past its time limit"
                if too_long
                else f"not timed: the two exports differ ({mismatch})"
            )
            case.theirs = None
            case.ours = []
            case.check = str(mismatch)
        log(f"  {case.name}: {case.check}")
    return cases, params


# The lists whose deep pages are measured: path, sort, Datasette's table, sort column.
DEEP_LISTS = {
    "meetings": ("date", "meeting", "date"),
    "agreements": ("-signed_on", "agreement", "signed_on"),
    "participants": ("name", "participant", "name"),
    "tours": ("-start_date", "tour", "start_date"),
    "sources": ("-published_on", "source", "published_on"),
}

# A word in most visits' and meetings' documents ("held talks", "bilateral talks"): the
# cross-resource search's worst case.
COMMON_WORD = "talks"

# Records looked up by id: Datasette returns the row, ours the stored detail.
DETAILS = ("meeting", "agreement", "participant", "tour", "source")


def _chosen_values(db: sqlite3.Connection) -> dict[str, Any]:
    """The busiest and rarest values of the filters the cases use, the years of the data,
    and ids of each resource spread over the id order."""

    def value(resource: str, name: str, order: str) -> Any:
        row = db.execute(
            "SELECT value FROM list_count WHERE resource = ? AND name = ? "
            f"AND value IS NOT NULL ORDER BY total {order}, value LIMIT 1",
            (resource, name),
        ).fetchone()
        return None if row is None else row[0]

    chosen: dict[str, Any] = {
        f"{resource}_{name}_{which}": value(resource, name, order)
        for resource, name in (
            ("meeting", "participant"),
            ("agreement", "country"),
            ("visit", "topic"),
            ("participant", "country"),
            ("source", "kind"),
        )
        for which, order in (("busy", "DESC"), ("rare", "ASC"))
    }
    first, last = db.execute(
        "SELECT min(start_date), max(start_date) FROM visit WHERE start_date IS NOT NULL"
    ).fetchone()
    start, end = int(first[:4]), int(last[:4])
    chosen["years"] = {"start": start, "middle": (start + end) // 2, "end": end}
    for resource in DETAILS:
        ids = [row[0] for row in db.execute(f"SELECT id FROM {resource} ORDER BY id")]
        step = max(1, len(ids) // 200)
        chosen[f"{resource}_ids"] = ids[::step][:200]
    return chosen


def _sql(ds: str, sql: str, **bound: Any) -> str:
    """Datasette's arbitrary-SQL JSON endpoint, rows as an array."""
    return f"{ds}.json?" + urlencode({"sql": " ".join(sql.split()), "_shape": "array", **bound})


def _by_value_cases(ds: str, chosen: dict[str, Any], which: str) -> list[Case]:
    """Lists by one filter's busiest or rarest value, each under another sort."""
    participant = chosen[f"meeting_participant_{which}"]
    agreement_country = chosen[f"agreement_country_{which}"]
    topic = chosen[f"visit_topic_{which}"]
    participant_country = chosen[f"participant_country_{which}"]
    return [
        Case(
            f"meetings_participant_{which}",
            f"meetings of a {which} participant, date, 50",
            [f"/v1/meetings?{urlencode({'participant': participant})}&limit=50"],
            [
                _sql(
                    ds,
                    """SELECT m.* FROM meeting m WHERE m.id IN (SELECT meeting_id
                    FROM participation WHERE participant_id = :p)
                    ORDER BY m.date, m.id LIMIT 50""",
                    p=participant,
                )
            ],
        ),
        Case(
            f"agreements_country_{which}",
            f"agreements of a {which} party country, -signed_on, 50",
            [f"/v1/agreements?{urlencode({'country': agreement_country})}&limit=50"],
            [
                _sql(
                    ds,
                    """SELECT g.* FROM agreement g WHERE g.id IN (SELECT agreement_id
                    FROM agreement_party WHERE country_code = :c)
                    ORDER BY g.signed_on DESC, g.id DESC LIMIT 50""",
                    c=agreement_country,
                )
            ],
        ),
        Case(
            f"visits_topic_{which}",
            f"visits of a {which} topic, end_date, 50",
            [f"/v1/visits?{urlencode({'topic': topic})}&sort=end_date&limit=50"],
            [
                _sql(
                    ds,
                    """SELECT v.* FROM visit v WHERE v.id IN (SELECT visit_id FROM visit_topic
                    WHERE topic_id = :t) ORDER BY v.end_date, v.id LIMIT 50""",
                    t=topic,
                )
            ],
        ),
        Case(
            f"participants_country_{which}",
            f"participants of a {which} country, -name, 50",
            [f"/v1/participants?{urlencode({'country': participant_country})}&sort=-name&limit=50"],
            [
                _sql(
                    ds,
                    """SELECT * FROM participant WHERE country_code = :c
                    ORDER BY name DESC, id DESC LIMIT 50""",
                    c=participant_country,
                )
            ],
        ),
    ]


def _every_resource_cases(
    client: httpx.Client, ours: Server, ds: str, path: Path, chosen: dict[str, Any]
) -> list[Case]:
    """Lists by each main filter (a busy value and a rare one) under each sort, date
    overlaps at the start, middle and end of the data, search with and without `type=`,
    the details of every resource and the deep pages of every list: against Datasette's
    arbitrary-SQL endpoint running SQL that returns the same records."""
    cases = _by_value_cases(ds, chosen, "busy") + _by_value_cases(ds, chosen, "rare")
    kind = chosen["source_kind_busy"]
    cases.append(
        Case(
            "sources_kind",
            f"sources of kind {kind}, id, 50",
            [f"/v1/sources?{urlencode({'kind': kind})}&sort=id&limit=50"],
            [_sql(ds, "SELECT * FROM source WHERE kind = :k ORDER BY id LIMIT 50", k=kind)],
        )
    )
    for when, year in chosen["years"].items():
        cases.append(
            Case(
                f"visits_overlap_{when}",
                f"visits overlapping {year} ({when} of the data), start_date, 50",
                [f"/v1/visits?from={year}-01-01&to={year}-12-31&sort=start_date&limit=50"],
                [
                    _sql(
                        ds,
                        """SELECT * FROM visit WHERE start_date <= :to
                        AND coalesce(end_date, start_date) >= :from
                        ORDER BY start_date, id LIMIT 50""",
                        **{"from": f"{year}-01-01", "to": f"{year}-12-31"},
                    )
                ],
            )
        )
    expression = _expression(path, COMMON_WORD)
    for resource in (None, "meeting"):
        typed = "" if resource is None else f"&type={resource}"
        cases.append(
            Case(
                "search_all" if resource is None else f"search_{resource}",
                f"/v1/search q={COMMON_WORD}{typed.replace('&', ', ')}, 20",
                [f"/v1/search?q={COMMON_WORD}{typed}&limit=20"],
                [
                    _sql(
                        ds,
                        _ranked_sql(resource),
                        match=expression,
                        titled=expression.replace("{title body}", "{title}"),
                    )
                ],
                note="Datasette ranks the same candidates (the latest matches of each "
                "resource) the same way in SQL, without snippets",
            )
        )
    for resource in DETAILS:
        ids = chosen[f"{resource}_ids"]
        cases.append(
            Case(
                f"{resource}_by_id",
                f"one {resource} by id, detail",
                [f"/v1/{resource}s/{record_id}" for record_id in ids],
                [_sql(ds, f"SELECT * FROM {resource} WHERE id = :id", id=r) for r in ids],
                note=f"{len(ids)} ids, cycled; Datasette returns the row",
            )
        )
    for name, (sort, table, column) in DEEP_LISTS.items():
        cases.append(_deep_case(client, ours, ds, name, (sort, table, column)))
    return cases


def _deep_case(
    client: httpx.Client, ours: Server, ds: str, name: str, listed: tuple[str, str, str]
) -> Case:
    """Page 1000 of a list by cursor (its last page when it has fewer), against the same
    page read by Datasette past the previous page's last record (keyset SQL)."""
    sort, table, column = listed
    first = f"/v1/{name}?sort={sort}&limit={PAGE_DEEP_SIZE}"
    body = _get(client, ours.base + first).json()
    depth = min(PAGE_DEEP, max(1, -(-body["total"] // PAGE_DEEP_SIZE)))
    path = _follow(client, ours.base, first, depth)
    descending = sort.startswith("-")
    direction = "DESC" if descending else "ASC"
    order = f"{column} {direction}, id {direction}"
    sql, bound = f"SELECT * FROM {table} ORDER BY {order} LIMIT {PAGE_DEEP_SIZE}", {}
    if depth > 1:
        before = _follow(client, ours.base, first, depth - 1)
        last = _get(client, ours.base + before).json()["items"][-1]
        past = "<" if descending else ">"
        if last[column] is None:
            # Past an undated record: the undated after it, then (ascending) the dated.
            after_nulls = "" if descending else f" OR {column} IS NOT NULL"
            where = f"({column} IS NULL AND id {past} :id){after_nulls}"
            bound = {"id": last["id"]}
        else:
            # Past a dated one: the same date with a later id, later dates, then
            # (descending) the undated.
            nulls = f" OR {column} IS NULL" if descending else ""
            where = f"{column} {past} :value OR ({column} = :value AND id {past} :id){nulls}"
            bound = {"value": last[column], "id": last["id"]}
        sql = f"SELECT * FROM {table} WHERE {where} ORDER BY {order} LIMIT {PAGE_DEEP_SIZE}"
    return Case(
        f"{name}_page_{depth}",
        f"{name} page {depth} by cursor, {sort}, {PAGE_DEEP_SIZE}",
        [path],
        [_sql(ds, sql, **bound)],
        note="Datasette reads the page past the previous page's last record (keyset)",
    )


def _ranked_sql(resource: str | None) -> str:
    """Our `/v1/search`'s ranking as one SQL statement, for Datasette: the CANDIDATES latest
    matches of each resource, then the share of each title a one-word query is (its token
    count from FTS5's `search_index_docsize`), the day, the resource and the record."""
    names = [resource] if resource is not None else list(SEARCHABLE)
    spans = [(resource_base(name), resource_base(name) + RESOURCE_SPAN) for name in names]
    candidates = " UNION ALL ".join(
        "SELECT * FROM (SELECT rowid AS position FROM search_index "
        f"WHERE search_index MATCH :match AND rowid >= {low} AND rowid < {high} "
        f"ORDER BY rowid DESC LIMIT {CANDIDATES})"
        for low, high in spans
    )
    titled = " UNION ALL ".join(
        "SELECT rowid AS position FROM search_index WHERE search_index MATCH :titled "
        f"AND rowid >= (SELECT min(position) FROM c WHERE position >= {low} AND position < {high}) "
        f"AND rowid <= (SELECT max(position) FROM c WHERE position >= {low} AND position < {high})"
        for low, high in spans
    )
    title_tokens = (
        "(SELECT unicode(CAST(substr(sz, 3, 1) AS TEXT)) FROM search_index_docsize "
        "WHERE id = c.position)"
    )
    share = (
        f"CASE WHEN c.position IN (SELECT position FROM t) "
        f"THEN min(1.0, 1.0 / max(1, {title_tokens})) ELSE 0 END"
    )
    return (
        f"WITH c AS ({candidates}), t AS ({titled}) "
        "SELECT s.resource, s.record_id AS id FROM c JOIN search_index s ON s.rowid = c.position "
        f"ORDER BY round({share}, 6) DESC, (c.position % {RESOURCE_SPAN}) / {RECORD_SPAN} DESC, "
        f"c.position / {RESOURCE_SPAN}, c.position DESC LIMIT 20"
    )


def _expression(path: Path, word: str) -> str:
    """The full-text expression our API builds for `q=word` (its prefix as the index's
    terms it covers)."""
    reader = open_reader(f"sqlite:///{path}", time_limit_ms=TIME_LIMIT_MS)
    try:
        expression = reader.search.expression(reader, word)
    finally:
        reader.close()
    assert expression is not None
    return expression


def _visit_matches(path: Path) -> str:
    """SQL for the rowids of the visits matching SEARCH_WORD, as our API reads them."""
    literal = "'" + _expression(path, SEARCH_WORD).replace("'", "''") + "'"
    condition = Fts5Search().condition("visit", "r")
    return condition.removeprefix("r.rowid IN (").removesuffix(")").replace(":match", literal)


def _csv_case(client: httpx.Client, ours: Server, ds: str, csv_to: str | None) -> Case:
    """The 10k-row CSV export, when our API has one (see bench/README.md)."""
    title = f"CSV export, ~{CSV_ROWS // 1000}k rows"
    export = _export_operation(client, ours)
    # Sorted as ours is (by start_date), so that Datasette pages through the start_date index
    # too: paging by id with a date filter scans the table, and at 1M visits each page hit
    # Datasette's SQL time limit and ended its stream early (10,001 of 10,003 rows).
    ds_query = {"_stream": "on", "_size": "max", "_sort": "start_date"}
    if csv_to is not None:
        ds_query["start_date__lte"] = csv_to
    theirs = [f"{ds}/visit.csv?{urlencode(ds_query)}"]
    if export is None:
        return Case("csv_10k", title, [], None, note="not available: /v1/export/visits.csv")
    names = {p.get("name") for p in export.get("parameters", [])}
    if csv_to is None or "to" in names:
        # Fewer dated visits than CSV_ROWS: both export every visit.
        ours_path = "/v1/export/visits.csv" + (f"?to={csv_to}" if csv_to else "")
        return Case(
            "csv_10k",
            title,
            [ours_path],
            theirs,
            note="4 connections, at least 15 s per run",
            connections=4,
            min_duration=15,
        )
    return Case(
        "csv_10k",
        title,
        [],
        None,
        note="not available: /v1/export/visits.csv takes no `to` filter",
    )


EXPORT_PATHS = ("/v1/export/visits.csv", "/v1/export/visits.{format}")


def _export_operation(client: httpx.Client, ours: Server) -> dict[str, Any] | None:
    """The OpenAPI operation of our visits CSV export, if the API has one."""
    paths = client.get(ours.base + "/openapi.json").json().get("paths", {})
    for path in EXPORT_PATHS:
        if "get" in paths.get(path, {}):
            operation: dict[str, Any] = paths[path]["get"]
            return operation
    return None


def _csv_ids(text: str) -> list[str]:
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    if not rows or "id" not in rows[0]:
        raise Mismatch("CSV without an `id` column")
    return [row["id"] for row in rows]


# The first benchmark's list cases, compared as they always were (Datasette's table view
# may break ties on start_date in another order).
ORIGINAL_LISTS = ("filtered_sorted", "search", "page_1", "page_1000")


def _check(client: httpx.Client, ours: Server, theirs: Server, case: Case) -> str:
    assert case.theirs is not None
    if case.name.endswith("_by_id"):
        for our_path, their_path in list(zip(case.ours, case.theirs, strict=True))[:25]:
            mine = _get(client, ours.base + our_path).json()
            other = _get(client, theirs.base + their_path).json()
            if [mine["id"]] != [row["id"] for row in other]:
                raise Mismatch(f"{our_path}: {mine['id']} vs {other}")
        return "same record for the first 25 ids"
    if case.name == "csv_10k":
        mine_ids = _csv_ids(_get(client, ours.base + case.ours[0]).text)
        other_ids = _csv_ids(_get(client, theirs.base + case.theirs[0]).text)
        if sorted(mine_ids) != sorted(other_ids):
            raise Mismatch(f"CSV: {len(mine_ids)} vs {len(other_ids)} ids, or other ids")
        return f"same {len(mine_ids):,} ids"
    if case.name in ORIGINAL_LISTS:
        mine = _keys(_get(client, ours.base + case.ours[0]).json()["items"])
        other = _keys(_get(client, theirs.base + case.theirs[0]).json())
        if len(mine) != len(other) or not mine:
            raise Mismatch(f"{case.name}: {len(mine)} vs {len(other)} records")
        descending = "-start_date" in case.title
        edges = ("last",) if case.name != "page_1000" else ("first", "last")
        return same_records(mine, other, edges if descending else ())
    items = _get(client, ours.base + case.ours[0]).json()["items"]
    rows = _get(client, theirs.base + case.theirs[0]).json()
    if case.name.startswith("search"):
        mine_hits = [f"{item['resource']}:{item['id']}" for item in items]
        other_hits = [f"{row['resource']}:{row['id']}" for row in rows]
    else:
        mine_hits = [item["id"] for item in items]
        other_hits = [row["id"] for row in rows]
    if mine_hits != other_hits or not mine_hits:
        raise Mismatch(f"{case.name}: {mine_hits[:3]}... vs {other_hits[:3]}...")
    return f"identical {len(mine_hits)} records in identical order"


# ---- load ----


def wrk_path() -> str:
    """wrk, or a clear way to get it."""
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(
            "wrk is not installed. On Debian/Ubuntu: `sudo apt-get update && "
            "sudo apt-get install -y wrk` (it is the load tool of this benchmark)."
        )
    return found


def load(
    base: str, paths: list[str], duration: float, connections: int, headers: Sequence[str] = ()
) -> dict[str, float | int]:
    """One bounded wrk run (1 thread) against `paths` on `base`, sending `headers` with
    every request; its summary."""
    env = dict(os.environ)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    if len(paths) > 1:
        env["WRK_PATHS"] = listing.name
    command = [
        wrk_path(),
        "-t1",
        f"-c{connections}",
        f"-d{int(duration)}s",
        "--timeout",
        "30s",
        "-s",
        str(WRK_SCRIPT),
        *(part for header in headers for part in ("-H", header)),
        base + paths[0],
    ]
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=duration + 60, check=True
        )
    finally:
        Path(listing.name).unlink(missing_ok=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK_JSON "))
    raw = json.loads(line.removeprefix("WRK_JSON "))
    errors = sum(raw[k] for k in raw if k.startswith("errors_"))
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),  # 0 when none completed
        "p50_ms": raw["latency_p50_us"] / 1000,
        "p90_ms": raw["latency_p90_us"] / 1000,
        "p99_ms": raw["latency_p99_us"] / 1000,
        "max_ms": raw["latency_max_us"] / 1000,
        "mean_ms": raw["latency_mean_us"] / 1000,
        "bytes_per_request": raw["bytes"] / max(1, raw["requests"]),
        "errors": errors,
    }


def request_headers(args: argparse.Namespace) -> list[str]:
    """What wrk sends besides its defaults: with `--gzip`, `Accept-Encoding: gzip`, as
    browsers, `curl --compressed` and httpx do (Datasette, without a gzip plugin, answers
    uncompressed all the same)."""
    return ["Accept-Encoding: gzip"] if args.gzip else []


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def compare(
    targets: list[tuple[str, Server, list[str]]], args: argparse.Namespace, case: Case
) -> dict[str, dict[str, Any]]:
    """Warm up each server, then `rounds` timed runs each, alternating which goes first.

    The machine is shared: alternating short rounds and taking medians keeps a burst of
    someone else's work from landing on one server only, and each timed run starts once
    every server is idle (`Server.settle`), so that none is timed beside another's leftovers.
    """
    connections = case.connections or args.connections
    duration = max(args.duration, case.min_duration)
    for _, server, paths in targets:
        if args.warmup > 0:
            load(server.base, paths, args.warmup, connections, request_headers(args))
            server.settle()
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _, _ in targets}
    for round_number in range(args.rounds):
        order = targets if round_number % 2 == 0 else targets[::-1]
        for name, server, paths in order:
            for _, other, _ in targets:  # every server idle before the timed run
                other.settle()
            cpu_before = server.cpu_seconds()
            database_before = server.database.by_backend() if server.database else {}
            sent = request_headers(args)
            result: dict[str, Any] = dict(load(server.base, paths, duration, connections, sent))
            cpu = server.cpu_seconds() - cpu_before
            result["cpu_ms_per_request"] = 1000 * cpu / max(1, int(result["requests"]))
            if server.database:
                used = cpu_between(database_before, server.database.by_backend())
                result["db_cpu_ms_per_request"] = 1000 * used / max(1, int(result["requests"]))
            result["loadavg_1m"] = os.getloadavg()[0]
            runs[name].append(result)
    summary = {}
    for name, rounds in runs.items():
        summary[name] = {
            "rps": _median([r["rps"] for r in rounds]),
            "p50_ms": _median([r["p50_ms"] for r in rounds]),
            "p90_ms": _median([r["p90_ms"] for r in rounds]),
            "p99_ms": _median([r["p99_ms"] for r in rounds]),
            "cpu_ms_per_request": _median([r["cpu_ms_per_request"] for r in rounds]),
            "loadavg_1m": _median([r["loadavg_1m"] for r in rounds]),
            **(
                {"db_cpu_ms_per_request": _median([r["db_cpu_ms_per_request"] for r in rounds])}
                if "db_cpu_ms_per_request" in rounds[0]
                else {}
            ),
            "requests": sum(r["requests"] for r in rounds),
            "errors": sum(r["errors"] for r in rounds),
            "bytes_per_request": rounds[0]["bytes_per_request"],
            "connections": connections,
            "duration": duration,
            "rounds": rounds,
        }
    return summary


# ---- profile ----


def profile(
    server: Server,
    paths: list[str],
    duration: float,
    connections: int,
    out: Path,
    headers: Sequence[str] = (),
) -> Path | None:
    """Collapsed py-spy stacks of `server` while wrk loads `paths` (not a timed run)."""
    py_spy = BENCH_VENV / "bin" / "py-spy"
    command = [str(py_spy), "record", "-p", str(server.pid), "-d", str(int(duration))]
    command += ["-r", "250", "-f", "raw", "-o", str(out), "--nonblocking"]
    sampler = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1)
    load(server.base, paths, duration, connections, headers)
    try:
        _, error = sampler.communicate(timeout=duration + 60)
    except subprocess.TimeoutExpired:
        sampler.kill()
        return None
    if sampler.returncode != 0:
        log(f"py-spy failed: {error.decode()[-500:]}")
        return None
    return out


# ---- report ----


def table(scale: dict[str, Any]) -> str:
    """The results of one scale as a text table."""
    lines = [
        f"visits: {scale['params']['visits']:,}   file: {scale['file_mb']:,.0f} MB   "
        f"wrk -t1 -c{scale['connections']} -d{scale['duration']}s x {scale['rounds']} rounds "
        f"(medians)   load average during runs: {scale.get('loadavg', 0):.1f}"
        + ("   clients accept gzip" if scale.get("accept_encoding") == "gzip" else "")
        + ("   ours keeps no answer" if scale.get("answers_kept") is False else ""),
        f"{'':<40} {'--------- ours ---------':>31}  {'------ Datasette -------':>31}  "
        f"{'ours/Datasette':>14}",
        f"{'case':<40} {'req/s':>7} {'p50':>7} {'p99':>7} {'cpu':>7}  "
        f"{'req/s':>7} {'p50':>7} {'p99':>7} {'cpu':>7}  {'req/s':>6} {'cpu':>7}",
    ]
    for case in scale["cases"]:
        mine, other = case.get("ours"), case.get("datasette")
        if mine is None:
            lines.append(f"{case['title']:<40} {case['note']}")
            continue

        def cells(result: dict[str, Any] | None) -> str:
            if result is None:
                return f"{'n/a':>7} {'':>7} {'':>7} {'':>7}"
            return (
                f"{result['rps']:>7,.0f} {result['p50_ms']:>7.1f} {result['p99_ms']:>7.1f} "
                f"{result['cpu_ms_per_request']:>7.2f}"
            )

        ratios = f"{'n/a':>6} {'':>7}"
        if other and other["rps"] and mine["rps"]:
            ratios = (
                f"{mine['rps'] / other['rps']:>5.1f}x "
                f"{other['cpu_ms_per_request'] / mine['cpu_ms_per_request']:>6.1f}x"
            )
        lines.append(f"{case['title']:<40} {cells(mine)}  {cells(other)}  {ratios}")
    lines.append(
        "latencies in ms; cpu = server CPU ms per request (all threads); the cpu ratio is "
        "Datasette's CPU per request over ours"
    )
    compared = [
        (case["ours"], case["datasette"])
        for case in scale["cases"]
        if case.get("ours", {}).get("rps") and case.get("datasette", {}).get("rps")
    ]
    if compared:
        by_rps = math.exp(
            sum(math.log(mine["rps"] / other["rps"]) for mine, other in compared) / len(compared)
        )
        by_cpu = math.exp(
            sum(
                math.log(other["cpu_ms_per_request"] / mine["cpu_ms_per_request"])
                for mine, other in compared
            )
            / len(compared)
        )
        lowest = min(mine["rps"] / other["rps"] for mine, other in compared)
        lines.append(
            f"geometric mean over {len(compared)} cases: {by_rps:.1f}x req/s, {by_cpu:.1f}x "
            f"cpu; lowest {lowest:.1f}x req/s"
        )
    deep = {c["name"]: c for c in scale["cases"]}
    if deep.get("page_1", {}).get("ours") and deep.get("page_1000", {}).get("ours", {}).get("rps"):
        first, far = deep["page_1"]["ours"], deep["page_1000"]["ours"]
        lines.append(
            f"page {PAGE_DEEP} vs page 1 (ours): {first['rps'] / far['rps']:.2f}x the cost by "
            f"req/s, {far['cpu_ms_per_request'] / first['cpu_ms_per_request']:.2f}x by CPU, "
            f"{far['p50_ms'] / first['p50_ms']:.2f}x by p50"
        )
    for case in scale["cases"]:
        mine = case.get("ours")
        if mine and mine["p50_ms"] and mine["p99_ms"] > 4 * mine["p50_ms"]:
            lines.append(
                f"p99 > 4x p50 (ours): {case['title']} ({mine['p99_ms'] / mine['p50_ms']:.1f}x)"
            )
    bad = [c["title"] for c in scale["cases"] if c.get("ours", {}).get("errors")]
    bad += [c["title"] for c in scale["cases"] if c.get("datasette", {}).get("errors")]
    if bad:
        lines.append(f"WARNING: errors (non-2xx or socket) in: {', '.join(bad)}")
    if scale.get("startup_seconds"):
        times = scale["startup_seconds"]
        lines.append(f"start-up: ours {times['ours']} s, Datasette {times['datasette']} s")
    if scale.get("csv_memory"):
        lines.append(f"1 full CSV export (ours, fresh process): {scale['csv_memory']}")
    return "\n".join(lines)


def both_cpu(result: dict[str, Any]) -> float:
    """CPU ms per request of our server and of the database together."""
    return float(result["cpu_ms_per_request"] + result.get("db_cpu_ms_per_request", 0.0))


def postgresql_table(scale: dict[str, Any]) -> str:
    """The PostgreSQL columns of one scale: our server on the PostgreSQL copy, against
    Datasette (on the SQLite file) and against ours on SQLite, the database's CPU and its
    own time for the same SQL, and with `--workers N` that server's req/s over one worker's."""
    settings = scale["postgresql"]
    workers = settings["workers"]
    multi = f"postgresql_{workers}w"
    lines = [
        f"PostgreSQL: the same data copied by `python -m app copy` "
        f"({settings['copy_seconds']:,.0f} s), served by ours with 1 worker"
        + (f" and with {workers}" if workers > 1 else ""),
        f"{'case':<40} {'req/s':>7} {'p50':>7} {'cpu':>7} {'db cpu':>7} {'floor':>7}  "
        f"{'pg/Datasette':>14}  {'pg/ours':>7}"
        + (f"  {f'{workers}w req/s':>9} {f'{workers}w/1w':>6}" if workers > 1 else ""),
    ]
    ratios = []
    for case in scale["cases"]:
        pg, other, mine = case.get("postgresql"), case.get("datasette"), case.get("ours")
        if pg is None:
            continue
        floor = case.get("database_floor", {}).get("ms")
        line = (
            f"{case['title']:<40} {pg['rps']:>7,.0f} {pg['p50_ms']:>7.1f} "
            f"{pg['cpu_ms_per_request']:>7.2f} {pg.get('db_cpu_ms_per_request', 0):>7.2f} "
            + (f"{floor:>7.2f}" if floor is not None else f"{'n/a':>7}")
        )
        if other and other["rps"] and pg["rps"]:
            ratios.append(pg["rps"] / other["rps"])
            line += (
                f"  {pg['rps'] / other['rps']:>5.1f}x "
                f"{other['cpu_ms_per_request'] / both_cpu(pg):>6.1f}x"
            )
        else:
            line += f"  {'n/a':>14}"
        line += f"  {pg['rps'] / mine['rps']:>6.2f}x" if mine and mine["rps"] else f"  {'n/a':>7}"
        if workers > 1:
            both = case.get(multi)
            if both and pg["rps"]:
                line += f"  {both['rps']:>9,.0f} {both['rps'] / pg['rps']:>5.2f}x"
        lines.append(line)
    lines.append(
        "cpu = our server's CPU ms per request; db cpu = the database backends' CPU ms per "
        "request; floor = the database's own time (ms) for the SQL our server runs per "
        "request (EXPLAIN (ANALYZE), planning + execution); pg/Datasette = req/s, and "
        "Datasette's CPU over ours on PostgreSQL's with the database's (cpu + db cpu); "
        "pg/ours = req/s over ours on SQLite"
    )
    if ratios:
        by_rps = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        at_3x = sum(1 for r in ratios if r >= 3)
        lines.append(
            f"PostgreSQL over Datasette, {len(ratios)} cases: geometric mean {by_rps:.1f}x "
            f"req/s, lowest {min(ratios):.1f}x, {at_3x} at 3x or more"
        )
    return "\n".join(lines)


def csv_peak_memory(client: httpx.Client, server: Server) -> dict[str, Any] | str:
    """Peak RSS of our server streaming the whole CSV export once (fresh process)."""
    if _export_operation(client, server) is None:
        return "not available: /v1/export/visits.csv does not exist yet"
    before = server.peak_rss_mb()
    lines = 0
    started = time.monotonic()
    try:
        with client.stream("GET", server.base + "/v1/export/visits.csv", timeout=1800) as response:
            for line in response.iter_lines():
                lines += 1 if line else 0
    except httpx.HTTPError as error:  # reported: the run's cases are not lost to it
        return f"failed after {lines:,} lines, {time.monotonic() - started:.1f} s: {error}"
    return {
        "status": response.status_code,
        "lines": lines,
        "seconds": round(time.monotonic() - started, 1),
        "peak_rss_mb_before": before,
        "peak_rss_mb_after": server.peak_rss_mb(),
    }


def run_scale(visits: int, args: argparse.Namespace) -> dict[str, Any]:
    """Everything for one file: generate, start, check, load, report."""
    path = args.file.resolve() if args.file else data_file(visits, args.seed)
    with ExitStack() as stack:
        postgresql = None
        if args.backend == "postgresql":
            url = stack.enter_context(fresh_database(args.postgres_url))
            log(f"copying the file to PostgreSQL ({make_url(url).database}) ...")
            postgresql = {"copy_seconds": round(copy_into(path, url, PROJECT_ROOT), 1), "url": url}
            log(f"copied in {postgresql['copy_seconds']} s")
        return _run_servers(visits, path, args, postgresql)
    raise AssertionError("unreachable")


def shown(path: Path) -> str:
    """The data file as results name it: its path in the project, or its name alone for a
    `--file` elsewhere (no machine's folders in results)."""
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else path.name


def _run_servers(
    visits: int, path: Path, args: argparse.Namespace, postgresql: dict[str, Any] | None
) -> dict[str, Any]:
    """Start the servers on `path` (and on the PostgreSQL copy), check, load, report."""
    kept = COLD if args.cold else {}
    ours, theirs = our_server(path, **kept), datasette_server(path)
    extra: list[Server] = []  # PostgreSQL's, one worker (and `--workers` workers)
    if postgresql:
        url = postgresql["url"]
        extra.append(postgresql_server(url, **kept))
        if args.workers > 1:
            name = f"postgresql_{args.workers}w"
            extra.append(postgresql_server(url, name, args.workers, **kept))
    client = httpx.Client(timeout=60)
    scale: dict[str, Any] = {
        "file": shown(path),
        "file_mb": path.stat().st_size / 1e6,
        "duration": args.duration,
        "rounds": args.rounds,
        "connections": args.connections,
        "accept_encoding": "gzip" if args.gzip else "identity",
        "answers_kept": not args.cold,
        "cases": [],
    }
    if postgresql:
        scale["postgresql"] = {
            "copy_seconds": postgresql["copy_seconds"],
            "workers": args.workers,
            "floor_method": "EXPLAIN (ANALYZE): planning + execution time of the statements "
            "our server runs for one request, best of 3",
        }
    try:
        ours.start()
        theirs.start()
        for server in extra:
            server.start()
        scale["startup_seconds"] = {
            "ours": ours.startup_seconds,
            "datasette": theirs.startup_seconds,
            **{server.name: server.startup_seconds for server in extra},
        }
        log(f"started in {ours.startup_seconds} s (ours), {theirs.startup_seconds} s (Datasette)")
        cases, scale["params"] = build_cases(client, ours, theirs, path)
        for case in cases:
            if args.cases and case.name not in args.cases:
                continue
            result: dict[str, Any] = {"name": case.name, "title": case.title, "note": case.note}
            result["check"] = case.check
            targets = []
            if case.ours:
                targets.append(("ours", ours, case.ours))
                if case.theirs:
                    targets.append(("datasette", theirs, case.theirs))
                targets += [(server.name, server, case.ours) for server in extra]
                log(f"loading {' and '.join(t[0] for t in targets)}: {case.title}")
                result.update(compare(targets, args, case))
            if args.profile and case.ours:
                out = OUT_DIR / f"profile-{visits}-{case.name}.txt"
                log(f"profiling ours: {case.title} -> {out.relative_to(PROJECT_ROOT)}")
                sent = request_headers(args)
                if profile(ours, case.ours, args.duration, args.connections, out, sent):
                    result["profile"] = str(out.relative_to(PROJECT_ROOT))
            scale["cases"].append(result)
        if postgresql:
            log("timing the same SQL in PostgreSQL (EXPLAIN ANALYZE) ...")
            measured = {c.name: c.ours for c in cases if c.ours}
            measured = {n: p for n, p in measured.items() if not args.cases or n in args.cases}
            for name, floor in floors(postgresql["url"], measured).items():
                for result in scale["cases"]:
                    if result["name"] == name:
                        result["database_floor"] = floor
        if not args.cases or "csv_memory" in args.cases:
            ours.stop()
            # A fresh process, so its peak memory is the export's; the export cap
            # (EXPORT_MAX_ROWS, 100k by default) raised so that every visit streams.
            exporter = our_server(
                path, "ours-export", EXPORT_MAX_ROWS=str(scale["params"]["visits"] + 1)
            )
            exporter.start()
            try:
                scale["csv_memory"] = csv_peak_memory(client, exporter)
            finally:
                exporter.stop()
    finally:
        client.close()
        ours.stop()
        theirs.stop()
        for server in extra:
            server.stop()
    loads = [
        r["loadavg_1m"]
        for case in scale["cases"]
        for name in ("ours", "datasette", *(server.name for server in extra))
        for r in case.get(name, {}).get("rounds", [])
    ]
    scale["loadavg"] = _median(loads) if loads else 0.0
    return scale


def _tree_state() -> dict[str, Any]:
    """Which code was measured: the commit, and how many files under app/ differ from it."""

    def git(*arguments: str) -> str:
        done = subprocess.run(
            ["git", *arguments],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip()

    changed = git("status", "--porcelain", "--", "app", "migrations").splitlines()
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted_app_files": len(changed)}


def datasette_version() -> str:
    """The Datasette in bench/.venv."""
    done = subprocess.run(
        [str(BENCH_VENV / "bin" / "datasette"), "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, nargs="+", default=[100_000])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--file", type=Path, help="serve this SQLite file (made by bench.generate) as is"
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds per timed run")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs per server and case")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--cases", nargs="*", help="only these cases (names as in results)")
    parser.add_argument(
        "--profile", action="store_true", help="also record py-spy profiles of our server"
    )
    parser.add_argument(
        "--gzip",
        action="store_true",
        help="send Accept-Encoding: gzip, as browsers and httpx do (results-gzip.json)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="our servers keep no answer: every request made as a first one (results-cold.json)",
    )
    parser.add_argument("--results", type=Path, help="JSON file to merge into")
    parser.add_argument(
        "--backend",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="postgresql: also copy the data to a fresh PostgreSQL database and serve it "
        "(a third column, and the database's own time for the same SQL)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="with --backend postgresql: also serve PostgreSQL with this many workers",
    )
    parser.add_argument(
        "--postgres-url",
        default=SERVER,
        help="the PostgreSQL server the database is created on (POSTGRES_URL)",
    )
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers: at least 1")
    if args.workers > 1 and args.backend != "postgresql":
        parser.error("--workers: only with --backend postgresql")
    if args.results is None:
        suffix = ("-gzip" if args.gzip else "") + ("-cold" if args.cold else "")
        args.results = OUT_DIR / f"results{suffix}.json"
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Command line."""
    args = parse_args(argv)
    wrk_path()
    OUT_DIR.mkdir(exist_ok=True)
    results_path = args.results
    results: dict[str, Any] = {}
    if results_path.exists():
        results = json.loads(results_path.read_text())
    results["tree"] = _tree_state()
    results["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "datasette": datasette_version(),
        "wrk": "wrk -t1 (one thread), closed loop",
    }
    scales = results.setdefault("scales", {})
    reports = []
    for visits in args.visits:
        started = time.monotonic()
        scale = run_scale(visits, args)
        scale["seconds"] = round(time.monotonic() - started)
        scales[str(visits)] = scale
        results_path.write_text(json.dumps(results, indent=2, default=str))
        reports.append(table(scale))
        if scale.get("postgresql"):
            reports[-1] += "\n" + postgresql_table(scale)
        print(reports[-1], flush=True)
        print(flush=True)
    log(f"results written to {results_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
