"""What a reload of a seed of many tour files costs (decision 0044): the project's seed with
its tour file copied N times (each copy's ids suffixed), loaded once; then loaded again after
one copy's visit summary is edited, in parts (that file alone parsed and written), with
nothing changed (files seen unchanged by their stats, then by their hashes), and as a load of
every file (its parts forgotten first).

    .venv/bin/python -m bench.seed_reload --tours 1000 --out /tmp/seed-1000
    .venv/bin/python -m bench.seed_reload --tours 1000 --own-people --out /tmp/seed-own-1000
    .venv/bin/python -m bench.seed_reload --tours 2 --participants 50000 --out /tmp/seed-people

Times are wall-clock seconds and this process's CPU seconds (SQLite's work included: it runs
in this process). The folder and its database are made again on every run.
"""

import argparse
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import text

from app import paths
from app.batch import paused_collector
from app.derived import rebuild_if_stale
from app.parts import RACY_NS
from app.seed import SeedError, load_seed
from app.storage import create_write_engine, upgrade_to_head
from app.store import SyncReport

SEED_DIR = paths.shipped("seed_data")
NO_STATS = "UPDATE dataset_part SET stat = NULL"
NO_PARTS = "DELETE FROM dataset_part"
TOUR = "tours/2023-06-raisi-latin-america.yaml"


def _ids(tour: dict[str, Any]) -> Iterator[str]:
    """The ids a tour file gives (tour, visits, meetings, statements, agreements)."""
    if tour.get("tour"):
        yield tour["tour"]["id"]
    for visit in tour["visits"]:
        yield visit["id"]
        for meeting in visit.get("meetings", []):
            yield meeting["id"]
            yield from (statement["id"] for statement in meeting.get("statements", []))
        yield from (statement["id"] for statement in visit.get("statements", []))
        yield from (agreement["id"] for agreement in visit.get("agreements", []))


def _id_pattern(ids: Iterable[str]) -> re.Pattern[str]:
    """Any of `ids` where it stands alone (not part of a longer id)."""
    alternatives = sorted(set(ids), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, alternatives)) + r")(?![\w-])")


def make_seed(folder: Path, tours: int, own_people: bool = False) -> list[str]:
    """A copy of the seed at `folder` whose tour file is there `tours` times, each copy's
    ids (and the references to them) suffixed; return the tour files' paths. With
    `own_people`, each copy names its own participants, copies of the seed's (suffixed too):
    no one is in every copy."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(SEED_DIR, folder)
    original = (SEED_DIR / TOUR).read_text(encoding="utf-8")
    people = (SEED_DIR / "participants.yaml").read_text(encoding="utf-8")
    people_ids = [person["id"] for person in yaml.safe_load(people)] if own_people else []
    pattern = _id_pattern([*_ids(yaml.safe_load(original)), *people_ids])
    files = [TOUR]
    for copy in range(1, tours):
        name = f"tours/copy-{copy:06d}.yaml"
        (folder / name).write_text(pattern.sub(rf"\1-c{copy}", original), encoding="utf-8")
        files.append(name)
    if own_people:
        people_pattern = _id_pattern(people_ids)
        with (folder / "participants.yaml").open("a", encoding="utf-8") as copies:
            for copy in range(1, tours):
                copies.write("\n" + people_pattern.sub(rf"\1-c{copy}", people))
    return files


def add_participants(folder: Path, count: int) -> None:
    """Add `count` made-up participants to the copy's `participants.yaml` (no tour names them)."""
    made_up = "".join(
        f"\n- id: bench-person-{index:07d}\n  name: Person {index}\n  aliases: [P. {index}]\n"
        "  country: IR\n"
        for index in range(count)
    )
    with (folder / "participants.yaml").open("a", encoding="utf-8") as people:
        people.write(made_up)


def _edit(path: Path, summary: str) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["visits"][0]["summary"] = summary
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _timed(url: str, folder: Path, label: str, forget: str = "") -> SyncReport:
    """Load the seed at `folder`, after running the SQL `forget` in the same transaction."""
    engine = create_write_engine(url)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        with engine.begin() as connection:
            if forget:
                connection.execute(text(forget))
            report = load_seed(connection, folder)
        print(
            f"{label}: {time.perf_counter() - started:.2f} s, CPU "
            f"{time.process_time() - cpu:.2f} s; {report.total('created')} created, "
            f"{report.total('updated')} updated, {report.total_deleted()} deleted; "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        return report
    finally:
        engine.dispose()


@paused_collector  # run as the command line's loads run
def main(argv: Sequence[str] | None = None) -> int:
    """Command line: make the seed, load it, then time its reloads."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tours", type=int, required=True, help="tour files (>= 2)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the seed and db")
    parser.add_argument("--participants", type=int, default=0, help="made-up people to add")
    parser.add_argument("--own-people", action="store_true", help="each copy its own people")
    args = parser.parse_args(argv)
    folder = args.out / "seed_data"
    files = make_seed(folder, max(args.tours, 2), args.own_people)
    add_participants(folder, args.participants)
    database = args.out / "visits.sqlite3"
    database.unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    upgrade_to_head(url)
    rebuild_if_stale(url)
    size = sum(path.stat().st_size for path in (folder / "tours").glob("*.yaml"))
    people = (folder / "participants.yaml").stat().st_size
    print(
        f"{len(files):,} tour files, {size / 1e6:.1f} MB; participants {people / 1e6:.1f} MB",
        flush=True,
    )
    # Files changed less than this before a load are hashed, their stats not kept (decision
    # 0045); a seed is seldom loaded the moment it is written.
    time.sleep(RACY_NS / 1e9)
    try:
        _timed(url, folder, "first load (every file)")
        edited = folder / files[len(files) // 2]
        _edit(edited, "A summary edited for the benchmark.")
        _timed(url, folder, f"reload, {edited.name} edited (in parts)")
        _timed(url, folder, "reload, nothing changed (in parts)")
        _timed(url, folder, "reload, nothing changed, every file hashed", NO_STATS)
        _edit(edited, "The summary edited back.")
        _timed(url, folder, f"reload, {edited.name} edited (every file)", NO_PARTS)
    except SeedError as error:
        print(f"seed not loaded: {error}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
