"""The client stands apart: importing it loads no module of the server and none of the
server's libraries."""

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.backend_independent(reason="the client's imports")

SERVER_LIBRARIES = ("app", "fastapi", "starlette", "sqlmodel", "sqlalchemy", "alembic", "uvicorn")


def test_importing_the_client_loads_no_server_module() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, diplomatic_visits_client; print(json.dumps(sorted(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    modules = json.loads(loaded.stdout)
    assert "diplomatic_visits_client.sync" in modules
    assert "diplomatic_visits_client.aio" in modules
    assert [m for m in modules if m.split(".")[0] in SERVER_LIBRARIES] == []
