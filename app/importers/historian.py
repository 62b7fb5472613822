"""The Office of the Historian's travels and visits, imported as visits (dataset `historian`).

PATH holds the U.S. Department of State Office of the Historian's public-domain repositories
`travels`, `visits` and `gsh` (clones or copies), laid out as they are published:

    travels/president-travels/*.xml  one <trip> per country a President visited on a journey
    travels/secretary-travels/*.xml  the same for the Secretaries of State
    visits/data/*.xml                one <visit> per visit of a foreign leader to the U.S.
    gsh/data/countries-old/*.xml     country id -> ISO 3166-1 alpha-2
    gsh/data/territories/*.xml       historical entities by id, with their names
    gsh/data/locales/*.xml           cities with latitude and longitude

Each trip becomes a visit of the traveller (one participant per `who`, the office as the title
of their participation) from the U.S. to the trip's country, in the city or cities of its
`locale` as written, with its dates and `remarks` as summary; the coordinates of a gsh locale
of that name in that country go with it where there is one. Each foreign-leader visit becomes
a visit to the U.S. by the people its `visitor` line names (see `historian_names`), from its
`from` country, with `description` as summary. Country ids resolve as `historian_countries`
describes; a record whose country does not resolve is skipped and reported, never written with
a guessed country and never dropped unannounced.

Provenance: one source per Historian repository; every visit and participation cites it with a
note naming the record's own id and the address of its page on history.state.gov (the address
the Historian's own site search links the record to).

Like the seed loader, the import reads and checks every file first and writes only when all
are valid, in one transaction: a malformed file fails the import with file and line and
changes nothing. Ids come from the Historian's own ids, so importing the same data twice
changes nothing, and a record removed upstream is removed here.
"""

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from sqlalchemy import Connection

from app.countries import historical_country, lookup_country
from app.derived import EVERYTHING, refresh
from app.importers.historian_countries import CountryResolver, Resolution
from app.importers.historian_names import Person, collapse, name_key, parse_visitor
from app.models import (
    Citation,
    Country,
    Participant,
    ParticipantAlias,
    Participation,
    Source,
    Visit,
)
from app.models.base import ID_MAX_LENGTH
from app.store import (
    RECORD_TABLES,
    DatasetRows,
    SyncReport,
    country_rows,
    participation_id,
    table_of,
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
SOURCES: tuple[dict[str, Any], ...] = tuple(
    {
        "id": source_id,
        "kind": "dataset",
        "title": title,
        "publisher": PUBLISHER,
        "published_on": None,
        "dateline": None,
        "url": f"https://github.com/HistoryAtState/{repository}",
        "language": "en",
        "license": LICENSE,
        "text": None,
    }
    for source_id, title, repository in (
        (TRAVELS_SOURCE, "Foreign Travels of the President and Secretary of State", "travels"),
        (VISITS_SOURCE, "Visits by Foreign Leaders and Heads of State", "visits"),
        (GSH_SOURCE, "Historical country names and places (gsh)", "gsh"),
    )
)

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
_CITED = ("tour", "visit", "meeting", "agreement", "participation", "statement")


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


@dataclass
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


def parse_xml(path: Path, name: str) -> Element:
    """Parse one file, keeping lines; raise HistorianError naming file and line if malformed."""
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
        if stack:
            stack[-1].parts.append(element.text)

    def characters(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        with path.open("rb") as stream:
            parser.ParseFile(stream)
    except expat.ExpatError as error:
        message = f"malformed XML: {expat.ErrorString(error.code)} (column {error.offset + 1})"
        raise HistorianError([Problem(name, error.lineno, None, None, message)]) from None
    except OSError as error:
        raise HistorianError([Problem(name, None, None, None, f"cannot read: {error}")]) from None
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
    return HistorianFiles(
        root, {folder: sorted((root / folder).glob("*.xml")) for folder in FOLDERS}
    )


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


@dataclass
class ImportReport:
    """What an import read, wrote and could not resolve."""

    read: dict[str, int]
    written: dict[str, int]
    sync: SyncReport
    unresolved: list[Unresolved]
    resolutions: dict[str, Resolution]
    kept_whole: list[str]
    with_coordinates: int


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

    def documents(self, folder: str, tag: str) -> Iterable[tuple[str, Element]]:
        for path in self.files.by_folder[folder]:
            name = self.files.name(path)
            try:
                document = parse_xml(path, name)
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
        **{f"{kind}_id": None for kind in _CITED},
        f"{subject}_id": subject_id,
    }


def _preferred(forms: list[tuple[int, str]]) -> tuple[str, list[str]]:
    """The spelling used most often (then most recently) and the others, as aliases."""
    counts = Counter(form for _, form in forms)
    latest = {form: record_id for record_id, form in sorted(forms)}
    best = max(counts, key=lambda form: (counts[form], latest[form], form))
    return best, sorted(set(counts) - {best})


class _Builder:
    """Turns checked records into rows, resolving countries, people and coordinates."""

    def __init__(self, resolver: CountryResolver, locales: list[Locale]) -> None:
        self.resolver = resolver
        self.rows = DatasetRows(HISTORIAN_DATASET)
        self.unresolved: list[Unresolved] = []
        self.resolutions: dict[str, Resolution] = {}
        self.kept_whole: list[str] = []
        self.with_coordinates = 0
        self.codes: set[str] = {HOME_COUNTRY}
        # participant id -> (name forms as (record id, spelling), country, description)
        self.people: dict[str, tuple[list[tuple[int, str]], str, str | None]] = {}
        self.owners: dict[str, tuple[str, str]] = {}
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

    def person(
        self,
        at: Place,
        participant_id: str,
        owner: tuple[str, str],
        spelling: tuple[int, str] | None,
        country: str,
        description: str | None = None,
    ) -> None:
        """Count one mention of a participant; two different people may not share an id."""
        first = self.owners.setdefault(participant_id, owner)
        if first != owner:
            message = f"participant id {participant_id} would stand for both {first} and {owner}"
            raise HistorianError([Problem(at.file, at.line, None, None, message)])
        forms, _, _ = self.people.setdefault(participant_id, ([], country, description))
        if spelling is not None:
            forms.append(spelling)

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
        visit_id = trip_visit_id(trip)
        visitor = traveller_id(trip.who)
        spelling = (trip.id, trip.name) if trip.name else None
        self.person(trip.at, visitor, ("traveller", trip.who), spelling, HOME_COUNTRY)
        place = self.coordinates(trip, host)
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
        note = trip_note(trip)
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

    def leader_visit(self, visit: LeaderVisit) -> None:
        country = self.country(visit.at, f"visit {visit.id}", visit.country_id)
        if country is None:
            return
        visit_id = leader_visit_id(visit)
        people = parse_visitor(visit.visitor)
        if any(person.title is None for person in people):
            self.kept_whole.append(visit.visitor)
        visitors: dict[str, Person | None] = {}
        for person in people:
            participant_id = leader_id(country, person.name)
            if participant_id is None:
                # A name with no letters or digits to key it by: this visit's own participant.
                participant_id = f"historian-visitor-{visit.id}-{len(visitors) + 1}"
            owner = ("leader", f"{country} {name_key(person.name)}")
            self.person(visit.at, participant_id, owner, (visit.id, person.name), country)
            visitors.setdefault(participant_id, person)
        if not visitors:
            # The record names no one: an unnamed visitor stays unnamed, described instead.
            participant_id = f"historian-unnamed-visitor-{visit.id}"
            known = lookup_country(country)
            description = (
                f"Visitor from {known.name if known else country}; the Office of the "
                f"Historian's visit {visit.id} names no one"
            )
            owner = ("unnamed visitor", str(visit.id))
            self.person(visit.at, participant_id, owner, None, country, description)
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
        note = visit_note(visit)
        self.rows.add(
            Citation,
            _citation(f"visit:{visit_id}:historian", VISITS_SOURCE, note, "visit", visit_id),
        )
        for participant_id, named in visitors.items():
            title = named.title if named else None
            self.participation(visit_id, participant_id, title, VISITS_SOURCE, note)

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
        for participant_id, (forms, country, description) in sorted(self.people.items()):
            name, aliases = _preferred(forms) if forms else (None, [])
            self.rows.add(
                Participant,
                {
                    "id": participant_id,
                    "name": name,
                    "kind": "person",
                    "country_code": country,
                    "description": description,
                    "wikidata_id": None,
                },
            )
            for alias in aliases:
                self.rows.link(ParticipantAlias, {"participant_id": participant_id, "alias": alias})
        for code in sorted(self.codes):
            entity = historical_country(code)
            if entity is not None:
                self.rows.add(
                    Country, {"code": entity.code, "alpha3": entity.alpha3, "name": entity.name}
                )
        for source in SOURCES:
            self.rows.add(Source, dict(source))
        return self.rows


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
    if reader.problems:
        raise HistorianError(reader.problems)

    builder = _Builder(CountryResolver(countries_old, territories), locales)
    for trip in sorted(trips, key=lambda t: t.id):
        builder.trip(trip)
    for visit in sorted(visits, key=lambda v: v.id):
        builder.leader_visit(visit)
    rows = builder.finish()
    read = {
        "president trips": sum(1 for t in trips if t.role == "president"),
        "secretary trips": sum(1 for t in trips if t.role == "secretary"),
        "foreign-leader visits": len(visits),
        "countries-old": len(countries_old),
        "territories": len(territories),
        "locales": len(locales),
    }
    return HistorianImport(
        rows,
        read,
        builder.unresolved,
        builder.resolutions,
        builder.kept_whole,
        builder.with_coordinates,
    )


def write_historian(connection: Connection, data: HistorianImport) -> ImportReport:
    """Write what `read_historian` built, inside the caller's transaction, and re-index."""
    # The ISO list first, as the seed loader writes it, so an import works on any migrated database.
    write_dataset(connection, country_rows())
    sync = write_dataset(connection, data.rows)
    refresh(connection, EVERYTHING)
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
    )


def import_historian(
    connection: Connection, root: Path, on_file: Callable[[], None] | None = None
) -> ImportReport:
    """Read, check and write the Historian data under `root` in the open transaction."""
    return write_historian(connection, read_historian(historian_files(root), on_file))
