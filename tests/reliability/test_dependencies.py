"""Dependency audit: pip-audit over the pinned runtime and test requirements.

pip-audit asks a vulnerability database about each pin (PyPI's JSON API by default). Where
it cannot (no network, or a PyPI mirror without per-release pages), it skips those pins and
still prints "No known vulnerabilities found" with exit code 0: so each pin's result is read,
and the test passes only when every pin was audited and none has a known vulnerability. An
audit that could not run is a skip that says why, never a pass.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
PINNED = [PROJECT / "requirements" / "main.txt", PROJECT / "requirements" / "test.txt"]


@pytest.mark.backend_independent(reason="the pinned requirements")
def test_no_pinned_dependency_has_a_known_vulnerability() -> None:
    audit = shutil.which("pip-audit", path=str(Path(sys.executable).parent))
    if audit is None:
        pytest.skip("pip-audit is not installed (requirements/test.txt pins it)")
    requirements = [arg for path in PINNED for arg in ("-r", str(path))]
    options = ["--disable-pip", "--no-deps", "--format", "json", "--progress-spinner", "off"]
    result = subprocess.run(
        [audit, *requirements, *options, "--timeout", "15"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.skip(f"pip-audit could not run: {result.stderr.strip().splitlines()[-1:]}")
    dependencies = report["dependencies"]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if skipped:
        pytest.skip(
            f"pip-audit could not audit {len(skipped)} of {len(dependencies)} pins (first: "
            f"{skipped[0]['skip_reason']}): the vulnerability database it asks (PyPI's "
            "per-release JSON API) does not answer for them from here; run "
            "`pip-audit -r requirements/main.txt -r requirements/test.txt` where it does"
        )
    vulnerable = {
        f"{d['name']} {d['version']}": [v["id"] for v in d["vulns"]]
        for d in dependencies
        if d.get("vulns")
    }
    assert not vulnerable, f"known vulnerabilities: {vulnerable}"
    assert len(dependencies) > 40
