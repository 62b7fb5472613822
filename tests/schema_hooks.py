"""Schemathesis hooks for `make schema` (tests/schema_from_outside.py), loaded through
SCHEMATHESIS_HOOKS: a negative case that is valid as the URL carries it (tests/wire.py) is not
sent, as the in-process contract test does not hold it to be refused."""

import os
from typing import Any

import httpx
import schemathesis

from tests.wire import valid_on_the_wire

DOCUMENT = httpx.get(os.environ["SCHEMA_DOCUMENT_URL"]).raise_for_status().json()


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    """Keep every case but those (see above)."""
    return not valid_on_the_wire(case, DOCUMENT)
