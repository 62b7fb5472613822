"""The benchmark's command line and report (bench/run.py), without wrk or servers."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.models import Participant, Visit
from app.seed import validate_seed
from bench import run, seed_reload
from bench.postgres import cpu_between
from bench.run import COLD, OUT_DIR, our_server, parse_args, postgresql_server, postgresql_table

pytestmark = pytest.mark.backend_independent(reason="the benchmark's command line and report")


def test_the_postgresql_backend_and_its_workers_are_options() -> None:
    args = parse_args(["--visits", "10000", "--backend", "postgresql", "--workers", "2"])
    assert (args.visits, args.backend, args.workers) == ([10000], "postgresql", 2)
    assert args.postgres_url.startswith("postgresql://")
    assert args.results == OUT_DIR / "results.json"


def test_by_default_only_sqlite_is_served_by_one_worker() -> None:
    args = parse_args([])
    assert (args.backend, args.workers, args.results) == ("sqlite", 1, OUT_DIR / "results.json")
    assert parse_args(["--gzip", "--results", "r.json"]).results == Path("r.json")


def test_cold_servers_keep_nothing_and_report_apart(tmp_path: Path) -> None:
    args = parse_args(["--cold", "--gzip"])
    assert (args.cold, args.results) == (True, OUT_DIR / "results-gzip-cold.json")
    assert parse_args(["--cold"]).results == OUT_DIR / "results-cold.json"
    ours = our_server(tmp_path / "v.sqlite3", **COLD)
    pg = postgresql_server("postgresql://root@127.0.0.1:5432/v", **COLD)
    for server in (ours, pg):
        assert (server.env["ANSWER_CACHE_MB"], server.env["PAGE_CACHE_MB"]) == ("0", "0")
    assert "ANSWER_CACHE_MB" not in our_server(tmp_path / "v.sqlite3").env


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--workers", "2"], "--workers: only with --backend postgresql"),
        (["--backend", "postgresql", "--workers", "0"], "--workers: at least 1"),
        (["--backend", "mysql"], "argument --backend: invalid choice: 'mysql'"),
    ],
)
def test_bad_options_stop_with_the_reason(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse_args(argv)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def result(rps: float, cpu: float, db_cpu: float | None = None) -> dict[str, float]:
    found = {"rps": rps, "p50_ms": 2.0, "p99_ms": 9.0, "cpu_ms_per_request": cpu}
    if db_cpu is not None:
        found["db_cpu_ms_per_request"] = db_cpu
    return found


def test_the_postgresql_report_gives_its_ratios_to_datasette_sqlite_and_one_worker() -> None:
    scale = {
        "postgresql": {"copy_seconds": 131.2, "workers": 2},
        "cases": [
            {
                "name": "page_1",
                "title": "page 1, start_date, 10",
                "ours": result(1200, 0.5),
                "datasette": result(200, 4.0),
                "postgresql": result(800, 1.5, 0.5),
                "postgresql_2w": result(1400, 1.5, 0.5),
                "database_floor": {"statements": 3, "ms": 0.8},
            },
            {
                "name": "csv_10k",
                "title": "CSV export, ~10k rows",
                "ours": result(10, 90.0),
                "postgresql": result(5, 120.0, 30.0),
            },
            {"name": "not_timed", "title": "not timed", "note": "Datasette's SQL ran too long"},
        ],
    }
    lines = postgresql_table(scale).splitlines()
    assert lines[0] == (
        "PostgreSQL: the same data copied by `python -m app copy` (131 s), served by ours "
        "with 1 worker and with 2"
    )
    assert lines[1].split() == [
        "case",
        "req/s",
        "p50",
        "cpu",
        "db",
        "cpu",
        "floor",
        "pg/Datasette",
        "pg/ours",
        "2w",
        "req/s",
        "2w/1w",
    ]
    # 800/200 req/s; Datasette's 4.0 ms over 1.5 + 0.5; 800/1200; 1400/800.
    assert lines[2].split()[-10:] == [
        "800",
        "2.0",
        "1.50",
        "0.50",
        "0.80",
        "4.0x",
        "2.0x",
        "0.67x",
        "1,400",
        "1.75x",
    ]
    # No Datasette figure, no floor, no second server: said, not divided by zero.
    assert lines[3].split()[-7:] == ["5", "2.0", "120.00", "30.00", "n/a", "n/a", "0.50x"]
    assert lines[-1] == (
        "PostgreSQL over Datasette, 1 cases: geometric mean 4.0x req/s, lowest 4.0x, "
        "1 at 3x or more"
    )
    assert not any("not timed" in line for line in lines)


def test_one_worker_reports_no_worker_columns() -> None:
    scale = {
        "postgresql": {"copy_seconds": 2.0, "workers": 1},
        "cases": [
            {
                "name": "page_1",
                "title": "page 1",
                "ours": result(100, 1.0),
                "datasette": result(50, 2.0),
                "postgresql": result(300, 0.5, 0.5),
            }
        ],
    }
    lines = postgresql_table(scale).splitlines()
    assert lines[0].endswith("served by ours with 1 worker")
    assert "2w" not in lines[1]
    assert lines[2].split()[-3:] == ["6.0x", "2.0x", "3.00x"]


def test_database_cpu_counts_new_backends_from_zero_and_forgets_ended_ones() -> None:
    assert cpu_between({1: 2.0, 2: 5.0}, {1: 2.5, 3: 0.25}) == 0.75


def test_a_server_is_idle_once_it_uses_no_cpu_for_a_moment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = our_server(tmp_path / "v.sqlite3")
    readings = iter([0.0, 0.5, 1.0, 1.0001, 9.0])  # busy, busy, then idle
    monkeypatch.setattr(server, "cpu_seconds", lambda: next(readings))
    monkeypatch.setattr(run.time, "sleep", lambda seconds: None)
    server.settle()
    assert next(readings) == 9.0  # stopped at the first idle reading


def test_results_name_a_file_in_the_project_by_its_path_and_one_elsewhere_by_its_name(
    tmp_path: Path,
) -> None:
    assert run.shown(OUT_DIR / "10000-s7-ab" / "visits.sqlite3") == (
        "bench/out/10000-s7-ab/visits.sqlite3"
    )
    assert run.shown(tmp_path / "visits-100k.sqlite3") == "visits-100k.sqlite3"


class _Exporter:
    """A server whose export stops half-way, as one cut off mid-stream does."""

    base = "http://exporter"

    def peak_rss_mb(self) -> float:
        return 50.0


def test_an_export_cut_off_is_reported_and_the_run_goes_on() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/openapi.json":
            return httpx.Response(200, json={"paths": {"/v1/export/visits.csv": {"get": {}}}})

        def body() -> Iterator[bytes]:
            yield b"id,title\nv1,One\nv2,Two\n"
            raise httpx.RemoteProtocolError("peer closed connection")

        return httpx.Response(200, stream=_Stream(body()))

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        found = run.csv_peak_memory(client, _Exporter())  # type: ignore[arg-type]
    assert isinstance(found, str)
    assert found.startswith("failed after 3 lines, ")
    assert found.endswith(": peer closed connection")


class _Stream(httpx.SyncByteStream):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks


def test_the_seed_reload_benchmark_writes_the_edited_visit_alone_both_ways(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert seed_reload.main(["--tours", "3", "--participants", "2", "--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "3 tour files, 0.1 MB; participants 0.0 MB",
        "first load (every file)",
        "reload, copy-000001.yaml edited (in parts)",
        "reload, nothing changed (in parts)",
        "reload, nothing changed, every file hashed",
        "reload, copy-000001.yaml edited (every file)",
    ]
    counts = [line.split("; ")[1] for line in lines[1:]]
    assert counts == [
        "542 created, 0 updated, 0 deleted",  # the seed, 166 records per copy, 2 people
        "0 created, 1 updated, 0 deleted",
        "0 created, 0 updated, 0 deleted",
        "0 created, 0 updated, 0 deleted",
        "0 created, 1 updated, 0 deleted",
    ]
    copies = sorted(path.name for path in (tmp_path / "seed_data" / "tours").glob("*.yaml"))
    assert copies == ["2023-06-raisi-latin-america.yaml", "copy-000001.yaml", "copy-000002.yaml"]


def test_the_seed_reload_benchmark_can_give_each_copy_its_own_people(tmp_path: Path) -> None:
    seed_reload.make_seed(tmp_path, 3, own_people=True)
    rows = validate_seed(tmp_path)
    people = sorted(str(row["id"]) for row in rows.records[Participant])
    assert len(people) == 3 * 13
    assert [person for person in people if person.startswith("ebrahim-raisi")] == [
        "ebrahim-raisi",
        "ebrahim-raisi-c1",
        "ebrahim-raisi-c2",
    ]
    visitors = {str(row["id"]): row["visitor_id"] for row in rows.records[Visit]}
    assert visitors["2023-06-raisi-cuba-c2"] == "ebrahim-raisi-c2"
