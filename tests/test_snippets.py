"""Search snippets (app/storage/snippets.py): one field, the query's words marked."""

import pytest

from app.storage.snippets import FIELD_SEPARATOR, snippet

pytestmark = pytest.mark.backend_independent(reason="snippets, a pure function both engines use")


def body(*fields: str) -> str:
    return FIELD_SEPARATOR.join(fields)


def test_the_field_with_the_most_words_is_shown_the_title_first_on_a_tie() -> None:
    fields = body("Havana", "", "Raisi met Diaz-Canel in Havana.")
    assert snippet("raisi havana", "Talks", fields) == (
        "<mark>Raisi</mark> met Diaz-Canel in <mark>Havana</mark>."
    )
    assert (
        snippet("talks", "Talks in Havana", body("talks again")) == "<mark>Talks</mark> in Havana"
    )


def test_words_match_as_prefixes_case_and_accents_folded() -> None:
    assert (
        snippet("diaz can", "Miguel Díaz-Canel", "")
        == "Miguel <mark>Díaz</mark>-<mark>Canel</mark>"
    )
    assert snippet("BIOTECH", "x", body("Biotechnology and nanotechnology")) == (
        "<mark>Biotechnology</mark> and nanotechnology"
    )


def test_only_the_query_s_words_are_marked() -> None:
    # The type of a record is no word of its document: `statement` is never marked.
    assert snippet("biotech", "A statement on biotech", "") == (
        "A statement on <mark>biotech</mark>"
    )


def test_a_long_field_is_cut_around_its_matches() -> None:
    words = " ".join(f"w{n}" for n in range(40))
    text = words.replace("w20", "energy")
    assert snippet("energy", "x", body(text)) == (
        "…w17 w18 w19 <mark>energy</mark> w21 w22 w23 w24 w25 w26 w27 w28 w29 w30 w31 w32…"
    )
    assert snippet("w0", "x", body(words)).startswith("<mark>w0</mark> w1")
    assert snippet("w39", "x", body(words)).endswith("w38 <mark>w39</mark>")


def test_no_field_matching_falls_back_to_the_title() -> None:
    assert snippet("zzz", "Title", body("other")) == "Title"


def test_fields_plain_and_accented_are_read_alike() -> None:
    # Plain ASCII fields are folded by lowering alone and skipped when they hold no prefix;
    # the answer is the one the full folding gives.
    assert snippet("díaz", "Talks", body("Met Diaz in Havana", "Díaz spoke")) == (
        "Met <mark>Diaz</mark> in Havana"
    )
    assert snippet("DIAZ", "x", body("nothing here", "ÉLAN and Díaz")) == (
        "ÉLAN and <mark>Díaz</mark>"
    )
    assert snippet("élan", "x", body("ELAN vital", "Élan")) == "<mark>ELAN</mark> vital"
    assert snippet("zebra", "Talks", body("none", "of these")) == "Talks"
