"""The Office of the Historian's travels and visits, imported as visits (dataset `historian`).

PATH holds the U.S. Department of State Office of the Historian's public-domain repositories
`travels`, `visits` and `gsh` (clones or copies), laid out as they are published:

    travels/president-travels/*.xml  one <trip> per country a President visited on a journey
    travels/secretary-travels/*.xml  the same for the Secretaries of State
    visits/data/*.xml                one <visit> per visit of a foreign leader to the U.S.
    gsh/data/countries-old/*.xml     country id -> ISO 3166-1 alpha-2
    gsh/data/territories/*.xml       historical entities by id, with their names
    gsh/data/locales/*.xml           cities with latitude and longitude
    people/data/**/*.xml             one record per person, every spelling with its page
                                     (optional: without it, names are matched as below)

Each trip becomes a visit of the traveller (one participant per `who`, the office as the title
of their participation) from the U.S. to the trip's country, in the city or cities of its
`locale` as written, with its dates and `remarks` as summary; the coordinates of a gsh locale
of that name in that country go with it where there is one. Each foreign-leader visit becomes
a visit to the U.S. by the people its `visitor` line names (see `historian_names`), from its
`from` country, with `description` as summary. Country ids resolve as `historian_countries`
describes; a record whose country does not resolve is skipped and reported, never written with
a guessed country and never dropped unannounced. A record the data files under `russia` before
26 December 1991 is the Soviet Union's (SU); the data's own id and label stay as claims.

People: with `people/`, a visitor line or traveller that `historian_people` ties to one person
record is that record's participant (`historian-person-<id>`; a traveller keeps
`historian-<who>`), with every spelling an alias with the page it was seen on and the
record's ids (its own, VIAF) as external ids. A name tied to no record or to several keeps
today's participant: one per name within a country (`historian_names.name_key`); the import
counts both kinds.

Provenance: one source per Historian repository; every visit and participation cites it with a
note naming the record's own id and the address of its page on history.state.gov (the address
the Historian's own site search links the record to).

Like the seed loader, the import reads and checks every file first and writes only when all
are valid, in one transaction: a malformed file fails the import with file and line and
changes nothing. Ids come from the Historian's own ids, so importing the same data twice
changes nothing, and a record removed upstream is removed here.
"""

import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from sqlalchemy import Connection

from app.countries import historical_country, lookup_country
from app.derived import refresh_after_load
from app.importers.historian_countries import (
    LABELLED,
    SOVIET_UNION_END,
    CountryResolver,
    Resolution,
    on_date,
)
from app.importers.historian_names import Person, collapse, name_key, parse_visitor
from app.importers.historian_people import (
    PEOPLE_FOLDER,
    Match,
    PeopleIndex,
    PersonRecord,
    Spelling,
    on_data_pages,
    pages_pattern,
)
from app.models import (
    Citation,
    Claim,
    Country,
    ExternalId,
    Participant,
    ParticipantAlias,
    Participation,
    Source,
    Visit,
)
from app.models.base import ID_MAX_LENGTH
from app.models.citation import CITED_COLUMNS
from app.models.claim import Qualifiers, claim_id
from app.models.external_id import external_id_id
from app.store import (
    RECORD_TABLES,
    DatasetRows,
    SyncReport,
    changes,
    participation_id,
    table_of,
    write_countries,
    write_dataset,
)

HISTORIAN_DATASET = "historian"
SITE = "https://history.state.gov/departmenthistory"
PUBLISHER = "Office of the Historian, U.S. Department of State"
LICENSE = "Public domain (U.S. government work); CC0 1.0 Universal worldwide"
HOME_COUNTRY = "US"

TRAVEL_FOLDERS = ("travels/president-travels", "travels/secretary-travels")
VISIT_FOLDER = "visits/data"
COUNTRIES_FOLDER = "gsh/data/countries-old"
TERRITORIES_FOLDER = "gsh/data/territories"
LOCALES_FOLDER = "gsh/data/locales"
FOLDERS = (*TRAVEL_FOLDERS, VISIT_FOLDER, COUNTRIES_FOLDER, TERRITORIES_FOLDER, LOCALES_FOLDER)

# The traveller's office, by the trip's role: the title of their participation.
OFFICES = {"president": "President", "secretary": "Secretary of State"}

TRAVELS_SOURCE = "historian-travels"
VISITS_SOURCE = "historian-visits"
GSH_SOURCE = "historian-gsh"
PEOPLE_SOURCE = "historian-people"


def _source(source_id: str, title: str, repository: str, license: str = LICENSE) -> dict[str, Any]:
    return {
        "id": source_id,
        "kind": "dataset",
        "title": title,
        "publisher": PUBLISHER,
        "published_on": None,
        "dateline": None,
        "url": f"https://github.com/HistoryAtState/{repository}",
        "language": "en",
        "license": license,
        "text": None,
    }


SOURCES: tuple[dict[str, Any], ...] = (
    _source(TRAVELS_SOURCE, "Foreign Travels of the President and Secretary of State", "travels"),
    _source(VISITS_SOURCE, "Visits by Foreign Leaders and Heads of State", "visits"),
    _source(GSH_SOURCE, "Historical country names and places (gsh)", "gsh"),
)
# Cited only when people/ is read. A U.S. government work; its repository has no licence file.
PEOPLE = _source(
    PEOPLE_SOURCE,
    "People: persons in the Office of the Historian's publications and datasets",
    "people",
    "Public domain (U.S. government work); the repository carries no licence file",
)
# The gsh territory the Soviet Union's records cite, where the data holds it.
SOVIET_UNION_TERRITORY = "soviet-union-1991"

# A foreign-leader visit's kind, where its description opens with the protocol category.
VISIT_KINDS = (
    ("official working visit", "official_working"),
    ("official visit", "official"),
    ("state visit", "state"),
    ("working visit", "working"),
    ("private visit", "private"),
)

_WHO = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DIGITS = re.compile(r"^[0-9]+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data: where (file, line), which record and field, and what."""

    file: str
    line: int | None
    record: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.record:
            parts.append(self.record)
        if self.field:
            parts.append(f"field '{self.field}'")
        return ": ".join([*parts, self.message])


class HistorianError(Exception):
    """The data cannot be imported and nothing was written; `problems` lists every cause."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")


@dataclass(slots=True)
class Element:
    """An XML element with the line it starts on; `text` is all the text inside it."""

    tag: str
    attributes: dict[str, str]
    line: int
    children: list["Element"] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The element's text, its children's included, as written."""
        return "".join(self.parts)

    def child(self, tag: str) -> "Element | None":
        """The first child element with this tag."""
        return next((c for c in self.children if c.tag == tag), None)

    def value(self, tag: str) -> str | None:
        """A child's text with whitespace collapsed; None when the child is absent or blank."""
        child = self.child(tag)
        return (collapse(child.text) or None) if child is not None else None

    def line_of(self, tag: str) -> int:
        """The line of a child (for problems about it), else of this element."""
        child = self.child(tag)
        return self.line if child is None else child.line


def parse_xml(path: Path, name: str, data: bytes | None = None) -> Element:
    """Parse one file (or its `data`, already read), keeping lines; raise HistorianError
    naming file and line if malformed."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    stack: list[Element] = []
    documents: list[Element] = []

    def start(tag: str, attributes: dict[str, str]) -> None:
        element = Element(tag, attributes, parser.CurrentLineNumber)
        (stack[-1].children if stack else documents).append(element)
        stack.append(element)

    def end(_tag: str) -> None:
        element = stack.pop()
        element.parts[:] = [element.text]  # joined once, read many times
        if stack:
            stack[-1].parts.append(element.parts[0])

    def characters(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(path.read_bytes() if data is None else data, True)
    except expat.ExpatError as error:
        message = f"malformed XML: {expat.ErrorString(error.code)} (column {error.offset + 1})"
        raise HistorianError([Problem(name, error.lineno, None, None, message)]) from None
    except OSError as error:
        raise HistorianError([Problem(name, None, None, None, f"cannot read: {error}")]) from None
    finally:
        # The handlers refer to the parser: unhook them, or the parser, the handlers and the
        # whole tree form a cycle that only the cycle collector frees (it then spent as long
        # walking the trees as the import spent reading them).
        parser.StartElementHandler = parser.EndElementHandler = None
        parser.CharacterDataHandler = None
    return documents[0]


@dataclass(frozen=True)
class Place:
    """Where a record is: file (relative to PATH) and the line it starts on."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Trip:
    """One <trip>: a President's or Secretary's stay in one country."""

    at: Place
    id: int
    role: str
    who: str
    name: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    country_id: str | None
    country_label: str | None
    locale: str | None
    remarks: str | None


@dataclass(frozen=True)
class LeaderVisit:
    """One <visit>: a foreign leader's visit to the United States."""

    at: Place
    id: int
    start_date: dt.date | None
    end_date: dt.date | None
    visitor: str
    country_id: str | None
    country_label: str | None
    description: str | None


@dataclass(frozen=True)
class Locale:
    """A gsh city with its coordinates and the names it goes by."""

    id: str
    name: str
    territory: str | None
    latitude: float
    longitude: float
    names: tuple[str, ...]


@dataclass(frozen=True)
class HistorianFiles:
    """The XML files under PATH, by folder, in reading order."""

    root: Path
    by_folder: dict[str, list[Path]]

    @property
    def count(self) -> int:
        """How many files there are to read."""
        return sum(len(paths) for paths in self.by_folder.values())

    def name(self, path: Path) -> str:
        """A file's name relative to PATH, as problems give it."""
        return path.relative_to(self.root).as_posix()


def historian_files(root: Path) -> HistorianFiles:
    """List the data files under `root`; every expected folder must exist."""
    if not root.is_dir():
        raise HistorianError([Problem(str(root), None, None, None, "not a folder")])
    missing = [folder for folder in FOLDERS if not (root / folder).is_dir()]
    if missing:
        raise HistorianError(
            [Problem(f"{folder}/", None, None, None, "folder not found") for folder in missing]
        )
    by_folder = {folder: sorted((root / folder).glob("*.xml")) for folder in FOLDERS}
    # os.walk: a tenth of what Path.rglob takes over the 16,000 files of people/ in 186 folders.
    by_folder[PEOPLE_FOLDER] = sorted(
        Path(folder, name)
        for folder, _, names in os.walk(root / PEOPLE_FOLDER)
        for name in names
        if name.endswith(".xml")
    )
    return HistorianFiles(root, by_folder)


@dataclass(frozen=True)
class Unresolved:
    """A record skipped because its country id did not resolve."""

    at: Place
    record: str
    country_id: str | None

    def __str__(self) -> str:
        what = f"country id {self.country_id!r}" if self.country_id else "no country id"
        return f"{self.at}: {self.record}: {what} does not resolve to a country code; skipped"


@dataclass
class HistorianImport:
    """Everything read and checked, ready to write: the rows and what the import reports."""

    rows: DatasetRows
    read: dict[str, int]
    unresolved: list[Unresolved]
    resolutions: dict[str, Resolution]
    kept_whole: list[str]
    with_coordinates: int
    people: "PeopleReport | None"
    dated: list[str]
    labelled: list[str]


@dataclass
class ImportReport:
    """What an import read, wrote and could not resolve.

    `people`: how names met the people database (None without people/); `dated`: visits
    whose country is another by their date than by their id (the Soviet Union filed under
    `russia`); `labelled`: visits whose label names another country than their date gives.
    """

    read: dict[str, int]
    written: dict[str, int]
    sync: SyncReport
    unresolved: list[Unresolved]
    resolutions: dict[str, Resolution]
    kept_whole: list[str]
    with_coordinates: int
    people: "PeopleReport | None"
    dated: list[str]
    labelled: list[str]

    def findings(self) -> list[str]:
        """What the import made of people and of countries by date, one fact a line."""
        lines = []
        people = self.people
        if people is not None:
            travellers = people.travellers
            lines += [
                f"people: {people.records:,} person records read; {len(people.persons):,} "
                f"participants tied to one ({people.several_spellings:,} under several "
                f"spellings); travellers: {travellers['tied']:,} tied, "
                f"{travellers['unmatched']:,} not found, {travellers['ambiguous']:,} ambiguous",
                f"spellings tied to no person record: {len(people.unmatched):,} (seen "
                f"{_times(sum(people.unmatched.values()))}); to several: "
                f"{len(people.ambiguous):,} (seen {_times(sum(people.ambiguous.values()))})",
            ]
        lines.append(
            f"countries by date: {len(self.dated):,} visits filed under russia before "
            f"{SOVIET_UNION_END} are the Soviet Union's; {len(self.labelled):,} labelled "
            "U.S.S.R. after it are Russia's"
        )
        return lines


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count:,} times"


def _iso_date(value: str) -> dt.date | None:
    """A YYYY-MM-DD date that exists, else None (Python alone would also take 20170215)."""
    if not _ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


class _Reader:
    """Reads the files, collecting every problem instead of stopping at the first."""

    def __init__(self, files: HistorianFiles, on_file: Callable[[], None] | None) -> None:
        self.files = files
        self.on_file = on_file
        self.problems: list[Problem] = []

    def documents(
        self, folder: str, tag: str, wanted: Callable[[bytes], bool] | None = None
    ) -> Iterable[tuple[str, Element]]:
        """Each file's document; with `wanted`, only the files whose bytes it accepts."""
        for path in self.files.by_folder[folder]:
            try:
                data = path.read_bytes()
                if wanted is not None and not wanted(data):
                    continue
                name = self.files.name(path)
                document = parse_xml(path, name, data)
            except OSError as error:
                self.fail(self.files.name(path), None, None, None, f"cannot read: {error}")
                continue
            except HistorianError as error:
                self.problems.extend(error.problems)
                continue
            finally:
                if self.on_file is not None:
                    self.on_file()
            if document.tag != tag:
                self.fail(
                    name, document.line, None, None, f"expected <{tag}>, not <{document.tag}>"
                )
                continue
            yield name, document

    def fail(
        self, file: str, line: int | None, record: str | None, field: str | None, message: str
    ) -> None:
        self.problems.append(Problem(file, line, record, field, message))

    def record_id(self, name: str, element: Element, kind: str) -> int | None:
        value = element.value("id")
        if value is None or not _DIGITS.match(value):
            found = "missing" if value is None else f"not a whole number: {value!r}"
            self.fail(name, element.line_of("id"), kind, "id", found)
            return None
        return int(value)

    def dates(
        self, name: str, element: Element, record: str
    ) -> tuple[dt.date | None, dt.date | None]:
        found: list[dt.date | None] = []
        for tag in ("start-date", "end-date"):
            value = element.value(tag)
            day = _iso_date(value) if value is not None else None
            if value is not None and day is None:
                message = f"not a date (YYYY-MM-DD): {value!r}"
                self.fail(name, element.line_of(tag), record, tag, message)
            found.append(day)
        start, end = found
        if start and end and end < start:
            self.fail(name, element.line_of("end-date"), record, "end-date", "before start-date")
        return start, end

    def unique(self, seen: dict[int, Place], record: str, record_id: int, at: Place) -> None:
        if record_id in seen:
            self.fail(at.file, at.line, record, "id", f"duplicate id (also at {seen[record_id]})")
        seen.setdefault(record_id, at)


def _trip(reader: _Reader, name: str, element: Element) -> Trip | None:
    trip_id = reader.record_id(name, element, "trip")
    if trip_id is None:
        return None
    record = f"trip {trip_id}"
    role = element.attributes.get("role") or element.value("role") or ""
    written_role = element.value("role")
    if role not in OFFICES:
        reader.fail(name, element.line, record, "role", f"not president or secretary: {role!r}")
    elif written_role is not None and written_role != role:
        line = element.line_of("role")
        reader.fail(name, line, record, "role", "the attribute and the element differ")
    who = element.attributes.get("who", "")
    if not _WHO.match(who):
        reader.fail(name, element.line, record, "who", f"missing or not an id: {who!r}")
    start, end = reader.dates(name, element, record)
    country = element.child("country")
    return Trip(
        at=Place(name, element.line),
        id=trip_id,
        role=role,
        who=who,
        name=element.value("name"),
        start_date=start,
        end_date=end,
        country_id=(country.attributes.get("id") or None) if country else None,
        country_label=element.value("country"),
        locale=element.value("locale"),
        remarks=element.value("remarks"),
    )


def _trips(reader: _Reader) -> list[Trip]:
    trips: list[Trip] = []
    seen: dict[int, Place] = {}
    for folder in TRAVEL_FOLDERS:
        for name, document in reader.documents(folder, "trips"):
            for element in document.children:
                if element.tag != "trip":
                    reader.fail(name, element.line, None, None, f"unexpected <{element.tag}>")
                    continue
                trip = _trip(reader, name, element)
                if trip is not None:
                    reader.unique(seen, f"trip {trip.id}", trip.id, trip.at)
                    trips.append(trip)
    return trips


def _leader_visits(reader: _Reader) -> list[LeaderVisit]:
    visits: list[LeaderVisit] = []
    seen: dict[int, Place] = {}
    for name, document in reader.documents(VISIT_FOLDER, "visits"):
        for element in document.children:
            at = Place(name, element.line)
            if element.tag != "visit":
                reader.fail(name, element.line, None, None, f"unexpected <{element.tag}>")
                continue
            visit_id = reader.record_id(name, element, "visit")
            if visit_id is None:
                continue
            record = f"visit {visit_id}"
            reader.unique(seen, record, visit_id, at)
            start, end = reader.dates(name, element, record)
            country = element.child("from")
            visits.append(
                LeaderVisit(
                    at=at,
                    id=visit_id,
                    start_date=start,
                    end_date=end,
                    visitor=element.value("visitor") or "",
                    country_id=(country.attributes.get("id") or None) if country else None,
                    country_label=element.value("from"),
                    description=element.value("description"),
                )
            )
    return visits


def _countries_old(reader: _Reader) -> dict[str, str | None]:
    codes: dict[str, str | None] = {}
    for name, document in reader.documents(COUNTRIES_FOLDER, "country"):
        country_id = document.value("id")
        if country_id is None:
            reader.fail(name, document.line, "country", "id", "missing")
            continue
        codes[country_id] = document.value("iso2")
    return codes


def _territories(reader: _Reader) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for name, document in reader.documents(TERRITORIES_FOLDER, "territory"):
        territory_id = document.value("id")
        if territory_id is None:
            reader.fail(name, document.line, "territory", "id", "missing")
            continue
        found = (document.value("short-form-name"), document.value("long-form-name"))
        names[territory_id] = [n for n in found if n]
    return names


def _coordinate(
    reader: _Reader, name: str, document: Element, tag: str, limit: float
) -> float | None:
    value = document.value(tag)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not -limit <= number <= limit:
        reader.fail(
            name,
            document.line_of(tag),
            f"locale {document.value('id')}",
            tag,
            f"{value!r} is not a number from {-limit:g} to {limit:g}",
        )
        return None
    return number


def _locales(reader: _Reader) -> list[Locale]:
    locales: list[Locale] = []
    for name, document in reader.documents(LOCALES_FOLDER, "locale"):
        locale_id, locale_name = document.value("id"), document.value("name")
        latitude = _coordinate(reader, name, document, "latitude", 90)
        longitude = _coordinate(reader, name, document, "longitude", 180)
        # A gazetteer entry without a name or coordinates has nothing to give a visit.
        if locale_id is None or locale_name is None or latitude is None or longitude is None:
            continue
        alternates = document.child("alternate-names")
        other_names = [
            collapse(label.text)
            for entry in (alternates.children if alternates else [])
            for label in entry.children
            if label.tag == "label" and collapse(label.text)
        ]
        locales.append(
            Locale(
                id=locale_id,
                name=locale_name,
                territory=document.value("current-territory"),
                latitude=latitude,
                longitude=longitude,
                names=(locale_name, *other_names),
            )
        )
    return locales


def _spellings(document: Element) -> tuple[Spelling, ...]:
    names = document.child("names")
    originals = names.child("originals") if names is not None else None
    found: list[Spelling] = []
    for original in originals.children if originals is not None else []:
        spelling = original.value("name")
        for url in original.children:
            page = collapse(url.text)
            if spelling and url.tag == "source-url" and page:
                found.append(Spelling(spelling, page))
    return tuple(found)


def _people(reader: _Reader, trips: list[Trip]) -> list[PersonRecord]:
    """The person records that name a visits page or the page of one of the travellers."""
    records: list[PersonRecord] = []
    seen: dict[int, Place] = {}
    wanted = pages_pattern({(trip.role, trip.who) for trip in trips}).search
    for name, document in reader.documents(PEOPLE_FOLDER, "person", lambda b: bool(wanted(b))):
        person_id = reader.record_id(name, document, "person")
        if person_id is None:
            continue
        reader.unique(seen, f"person {person_id}", person_id, Place(name, document.line))
        authorities = document.child("authorities")
        viaf: str | None = None
        for authority in authorities.children if authorities is not None else []:
            given = collapse(authority.text)
            if authority.attributes.get("service") != "viaf" or not given:
                continue
            if _DIGITS.match(given):
                viaf = given
            else:
                field = "viaf"
                message = f"not a VIAF id: {given!r}"
                reader.fail(name, authority.line, f"person {person_id}", field, message)
        records.append(
            PersonRecord(
                id=person_id,
                file=name.removeprefix("people/"),
                viaf=viaf,
                spellings=_spellings(document),
            )
        )
    return records


def visit_kind(description: str | None) -> str | None:
    """The protocol category a description opens with ("Working visit." -> working)."""
    if description is None:
        return None
    text = description.casefold()
    for phrase, kind in VISIT_KINDS:
        if text.startswith(phrase) and not text[len(phrase) : len(phrase) + 1].isalpha():
            return kind
    return None


def trip_visit_id(trip: Trip) -> str:
    """`us-secretary-trip-3913`: the visit a trip becomes."""
    return f"us-{trip.role}-trip-{trip.id}"


def leader_visit_id(visit: LeaderVisit) -> str:
    """`foreign-leader-visit-2076`: the visit a foreign leader's visit becomes."""
    return f"foreign-leader-visit-{visit.id}"


def traveller_id(who: str) -> str:
    """`historian-tillerson-rex-w`: the participant of a traveller."""
    return f"historian-{who}"


def leader_id(country_code: str, name: str) -> str | None:
    """`historian-il-benjamin-netanyahu`: the participant of a named foreign leader."""
    slug = name_key(name).replace(" ", "-")
    participant_id = f"historian-{country_code.lower()}-{slug}"
    return participant_id if slug and len(participant_id) <= ID_MAX_LENGTH else None


def trip_page(trip: Trip) -> str:
    """The trip's page on history.state.gov: its traveller's travels."""
    return f"{SITE}/travels/{trip.role}/{trip.who}"


def visit_page(visit: LeaderVisit) -> str:
    """The visit's page on history.state.gov: the visits of its year (else of its country)."""
    if visit.start_date is not None:
        return f"{SITE}/visits/{visit.start_date.year}"
    return f"{SITE}/visits/{visit.country_id}" if visit.country_id else f"{SITE}/visits"


def _country_text(label: str | None, country_id: str | None) -> str:
    return f'country "{label}", id {country_id}' if label else f"country id {country_id}"


def trip_note(trip: Trip) -> str:
    """The citation note of a trip's visit and participation."""
    return (
        f"Trip {trip.id} in the Office of the Historian's travels of the {OFFICES[trip.role]} "
        f"({_country_text(trip.country_label, trip.country_id)}): {trip_page(trip)}"
    )


def visit_note(visit: LeaderVisit) -> str:
    """The citation note of a foreign leader's visit and participations."""
    return (
        f"Visit {visit.id} in the Office of the Historian's visits by foreign leaders "
        f'(visitor "{visit.visitor}", {_country_text(visit.country_label, visit.country_id)}): '
        f"{visit_page(visit)}"
    )


def _citation(
    citation_id: str, source: str, note: str, subject: str, subject_id: str
) -> dict[str, Any]:
    return {
        "id": citation_id,
        "source_id": source,
        "quote": None,
        "note": note,
        **dict.fromkeys(CITED_COLUMNS),
        f"{subject}_id": subject_id,
    }


def _preferred(forms: list[tuple[int, str]]) -> tuple[str, list[str]]:
    """The spelling used most often (then most recently) and the others, as aliases."""
    counts = Counter(form for _, form in forms)
    latest = {form: record_id for record_id, form in sorted(forms)}
    best = max(counts, key=lambda form: (counts[form], latest[form], form))
    return best, sorted(set(counts) - {best})


def person_id(record: PersonRecord) -> str:
    """`historian-person-100323`: the participant of a foreign leader's person record."""
    return f"historian-person-{record.id}"


def person_note(record: PersonRecord) -> str:
    """The citation note of what a person record gives: its id, file and spellings' pages."""
    return f"Person {record.id} in the Office of the Historian's people data ({record.file})"


@dataclass
class PeopleReport:
    """How the names in the travels and visits met the people database."""

    records: int = 0
    persons: set[str] = field(default_factory=set)
    several_spellings: int = 0
    # "country id: spelling" -> mentions, for visitor names tied to no record or to several.
    unmatched: Counter[str] = field(default_factory=Counter)
    ambiguous: Counter[str] = field(default_factory=Counter)
    # tied, unmatched or ambiguous -> travellers (Presidents and Secretaries)
    travellers: Counter[str] = field(default_factory=Counter)


@dataclass
class _Person:
    """What the builder gathers about one participant before writing it."""

    country: str
    description: str | None
    forms: list[tuple[int, str]] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)
    record: PersonRecord | None = None

    def seen(self, spelling: str, page: str) -> None:
        self.pages.setdefault(spelling, page)


class _Builder:
    """Turns checked records into rows, resolving countries, people and coordinates."""

    def __init__(
        self,
        resolver: CountryResolver,
        locales: list[Locale],
        people: PeopleIndex | None,
        territories: dict[str, list[str]],
    ) -> None:
        self.resolver = resolver
        self.index = people
        self.soviet_union_cited = SOVIET_UNION_TERRITORY in territories
        self.rows = DatasetRows(HISTORIAN_DATASET)
        self.unresolved: list[Unresolved] = []
        self.resolutions: dict[str, Resolution] = {}
        self.kept_whole: list[str] = []
        self.with_coordinates = 0
        self.codes: set[str] = {HOME_COUNTRY}
        self.people: dict[str, _Person] = {}
        self.owners: dict[str, tuple[str, str]] = {}
        self.report = PeopleReport(records=len(people.records) if people else 0)
        self.dated: list[str] = []
        self.labelled: list[str] = []
        self.places: dict[str, list[Locale]] = {}
        for locale in locales:
            for locale_name in dict.fromkeys(locale.names):
                self.places.setdefault(name_key(locale_name), []).append(locale)

    def country(self, at: Place, record: str, country_id: str | None) -> str | None:
        resolution = self.resolver.resolve(country_id) if country_id else None
        if resolution is None:
            self.unresolved.append(Unresolved(at, record, country_id))
            return None
        assert country_id is not None
        self.resolutions[country_id] = resolution
        self.codes.add(resolution.code)
        return resolution.code

    def dated_country(
        self,
        visit_id: str,
        prop: str,
        code: str,
        country_id: str,
        label: str | None,
        day: dt.date | None,
        cite: tuple[str, str],
    ) -> str:
        """The code for the record's date, with the data's own id and label kept as claims
        where they name another country (`russia`/"U.S.S.R." before or after its end)."""
        dated = on_date(country_id, code, day)
        labelled = LABELLED.get(label or "", dated)
        if dated == code and labelled == dated:
            return code
        self.codes.add(dated)
        (self.dated if dated != code else self.labelled).append(visit_id)
        source, note = cite
        citations = [(source, note)]
        if self.soviet_union_cited:
            citations.append(
                (
                    GSH_SOURCE,
                    f"Territory {SOVIET_UNION_TERRITORY} in the Office of the Historian's gsh "
                    "data: the Soviet Union, until 1991, with Russia among its successors",
                )
            )
        by_date = Qualifiers(historian_country_id=country_id, historian_label=label)
        self.claim(visit_id, prop, dated, "preferred", by_date, citations)
        if code != dated:
            self.claim(
                visit_id, prop, code, "normal", Qualifiers(historian_country_id=country_id), [cite]
            )
        if labelled != dated:
            self.claim(
                visit_id, prop, labelled, "normal", Qualifiers(historian_label=label), [cite]
            )
        return dated

    def claim(
        self,
        visit_id: str,
        prop: str,
        value: str,
        rank: str,
        qualifiers: Qualifiers,
        citations: list[tuple[str, str]],
    ) -> None:
        stated = qualifiers.as_json()
        record_id = claim_id("visit", visit_id, prop, value, stated)
        self.rows.add(
            Claim,
            {
                "id": record_id,
                "subject_type": "visit",
                "subject_id": visit_id,
                "property": prop,
                "value": value,
                "rank": rank,
                "qualifiers": stated,
            },
        )
        for source, note in citations:
            self.rows.add(
                Citation,
                _citation(f"claim:{record_id}:{source}", source, note, "claim", record_id),
            )

    def person(
        self,
        at: Place,
        participant_id: str,
        owner: tuple[str, str],
        country: str,
        description: str | None = None,
    ) -> _Person:
        """One mention of a participant; two different people may not share an id."""
        first = self.owners.setdefault(participant_id, owner)
        if first != owner:
            message = f"participant id {participant_id} would stand for both {first} and {owner}"
            raise HistorianError([Problem(at.file, at.line, None, None, message)])
        return self.people.setdefault(participant_id, _Person(country, description))

    def coordinates(self, trip: Trip, host: str) -> Locale | None:
        if trip.locale is None:
            return None
        matches = {
            (locale.latitude, locale.longitude): locale
            for locale in self.places.get(name_key(trip.locale), [])
            if locale.territory == trip.country_id or self._code_of(locale.territory) == host
        }
        return next(iter(matches.values())) if len(matches) == 1 else None

    def _code_of(self, territory: str | None) -> str | None:
        resolution = self.resolver.resolve(territory) if territory else None
        return resolution.code if resolution else None

    def trip(self, trip: Trip) -> None:
        host = self.country(trip.at, f"trip {trip.id}", trip.country_id)
        if host is None:
            return
        assert trip.country_id is not None
        visit_id = trip_visit_id(trip)
        note = trip_note(trip)
        place = self.coordinates(trip, host)
        host = self.dated_country(
            visit_id,
            "host_country",
            host,
            trip.country_id,
            trip.country_label,
            trip.start_date,
            (TRAVELS_SOURCE, note),
        )
        visitor = traveller_id(trip.who)
        person = self.person(trip.at, visitor, ("traveller", trip.who), HOME_COUNTRY)
        if trip.name:
            person.forms.append((trip.id, trip.name))
            person.seen(trip.name, trip_page(trip))
        if self.index is not None and person.record is None:
            match = self.index.traveller(trip.role, trip.who)
            if match.person is not None:
                self.tie(person, self.index.records[match.person], visitor)
        self.rows.add(
            Visit,
            {
                "id": visit_id,
                "tour_id": None,
                "leg": None,
                "visitor_id": visitor,
                "visitor_country_code": HOME_COUNTRY,
                "host_country_code": host,
                "city": trip.locale,
                "start_date": trip.start_date,
                "end_date": trip.end_date,
                "kind": None,
                "summary": trip.remarks,
                "latitude": place.latitude if place else None,
                "longitude": place.longitude if place else None,
            },
        )
        self.rows.add(
            Citation,
            _citation(f"visit:{visit_id}:historian", TRAVELS_SOURCE, note, "visit", visit_id),
        )
        if place is not None:
            self.with_coordinates += 1
            self.rows.add(
                Citation,
                _citation(
                    f"visit:{visit_id}:gsh-locale",
                    GSH_SOURCE,
                    f"Latitude and longitude of {place.name}: locale {place.id} in the Office "
                    "of the Historian's gsh data",
                    "visit",
                    visit_id,
                ),
            )
        self.participation(visit_id, visitor, OFFICES[trip.role], TRAVELS_SOURCE, note)

    def tie(self, person: _Person, record: PersonRecord, participant_id: str) -> None:
        """A participant is this person record's: its spellings and ids go with it."""
        person.record = record
        self.report.persons.add(participant_id)
        for spelling in on_data_pages(record):
            for named in parse_visitor(spelling.name)[:1]:
                person.seen(named.name, spelling.page)

    def leader_visit(self, visit: LeaderVisit) -> None:
        country = self.country(visit.at, f"visit {visit.id}", visit.country_id)
        if country is None:
            return
        assert visit.country_id is not None
        visit_id = leader_visit_id(visit)
        note = visit_note(visit)
        country = self.dated_country(
            visit_id,
            "visitor_country",
            country,
            visit.country_id,
            visit.country_label,
            visit.start_date,
            (VISITS_SOURCE, note),
        )
        people = parse_visitor(visit.visitor)
        if any(person.title is None for person in people):
            self.kept_whole.append(visit.visitor)
        visitors: dict[str, Person | None] = {}
        for named, match in self.matches(visit.country_id, visit.visitor, people):
            record = self.index.records[match.person] if self.index and match.person else None
            if record is not None:
                participant_id = person_id(record)
                owner = ("person", str(record.id))
            else:
                participant_id = leader_id(country, named.name) or (
                    # A name with no letters or digits to key it by: this visit's own participant.
                    f"historian-visitor-{visit.id}-{len(visitors) + 1}"
                )
                owner = ("leader", f"{country} {name_key(named.name)}")
            person = self.person(visit.at, participant_id, owner, country)
            person.forms.append((visit.id, named.name))
            if record is not None:
                assert match.person is not None
                person.seen(named.name, match.pages[match.person])
                if person.record is None:
                    self.tie(person, record, participant_id)
            else:
                person.seen(named.name, visit_page(visit))
            visitors.setdefault(participant_id, named)
        if not visitors:
            # The record names no one: an unnamed visitor stays unnamed, described instead.
            participant_id = f"historian-unnamed-visitor-{visit.id}"
            known = lookup_country(country)
            description = (
                f"Visitor from {known.name if known else country}; the Office of the "
                f"Historian's visit {visit.id} names no one"
            )
            owner = ("unnamed visitor", str(visit.id))
            self.person(visit.at, participant_id, owner, country, description)
            visitors[participant_id] = None
        self.rows.add(
            Visit,
            {
                "id": visit_id,
                "tour_id": None,
                "leg": None,
                "visitor_id": next(iter(visitors)),
                "visitor_country_code": country,
                "host_country_code": HOME_COUNTRY,
                "city": None,
                "start_date": visit.start_date,
                "end_date": visit.end_date,
                "kind": visit_kind(visit.description),
                "summary": visit.description,
                "latitude": None,
                "longitude": None,
            },
        )
        self.rows.add(
            Citation,
            _citation(f"visit:{visit_id}:historian", VISITS_SOURCE, note, "visit", visit_id),
        )
        for participant_id, titled in visitors.items():
            title = titled.title if titled else None
            self.participation(visit_id, participant_id, title, VISITS_SOURCE, note)

    def matches(
        self, country_id: str, line: str, people: list[Person]
    ) -> list[tuple[Person, Match]]:
        """Each person a visitor line names, with the records their spelling matches: the
        whole line's first, else each person's own (title and name)."""
        if self.index is None:
            return [(named, Match({})) for named in people]
        whole = self.index.leader(country_id, line)
        if whole.pages and len(people) == 1:
            found = [(people[0], whole)]
        else:
            found = [
                (named, self.index.leader(country_id, f"{named.title or ''} {named.name}"))
                for named in people
            ]
        for named, match in found:
            spelling = f"{country_id}: {f'{named.title} ' if named.title else ''}{named.name}"
            if not match.pages:
                self.report.unmatched[spelling] += 1
            elif match.person is None:
                self.report.ambiguous[spelling] += 1
        return found

    def participation(
        self, visit_id: str, participant_id: str, title: str | None, source: str, note: str
    ) -> None:
        part_id = participation_id(visit_id, participant_id)
        self.rows.add(
            Participation,
            {
                "id": part_id,
                "participant_id": participant_id,
                "visit_id": visit_id,
                "meeting_id": None,
                "role": "visitor",
                "title": title,
            },
        )
        self.rows.add(
            Citation,
            _citation(f"participation:{part_id}:historian", source, note, "participation", part_id),
        )

    def finish(self) -> DatasetRows:
        for participant_id, person in sorted(self.people.items()):
            name, aliases = _preferred(person.forms) if person.forms else (None, [])
            self.rows.add(
                Participant,
                {
                    "id": participant_id,
                    "name": name,
                    "kind": "person",
                    "country_code": person.country,
                    "description": person.description,
                    "wikidata_id": None,
                },
            )
            spellings = set(aliases) | set(person.pages)
            for alias in sorted(spellings - {name}):
                self.rows.link(
                    ParticipantAlias,
                    {
                        "participant_id": participant_id,
                        "alias": alias,
                        "page_url": person.pages.get(alias),
                    },
                )
            if person.record is not None:
                self.external_ids(participant_id, person.record)
                if len({name_key(form) for _, form in person.forms}) > 1:
                    self.report.several_spellings += 1
        for code in sorted(self.codes):
            entity = historical_country(code)
            if entity is not None:
                self.rows.add(
                    Country, {"code": entity.code, "alpha3": entity.alpha3, "name": entity.name}
                )
        for source in SOURCES:
            self.rows.add(Source, dict(source))
        if self.index is not None:
            self.rows.add(Source, dict(PEOPLE))
        return self.rows

    def external_ids(self, participant_id: str, record: PersonRecord) -> None:
        given = [("history-state-gov-people", str(record.id))]
        if record.viaf is not None:
            given.append(("viaf", record.viaf))
        for scheme, value in given:
            record_id = external_id_id(participant_id, scheme, value)
            self.rows.add(
                ExternalId,
                {
                    "id": record_id,
                    "participant_id": participant_id,
                    "scheme": scheme,
                    "value": value,
                },
            )
            self.rows.add(
                Citation,
                _citation(
                    f"external_id:{record_id}:historian",
                    PEOPLE_SOURCE,
                    person_note(record),
                    "external_id",
                    record_id,
                ),
            )


def read_historian(
    files: HistorianFiles, on_file: Callable[[], None] | None = None
) -> HistorianImport:
    """Read and check every file, then build the rows; raise HistorianError listing problems."""
    reader = _Reader(files, on_file)
    trips = _trips(reader)
    visits = _leader_visits(reader)
    countries_old = _countries_old(reader)
    territories = _territories(reader)
    locales = _locales(reader)
    people = _people(reader, trips) if files.by_folder[PEOPLE_FOLDER] else None
    if reader.problems:
        raise HistorianError(reader.problems)

    index = PeopleIndex(people) if people is not None else None
    builder = _Builder(CountryResolver(countries_old, territories), locales, index, territories)
    for trip in sorted(trips, key=lambda t: t.id):
        builder.trip(trip)
    for visit in sorted(visits, key=lambda v: v.id):
        builder.leader_visit(visit)
    rows = builder.finish()
    if index is not None:
        travellers = {(t.role, t.who) for t in trips}
        for role, who in sorted(travellers):
            match = index.traveller(role, who)
            outcome = "tied" if match.person else "ambiguous" if match.pages else "unmatched"
            builder.report.travellers[outcome] += 1
    read = {
        "president trips": sum(1 for t in trips if t.role == "president"),
        "secretary trips": sum(1 for t in trips if t.role == "secretary"),
        "foreign-leader visits": len(visits),
        "countries-old": len(countries_old),
        "territories": len(territories),
        "locales": len(locales),
    }
    if people is not None:
        read["person records"] = len(people)
    return HistorianImport(
        rows,
        read,
        builder.unresolved,
        builder.resolutions,
        builder.kept_whole,
        builder.with_coordinates,
        builder.report if index is not None else None,
        builder.dated,
        builder.labelled,
    )


def write_historian(connection: Connection, data: HistorianImport) -> ImportReport:
    """Write what `read_historian` built, inside the caller's transaction, and re-index."""
    # The ISO list first, as the seed loader writes it, so an import works on any migrated database.
    countries = write_countries(connection)
    sync = write_dataset(connection, data.rows)
    refresh_after_load(connection, changes(countries, sync))
    written = {
        table_of(model).name: len(data.rows.records[model])
        for model in RECORD_TABLES
        if model in data.rows.records
    }
    return ImportReport(
        read=data.read,
        written=written,
        sync=sync,
        unresolved=data.unresolved,
        resolutions=data.resolutions,
        kept_whole=data.kept_whole,
        with_coordinates=data.with_coordinates,
        people=data.people,
        dated=data.dated,
        labelled=data.labelled,
    )


def import_historian(
    connection: Connection, root: Path, on_file: Callable[[], None] | None = None
) -> ImportReport:
    """Read, check and write the Historian data under `root` in the open transaction."""
    return write_historian(connection, read_historian(historian_files(root), on_file))
