"""Event codes: one table gives every visit, meeting and agreement its CAMEO and PLOVER codes."""

from typing import get_args

import pytest

from app.codes import (
    AGREEMENT_CODES,
    CAMEO,
    MEETING_CODES,
    PLOVER,
    Code,
    codes_for,
    derived_codes,
    event_code,
)
from app.importers.historian import VISIT_KINDS
from app.seed import AgreementIn, MeetingIn, VisitIn

pytestmark = pytest.mark.backend_independent(reason="the event-code table")


def pairs(codes: list[Code]) -> list[tuple[str, str, str | None]]:
    return [(code.scheme, code.code, code.mode) for code in codes]


def test_a_visit_is_made_by_the_visitor_and_hosted_by_the_host() -> None:
    assert derived_codes("visit", "official") == [
        Code("cameo", "042", "Make a visit"),
        Code("cameo", "043", "Host a visit"),
        Code("plover", "CONSULT", "Consult", "visit"),
    ]


@pytest.mark.parametrize(
    "kind",
    sorted(get_args(get_args(VisitIn.model_fields["kind"].annotation)[0]))
    + [kind for _, kind in VISIT_KINDS]
    + [None],
)
def test_every_visit_kind_the_data_holds_has_the_visit_codes(kind: str | None) -> None:
    assert pairs(derived_codes("visit", kind)) == [
        ("cameo", "042", None),
        ("cameo", "043", None),
        ("plover", "CONSULT", "visit"),
    ]


def test_every_meeting_kind_the_loader_accepts_has_codes() -> None:
    accepted = set(get_args(MeetingIn.model_fields["kind"].annotation))
    assert accepted == set(MEETING_CODES)


def test_meeting_codes_by_kind() -> None:
    assert {kind: pairs(codes) for kind, codes in MEETING_CODES.items()} == {
        "bilateral_talks": [("cameo", "040", None), ("plover", "CONSULT", "visit")],
        "business_forum": [("cameo", "040", None), ("plover", "CONSULT", "visit")],
        "other": [("cameo", "040", None), ("plover", "CONSULT", "visit")],
        "courtesy_call": [
            ("cameo", "042", None),
            ("cameo", "043", None),
            ("plover", "CONSULT", "visit"),
        ],
        "site_visit": [
            ("cameo", "042", None),
            ("cameo", "043", None),
            ("plover", "CONSULT", "visit"),
        ],
        "state_dinner": [
            ("cameo", "042", None),
            ("cameo", "043", None),
            ("plover", "CONSULT", "visit"),
        ],
        "welcome_ceremony": [
            ("cameo", "042", None),
            ("cameo", "043", None),
            ("plover", "CONSULT", "visit"),
        ],
        "signing_ceremony": [("cameo", "057", None), ("plover", "SUPPORT", None)],
        # PLOVER has no category for statements (CAMEO 01).
        "press_conference": [("cameo", "010", None)],
    }


def test_an_agreement_s_codes_follow_its_status() -> None:
    assert set(get_args(AgreementIn.model_fields["status"].annotation)) == set(AGREEMENT_CODES)
    signed = [Code("cameo", "057", "Sign formal agreement"), Code("plover", "SUPPORT", "Support")]
    agreed = [
        Code("cameo", "030", "Express intent to cooperate"),
        Code("plover", "AGREE", "Agree"),
    ]
    for kind in get_args(AgreementIn.model_fields["kind"].annotation):
        assert derived_codes("agreement", kind, "signed") == signed
        assert derived_codes("agreement", kind, "agreed") == agreed


def test_an_override_replaces_only_its_scheme() -> None:
    negotiation = event_code("cameo", "046")
    assert codes_for("meeting", "bilateral_talks", overrides=[negotiation]) == [
        Code("plover", "CONSULT", "Consult", "visit"),
        Code("cameo", "046", "Engage in negotiation"),
    ]
    third_party = event_code("plover", "CONSULT", "third-party")
    assert codes_for("visit", None, overrides=[third_party]) == [
        Code("cameo", "042", "Make a visit"),
        Code("cameo", "043", "Host a visit"),
        Code("plover", "CONSULT", "Consult", "third-party"),
    ]
    assert codes_for("agreement", "treaty", "signed") == derived_codes(
        "agreement", "treaty", "signed"
    )


@pytest.mark.parametrize(
    ("scheme", "code", "mode", "message"),
    [
        ("cameo", "999", None, "unknown CAMEO code '999'"),
        ("cameo", "042", "visit", "CAMEO codes take no mode"),
        ("plover", "CONSULTS", None, "unknown PLOVER event type 'CONSULTS'"),
        ("plover", "SUPPORT", "visit", "unknown mode 'visit' for PLOVER SUPPORT \\(known: none\\)"),
        ("gdelt", "042", None, "unknown scheme 'gdelt'"),
    ],
)
def test_unknown_codes_are_refused(scheme: str, code: str, mode: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        event_code(scheme, code, mode)


def test_the_codebooks_are_what_their_sources_define() -> None:
    # CAMEO: 010 and the 3-digit codes of cue categories 03 to 06.
    assert sorted(CAMEO) == ["010"] + [f"0{c}{d}" for c in "3" for d in "0123456789"] + [
        f"04{d}" for d in "0123456"
    ] + [f"05{d}" for d in "01234567"] + [f"06{d}" for d in "01234"]
    # PLOVER 2021: sixteen event types.
    assert len(PLOVER) == 16
    assert {"AGREE", "CONSULT", "SUPPORT", "COOPERATE"} <= set(PLOVER)
