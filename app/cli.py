"""The command line: `python -m app migrate | seed | serve | import historian PATH`."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from app.config import get_settings
from app.db import DatabaseNotReady, check_database, create_write_engine, upgrade_to_head


def _migrate(_args: argparse.Namespace) -> int:
    upgrade_to_head(get_settings().database_url)
    print("database migrated to the newest schema")
    return 0


def _seed(args: argparse.Namespace) -> int:
    from app.seed import SeedError, load_seed

    settings = get_settings()
    root = args.seed_dir or settings.seed_dir
    engine = create_write_engine(settings.database_url)
    try:
        with engine.begin() as connection:
            report = load_seed(connection, root)
    except SeedError as error:
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


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    try:
        check_database(get_settings().database_url)
    except DatabaseNotReady as error:
        print(f"cannot serve: {error}", file=sys.stderr)
        return 1

    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        server_header=False,
        log_level="info",
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per action."""
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    migrate = commands.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(handler=_migrate)

    seed = commands.add_parser("seed", help="validate and load seed_data/ (idempotent)")
    seed.add_argument("--seed-dir", type=Path, default=None, help="seed folder to load")
    seed.set_defaults(handler=_seed)

    serve = commands.add_parser("serve", help="serve the API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit code is non-zero on failure."""
    args = build_parser().parse_args(argv)
    handler = args.handler
    result: int = handler(args)
    return result
