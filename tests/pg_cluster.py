"""Private PostgreSQL servers for the tests of replication: a primary made by `initdb` in a
temporary folder and a streaming replica of it made by `pg_basebackup`, each on a free
loopback port, stopped and removed afterwards.

The machine's own server is left alone (its `pg_hba.conf` need not allow replication, and a
base backup of it would copy every database on it). The servers run as the `postgres`
account when the tests run as root (PostgreSQL refuses to run as root).
"""

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.support import free_port

# Where the server programs are: PG_BINDIR, else the newest PostgreSQL under /usr/lib, else
# the PATH.
_SEARCHED = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
SUPERUSER = "root"
DATABASE = "visits"
# Settings of both servers: replication on, and no waiting on the disk (a test's data is
# thrown away).
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "wal_level": "replica",
    "max_wal_senders": "4",
    "hot_standby": "on",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "'32MB'",
    "max_connections": "40",
}


def bin_dir() -> Path | None:
    """The folder holding `initdb`, `pg_ctl` and `pg_basebackup`, or None."""
    given = os.environ.get("PG_BINDIR")
    candidates = [Path(given)] if given else [*reversed(_SEARCHED)]
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "pg_basebackup")):
            return folder
    return None


def missing() -> str | None:
    """Why private servers cannot be made here, or None."""
    if bin_dir() is None:
        return (
            "the PostgreSQL server programs (initdb, pg_ctl, pg_basebackup) are not installed "
            "(set PG_BINDIR to their folder)"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` account to run the servers as"
    return None


def _as_owner(command: Sequence[str]) -> list[str]:
    if os.geteuid() != 0:
        return list(command)
    return ["runuser", "-u", "postgres", "--", *command]


def _run(*command: str) -> None:
    done = subprocess.run(_as_owner(command), capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")


@dataclass
class Server:
    """One private server: its data folder and port."""

    data: Path
    port: int

    @property
    def url(self) -> str:
        """The application's database on it."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"

    def connect(self, database: str = DATABASE) -> psycopg.Connection:
        """A connection (autocommit) as the superuser."""
        return psycopg.connect(
            f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}", autocommit=True
        )

    def start(self) -> None:
        """Start it, waiting until it accepts connections."""
        folder = bin_dir()
        assert folder is not None
        options = f"-p {self.port} -k {self.data.parent}"
        log = self.data.parent / f"{self.data.name}.log"
        _run(str(folder / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(log), "-w",
             "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        """Stop it at once (its data is thrown away)."""
        folder = bin_dir()
        assert folder is not None
        if (self.data / "postmaster.pid").exists():
            _run(str(folder / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")


@contextmanager
def primary_and_replica() -> Iterator[tuple[Server, Server]]:
    """A primary holding an empty database `visits` (C collation, UTF-8 character type, as
    tests/postgres.py makes them) and a streaming replica of it, both running; stopped and
    removed after."""
    folder = bin_dir()
    assert folder is not None
    root = Path(tempfile.mkdtemp(prefix="visits-replication-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    primary = Server(root / "primary", free_port())
    replica = Server(root / "replica", free_port())
    try:
        _run(str(folder / "initdb"), "-D", str(primary.data), "-U", SUPERUSER, "--auth=trust",
             "-E", "UTF8", "--locale=C", "--lc-ctype=C.UTF-8", "--no-sync")  # fmt: skip
        with (primary.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in SETTINGS.items())
        primary.start()
        with primary.connect("postgres") as admin:
            admin.execute(f"CREATE DATABASE {DATABASE}")
        # -R: the copy starts as a standby streaming from the primary (standby.signal and
        # primary_conninfo); -X stream: the WAL written meanwhile comes with it.
        _run(str(folder / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U",
             SUPERUSER, "-D", str(replica.data), "-R", "-X", "stream", "-c", "fast",
             "--no-sync")  # fmt: skip
        replica.start()
        yield primary, replica
    finally:
        for server in (replica, primary):
            with suppress(RuntimeError):
                server.stop()
        shutil.rmtree(root, ignore_errors=True)


def data_version(server: Server) -> int:
    """The data version the server holds now."""
    with server.connect() as connection:
        row = connection.execute("SELECT version FROM data_version WHERE id = 1").fetchone()
    return 0 if row is None else int(row[0])


def wait_for_version(replica: Server, version: int, seconds: float = 30) -> float:
    """Wait until the replica holds data version `version`; the seconds it took."""
    started = time.monotonic()
    while data_version(replica) < version:
        if time.monotonic() - started > seconds:
            raise AssertionError(
                f"the replica did not replay data version {version} in {seconds:.0f} s"
            )
        time.sleep(0.02)
    return time.monotonic() - started


def wait_for_replay(primary: Server, replica: Server, seconds: float = 30) -> float:
    """Wait until the replica has replayed everything the primary wrote until now; the
    seconds it took."""
    with primary.connect() as connection:
        row = connection.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
    assert row is not None
    target = row[0]
    started = time.monotonic()
    with replica.connect() as connection:
        while True:
            done = connection.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)
            ).fetchone()
            if done is not None and done[0]:
                return time.monotonic() - started
            if time.monotonic() - started > seconds:
                raise AssertionError(f"the replica did not replay to {target} in {seconds} s")
            time.sleep(0.02)
