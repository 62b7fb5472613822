"""Country codes: the ISO 3166-1 list (from pycountry) and lookups by alpha-2 or alpha-3."""

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


@lru_cache
def all_countries() -> tuple[CountryCode, ...]:
    """Every country of ISO 3166-1, plus the documented user-assigned codes."""
    iso = tuple(
        CountryCode(c.alpha_2, c.alpha_3, getattr(c, "common_name", None) or c.name)
        for c in pycountry.countries
    )
    return iso + USER_ASSIGNED


@lru_cache
def _by_code() -> dict[str, CountryCode]:
    index: dict[str, CountryCode] = {}
    for country in all_countries():
        index[country.code] = country
        index[country.alpha3] = country
    return index


def lookup_country(code: str) -> CountryCode | None:
    """The country for an alpha-2 or alpha-3 code in any case, or None if there is none."""
    return _by_code().get(code.strip().upper())
