"""Each kind of page against the JSON of the same data, on our one server, loaded in turn by wrk.

    .venv/bin/python -m bench.pages --file bench/out/visits-10000.sqlite3
    .venv/bin/python -m bench.pages --file F --cases visit_page --gzip --profile
    .venv/bin/python -m bench.pages --show bench/out/pages.json   # a saved run's table

A page reads what its JSON reads and then renders HTML; the goal is that a page costs at
most twice its JSON in req/s (issue #17). Record pages and the home page are made when data
is loaded and stored (app/pages/stored.py); any page is rendered once per ETag and then kept
(app/pages/kept.py): every page of a case is asked for once before the timed runs, so they
measure kept pages. There is a case per kind of page: a record of each resource, each list,
search and home; the table gives each one's cost in JSON answers. Each case names a page
and the API address that answers with the same record or list (for a list: the same
filters and page size, and the facets the page shows, `facet=`); both are loaded as
`bench.run` loads two servers (a warm-up, then rounds that alternate which goes first;
medians), here against one server.
`--gzip` sends `Accept-Encoding: gzip` as browsers do; `--cold` starts the server with
PAGE_CACHE_MB=0, so that no page is kept: every request costs what a page's first request
after a load or a deploy costs (a stored page read, or a rendering). Results go to
bench/out/pages[-gzip][-cold].json (or `--results`).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from app.pages.data import RESOURCES
from bench.generate import SEARCH_WORD
from bench.run import OUT_DIR, compare, log, our_server, profile, request_headers, wrk_path

IDS = 200  # records per case, cycled
LIST_SIZE = 50


@dataclass
class PageCase:
    """One page and the JSON of the same data (paths cycled in the same order)."""

    name: str
    title: str
    page: list[str]
    json: list[str]
    connections: int | None = None  # bench.run's Case fields that `compare` reads
    min_duration: int = 0


def _facet_query(facets: Sequence[str]) -> str:
    """`facet=a,b` for the facets a list page shows ('' when it shows none)."""
    return urlencode({"facet": ",".join(facets)}) if facets else ""


def _spread(db: sqlite3.Connection, sql: str) -> list[str]:
    """Up to IDS values of `sql`'s first column, spread over its order."""
    values = [row[0] for row in db.execute(sql)]
    return values[:: max(1, len(values) // IDS)][:IDS]


def build_cases(path: Path) -> list[PageCase]:
    """Every kind of page with its JSON, for the records of `path`."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        visits = _spread(
            db, "SELECT id FROM visit WHERE id IN (SELECT visit_id FROM agreement) ORDER BY id"
        )
        participants = _spread(db, "SELECT id FROM participant ORDER BY id")
        meetings = _spread(db, "SELECT id FROM meeting ORDER BY id")
        agreements = _spread(db, "SELECT id FROM agreement ORDER BY id")
        tours = _spread(db, "SELECT id FROM tour ORDER BY id")
        sources = _spread(db, "SELECT id FROM source ORDER BY id")
        countries = _spread(
            db, "SELECT DISTINCT host_country_code FROM visit ORDER BY host_country_code"
        )
        (host,) = db.execute(
            "SELECT host_country_code FROM visit GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()
    finally:
        db.close()
    listed = urlencode({"host_country": host, "sort": "-start_date", "limit": LIST_SIZE})

    def both(name: str, title: str, pages: list[str]) -> PageCase:
        return PageCase(name, title, pages, ["/v1" + page for page in pages])

    def listed_both(name: str, title: str, resource: str, query: str = "") -> PageCase:
        # A list page shows every facet of its resource: the JSON of the same data asks
        # for them too (`facet=`), as well as for the same filters and page size.
        facets = RESOURCES[resource].facets
        json_query = "&".join(part for part in (query, _facet_query(facets)) if part)
        page = f"/{resource}" + (f"?{query}" if query else "")
        return PageCase(
            name, title, [page], [f"/v1/{resource}" + f"?{json_query}" * bool(json_query)]
        )

    return [
        both("visit_page", "a visit (with agreements)", [f"/visits/{i}" for i in visits]),
        both("meeting_page", "a meeting", [f"/meetings/{i}" for i in meetings]),
        both("agreement_page", "an agreement", [f"/agreements/{i}" for i in agreements]),
        both("participant_page", "a participant", [f"/participants/{i}" for i in participants]),
        both("tour_page", "a tour", [f"/tours/{i}" for i in tours]),
        both("source_page", "a source", [f"/sources/{i}" for i in sources]),
        both("country_page", "a country", [f"/countries/{c}" for c in countries]),
        listed_both("visits_list_page", f"visits, {listed}", "visits", listed),
        listed_both("visits_first_page", "visits, no filter", "visits"),
        *(
            listed_both(f"{name}_first_page", f"{name}, no filter", name)
            for name in ("meetings", "agreements", "participants", "tours", "sources", "countries")
        ),
        both("search_page", f"search q={SEARCH_WORD}", [f"/search?q={SEARCH_WORD}"]),
        PageCase("home_page", "home (/ against /v1)", ["/"], ["/v1"]),
    ]


def table(cases: list[dict[str, Any]]) -> str:
    """The page and JSON figures of every case, and what a page costs in JSON answers: by
    req/s (the JSON's over the page's) and by server CPU per request (the page's over the
    JSON's)."""
    lines = [
        f"{'case':<20} {'------ page ------':>23}  {'------ JSON ------':>23}  {'page cost':>14}",
        f"{'':<20} {'req/s':>7} {'p50':>7} {'cpu':>7}  {'req/s':>7} {'p50':>7} {'cpu':>7}"
        f"  {'req/s':>6} {'cpu':>7}",
    ]
    for case in cases:
        page, data = case["page"], case["json"]
        by_rps = data["rps"] / page["rps"] if page["rps"] else float("inf")
        by_cpu = page["cpu_ms_per_request"] / data["cpu_ms_per_request"]
        lines.append(
            f"{case['name']:<20} {page['rps']:>7,.0f} {page['p50_ms']:>7.1f} "
            f"{page['cpu_ms_per_request']:>7.2f}  {data['rps']:>7,.0f} {data['p50_ms']:>7.1f} "
            f"{data['cpu_ms_per_request']:>7.2f}  {by_rps:>5.1f}x {by_cpu:>6.1f}x"
        )
    lines.append(
        "latencies in ms; cpu = server CPU ms per request; page cost 2.0x: a page costs two "
        "JSON answers"
    )
    return "\n".join(lines)


def print_saved(path: Path) -> None:
    """The table of a results file written before."""
    print(table(json.loads(path.read_text())["cases"]))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, help="a file made by bench.generate")
    parser.add_argument("--duration", type=int, default=5, help="seconds per timed run")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs per side and case")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--cases", nargs="*", help="only these cases")
    parser.add_argument("--profile", action="store_true", help="py-spy the pages too")
    parser.add_argument("--gzip", action="store_true", help="send Accept-Encoding: gzip")
    parser.add_argument("--cold", action="store_true", help="keep no rendered page")
    parser.add_argument("--results", type=Path)
    parser.add_argument("--show", type=Path, help="print the table of a results file and stop")
    args = parser.parse_args(argv)
    if args.show:
        print_saved(args.show)
        return 0
    if args.file is None:
        parser.error("--file is required")
    if args.results is None:
        suffix = ("-gzip" if args.gzip else "") + ("-cold" if args.cold else "")
        args.results = OUT_DIR / f"pages{suffix}.json"
    wrk_path()
    # Cold: no page kept, and no JSON answer either (each made per request, as its page is).
    settings = {"PAGE_CACHE_MB": "0", "ANSWER_CACHE_MB": "0"} if args.cold else {}
    server = our_server(args.file.resolve(), "ours-pages", **settings)
    results: list[dict[str, Any]] = []
    started = time.monotonic()
    try:
        server.start()
        for case in build_cases(args.file):
            if args.cases and case.name not in args.cases:
                continue
            # Every page once, as wrk will ask for it (unless --cold): the timed runs measure
            # pages kept, not the first requests after a start.
            sent = dict(header.split(": ", 1) for header in request_headers(args))
            sent.setdefault("Accept-Encoding", "identity")
            sent["Accept"] = ""  # as wrk sends none (the ETag names the Accept header)
            for path in [case.json[0], *(case.page[:1] if args.cold else case.page)]:
                answer = httpx.get(server.base + path, headers=sent, timeout=60)
                if answer.status_code != 200:
                    raise SystemExit(f"{path} answered {answer.status_code}")
            log(f"loading page and JSON: {case.title}")
            targets = [("page", server, case.page), ("json", server, case.json)]
            result: dict[str, Any] = {"name": case.name, "title": case.title}
            result.update(compare(targets, args, case))  # type: ignore[arg-type]
            if args.profile:
                out = OUT_DIR / f"profile-pages-{case.name}.txt"
                profile(
                    server, case.page, args.duration, args.connections, out, request_headers(args)
                )
            results.append(result)
    finally:
        server.stop()
    OUT_DIR.mkdir(exist_ok=True)
    args.results.write_text(
        json.dumps(
            {
                "file": str(args.file),
                "accept_encoding": "gzip" if args.gzip else "identity",
                "page_cache_mb": 0 if args.cold else "default",
                "seconds": round(time.monotonic() - started),
                "cases": results,
            },
            indent=2,
        )
    )
    print(table(results), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
