"""Contract fuzzing: schemathesis drives every operation of the app's own OpenAPI document.

The app runs in-process (ASGI) over a database built by the real migrations and seed loader.
Every operation gets schemathesis' three phases (the documented examples, the coverage
phase's boundary and invalid values, and `MAX_EXAMPLES` generated cases, valid and invalid,
plus requests with methods the operation does not take), and every answer goes through every
built-in check: no server error, documented status codes, content types and headers, bodies
valid against their schemas, invalid data refused, valid data accepted, `Allow` on 405s.
Generation is deterministic, so a CI failure replays. Any finding fails the test.

Valid requests get what no JSON Schema can state (see `_meet_what_the_schema_cannot_say`):
a cursor is a token the API signs, and `to` may not be before `from`.
"""

import atexit
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis.strategies._internal import regex
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection

from app.config import Settings
from app.main import create_app
from tests.conftest import BACKEND
from tests.support import build_database
from tests.wire import valid_on_the_wire

# On PostgreSQL (the second run of `make test`) a fifth as many: the same operations and
# checks, within CI's time (50 per operation there took about 100 s each on the 2-core machine).
MAX_EXAMPLES = 10 if BACKEND == "postgresql" else 50


def _built_once(build: Any) -> Any:
    """`regex_strategy`, one strategy per pattern, flags and alphabet. Schemathesis asks
    hypothesis for a new strategy each time it meets a pattern, and one for the country-code
    pattern (every ISO code, in any case) takes about 0.1 s to build: collecting this module
    took 53 s, 12 s with this. A strategy is immutable, so one serves every operation
    (hypothesis imports the function where it calls it)."""
    built: dict[tuple[Any, ...], Any] = {}

    def regex_strategy(pattern: Any, fullmatch: bool, *, alphabet: Any, **options: Any) -> Any:
        compiled = re.compile(pattern) if isinstance(pattern, str | bytes) else pattern
        # A resolved alphabet by its characters, a lazy one by its arguments (its repr).
        intervals = getattr(alphabet, "intervals", None)
        chars = repr(alphabet) if intervals is None else intervals.intervals
        key = (compiled.pattern, compiled.flags, fullmatch, chars, tuple(sorted(options.items())))
        if key not in built:
            built[key] = build(compiled, fullmatch, alphabet=alphabet, **options)
        return built[key]

    regex_strategy.built = built  # type: ignore[attr-defined]
    return regex_strategy


regex.regex_strategy = _built_once(regex.regex_strategy)

# Built at import: schemathesis turns each operation into a test while collecting (its lazy
# fixture-based loader does not run on this pytest).
_folder = Path(tempfile.mkdtemp(prefix="contract-"))
atexit.register(shutil.rmtree, _folder, ignore_errors=True)
APP = create_app(
    Settings(
        database_url=build_database(_folder / "visits.sqlite3"),
        cursor_secret="contract-secret",
        export_dir=_folder / "exports",
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none")

CASES: Counter[str] = Counter()
_client = TestClient(APP)


def _genuine_cursor(case: Any) -> str | None:
    """A cursor the API itself issued for this request's sort and filters, if there is one."""
    query = {name: value for name, value in (case.query or {}).items() if name != "cursor"}
    response = _client.get(
        case.formatted_path, params={**query, "limit": 1}, headers=case.headers or {}
    )
    link = response.headers.get("link")
    if response.status_code != 200 or not link:
        return None
    return parse_qs(urlsplit(link.split(">", 1)[0].lstrip("<")).query)["cursor"][0]


def _meet_what_the_schema_cannot_say(case: Any) -> None:
    """Two rules of valid requests that JSON Schema cannot state, applied to valid cases only
    (invalid ones must be refused whatever they hold).

    A cursor is a token the API signs, so a valid request carries a genuine one for its sort
    and filters (or none, when the list has a single page); and `to` is not before `from`
    (each parameter's description says so).
    """
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return
    query = case.query or {}
    if isinstance(query.get("from"), str) and isinstance(query.get("to"), str):
        query["from"], query["to"] = sorted((query["from"], query["to"]))
    if "cursor" in query:
        cursor = _genuine_cursor(case)
        if cursor is None:
            del query["cursor"]
        else:
            query["cursor"] = cursor


DOCUMENT = APP.openapi()


@schema.parametrize()
def test_operation_keeps_its_contract(case: Any) -> None:
    CASES[f"{case.method.upper()} {case.path}"] += 1
    _meet_what_the_schema_cannot_say(case)
    if valid_on_the_wire(case, DOCUMENT):
        case.call_and_validate(excluded_checks=[negative_data_rejection])
        return
    case.call_and_validate()


def test_every_operation_was_fuzzed() -> None:
    """Runs after the fuzzing (same module, later): no operation was left out or starved."""
    if not CASES:
        pytest.skip("run with the fuzzing tests above to count what they sent")
    documented = {
        f"{method.upper()} {path}"
        for path, methods in APP.openapi()["paths"].items()
        for method in methods
    }
    fuzzed = {label: count for label, count in CASES.items() if label in documented}
    assert set(fuzzed) == documented
    # Operations with no parameters have little to vary: their examples and method probes.
    starved = [label for label, count in fuzzed.items() if count < 3]
    assert not starved, starved
    # The seam above is in use (a newer hypothesis may build its strategies elsewhere).
    built = regex.regex_strategy.built  # type: ignore[attr-defined]
    assert built, "no regex strategy went through _built_once"
    print(
        f"\nschemathesis: {len(fuzzed)} operations, {sum(fuzzed.values())} requests to them, "
        f"{sum(CASES.values()) - sum(fuzzed.values())} with undocumented methods"
    )
