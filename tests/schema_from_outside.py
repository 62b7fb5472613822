"""`make schema`: the schema tells the truth, checked from outside (issue 18, item 7).

Builds a fresh seeded database, starts the real server on a free loopback port, runs
`schemathesis run` against its `/openapi.json` with every check but positive data acceptance
(the API refuses some schema-valid values no JSON Schema can rule out: a cursor it did not
sign, `to` before `from`; tests/reliability/test_contract.py feeds those in-process), leaves
out the negative cases that are valid on the wire (tests/schema_hooks.py), fails on
any finding and on any warning (a validation mismatch among them), and stops the server. Extra
arguments go to schemathesis (`make schema SCHEMA_ARGS="--seed 2 -n 200"`).

It takes a few minutes, so `make test` does not run it.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support import build_database, served

CHECKS = ("--checks", "all", "--exclude-checks", "positive_data_acceptance")
# Every warning schemathesis displays fails the run (validation mismatches included).
CONFIG = "warnings = { fail-on = true }\n"
DEFAULTS = ("--seed", "1", "--workers", "1", "--generation-database", "none")


def main(arguments: list[str]) -> int:
    """Run the check; schemathesis' exit status (0: no finding, no warning)."""
    with tempfile.TemporaryDirectory(prefix="schema-") as folder:
        config = Path(folder) / "schemathesis.toml"
        config.write_text(CONFIG, encoding="utf-8")
        database_url = build_database(Path(folder) / "visits.sqlite3")
        with served(database_url, Path(folder) / "server.log") as url:
            command = [
                str(Path(sys.executable).parent / "schemathesis"),
                "--config-file",
                str(config),
                "run",
                f"{url}/openapi.json",
                *CHECKS,
                *DEFAULTS,
                *arguments,
            ]
            hooks = {
                "SCHEMATHESIS_HOOKS": "tests.schema_hooks",
                "SCHEMA_DOCUMENT_URL": f"{url}/openapi.json",
            }
            return subprocess.run(command, check=False, env={**os.environ, **hooks}).returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
