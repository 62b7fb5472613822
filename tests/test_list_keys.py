"""Each list key read for some records (as a reload refreshes their entries) gives the
pairs the whole key gives for those records, on the engine under test: a key of several
arms (`Arms`) is restricted arm by arm."""

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, text

from app.derived import LISTINGS
from app.queries.listing import Arms, Listing
from app.storage import load_reader
from tests.support import transaction_on

KEYS = [(listing, name) for listing in LISTINGS for name in listing.keys]


@pytest.fixture(scope="module")
def connection(database_url: str) -> Iterator[Connection]:
    with transaction_on(database_url) as connected:  # reads alone: nothing to commit
        yield connected


def _pairs(connection: Connection, sql: str, **params: object) -> set[tuple[str, str | None]]:
    return {(row[0], row[1]) for row in connection.execute(text(sql), params)}


def test_no_key_is_a_union_in_one_string() -> None:
    # Such a key would be read whole by a one-record reload (docs/read-path.md).
    unions = [
        (listing.resource, name)
        for listing, name in KEYS
        if isinstance(listing.keys[name], str) and re.search(r"\bunion\b", listing.keys[name], re.I)
    ]
    assert unions == []


@pytest.mark.parametrize(
    ("listing", "name"), KEYS, ids=[f"{listing.resource}-{name}" for listing, name in KEYS]
)
def test_a_key_read_for_some_records_gives_their_pairs_of_the_whole_key(
    connection: Connection, listing: Listing, name: str
) -> None:
    dialect = load_reader(connection).dialect
    whole = _pairs(connection, listing.key_sql(name, dialect))
    key = listing.keys[name]
    arms = key.selects if isinstance(key, Arms) else (listing.key_sql(name, dialect),)
    # Every other record of each arm: each arm of two records or more has some in, some out.
    ids: set[str] = set()
    for select in arms:
        ids.update(sorted({record_id for record_id, _ in _pairs(connection, select)})[::2])
    some = _pairs(
        connection,
        listing.key_sql(name, dialect, dialect.in_list("ids")),
        ids=dialect.list_param(sorted(ids)),
    )
    assert some == {pair for pair in whole if pair[0] in ids}
    if isinstance(key, Arms):
        assert some
        if len({record_id for record_id, _ in whole}) > 1:  # the seed has one tour
            assert some != whole
