"""The client stands apart: it imports nothing from the server but the public response models
(`app.models`) and the problem document (`app.errors`)."""

import json
import subprocess
import sys

ALLOWED = ("app.client", "app.models", "app.errors")


def test_importing_the_client_loads_no_server_module() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, app.client; "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('app.'))))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    modules = json.loads(loaded.stdout)
    assert "app.client.sync" in modules
    assert [m for m in modules if not m.startswith(ALLOWED)] == []
