"""How the Office of the Historian's country ids become two-letter country codes.

The travels and visits data name countries by gsh ids ("united-kingdom", "korea-south",
"hawaii"). An id is resolved, in this order:

1. `CORRECTIONS`: the few ids whose code in gsh countries-old is wrong; the project's code
   replaces it;
2. gsh `countries-old`: the id's `iso2`, when it is a code this project knows (ISO 3166-1, the
   user-assigned codes, or the historical codes of `app.countries.HISTORICAL`). Its own
   placeholder codes (xa-xl, qr) for entities without an ISO code are not taken as codes;
3. gsh `territories`: the territory's short or long name, when it is exactly the name of one
   ISO 3166-1 country (case and accents aside), e.g. "French Polynesia" -> PF;
4. `ADDITIONS`: the ids still unresolved, mapped by the project, each with its reason.

An id none of these resolves is reported by the importer, with every record that uses it.

Two choices run through the tables. A country the Historian files under one id across a
change of name keeps its present code (Burma -> MM). An entity that ceased to exist keeps the
code it had (ISO 3166-3: Czechoslovakia CS, the German Democratic Republic DD, Yugoslavia YU),
never a successor's, so no visit is moved to a country that did not exist at the time. The
data files the Soviet Union under `russia`, Russia's id, before its end and after: `on_date`
gives such a record the Soviet Union's code (SU) by its date, and the importer keeps the
data's own id and label as claims beside it.
"""

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from app.countries import lookup_country


@dataclass(frozen=True)
class Mapped:
    """A project decision: the code an id stands for, and why."""

    code: str
    reason: str


# Applied before gsh countries-old, whose code for these ids is wrong.
CORRECTIONS: dict[str, Mapped] = {
    "cook-islands": Mapped("CK", "countries-old gives cw, which is Curaçao's code"),
}

# Applied last, to ids gsh leaves unresolved (absent, or with a placeholder or obsolete code).
ADDITIONS: dict[str, Mapped] = {
    "burma": Mapped(
        "MM",
        "countries-old gives bu, withdrawn from ISO 3166-1 in 1989 when Burma became Myanmar; "
        "the id covers the same country before and after",
    ),
    "czechoslovakia": Mapped("CS", "ISO 3166-3 code of Czechoslovakia (countries-old: xe)"),
    "german-democratic-republic": Mapped(
        "DD", "ISO 3166-3 code of the German Democratic Republic (countries-old: xf)"
    ),
    "yugoslavia": Mapped("YU", "ISO 3166-3 code of Yugoslavia (countries-old: xi)"),
    "korea": Mapped(
        "KR",
        "countries-old's undivided Korea (xb); the data uses it once, for a 2017 visit of the "
        "President of South Korea labelled 'Korea, South'",
    ),
    "congo-kinshasa": Mapped("CD", "the territory 'Congo (Kinshasa)', the Democratic Republic"),
    "czechia": Mapped("CZ", "the current name of czech-republic, which gsh lists"),
    "eswatini": Mapped("SZ", "the current name of swaziland, which gsh lists"),
    "north-macedonia": Mapped("MK", "the current name of macedonia, which gsh lists"),
    "turkiye": Mapped("TR", "the current name of turkey, which gsh lists"),
    "somoa": Mapped("WS", "a misspelling of samoa"),
    "west-bank": Mapped(
        "PS",
        "ISO 3166-1 PS (Palestine) covers the West Bank and Gaza, as countries-old's "
        "palestinian-authority does",
    ),
}


@dataclass(frozen=True)
class Resolution:
    """The code an id resolved to, and which step resolved it."""

    code: str
    via: str


VIA_CORRECTION = "project correction"
VIA_COUNTRIES_OLD = "gsh countries-old"
VIA_TERRITORIES = "gsh territories"
VIA_ADDITION = "project mapping"


def fold(text: str) -> str:
    """Lower case without accents, whitespace collapsed: the form names are compared in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


@lru_cache
def _iso_names() -> dict[str, set[str]]:
    """Every ISO 3166-1 name (short, official, common), folded, to the codes bearing it."""
    names: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names.setdefault(fold(value), set()).add(country.alpha_2)
    return names


def _by_name(candidates: Iterable[str]) -> str | None:
    codes = {code for name in candidates for code in _iso_names().get(fold(name), set())}
    return codes.pop() if len(codes) == 1 else None


class CountryResolver:
    """Resolves Historian country ids with the gsh tables and the project's mapping."""

    def __init__(
        self, countries_old: Mapping[str, str | None], territories: Mapping[str, list[str]]
    ) -> None:
        """`countries_old`: id -> iso2 (or None); `territories`: id -> its names."""
        self.countries_old = countries_old
        self.territories = territories
        self._resolved: dict[str, Resolution | None] = {}

    def resolve(self, country_id: str) -> Resolution | None:
        """The code for a Historian country id, or None when nothing resolves it."""
        if country_id not in self._resolved:
            self._resolved[country_id] = self._resolve(country_id)
        return self._resolved[country_id]

    def _resolve(self, country_id: str) -> Resolution | None:
        if country_id in CORRECTIONS:
            return Resolution(CORRECTIONS[country_id].code, VIA_CORRECTION)
        iso2 = self.countries_old.get(country_id)
        known = lookup_country(iso2) if iso2 and len(iso2.strip()) == 2 else None
        if known is not None:
            return Resolution(known.code, VIA_COUNTRIES_OLD)
        code = _by_name(self.territories.get(country_id, []))
        if code is not None:
            return Resolution(code, VIA_TERRITORIES)
        if country_id in ADDITIONS:
            return Resolution(ADDITIONS[country_id].code, VIA_ADDITION)
        return None


SOVIET_UNION = "SU"
# The Soviet Union ended on 26 December 1991; before that day, `russia` stands for it.
SOVIET_UNION_END = dt.date(1991, 12, 26)
# Labels that name another country than their id does, and the code each names.
LABELLED: dict[str, str] = {"U.S.S.R.": SOVIET_UNION}


def on_date(country_id: str, code: str, day: dt.date | None) -> str:
    """The code for what a record's country id stood for on its date: `russia` before the
    Soviet Union's end is the Soviet Union; otherwise (and undated) the id's own code."""
    if country_id == "russia" and day is not None and day < SOVIET_UNION_END:
        return SOVIET_UNION
    return code
