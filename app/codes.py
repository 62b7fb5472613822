"""Event codes (CAMEO and PLOVER) for visits, meetings and agreements, from one table.

A record's codes follow from what it is: every visit is "Make a visit" for the visitor and
"Host a visit" for the host; a meeting's codes follow its kind, an agreement's its status
(signed or only agreed). A record may replace one scheme's codes with codes a source supports
(the `event_code` table); `codes_for` applies them. docs/claims.md shows the table and where it
comes from: CAMEO's codebook (version 1.1b3) and PLOVER's own CAMEO-to-PLOVER mapping, event
types and CONSULT modes (github.com/openeventdata/PLOVER: CAMEO2PLOVER-2021.txt,
PLOVER_MANUAL.tex).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Scheme = Literal["cameo", "plover"]
SCHEMES: tuple[Scheme, ...] = ("cameo", "plover")

# CAMEO codes a diplomatic record can carry: making statements (01), and the cooperative cue
# categories, expressing intent (03), consulting (04), diplomatic (05) and material (06)
# cooperation. Labels as PLOVER's CAMEO-to-PLOVER mapping gives them (010: CAMEO's codebook).
CAMEO: dict[str, str] = {
    "010": "Make statement",
    "030": "Express intent to cooperate",
    "031": "Agree to engage in material cooperation",
    "032": "Express intent to engage in diplomatic cooperation",
    "033": "Express intent to provide material aid",
    "034": "Express intent to bring political reform",
    "035": "Express intent to yield",
    "036": "Express intent to meet or negotiate",
    "037": "Express intent to settle dispute",
    "038": "Express intent to accept mediation",
    "039": "Express intent to mediate",
    "040": "Consult",
    "041": "Discuss by telephone",
    "042": "Make a visit",
    "043": "Host a visit",
    "044": "Meet at a 'third' location",
    "045": "Engage in mediation",
    "046": "Engage in negotiation",
    "050": "Engage in diplomatic cooperation",
    "051": "Praise or endorse",
    "052": "Defend verbally",
    "053": "Rally support on behalf of",
    "054": "Grant diplomatic recognition",
    "055": "Apologize",
    "056": "Forgive",
    "057": "Sign formal agreement",
    "060": "Engage in material cooperation",
    "061": "Cooperate economically",
    "062": "Cooperate militarily",
    "063": "Engage in judicial cooperation",
    "064": "Share intelligence or information",
}

# PLOVER's event types (2021 manual). PLOVER drops CAMEO's statements (01): no type for them.
PLOVER: dict[str, str] = {
    "AGREE": "Agree",
    "CONSULT": "Consult",
    "SUPPORT": "Support",
    "CONCEDE": "Concede",
    "COOPERATE": "Cooperate",
    "AID": "Aid",
    "RETREAT": "Retreat",
    "ACCUSE": "Accuse",
    "DEMAND": "Demand",
    "REJECT": "Reject",
    "THREATEN": "Threaten",
    "PROTEST": "Protest",
    "MOBILIZE": "Mobilize",
    "SANCTION": "Sanction",
    "COERCE": "Coerce",
    "ASSAULT": "Assault",
}

# PLOVER's modes (how an event was carried out), for the event types this project codes.
PLOVER_MODES: dict[str, frozenset[str]] = {
    "CONSULT": frozenset({"visit", "third-party", "multilateral", "phone"}),
}


@dataclass(frozen=True)
class Code:
    """One code of one scheme, with its label; PLOVER codes may name a mode."""

    scheme: Scheme
    code: str
    label: str
    mode: str | None = None


def event_code(scheme: str, code: str, mode: str | None = None) -> Code:
    """The code as the table knows it; ValueError names what is unknown."""
    if scheme == "cameo":
        if code not in CAMEO:
            raise ValueError(f"unknown CAMEO code {code!r} (known: 01, 03-06 cue categories)")
        if mode is not None:
            raise ValueError("CAMEO codes take no mode")
        return Code("cameo", code, CAMEO[code])
    if scheme == "plover":
        if code not in PLOVER:
            raise ValueError(f"unknown PLOVER event type {code!r}")
        if mode is not None and mode not in PLOVER_MODES.get(code, frozenset()):
            modes = ", ".join(sorted(PLOVER_MODES.get(code, frozenset()))) or "none"
            raise ValueError(f"unknown mode {mode!r} for PLOVER {code} (known: {modes})")
        return Code("plover", code, PLOVER[code], mode)
    raise ValueError(f"unknown scheme {scheme!r} (cameo or plover)")


_VISITED = (
    event_code("cameo", "042"),
    event_code("cameo", "043"),
    event_code("plover", "CONSULT", "visit"),
)
_CONSULTED = (event_code("cameo", "040"), event_code("plover", "CONSULT", "visit"))

# A visit: the visitor makes it (042), the host hosts it (043); PLOVER codes it once, with the
# visitor as actor and the host as recipient.
VISIT_CODES: tuple[Code, ...] = _VISITED

# A meeting by kind. Every meeting here takes place during a visit, so PLOVER's mode is `visit`.
MEETING_CODES: dict[str, tuple[Code, ...]] = {
    "bilateral_talks": _CONSULTED,
    "business_forum": _CONSULTED,
    "other": _CONSULTED,
    "courtesy_call": _VISITED,
    "site_visit": _VISITED,
    "state_dinner": _VISITED,
    "welcome_ceremony": _VISITED,
    "signing_ceremony": (event_code("cameo", "057"), event_code("plover", "SUPPORT")),
    "press_conference": (event_code("cameo", "010"),),
}

# An agreement by status: signing is "Sign formal agreement" (PLOVER SUPPORT); agreeing to do
# something (to form a commission) is "Express intent to cooperate" (PLOVER AGREE).
AGREEMENT_CODES: dict[str, tuple[Code, ...]] = {
    "signed": (event_code("cameo", "057"), event_code("plover", "SUPPORT")),
    "agreed": (event_code("cameo", "030"), event_code("plover", "AGREE")),
}


def derived_codes(subject_type: str, kind: str | None, status: str | None = None) -> list[Code]:
    """The codes a visit, meeting (by kind) or agreement (by status) takes from the table."""
    if subject_type == "visit":
        return list(VISIT_CODES)
    if subject_type == "meeting":
        # A kind the table does not know (the seed refuses one; other data may hold it)
        # carries no code rather than a guessed one.
        return list(MEETING_CODES.get(kind or "other", ()))
    if subject_type == "agreement" and status is not None:
        return list(AGREEMENT_CODES[status])
    raise ValueError(f"no event codes for {subject_type} {kind!r} {status!r}")


def codes_for(
    subject_type: str, kind: str | None, status: str | None = None, overrides: Iterable[Code] = ()
) -> list[Code]:
    """A record's codes: the table's, with each overridden scheme replaced by its overrides."""
    replaced = list(overrides)
    schemes = {code.scheme for code in replaced}
    derived = derived_codes(subject_type, kind, status)
    return [code for code in derived if code.scheme not in schemes] + replaced
