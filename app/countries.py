"""Country codes: the ISO 3166-1 list (from pycountry) and lookups by alpha-2 or alpha-3.

Three groups of codes, all two upper-case letters:
- ISO 3166-1, from pycountry: the seeded country list;
- `USER_ASSIGNED`: countries ISO 3166-1 does not list yet (Kosovo), also seeded;
- `HISTORICAL`: entities that no longer exist, with the codes they had. They are not seeded:
  a loader whose records need one adds its row (the Historian importer does), so the country
  list shows them only where the data does. Lookups know every group, so filters accept them.
"""

from dataclasses import dataclass
from functools import lru_cache

import pycountry


@dataclass(frozen=True)
class CountryCode:
    """One ISO 3166-1 country: alpha-2, alpha-3 and its short English name."""

    code: str
    alpha3: str
    name: str


# Codes in use for a country that ISO 3166-1 does not (yet) list, as the EU and many data
# sets use them. Kept short and documented: each entry needs a reason.
USER_ASSIGNED = (
    # Kosovo: declared independence in 2008; "XK"/"XKX" is the code the European Commission,
    # the IMF and the U.S. Office of the Historian's data use for it.
    CountryCode("XK", "XKX", "Kosovo"),
)


# Entities that have ceased to exist and that no current code stands for. Where ISO 3166-3
# ("formerly used codes") records the alpha-2 and alpha-3 codes they had, those are used;
# each entry says where its code comes from and why no current country replaces it.
HISTORICAL = (
    # Dissolved in 2010 into Curaçao, Sint Maarten and the Caribbean Netherlands: no one
    # successor. ISO 3166-3 ANHH.
    CountryCode("AN", "ANT", "Netherlands Antilles"),
    # Split in 1993 into Czechia and Slovakia: no one successor. ISO 3166-3 CSHH. (CS was
    # reused in 2003-2006 for Serbia and Montenegro, ISO 3166-3 CSXX; here it means
    # Czechoslovakia only.)
    CountryCode("CS", "CSK", "Czechoslovakia"),
    # Acceded to the Federal Republic of Germany (DE) in 1990. ISO 3166-3 DDDE.
    CountryCode("DD", "DDR", "German Democratic Republic"),
    # Ended on 26 December 1991, with fifteen successor states. ISO 3166-3 SUHH (pycountry's
    # historic countries: SU, SUN); the name is gsh's short form for it.
    CountryCode("SU", "SUN", "Soviet Union"),
    # The Socialist Federal Republic (to 1992) and the Federal Republic (1992-2003) of
    # Yugoslavia, both YU in ISO 3166-1 until 2003. ISO 3166-3 YUCS.
    CountryCode("YU", "YUG", "Yugoslavia"),
    # The Kingdom, then Republic, of Hawaii, annexed by the United States in 1898, never had an
    # ISO code. XL is the user-assigned code the Office of the Historian's country table
    # (gsh countries-old) gives it; the alpha-3 follows Kosovo's XK/XKX pattern.
    CountryCode("XL", "XLX", "Hawaii"),
)


@lru_cache
def all_countries() -> tuple[CountryCode, ...]:
    """Every country of ISO 3166-1, plus the documented user-assigned codes."""
    iso = tuple(
        CountryCode(c.alpha_2, c.alpha_3, getattr(c, "common_name", None) or c.name)
        for c in pycountry.countries
    )
    return iso + USER_ASSIGNED


def historical_country(code: str) -> CountryCode | None:
    """The historical entity with this alpha-2 code, or None if it is not one."""
    return next((c for c in HISTORICAL if c.code == code), None)


@lru_cache
def _by_code() -> dict[str, CountryCode]:
    index: dict[str, CountryCode] = {}
    for country in all_countries() + HISTORICAL:
        index[country.code] = country
        index[country.alpha3] = country
    return index


@lru_cache
def code_pattern() -> str:
    """A regular expression matching exactly the codes `lookup_country` knows, in any case.

    It documents country parameters (a JSON Schema `pattern`) and is what they are checked
    against, so the documentation and the check cannot disagree.
    """

    def either_case(letter: str) -> str:
        return f"[{letter}{letter.lower()}]"

    alternatives = []
    by_prefix: dict[str, list[str]] = {}
    for code in sorted(_by_code()):
        by_prefix.setdefault(code[:-1], []).append(code[-1])
    for prefix, lasts in by_prefix.items():
        head = "".join(either_case(letter) for letter in prefix)
        alternatives.append(f"{head}[{''.join(last + last.lower() for last in lasts)}]")
    return f"^(?:{'|'.join(alternatives)})$"


def lookup_country(code: str) -> CountryCode | None:
    """The country (current or historical) for an alpha-2 or alpha-3 code in any case, or None."""
    return _by_code().get(code.strip().upper())
