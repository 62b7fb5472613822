"""The command line: `diplomatic-visits` (or `python -m app`) `migrate | seed | serve | check |
import historian PATH | fetch historian`."""

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from app.batch import collector_paused, paused_collector
from app.config import get_settings
from app.derived import DERIVED_VERSION, rebuild_if_stale
from app.importers.fetch import DEFAULT_BASE_URL

# Imported for its registration: every load a command runs also makes the stored pages.
from app.pages import stored as stored_pages  # noqa: F401
from app.storage import (
    DatabaseNotReady,
    check_database,
    check_integrity,
    create_write_engine,
    dialect_name,
    sqlite_path,
    upgrade_to_head,
)

if TYPE_CHECKING:
    from pydantic import ValidationError

    from app.importers.historian import ImportReport

# The command's name when installed; `python -m app` passes its own.
PROG = "diplomatic-visits"
# Seconds a worker of `serve --workers N` may take to answer its supervisor (see `_serve`).
WORKER_HEALTHCHECK_SECONDS = 60
# Problems listed in full before the rest are only counted.
MAX_PROBLEMS_SHOWN = 50


def _migrate(_args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    database_url = get_settings().database_url
    try:
        upgrade_to_head(database_url)
        rebuild_if_stale(database_url)
    except DatabaseNotReady as error:
        print(f"database not migrated: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        print(f"database not migrated: {_first_line(error)}", file=sys.stderr)
        return 1
    print("database migrated to the newest schema")
    return 0


def _first_line(error: Exception) -> str:
    """An engine's error in one line (the driver's own message, without SQLAlchemy's
    statement and link)."""
    cause = getattr(error, "orig", None) or error
    return str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__


def _seed(args: argparse.Namespace) -> int:
    from app.seed import SeedError, load_seed

    settings = get_settings()
    root = getattr(args, "seed_dir", settings.seed_dir)
    if dialect_name(settings.database_url) == "postgresql":  # a file is made by `migrate`
        try:
            check_database(settings.database_url, DERIVED_VERSION)
        except DatabaseNotReady as error:
            print(f"seed not loaded, nothing changed: {error}", file=sys.stderr)
            return 1
    engine = create_write_engine(settings.database_url)
    try:
        with engine.begin() as connection:
            report = load_seed(connection, root)
    except (SeedError, DatabaseNotReady) as error:
        print(f"seed not loaded, nothing changed: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    deleted = report.total_deleted()
    print(
        f"seed loaded from {root.name}/: {report.total('created')} created, "
        f"{report.total('updated')} updated, {deleted} deleted"
    )
    return 0


def _migrate_existing(database_url: str) -> None:
    """Migrate the database forward, if there is one: serving never creates an empty one."""
    from sqlalchemy.exc import SQLAlchemyError

    path = sqlite_path(database_url)
    if path is not None and not path.exists():
        return  # check_database says what to do
    try:
        with collector_paused():  # a load in a command that goes on to serve
            upgrade_to_head(database_url)
            rebuild_if_stale(database_url)
    except SQLAlchemyError as error:
        cause = getattr(error, "orig", None) or error
        raise DatabaseNotReady(
            f"cannot migrate the database at {path or database_url}: {cause}"
        ) from None


def _copy(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from app.copy import CopyRefused, copy_database

    started = time.perf_counter()
    try:
        report = copy_database(
            args.source, args.target, force=args.force, progress=lambda line: print(line)
        )
    except (CopyRefused, DatabaseNotReady) as error:
        print(f"nothing copied: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        print(f"nothing copied: {_first_line(error)}", file=sys.stderr)
        return 1
    wrong = [table for table in report if not table.matches]
    for table in report:
        verdict = "same" if table.matches else "DIFFERENT"
        print(f"verified {table.name}: {table.rows:,} rows, checksum {table.checksum} {verdict}")
    if wrong:
        print(
            f"copy differs from its source in: {', '.join(t.name for t in wrong)}", file=sys.stderr
        )
        return 1
    print(f"copied {sum(t.rows for t in report):,} rows in {time.perf_counter() - started:.1f} s")
    return 0


def _settings_problems(error: "ValidationError") -> str:
    """Invalid settings, by their environment names, in one line."""
    return "; ".join(
        f"{'.'.join(str(part) for part in e['loc']).upper()}: {e['msg']}" for e in error.errors()
    )


def _serve(args: argparse.Namespace) -> int:
    import uvicorn
    from pydantic import ValidationError

    from app.api.routes.health import checks_integrity_in_background
    from app.logs import log_config

    try:
        settings = get_settings()
        if args.migrate:
            _migrate_existing(settings.database_url)  # the primary: a replica replays it
        # What the app reads: DATABASE_REPLICA_URL when set.
        check_database(settings.read_url, DERIVED_VERSION)
        # A larger file would hold start-up for minutes: the app checks it while serving.
        if not checks_integrity_in_background(settings):
            check_integrity(settings.read_url)
    except ValidationError as error:
        print(f"cannot serve: invalid settings: {_settings_problems(error)}", file=sys.stderr)
        return 1
    except DatabaseNotReady as error:
        print(f"cannot serve: {error}", file=sys.stderr)
        return 1

    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        # How long a worker process may take to answer its supervisor's first ping: it
        # imports the app first (seconds on a busy machine). uvicorn's 5 s default had the
        # supervisor kill and restart every worker, again and again, under a load of 6.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        proxy_headers=True,
        server_header=False,
        # Requests are logged by the app, with their ids (app.edge.access).
        access_log=False,
        log_config=log_config(settings.log_format),
        log_level="info",
    )
    return 0


def _check(_args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    try:
        settings = get_settings()
    except ValidationError as error:
        print(f"cannot check: invalid settings: {_settings_problems(error)}", file=sys.stderr)
        return 1
    checked = [("database", settings.database_url)]
    if settings.database_replica_url is not None:
        checked.append(("replica", settings.database_replica_url))
    for name, database_url in checked:
        started = time.perf_counter()
        try:
            check_database(database_url, DERIVED_VERSION)
            pages = check_integrity(database_url)
        except DatabaseNotReady as error:
            print(f"{name} not ok: {error}", file=sys.stderr)
            return 1
        print(f"{name} ok: {pages:,} pages checked in {time.perf_counter() - started:.1f} s")
    return 0


@contextmanager
def _progress(label: str, total: int | None, unit: str) -> Iterator[Callable[[int], None]]:
    """A progress bar, on a terminal only; elsewhere a no-op. It is advanced by a count."""
    if not sys.stderr.isatty():
        yield lambda _: None
        return
    from tqdm import tqdm

    with tqdm(
        total=total,
        desc=label,
        unit=unit,
        unit_scale=unit == "B",
        file=sys.stderr,
        leave=False,
    ) as bar:

        def advance(count: int) -> None:
            bar.update(count)

        yield advance


def _import_historian(args: argparse.Namespace) -> int:
    return _import_historian_from(args.path)


def _import_historian_from(path: Path) -> int:
    from app.importers.historian import (
        HistorianError,
        historian_files,
        read_historian,
        write_historian,
    )
    from app.store import IdConflict

    settings = get_settings()
    started = time.perf_counter()
    try:
        check_database(settings.database_url, DERIVED_VERSION)
        files = historian_files(path)
        with _progress("reading", files.count, "file") as advance:
            data = read_historian(files, on_file=lambda: advance(1))
        if sys.stderr.isatty():
            print("writing and indexing ...", file=sys.stderr)
        engine = create_write_engine(settings.database_url)
        try:
            with engine.begin() as connection:
                report = write_historian(connection, data)
        finally:
            engine.dispose()
    except HistorianError as error:
        print("historian data not imported, nothing changed:", file=sys.stderr)
        for problem in error.problems[:MAX_PROBLEMS_SHOWN]:
            print(f"  {problem}", file=sys.stderr)
        if len(error.problems) > MAX_PROBLEMS_SHOWN:
            print(f"  ... and {len(error.problems) - MAX_PROBLEMS_SHOWN} more", file=sys.stderr)
        return 1
    except (IdConflict, DatabaseNotReady) as error:
        print(f"historian data not imported, nothing changed: {error}", file=sys.stderr)
        return 1
    for skipped in report.unresolved:
        print(f"skipped: {skipped}", file=sys.stderr)
    print(_historian_summary(report, path, time.perf_counter() - started))
    return 0


def _fetch_historian(args: argparse.Namespace) -> int:
    import httpx

    from app.importers.fetch import HISTORIAN, TIMEOUT_SECONDS, FetchError, fetch

    settings = get_settings()
    cache = settings.cache_dir / "historian"
    try:
        check_database(settings.database_url, DERIVED_VERSION)  # before downloading anything
        with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=True) as client:
            for repository, downloaded in fetch(
                HISTORIAN,
                cache,
                args.base_url,
                lambda name, size: _progress(name, size, "B"),
                client,
            ):
                how = "downloaded and verified" if downloaded else "verified in the cache"
                print(f"{repository.name} at {repository.commit[:12]}: {how}")
    except (FetchError, DatabaseNotReady) as error:
        print(f"historian data not fetched, nothing imported: {error}", file=sys.stderr)
        return 1
    return _import_historian_from(cache)


def _historian_summary(report: "ImportReport", path: Path, seconds: float) -> str:
    """What was read, written and left unresolved, one fact a line."""
    read = ", ".join(f"{count:,} {what}" for what, count in report.read.items())
    lines = [f"historian data imported from {path.name}/ in {seconds:.1f} s", f"read: {read}"]
    for table, total in report.written.items():
        lines.append(
            f"{table}: {total:,} ({report.sync.created.get(table, 0):,} created, "
            f"{report.sync.updated.get(table, 0):,} updated, "
            f"{len(report.sync.deleted.get(table, [])):,} deleted)"
        )
    routes: dict[str, int] = {}
    for resolution in report.resolutions.values():
        routes[resolution.via] = routes.get(resolution.via, 0) + 1
    via = ", ".join(f"{count} via {route}" for route, count in sorted(routes.items()))
    lines.append(f"country ids: {len(report.resolutions)} resolved ({via})")
    lines.append(
        f"coordinates: {report.with_coordinates:,} visits; visitor lines kept whole "
        f"(no title recognised): {len(report.kept_whole):,}"
    )
    lines.extend(report.findings())
    lines.append(f"unresolved: {len(report.unresolved):,} records skipped")
    return "\n".join(lines)


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """The argument parser, one sub-command per action, every option with its default."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Who visited whom, when and where: build the database, load the data and "
        "serve the API.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"{PROG} {version('diplomatic-visits-api')}"
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help="what to do"
    )

    def command(name: str, help: str, description: str | None = None) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=help,
            description=description or f"{help[0].upper()}{help[1:]}.",
            formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        )

    migrate = command("migrate", "create or upgrade the database schema")
    migrate.set_defaults(handler=paused_collector(_migrate))

    seed = command("seed", "validate and load the seed data (idempotent)")
    seed.add_argument(
        "--seed-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="seed folder to load (default: the SEED_DIR setting, by default the seed data "
        "that comes with this version)",
    )
    seed.set_defaults(handler=paused_collector(_seed))

    serve = command("serve", "serve the API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument("--workers", type=int, default=1, help="server processes")
    serve.add_argument(
        "--migrate",
        action="store_true",
        help="migrate the database to the newest schema first (a newer version on older data)",
    )
    serve.set_defaults(handler=_serve)

    check = command(
        "check",
        "check the whole database file for damage (SQLite's quick_check)",
        description="Read every page of the database and say whether it is sound, as `serve` "
        "does before serving a file up to INTEGRITY_CHECK_MAX_BYTES; exit code 1 if it is not.",
    )
    check.set_defaults(handler=_check)

    copier = command(
        "copy",
        "copy every record from one database to another (SQLite or PostgreSQL), verified",
        description="Copy every record of every table from SRC_URL to DST_URL (SQLite to "
        "PostgreSQL and back), migrating the target and building its search index and stored "
        "documents, in one transaction; then compare each table's count and checksum. A "
        "target that holds records is refused unless --force.",
    )
    copier.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="SRC_URL",
        help="the database to copy from (sqlite:///PATH or postgresql://USER@HOST:PORT/DB)",
    )
    copier.add_argument(
        "--to",
        dest="target",
        required=True,
        metavar="DST_URL",
        help="the database to copy to, migrated first if need be",
    )
    copier.add_argument("--force", action="store_true", help="replace the records the target holds")
    copier.set_defaults(handler=paused_collector(_copy))

    importer = command("import", "import an external dataset from a folder (idempotent)")
    datasets = importer.add_subparsers(
        dest="dataset", required=True, metavar="DATASET", help="which dataset"
    )
    historian = datasets.add_parser(
        "historian",
        help="the Office of the Historian's travels and visits",
        description="Import the travels of Presidents and Secretaries of State and the visits "
        "of foreign leaders from the Office of the Historian's data (dataset 'historian').",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    historian.add_argument(
        "path", type=Path, help="folder holding the travels/, visits/ and gsh/ repositories"
    )
    historian.set_defaults(handler=paused_collector(_import_historian))

    fetcher = command(
        "fetch",
        "download a dataset at its pinned version, verify it, keep it and import it",
        description="Download a dataset's archives at the versions this release pins, check "
        "the SHA-256 of their data files, keep them in CACHE_DIR and import them; nothing is "
        "imported unless every archive checks out.",
    )
    remote = fetcher.add_subparsers(
        dest="dataset", required=True, metavar="DATASET", help="which dataset"
    )
    historian = remote.add_parser(
        "historian",
        help="the Office of the Historian's travels, visits, gsh and people repositories",
        description="Fetch the Office of the Historian's repositories at their pinned commits "
        "into CACHE_DIR/historian/ and import them as `import historian` does.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    historian.add_argument(
        "--base-url",
        default=DEFAULT_BASE_URL,
        help="where the archives are downloaded from: GitHub, or a mirror laid out as it "
        "(OWNER/REPO/archive/COMMIT.tar.gz)",
    )
    historian.set_defaults(handler=paused_collector(_fetch_historian))
    return parser


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    """Run one command; the exit code is non-zero on failure.

    A reader that stops early (`| head`) ends the command quietly, as command-line tools do.
    """
    try:
        args = build_parser(prog).parse_args(argv)
        result: int = args.handler(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would report the failed flush of stdout at exit: point it at nothing first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return result
