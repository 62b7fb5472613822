"""The disputed rule (SPEC "Claims"): two or more different values among claims not
deprecated, and none preferred."""

from typing import Any

import pytest

from app.models.claim import Qualifiers, disputed

pytestmark = pytest.mark.backend_independent(reason="the disputed rule, a pure function")


def claim(
    name: str, value: Any, rank: str = "normal", qualifiers: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {"property": name, "value": value, "rank": rank, "qualifiers": qualifiers}


def test_one_value_is_not_disputed() -> None:
    assert disputed([claim("count", 6), claim("count", 6)]) == []


def test_two_values_are_disputed() -> None:
    assert disputed([claim("count", 1), claim("count", 2)]) == ["count"]


def test_a_preferred_claim_settles_the_property() -> None:
    assert disputed([claim("count", 1, "preferred"), claim("count", 2)]) == []


def test_deprecated_claims_do_not_count() -> None:
    assert disputed([claim("count", 1), claim("count", 2, "deprecated")]) == []
    # ... and a deprecated preferred-looking value does not settle anything either.
    assert disputed([claim("count", 1), claim("count", 2), claim("count", 3, "deprecated")]) == [
        "count"
    ]


def test_qualifiers_are_part_of_what_is_claimed() -> None:
    six_besides = claim("count", 6)
    six_in_all = claim("count", 6, qualifiers={"includes": ["memorandum_of_understanding"]})
    assert disputed([six_besides, six_in_all]) == ["count"]
    # None and {} are the same: no qualifiers.
    assert disputed([claim("count", 6, qualifiers={}), six_besides]) == []


def test_values_compare_as_json_whatever_the_key_order() -> None:
    one = claim("place", {"city": "Havana", "venue": "Palace"})
    same = claim("place", {"venue": "Palace", "city": "Havana"})
    assert disputed([one, same]) == []
    assert disputed([claim("topics", ["a", "b"]), claim("topics", ["b", "a"])]) == ["topics"]


def test_properties_are_sorted_and_independent() -> None:
    claims = [
        claim("topics", ["customs"]),
        claim("topics", ["justice"]),
        claim("count", 1),
        claim("count", 2),
        claim("name", "Bruno Rodriguez", "preferred"),
        claim("name", "Bruno"),
    ]
    assert disputed(claims) == ["count", "topics"]


def test_null_is_a_value_of_its_own() -> None:
    assert disputed([claim("count", None, qualifiers={"at_least": 21}), claim("count", 25)]) == [
        "count"
    ]
    assert disputed([claim("end_date", None), claim("end_date", "2023-06-15")]) == ["end_date"]


def test_no_claims_nothing_disputed() -> None:
    assert disputed([]) == []


def test_qualifiers_keep_only_what_is_given() -> None:
    assert Qualifiers(at_least=21).as_json() == {"at_least": 21}
    assert Qualifiers().as_json() is None
    with pytest.raises(ValueError, match="at_least"):
        Qualifiers(at_least=-1)
