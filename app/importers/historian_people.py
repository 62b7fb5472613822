"""The Office of the Historian's people database: which person record a name in the travels
and visits stands for.

Each record (`people/data/<id path>/<id>.xml`) lists the original spellings of one person's
name, each with the pages it was seen on. Three kinds of page tie a record to the data the
importer reads: a country's page of foreign leaders' visits (`.../departmenthistory/visits/
<country id>`, with the visitor line as written there), a Secretary's page (`.../
departmenthistory/people/<who>`) and the Presidents' list (`...presidents.xml#<who>`), whose
ids are the travels' `who`.

A visitor line matches a record when it is one of the record's spellings on the page of the
visit's country, compared as name keys (case, accents, punctuation and spacing aside; the title
counts: "Crown Prince Hussein" is not "King Hussein"). A traveller matches by their `who` on
the page of their office. A name that matches no record, or more than one, is counted and left
as it was: never tied to a record by guess.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.importers.historian_names import name_key

PEOPLE_FOLDER = "people/data"
SITE = "https://history.state.gov"
VISITS_PAGE = re.compile(r"^https://history\.state\.gov/departmenthistory/visits/([a-z0-9-]+)$")
TRAVELLER_PAGES = {
    "secretary": re.compile(r"^https://history\.state\.gov/departmenthistory/people/([a-z0-9-]+)$"),
    "president": re.compile(
        r"^https://history\.state\.gov/cms/apps/presidents/data/presidents\.xml#([a-z0-9-]+)$"
    ),
}


def pages_pattern(travellers: Iterable[tuple[str, str]]) -> re.Pattern[bytes]:
    """What a record's file holds when it names a visits page or the page of one of these
    travellers (role, who): files without it are not parsed (most of the 16,000 records
    come from other publications, or name ambassadors)."""
    by_role = {
        role: "|".join(sorted(re.escape(who) for office, who in travellers if office == role))
        for role in TRAVELLER_PAGES
    }
    secretaries = f"departmenthistory/people/(?:{by_role['secretary'] or '(?!)'})<"
    presidents = f"cms/apps/presidents/data/presidents\\.xml#(?:{by_role['president'] or '(?!)'})<"
    return re.compile(
        "<source-url>https://history\\.state\\.gov/"
        f"(?:departmenthistory/visits/|{secretaries}|{presidents})".encode()
    )


@dataclass(frozen=True)
class Spelling:
    """One original spelling of a person's name and the page it was seen on."""

    name: str
    page: str


@dataclass(frozen=True)
class PersonRecord:
    """A person record: its id, its file (relative to PATH), its VIAF id if it has one, and
    its spellings on the pages the travels and visits data come from."""

    id: int
    file: str
    viaf: str | None
    spellings: tuple[Spelling, ...]


def on_data_pages(record: PersonRecord) -> list[Spelling]:
    """The record's spellings seen on a visits page or a traveller's page: the spellings of
    the data the importer reads (not, say, those of the documents volumes)."""
    pages = [VISITS_PAGE, *TRAVELLER_PAGES.values()]
    return [s for s in record.spellings if any(page.match(s.page) for page in pages)]


@dataclass(frozen=True)
class Match:
    """The records a name matched (none, one, or several) and, per record, the page."""

    pages: dict[int, str]

    @property
    def person(self) -> int | None:
        """The one record matched, or None when there is none or more than one."""
        return next(iter(self.pages)) if len(self.pages) == 1 else None


class PeopleIndex:
    """Person records by the spellings and traveller ids that tie them to the data."""

    def __init__(self, records: Iterable[PersonRecord]) -> None:
        self.records: dict[int, PersonRecord] = {}
        self._leaders: dict[tuple[str, str], dict[int, str]] = {}
        self._travellers: dict[tuple[str, str], dict[int, str]] = {}
        for record in records:
            self.records[record.id] = record
            for spelling in record.spellings:
                country = VISITS_PAGE.match(spelling.page)
                if country is not None:
                    key = (country.group(1), name_key(spelling.name))
                    self._leaders.setdefault(key, {}).setdefault(record.id, spelling.page)
                for role, page in TRAVELLER_PAGES.items():
                    who = page.match(spelling.page)
                    if who is not None:
                        key = (role, who.group(1))
                        self._travellers.setdefault(key, {}).setdefault(record.id, spelling.page)

    def leader(self, country_id: str, line: str) -> Match:
        """The records whose spellings on the country's visits page match a visitor line."""
        return Match(dict(self._leaders.get((country_id, name_key(line)), {})))

    def traveller(self, role: str, who: str) -> Match:
        """The records that name a President's or Secretary's `who` on their office's page."""
        return Match(dict(self._travellers.get((role, who), {})))
