"""What a reload costs: the generated `bench` dataset loaded again through the project's
writer (`app.store.write_dataset`) with one visit's summary changed, then its derived data
brought in step as every load does (`app.derived.refresh_after_load`), against a full
rebuild of the derived data on the same file.

    .venv/bin/python -m bench.generate --visits 10000 --out /tmp/v10k.sqlite3
    .venv/bin/python -m bench.reload /tmp/v10k.sqlite3 --visits 10000

`--visits` and `--seed` must be the ones the file was generated with: the generator then
gives the same rows. The file is changed (the summary stays changed; a second run changes
it back). Times are wall-clock seconds, each phase in its own transaction, committed, and
the CPU seconds of this process (SQLite's work included: it runs in this process).

The first reload of a file made before migration 0130, or by the bulk writer, compares every
record in full and stores the fingerprints; later reloads read only those.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sqlite3
import time
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from app.batch import paused_collector
from app.derived import EVERYTHING, refresh, refresh_after_load
from app.models import Claim, Visit
from app.storage import create_write_engine
from app.store import DatasetRows, changes, write_dataset
from bench.generate import DATASET, DEFAULT_SEED, Generator

MARK = " (revised)"


def _rows(path: Path, visits: int, seed: int) -> DatasetRows:
    with closing(sqlite3.connect(path)) as connection:
        countries = connection.execute("SELECT code, name FROM country ORDER BY code").fetchall()
        topics = [
            row[0]
            for row in connection.execute("SELECT id FROM topic WHERE dataset <> ?", (DATASET,))
        ]
    generator = Generator(visits, seed, countries, topics)
    dataset = DatasetRows(DATASET)
    for batch in itertools.chain([generator.vocabularies()], generator.batches()):
        for model, records in batch.records.items():
            dataset.records.setdefault(model, []).extend(records)
        for model, links in batch.links.items():
            dataset.links.setdefault(model, []).extend(links)
    # The generator writes claims' JSON as text (its bulk writer inserts it as it is); the
    # writer takes the values.
    for claim in dataset.records.get(Claim, []):
        claim["value"] = json.loads(claim["value"])
        if claim["qualifiers"] is not None:
            claim["qualifiers"] = json.loads(claim["qualifiers"])
    return dataset


def _change_one_summary(path: Path, dataset: DatasetRows) -> str:
    """Change (or change back) the summary of the dataset's first visit; return its id."""
    visit = min(dataset.records[Visit], key=lambda row: row["id"])
    with closing(sqlite3.connect(path)) as connection:
        (stored,) = connection.execute(
            "SELECT summary FROM visit WHERE id = ?", (visit["id"],)
        ).fetchone()
    if not (stored or "").endswith(MARK):
        visit["summary"] = f"{visit['summary'] or ''}{MARK}"
    return str(visit["id"])


@paused_collector  # run as the command line's loads run
def main(argv: Sequence[str] | None = None) -> int:
    """Command line: time a one-visit reload, then a full rebuild, on one file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="a file made by bench.generate")
    parser.add_argument("--visits", type=int, required=True, help="as generated")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="as generated")
    parser.add_argument("--full", action="store_true", help="also time a full rebuild")
    args = parser.parse_args(argv)
    dataset = _rows(args.file, args.visits, args.seed)
    changed = _change_one_summary(args.file, dataset)
    engine = create_write_engine(f"sqlite:///{args.file}")
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        with engine.begin() as connection:
            report = write_dataset(connection, dataset)
            written, cpu_written = time.perf_counter(), time.process_time()
            refreshed = refresh_after_load(connection, changes(report))
        done, cpu_done = time.perf_counter(), time.process_time()
        print(
            f"reload of {args.visits:,} visits, visit {changed} changed: "
            f"{done - started:.2f} s ({written - started:.2f} s writing, "
            f"{done - written:.2f} s derived data: {refreshed}); "
            f"CPU {cpu_done - cpu_started:.2f} s ({cpu_written - cpu_started:.2f} s writing); "
            f"load {os.getloadavg()[0]:.1f}"
        )
        if args.full:
            started = time.perf_counter()
            with engine.begin() as connection:
                refresh(connection, EVERYTHING)
            print(
                f"full rebuild of the derived data: {time.perf_counter() - started:.2f} s; "
                f"load {os.getloadavg()[0]:.1f}"
            )
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
