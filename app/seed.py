"""The seed loader: validate every seed file first, then write them in one transaction.

Layout of `seed_data/`:
- `sources.yaml`: the documents cited; `text_file` points to the text where it is held;
- `topics.yaml`, `participants.yaml`: vocabularies shared by every tour file;
- `tours/*.yaml`: one file per tour (or single visit) with its visits, meetings,
  participations, statements and agreements, each carrying its citations.

Validation names the file, the record and the field of every problem; nothing is written
unless everything is valid. Loading the same files twice leaves the database unchanged.

The seed loads in parts (decision 0044): each tour file is one, the vocabularies (the three
YAML files and the source texts) another. A reload parses and writes the tour files whose
bytes changed, checked against the vocabularies and what the other parts hold; a change to
the vocabularies, which every tour file refers to, reads them all.
"""

import datetime as dt
import hashlib
import json
import os
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn, Self, TypeVar, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from sqlalchemy import Connection, text

from app.codes import event_code
from app.countries import lookup_country
from app.derived import refresh_after_load
from app.models import (
    Agreement,
    AgreementParty,
    AgreementSignatory,
    AgreementTopic,
    Citation,
    Claim,
    EventCode,
    ExternalId,
    Meeting,
    MeetingTopic,
    Participant,
    ParticipantAlias,
    Participation,
    Source,
    Statement,
    Topic,
    Tour,
    Visit,
    VisitTopic,
)
from app.models.base import utc_now
from app.models.citation import CITED_COLUMNS
from app.models.claim import Qualifiers, Rank, claim_id, claimed
from app.models.external_id import ID_PATTERNS, Scheme, external_id_id
from app.parts import (
    PART_NAME_LENGTH,
    Recorded,
    Reference,
    file_stat,
    fingerprint,
    held,
    holder,
    recorded,
    referring,
    save_parts,
    save_stats,
    scope,
    stored_parts,
)
from app.store import (
    DatasetRows,
    SyncReport,
    changes,
    participation_id,
    write_countries,
    write_dataset,
)
from app.yaml_files import YamlProblem, load_yaml

SEED_DATASET = "seed"
# The part of the seed that is not a tour file: sources (with their texts), topics and
# participants.
VOCABULARIES = "vocabularies"

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=200)]
_SLUG = re.compile(SLUG_PATTERN)
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class SeedError(Exception):
    """A seed file is invalid; the message names the file, the record and the field."""

    def __init__(self, file: str, record: str, field: str, message: str) -> None:
        self.file, self.record, self.field, self.message = file, record, field, message
        super().__init__(f"{file}: {record}: field '{field}': {message}")


def _country(value: str) -> str:
    country = lookup_country(value)
    if country is None:
        raise ValueError(f"unknown country code {value!r} (ISO 3166-1 alpha-2 or alpha-3)")
    return country.code


class Strict(BaseModel):
    """Seed records: unknown keys are errors, so a misspelt field never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


CountryCodeIn = Annotated[str, Field(min_length=2, max_length=3)]


class CitationIn(Strict):
    """Where a fact comes from: the source's exact words, or a note where its text is not held."""

    source: Slug
    quote: Text | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _quote_or_note(self) -> Self:
        if self.quote is None and self.note is None:
            raise ValueError("a citation needs a quote (verbatim) or a note")
        return self


Citations = Annotated[list[CitationIn], Field(min_length=1)]


class ClaimIn(Strict):
    """One source's value for one field of the record it is listed under."""

    property: Annotated[str, StringConstraints(pattern=r"^[a-z_]+$")]
    # Any JSON here; checked against the property's own type once the record is known.
    value: Any
    rank: Rank = "normal"
    qualifiers: Qualifiers | None = None
    citations: Citations


class Claimable(Strict):
    """A record that may list claims: other sources' versions of its fields."""

    claims: list[ClaimIn] = []


class CodeIn(Strict):
    """A CAMEO or PLOVER code a source supports, replacing that scheme's codes for the record."""

    scheme: Literal["cameo", "plover"]
    code: Text
    mode: Text | None = None
    citations: Citations

    @model_validator(mode="after")
    def _known_code(self) -> Self:
        event_code(self.scheme, self.code, self.mode)
        return self


class ExternalIdIn(Strict):
    """A participant's id in another register, as a source gives it."""

    scheme: Scheme
    id: Text
    citations: Citations

    @model_validator(mode="after")
    def _well_formed(self) -> Self:
        if not re.match(ID_PATTERNS[self.scheme], self.id):
            raise ValueError(f"not a {self.scheme} id: {self.id!r}")
        return self


class SourceIn(Claimable):
    """A document cited by the seed."""

    id: Slug
    kind: Literal["news_article", "dataset", "official_record", "press_release", "report"]
    title: Text
    publisher: Text
    published_on: dt.date | None = None
    dateline: str | None = None
    url: str | None = None
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")]
    license: str | None = None
    text_file: str | None = None


class TopicIn(Claimable):
    """A field of cooperation."""

    id: Slug
    name: Text


class ParticipantIn(Claimable):
    """A person or named group; `name` stays null when the sources do not name them."""

    id: Slug
    name: Text | None = None
    kind: Literal["person", "group"] = "person"
    aliases: list[Text] = []
    country: CountryCodeIn | None = None
    description: str | None = None
    external_ids: list[ExternalIdIn] = []

    @model_validator(mode="after")
    def _named_or_described(self) -> Self:
        if self.name is None and not self.description:
            raise ValueError("an unnamed participant needs a description")
        return self

    @field_validator("external_ids")
    @classmethod
    def _one_id_per_scheme(cls, external_ids: list[ExternalIdIn]) -> list[ExternalIdIn]:
        schemes = [external.scheme for external in external_ids]
        for scheme in schemes:
            if schemes.count(scheme) > 1:
                raise ValueError(f"more than one {scheme} id")
        return external_ids


Role = Literal["visitor", "host", "guest", "attendee", "signatory", "witness", "delegate"]


class ParticipationIn(Claimable):
    """A participant's part in a visit or meeting, with the title held at the time."""

    participant: Slug
    role: Role
    title: Text | None = None
    citations: Citations


class StatementIn(Claimable):
    """What someone said; `text` is the source's own words, checked against its text."""

    id: Slug
    speaker: Slug
    source: Slug
    kind: Literal["direct_quote", "paraphrase"]
    channel: str | None = None
    text: Text


class MeetingIn(Claimable):
    """An engagement during a visit."""

    id: Slug
    kind: Literal[
        "bilateral_talks",
        "signing_ceremony",
        "business_forum",
        "site_visit",
        "courtesy_call",
        "press_conference",
        "state_dinner",
        "welcome_ceremony",
        "other",
    ]
    title: Text
    date: dt.date | None = None
    venue: str | None = None
    city: str | None = None
    summary: str | None = None
    topics: list[Slug] = []
    citations: Citations
    codes: list[CodeIn] = []
    participants: list[ParticipationIn] = []
    statements: list[StatementIn] = []


AgreementKind = Literal[
    "cooperation_document",
    "memorandum_of_understanding",
    "joint_commission",
    "treaty",
    "joint_declaration",
    "agreement",
    "other",
]


class AgreementIn(Claimable):
    """Instruments signed or agreed during a visit."""

    id: Slug
    kind: AgreementKind
    title: Text | None = None
    # Null where the sources give no exact number; its claims then say what they give.
    count: Annotated[int, Field(ge=1)] | None = 1
    status: Literal["signed", "agreed"]
    signed_on: dt.date | None = None
    meeting: Slug | None = None
    parties: list[CountryCodeIn] = []
    signatories: list[Slug] = []
    topics: list[Slug] = []
    summary: str | None = None
    citations: Citations
    codes: list[CodeIn] = []


class VisitIn(Claimable):
    """One stay of a visitor in a host country, with everything that happened there."""

    id: Slug
    leg: Annotated[int, Field(ge=1)] | None = None
    visitor: Slug
    visitor_title: Text | None = None
    visitor_country: CountryCodeIn
    host_country: CountryCodeIn
    city: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    kind: Literal["state", "official", "working", "private", "transit", "other"] | None = None
    summary: str | None = None
    topics: list[Slug] = []
    citations: Citations
    codes: list[CodeIn] = []
    # Parts in the visit as a whole other than the visitor's own (a delegation's members).
    participants: list[ParticipationIn] = []
    meetings: list[MeetingIn] = []
    statements: list[StatementIn] = []
    agreements: list[AgreementIn] = []

    @field_validator("end_date")
    @classmethod
    def _not_before_start(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start_date")
        if start and end and end < start:
            raise ValueError("end_date is before start_date")
        return end


class TourIn(Claimable):
    """A multi-country trip."""

    id: Slug
    name: Text
    principal: Slug
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    summary: str | None = None
    citations: Citations


class TourFile(Strict):
    """One file of `tours/`: an optional tour and its visits."""

    tour: TourIn | None = None
    visits: Annotated[list[VisitIn], Field(min_length=1)]


@dataclass
class SeedFiles:
    """The parsed seed: sources with their texts, vocabularies and tour files by path."""

    root: Path
    sources: list[SourceIn]
    source_texts: dict[str, str]
    topics: list[TopicIn]
    participants: list[ParticipantIn]
    tours: dict[str, TourFile]
    # The fingerprint of the vocabularies' bytes (`app.parts.fingerprint`).
    vocabularies: str
    # The bytes of `topics.yaml` and `participants.yaml`, for `parse_lists`.
    lists: dict[str, bytes]


def tour_paths(root: Path) -> dict[str, str]:
    """Every `.yaml` file of `tours/` but hidden ones (an editor's lock file, say): its path
    relative to `root` -> its path, in path order. Listed by `os.scandir`, as strings:
    `Path.glob` and sorting `Path`s took 0.25 s at 10,000 files, this 0.013 s."""
    try:
        with os.scandir(root / "tours") as entries:
            found = {
                entry.name: entry.path
                for entry in entries
                if entry.name.endswith(".yaml") and not entry.name.startswith(".")
            }
    except FileNotFoundError:
        return {}
    return {f"tours/{name}": found[name] for name in sorted(found)}


def tour_files(root: Path) -> dict[str, bytes]:
    """The bytes of every file of `tours/`, by path relative to `root`, in path order."""
    return {name: Path(path).read_bytes() for name, path in tour_paths(root).items()}


def _read_bytes(root: Path, relative: str) -> bytes:
    try:
        return (root / relative).read_bytes()
    except FileNotFoundError:
        raise SeedError(relative, "-", "-", "file not found") from None


def _load_yaml(relative: str, data: bytes) -> Any:
    try:
        return load_yaml(data)
    except YamlProblem as problem:
        raise SeedError(relative, "-", "-", str(problem)) from None


def _record_name(
    data: Any, location: tuple[int | str, ...], kind: str | None = None
) -> tuple[str, str]:
    """The innermost record (`kind id`) on a validation error's path, and the field within it;
    `kind` names the record `data` itself is, for files that list records."""
    record, field_start = "-", 0
    if kind is not None and isinstance(data, dict) and "id" in data:
        record = f"{kind} {data['id']}"
    node = data
    for depth, step in enumerate(location):
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        parent = location[depth - 1] if depth and isinstance(step, int) else step
        # An external id's `id` is its value in another register, not a record of ours.
        if isinstance(node, dict) and "id" in node and parent != "external_ids":
            record, field_start = f"{str(parent).rstrip('s')} {node['id']}", depth + 1
    field = ""
    for step in location[field_start:]:
        field += f"[{step}]" if isinstance(step, int) else f".{step}"
    return record, field.lstrip(".") or "-"


M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], data: Any, file: str, kind: str | None = None) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        record, field = _record_name(data, tuple(first["loc"]), kind)
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SeedError(file, record, field, message) from None


def read_seed(
    root: Path, tours: dict[str, bytes] | None = None, *, lists: bool = True
) -> SeedFiles:
    """Parse and schema-check the vocabularies under `root` and the tour files `tours`
    (path -> bytes; by default every file of `tours/`). With `lists` false, the topics and
    participants are read and hashed but not parsed (`parse_lists` does it): a reload whose
    vocabularies did not change takes their ids from the database."""
    read = {name: _read_bytes(root, name) for name in ("sources.yaml", "topics.yaml")}
    sources = [
        _parse(SourceIn, item, "sources.yaml", "source")
        for item in _load_yaml("sources.yaml", read["sources.yaml"]) or []
    ]
    texts: dict[str, str] = {}
    for source in sources:
        if source.text_file:
            try:
                read[source.text_file] = (root / source.text_file).read_bytes()
            except FileNotFoundError:
                raise SeedError(
                    "sources.yaml", f"source {source.id}", "text_file", "file not found"
                ) from None
            try:
                # As `read_text` gives it: universal newlines.
                text = read[source.text_file].decode("utf-8")
                texts[source.id] = text.replace("\r\n", "\n").replace("\r", "\n")
            except UnicodeDecodeError:
                raise SeedError(
                    "sources.yaml", f"source {source.id}", "text_file", "not UTF-8 text"
                ) from None
    read["participants.yaml"] = _read_bytes(root, "participants.yaml")
    vocabularies = fingerprint(
        *(part for name in sorted(read) for part in (name.encode(), read[name]))
    )
    lists_read = {name: read[name] for name in ("topics.yaml", "participants.yaml")}
    seed = SeedFiles(root, sources, texts, [], [], {}, vocabularies, lists_read)
    if lists:
        parse_lists(seed)
    seed.tours = parse_tours(tour_files(root) if tours is None else tours)
    return seed


def parse_lists(seed: SeedFiles) -> None:
    """Parse and schema-check the topics and participants read."""
    seed.topics = [
        _parse(TopicIn, item, "topics.yaml", "topic")
        for item in _load_yaml("topics.yaml", seed.lists["topics.yaml"])
    ]
    seed.participants = [
        _parse(ParticipantIn, item, "participants.yaml", "participant")
        for item in _load_yaml("participants.yaml", seed.lists["participants.yaml"])
    ]


def parse_tours(tours: dict[str, bytes]) -> dict[str, TourFile]:
    """Parse and schema-check tour files (path -> bytes)."""
    return {name: _parse(TourFile, _load_yaml(name, data), name) for name, data in tours.items()}


def citation_id(subject_type: str, subject_id: str, citation: CitationIn) -> str:
    """A stable id from what the citation says, so reordering citations keeps their ids."""
    digest = hashlib.sha256(
        f"{citation.source}\n{citation.quote or ''}\n{citation.note or ''}".encode()
    ).hexdigest()[:10]
    return f"{subject_type}:{subject_id}:{digest}"


# Fields that hold a record's parts or provenance rather than a fact a claim could be about.
_STRUCTURE = frozenset(
    {
        "id",
        "citations",
        "claims",
        "codes",
        "external_ids",
        "participants",
        "meetings",
        "statements",
        "agreements",
        "text_file",
    }
)
# Claimed values that name other records, by property, and the kind of record they name.
_REFERENCES = {
    "visitor": "participant",
    "principal": "participant",
    "speaker": "participant",
    "participant": "participant",
    "signatories": "participant",
    "topics": "topic",
    "source": "source",
    "meeting": "meeting",
}
_COUNTRY_FIELDS = frozenset({"visitor_country", "host_country", "country", "parties"})
# The records a tour file gives whose ids must be unique over the seed (their tables' names).
_TOUR_KINDS = ("tour", "visit", "meeting", "statement", "agreement")
# Visits and meetings share one space of ids: a participation's id is made of either's.
_CONTEXTS = ("visit", "meeting")
# What, besides the files' bytes, makes the rows a load writes: bumped when the rows built
# from the same files change (decision 0044), with the country codes' library and the schema.
SEED_ROWS_VERSION = 1


def _unique_key(kind: str, record_id: str) -> str:
    return f"{'context' if kind in _CONTEXTS else kind}:{record_id}"


AGREEMENT_KINDS = frozenset(get_args(AgreementKind))


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    field = model.model_fields[name]
    annotation: Any = field.annotation
    if field.metadata:
        annotation = Annotated[annotation, *field.metadata]
    return TypeAdapter(annotation)


def claim_value(model: type[BaseModel], name: str, raw: Any) -> Any:
    """A value for field `name` of `model` in its stored JSON form (country codes upper case);
    ValueError when it is not of that field's type (no conversion: "2" is not a count)."""
    adapter = _adapter(model, name)
    try:
        parsed = adapter.validate_json(json.dumps(raw, default=str), strict=True)
    except ValidationError as error:
        raise ValueError(f"not a valid {name}: {error.errors()[0]['msg']}") from None
    value = adapter.dump_python(parsed, mode="json")
    if name in _COUNTRY_FIELDS and value is not None:
        value = [_country(code) for code in value] if isinstance(value, list) else _country(value)
    return value


def _qualifiers(claim: ClaimIn) -> dict[str, Any] | None:
    return claim.qualifiers.as_json() if claim.qualifiers else None


class _Checker:
    """Cross-record checks: references resolve, ids are unique, quotes are verbatim."""

    def __init__(self, seed: SeedFiles, elsewhere: "Elsewhere") -> None:
        self.seed = seed
        self.sources = {s.id: s for s in seed.sources}
        self.topics = {t.id for t in seed.topics} | elsewhere.vocabularies.get("topic", set())
        self.participants = {p.id for p in seed.participants} | elsewhere.vocabularies.get(
            "participant", set()
        )
        self.meetings = {
            m.id for tour in seed.tours.values() for visit in tour.visits for m in visit.meetings
        }
        self.meetings |= elsewhere.meetings
        self.seen: dict[str, str] = dict(elsewhere.taken)
        self.known: dict[str, set[str]] = {
            "participant": self.participants,
            "topic": self.topics,
            "source": set(self.sources),
            "meeting": self.meetings,
        }
        self.file = ""
        # Per file, the meetings its claims name (a claim may name another file's).
        self.references: dict[str, list[Reference]] = {}

    def fail(self, record: str, field: str, message: str) -> NoReturn:
        raise SeedError(self.file, record, field, message)

    def unique(self, kind: str, record_id: str) -> None:
        key = _unique_key(kind, record_id)
        if key in self.seen:
            self.fail(f"{kind} {record_id}", "id", f"duplicate id (also in {self.seen[key]})")
        self.seen[key] = self.file

    def country(self, record: str, field: str, code: str) -> str:
        try:
            return _country(code)
        except ValueError as error:
            self.fail(record, field, str(error))

    def refs(self, record: str, field: str, ids: list[str], known: set[str], what: str) -> None:
        for index, value in enumerate(ids):
            if value not in known:
                self.fail(record, f"{field}[{index}]", f"unknown {what} {value!r}")

    def citations(self, record: str, citations: list[CitationIn], field: str = "citations") -> None:
        for index, citation in enumerate(citations):
            where = f"{field}[{index}]"
            source = self.sources.get(citation.source)
            if source is None:
                self.fail(record, f"{where}.source", f"unknown source {citation.source!r}")
                continue
            held = self.seed.source_texts.get(citation.source)
            if citation.quote is not None:
                if held is None:
                    self.fail(record, f"{where}.quote", "quotes need the source text; use a note")
                elif citation.quote not in held:
                    self.fail(record, f"{where}.quote", "quote not found verbatim in the source")

    def statement(self, record: str, statement: StatementIn) -> None:
        held = self.seed.source_texts.get(statement.source)
        if statement.source not in self.sources:
            self.fail(record, "source", f"unknown source {statement.source!r}")
        if held is None:
            self.fail(record, "source", "a statement's source text must be held")
        elif statement.text not in held:
            self.fail(record, "text", "text not found verbatim in the source")
        if statement.speaker not in self.participants:
            self.fail(record, "speaker", f"unknown participant {statement.speaker!r}")
        self.claims(record, "statement", statement)

    def claims(self, record: str, subject_type: str, model: Claimable, prefix: str = "") -> None:
        """Each claim: a property of this record type, a value of its type naming known
        records, citations that hold, no statement twice, and a preferred value the record's."""
        kind = type(model)
        stated: set[str] = set()
        for index, claim in enumerate(model.claims):
            where = f"{prefix}claims[{index}]"
            name = claim.property
            if name not in kind.model_fields or name in _STRUCTURE:
                self.fail(record, f"{where}.property", f"{subject_type} has no property {name!r}")
            try:
                value = claim_value(kind, name, claim.value)
            except ValueError as error:
                self.fail(record, f"{where}.value", str(error))
            references = _REFERENCES.get(name)
            if references is not None and value is not None:
                ids = value if isinstance(value, list) else [value]
                self.refs(record, f"{where}.value", ids, self.known[references], references)
                if references == "meeting":
                    self.references.setdefault(self.file, []).extend(
                        ("meeting", str(meeting), record, f"{where}.value[{index}]")
                        for index, meeting in enumerate(ids)
                    )
            includes = (claim.qualifiers.includes if claim.qualifiers else None) or []
            for position, included in enumerate(includes):
                if included not in AGREEMENT_KINDS:
                    field = f"{where}.qualifiers.includes[{position}]"
                    self.fail(record, field, f"not a kind of agreement: {included!r}")
            statement = claimed(value, _qualifiers(claim))
            if statement in stated:
                self.fail(
                    record, where, "the same value is claimed twice: give one claim both citations"
                )
            stated.add(statement)
            self.citations(record, claim.citations, f"{where}.citations")
            if claim.rank == "preferred":
                own = claim_value(kind, name, getattr(model, name))
                if value != own:
                    self.fail(
                        record,
                        f"{where}.rank",
                        f"a preferred claim's value must be the record's own {name} ({own!r})",
                    )

    def codes(self, record: str, codes: list[CodeIn]) -> None:
        given: set[tuple[str, str, str | None]] = set()
        for index, code in enumerate(codes):
            key = (code.scheme, code.code, code.mode)
            if key in given:
                self.fail(record, f"codes[{index}]", "the same code is given twice")
            given.add(key)
            self.citations(record, code.citations, f"codes[{index}].citations")

    def parts(self, record: str, parts: list[ParticipationIn]) -> set[str]:
        """A visit's or meeting's participations; returns who takes part."""
        people: set[str] = set()
        for index, part in enumerate(parts):
            if part.participant not in self.participants:
                self.fail(
                    record,
                    f"participants[{index}].participant",
                    f"unknown participant {part.participant!r}",
                )
            if part.participant in people:
                self.fail(record, f"participants[{index}]", "participant listed twice")
            people.add(part.participant)
            self.citations(f"{record} participant {part.participant}", part.citations)
            self.claims(record, "participation", part, f"participants[{index}].")
        return people


@dataclass(frozen=True)
class Elsewhere:
    """What the tour files not read again hold that the checks of the files read need."""

    # "kind:id" -> file, for the ids the files read give that another file holds.
    taken: Mapping[str, str]
    # The meetings other files hold that the files read name.
    meetings: set[str]
    # Other files' references to meetings the files read held and no longer give.
    references: Mapping[str, list[Reference]]
    # When the vocabularies were not parsed, the topics and participants, by kind, that the
    # database holds among the ids the files read could name.
    vocabularies: Mapping[str, set[str]]


NOWHERE = Elsewhere({}, set(), {}, {})


def _check(seed: SeedFiles, elsewhere: Elsewhere = NOWHERE) -> _Checker:
    """Check the seed read, with what the files not read again hold (`elsewhere`); return
    the checker, which holds each file's references to other files."""
    checker = _Checker(seed, elsewhere)
    checker.file = "sources.yaml"
    for source in seed.sources:
        checker.unique("source", source.id)
        checker.claims(f"source {source.id}", "source", source)
    checker.file = "topics.yaml"
    for topic in seed.topics:
        checker.unique("topic", topic.id)
        checker.claims(f"topic {topic.id}", "topic", topic)
    checker.file = "participants.yaml"
    for participant in seed.participants:
        name = f"participant {participant.id}"
        checker.unique("participant", participant.id)
        if participant.country:
            checker.country(name, "country", participant.country)
        for index, external in enumerate(participant.external_ids):
            checker.citations(name, external.citations, f"external_ids[{index}].citations")
        checker.claims(name, "participant", participant)

    for file, tour_file in seed.tours.items():
        checker.file = file
        tour = tour_file.tour
        if tour is not None:
            checker.unique("tour", tour.id)
            checker.refs(
                f"tour {tour.id}",
                "principal",
                [tour.principal],
                checker.participants,
                "participant",
            )
            checker.citations(f"tour {tour.id}", tour.citations)
            checker.claims(f"tour {tour.id}", "tour", tour)
        legs: set[int] = set()
        for visit in tour_file.visits:
            _check_visit(checker, visit, tour is not None, legs)

    # What the files not read again named in the files read must still be there.
    for name, references in elsewhere.references.items():
        checker.file = name
        for kind, record_id, record, field in references:
            if record_id not in checker.known[kind]:
                checker.fail(record, field, f"unknown {kind} {record_id!r}")
    return checker


def _check_visit(checker: _Checker, visit: VisitIn, in_tour: bool, legs: set[int]) -> None:
    name = f"visit {visit.id}"
    checker.unique("visit", visit.id)
    checker.refs(name, "visitor", [visit.visitor], checker.participants, "participant")
    checker.country(name, "visitor_country", visit.visitor_country)
    checker.country(name, "host_country", visit.host_country)
    checker.refs(name, "topics", visit.topics, checker.topics, "topic")
    checker.citations(name, visit.citations)
    checker.codes(name, visit.codes)
    checker.claims(name, "visit", visit)
    if visit.leg is not None:
        if not in_tour:
            checker.fail(name, "leg", "a leg needs a tour in the same file")
        if visit.leg in legs:
            checker.fail(name, "leg", f"leg {visit.leg} is given twice")
        legs.add(visit.leg)
    delegation = checker.parts(name, visit.participants)
    if visit.visitor in delegation:
        index = [part.participant for part in visit.participants].index(visit.visitor)
        checker.fail(name, f"participants[{index}]", "the visitor's own part is the visit's")
    meeting_people: dict[str, set[str]] = {}
    for meeting in visit.meetings:
        mname = f"meeting {meeting.id}"
        checker.unique("meeting", meeting.id)
        checker.refs(mname, "topics", meeting.topics, checker.topics, "topic")
        checker.citations(mname, meeting.citations)
        checker.codes(mname, meeting.codes)
        checker.claims(mname, "meeting", meeting)
        if meeting.date and visit.start_date and meeting.date < visit.start_date:
            checker.fail(mname, "date", "before the visit's start_date")
        if meeting.date and visit.end_date and meeting.date > visit.end_date:
            checker.fail(mname, "date", "after the visit's end_date")
        meeting_people[meeting.id] = checker.parts(mname, meeting.participants)
        for statement in meeting.statements:
            checker.unique("statement", statement.id)
            checker.statement(f"statement {statement.id}", statement)
    for statement in visit.statements:
        checker.unique("statement", statement.id)
        checker.statement(f"statement {statement.id}", statement)
    for agreement in visit.agreements:
        aname = f"agreement {agreement.id}"
        checker.unique("agreement", agreement.id)
        checker.refs(aname, "topics", agreement.topics, checker.topics, "topic")
        checker.citations(aname, agreement.citations)
        checker.codes(aname, agreement.codes)
        checker.claims(aname, "agreement", agreement)
        for index, party in enumerate(agreement.parties):
            checker.country(aname, f"parties[{index}]", party)
        if agreement.meeting is not None and agreement.meeting not in meeting_people:
            checker.fail(aname, "meeting", f"no meeting {agreement.meeting!r} in this visit")
        for index, signatory in enumerate(agreement.signatories):
            if agreement.meeting is None:
                checker.fail(aname, "signatories", "signatories need the agreement's meeting")
            elif signatory not in meeting_people[agreement.meeting]:
                checker.fail(
                    aname,
                    f"signatories[{index}]",
                    f"{signatory!r} is not a participant of meeting {agreement.meeting!r}",
                )


def _add_citations(
    rows: DatasetRows, subject_type: str, subject_id: str, citations: list[CitationIn]
) -> None:
    for citation in citations:
        rows.add(
            Citation,
            {
                "id": citation_id(subject_type, subject_id, citation),
                "source_id": citation.source,
                "quote": citation.quote,
                "note": citation.note,
                **dict.fromkeys(CITED_COLUMNS),
                f"{subject_type}_id": subject_id,
            },
        )


def _add_claims(rows: DatasetRows, subject_type: str, subject_id: str, model: Claimable) -> None:
    for claim in model.claims:
        value = claim_value(type(model), claim.property, claim.value)
        qualifiers = _qualifiers(claim)
        record_id = claim_id(subject_type, subject_id, claim.property, value, qualifiers)
        rows.add(
            Claim,
            {
                "id": record_id,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "property": claim.property,
                "value": value,
                "rank": claim.rank,
                "qualifiers": qualifiers,
            },
        )
        _add_citations(rows, "claim", record_id, claim.citations)


def _add_codes(rows: DatasetRows, subject_type: str, subject_id: str, codes: list[CodeIn]) -> None:
    for code in codes:
        record_id = ":".join(
            [subject_type, subject_id, code.scheme, code.code, *([code.mode] if code.mode else [])]
        )
        rows.add(
            EventCode,
            {
                "id": record_id,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "scheme": code.scheme,
                "code": code.code,
                "mode": code.mode,
            },
        )
        _add_citations(rows, "event_code", record_id, code.citations)


def _add_part(
    rows: DatasetRows,
    part: ParticipationIn,
    visit_id: str,
    meeting_id: str | None,
) -> None:
    part_id = participation_id(meeting_id or visit_id, part.participant)
    rows.add(
        Participation,
        {
            "id": part_id,
            "participant_id": part.participant,
            "visit_id": visit_id,
            "meeting_id": meeting_id,
            "role": part.role,
            "title": part.title,
        },
    )
    _add_citations(rows, "participation", part_id, part.citations)
    _add_claims(rows, "participation", part_id, part)


def _statement_rows(
    rows: DatasetRows, statement: StatementIn, visit_id: str, meeting_id: str | None
) -> None:
    rows.add(
        Statement,
        {
            "id": statement.id,
            "speaker_id": statement.speaker,
            "visit_id": visit_id,
            "meeting_id": meeting_id,
            "text": statement.text,
            "kind": statement.kind,
            "channel": statement.channel,
        },
    )
    _add_citations(
        rows, "statement", statement.id, [CitationIn(source=statement.source, quote=statement.text)]
    )
    _add_claims(rows, "statement", statement.id, statement)


def _participant_rows(rows: DatasetRows, participant: ParticipantIn) -> None:
    wikidata = [e.id for e in participant.external_ids if e.scheme == "wikidata"]
    rows.add(
        Participant,
        {
            "id": participant.id,
            "name": participant.name,
            "kind": participant.kind,
            "country_code": _country(participant.country) if participant.country else None,
            "description": participant.description,
            "wikidata_id": wikidata[0] if wikidata else None,
        },
    )
    for alias in dict.fromkeys(participant.aliases):
        rows.link(
            ParticipantAlias, {"participant_id": participant.id, "alias": alias, "page_url": None}
        )
    for external in participant.external_ids:
        record_id = external_id_id(participant.id, external.scheme, external.id)
        rows.add(
            ExternalId,
            {
                "id": record_id,
                "participant_id": participant.id,
                "scheme": external.scheme,
                "value": external.id,
            },
        )
        _add_citations(rows, "external_id", record_id, external.citations)
    _add_claims(rows, "participant", participant.id, participant)


def build_rows(seed: SeedFiles) -> DatasetRows:
    """Every row the seed stands for, with stable ids."""
    return _merged(part_rows(seed).values())


def _merged(parts: Iterable[DatasetRows]) -> DatasetRows:
    rows = DatasetRows(SEED_DATASET)
    for part in parts:
        rows.extend(part)
    return rows


def part_rows(seed: SeedFiles) -> dict[str, DatasetRows]:
    """The rows of each part of the seed read: the vocabularies, and each tour file by path."""
    rows = DatasetRows(SEED_DATASET)
    parts = {VOCABULARIES: rows}
    for source in seed.sources:
        row = source.model_dump(exclude={"text_file", "claims"})
        rows.add(Source, {**row, "text": seed.source_texts.get(source.id)})
        _add_claims(rows, "source", source.id, source)
    for topic in seed.topics:
        rows.add(Topic, topic.model_dump(exclude={"claims"}))
        _add_claims(rows, "topic", topic.id, topic)
    for participant in seed.participants:
        _participant_rows(rows, participant)

    for file, tour_file in seed.tours.items():
        rows = parts[file] = DatasetRows(SEED_DATASET)
        tour = tour_file.tour
        if tour is not None:
            rows.add(
                Tour,
                {
                    "id": tour.id,
                    "name": tour.name,
                    "principal_id": tour.principal,
                    "start_date": tour.start_date,
                    "end_date": tour.end_date,
                    "summary": tour.summary,
                },
            )
            _add_citations(rows, "tour", tour.id, tour.citations)
            _add_claims(rows, "tour", tour.id, tour)
        for visit in tour_file.visits:
            _visit_rows(rows, visit, tour.id if tour else None)
    return parts


def _visit_rows(rows: DatasetRows, visit: VisitIn, tour_id: str | None) -> None:
    rows.add(
        Visit,
        {
            "id": visit.id,
            "tour_id": tour_id,
            "leg": visit.leg,
            "visitor_id": visit.visitor,
            "visitor_country_code": _country(visit.visitor_country),
            "host_country_code": _country(visit.host_country),
            "city": visit.city,
            "start_date": visit.start_date,
            "end_date": visit.end_date,
            "kind": visit.kind,
            "summary": visit.summary,
        },
    )
    _add_citations(rows, "visit", visit.id, visit.citations)
    _add_claims(rows, "visit", visit.id, visit)
    _add_codes(rows, "visit", visit.id, visit.codes)
    for topic in visit.topics:
        rows.link(VisitTopic, {"visit_id": visit.id, "topic_id": topic})

    # The visitor's own part: the title held during the visit, cited by the visit's quotes.
    visitor_part = participation_id(visit.id, visit.visitor)
    rows.add(
        Participation,
        {
            "id": visitor_part,
            "participant_id": visit.visitor,
            "visit_id": visit.id,
            "meeting_id": None,
            "role": "visitor",
            "title": visit.visitor_title,
        },
    )
    _add_citations(rows, "participation", visitor_part, visit.citations)
    for part in visit.participants:
        _add_part(rows, part, visit.id, None)

    for meeting in visit.meetings:
        rows.add(
            Meeting,
            {
                "id": meeting.id,
                "visit_id": visit.id,
                "kind": meeting.kind,
                "title": meeting.title,
                "date": meeting.date,
                "venue": meeting.venue,
                "city": meeting.city,
                "summary": meeting.summary,
            },
        )
        _add_citations(rows, "meeting", meeting.id, meeting.citations)
        _add_claims(rows, "meeting", meeting.id, meeting)
        _add_codes(rows, "meeting", meeting.id, meeting.codes)
        for topic in meeting.topics:
            rows.link(MeetingTopic, {"meeting_id": meeting.id, "topic_id": topic})
        for part in meeting.participants:
            _add_part(rows, part, visit.id, meeting.id)
        for statement in meeting.statements:
            _statement_rows(rows, statement, visit.id, meeting.id)
    for statement in visit.statements:
        _statement_rows(rows, statement, visit.id, None)

    for agreement in visit.agreements:
        rows.add(
            Agreement,
            {
                "id": agreement.id,
                "visit_id": visit.id,
                "meeting_id": agreement.meeting,
                "kind": agreement.kind,
                "title": agreement.title,
                "count": agreement.count,
                "status": agreement.status,
                "signed_on": agreement.signed_on,
                "summary": agreement.summary,
            },
        )
        _add_citations(rows, "agreement", agreement.id, agreement.citations)
        _add_claims(rows, "agreement", agreement.id, agreement)
        _add_codes(rows, "agreement", agreement.id, agreement.codes)
        for party in dict.fromkeys(_country(p) for p in agreement.parties):
            rows.link(AgreementParty, {"agreement_id": agreement.id, "country_code": party})
        for topic in agreement.topics:
            rows.link(AgreementTopic, {"agreement_id": agreement.id, "topic_id": topic})
        for signatory in agreement.signatories:
            assert agreement.meeting is not None  # checked by _check
            rows.link(
                AgreementSignatory,
                {
                    "agreement_id": agreement.id,
                    "participation_id": participation_id(agreement.meeting, signatory),
                },
            )


def validate_seed(root: Path) -> DatasetRows:
    """Read and check every seed file; raise SeedError naming the first problem."""
    seed = read_seed(root)
    _check(seed)
    return build_rows(seed)


def load_seed(connection: Connection, root: Path) -> SyncReport:
    """Validate the seed under `root`, then write it and the countries in the open transaction.

    Only the tour files whose bytes differ from the last load's are parsed, checked and
    written, with those gone; every file, and the topics and participants, when the
    vocabularies changed or the seed was last loaded whole (decisions 0044, 0046). A file
    whose stat is the one last seen is not read (0045)."""
    now, now_ns = utc_now(), time.time_ns()
    paths = tour_paths(root)
    for name in paths:
        if len(name) > PART_NAME_LENGTH:
            raise SeedError(name, "-", "-", f"a path longer than {PART_NAME_LENGTH} characters")
    stored = recorded(connection, SEED_DATASET)
    seed = read_seed(root, tours={}, lists=False)
    vocabularies = Recorded(fingerprint(seed.vocabularies.encode(), _loader(connection)), None)
    whole = stored.get(VOCABULARIES, Recorded("", None)).fingerprint != vocabularies.fingerprint
    if whole:
        parse_lists(seed)
    gone = stored.keys() - paths.keys() - {VOCABULARIES}
    # A file is read unless its stat is the one kept at the last load (decision 0045). The stat
    # is taken before the bytes are read: a change made while they are read shows next time.
    stats = {name: _stat(name, path, now_ns) for name, path in paths.items()}
    unread = set() if whole else {name for name in paths if _same_stat(stored, name, stats[name])}
    tours = {name: _read_bytes(root, name) for name in paths if name not in unread}
    seen = {name: Recorded(fingerprint(data), stats[name]) for name, data in tours.items()}
    seen[VOCABULARIES] = vocabularies
    read = set(tours) if whole else {name for name in tours if _changed(stored, name, seen[name])}
    seed.tours = parse_tours({name: tours[name] for name in sorted(read)})
    previous = {} if whole else stored_parts(connection, SEED_DATASET, read | gone)
    written = scope(previous.values())
    elsewhere = NOWHERE if whole else _elsewhere(connection, seed, written, read | gone)
    checker = _check(seed, elsewhere)
    parts = part_rows(seed)
    if not whole:
        del parts[VOCABULARIES]
    rows = _merged(parts.values())

    countries = write_countries(connection, now)
    report = write_dataset(connection, rows, now, None if whole else written)
    loaded = {
        name: (seen[name], part, _outward(checker.references.get(name, []), part))
        for name, part in parts.items()
    }
    save_parts(connection, SEED_DATASET, loaded, gone, now)
    restat = {name for name in tours.keys() - read if stored[name].stat != seen[name].stat}
    save_stats(connection, SEED_DATASET, {name: seen[name].stat for name in restat})
    refresh_after_load(connection, changes(countries, report))
    return report


def _stat(name: str, path: str, now_ns: int) -> str | None:
    try:
        return file_stat(path, now_ns)
    except FileNotFoundError:  # removed since it was listed, or a broken link
        raise SeedError(name, "-", "-", "file not found") from None


def _same_stat(stored: Mapping[str, Recorded], name: str, stat: str | None) -> bool:
    return stat is not None and name in stored and stored[name].stat == stat


def _changed(stored: Mapping[str, Recorded], name: str, seen: Recorded) -> bool:
    return name not in stored or stored[name].fingerprint != seen.fingerprint


def _loader(connection: Connection) -> bytes:
    """What makes the rows besides the files: a change reads every file again."""
    schema = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return f"{SEED_ROWS_VERSION} {version('pycountry')} {schema}".encode()


def _elsewhere(
    connection: Connection, seed: SeedFiles, written: Mapping[str, set[str]], read: set[str]
) -> Elsewhere:
    """What the checks of the files read (and gone, `read`) need from the other files,
    read from the database: the ids the files read give that the others hold, the meetings
    the files read name that the others hold, and the others' references to meetings the
    files read no longer give."""
    given: dict[str, set[str]] = {kind: set() for kind in _TOUR_KINDS}
    named: set[str] = set()
    for tour_file in seed.tours.values():
        for kind, record in _records(tour_file):
            if kind in given:
                given[kind].add(record.id)
            if isinstance(record, Claimable):
                named.update(_meetings_named(record))
    taken: dict[str, str] = {}
    for kind, ids in given.items():
        for table in _CONTEXTS if kind in _CONTEXTS else (kind,):
            found = set(held(connection, SEED_DATASET, table, ids)) - written.get(table, set())
            for record_id in found:
                other = holder(connection, SEED_DATASET, table, record_id) or "another file"
                taken[_unique_key(kind, record_id)] = other
    meetings = set(held(connection, SEED_DATASET, "meeting", named)) - written.get("meeting", set())
    removed = written.get("meeting", set()) - given["meeting"]
    references = {
        name: [reference for reference in found if reference[1] in removed]
        for name, found in referring(connection, SEED_DATASET).items()
        if name not in read
    }
    named_ids = {value for tour_file in seed.tours.values() for value in _slugs(tour_file)}
    vocabularies = {
        kind: set(held(connection, SEED_DATASET, kind, named_ids))
        for kind in ("topic", "participant")
    }
    return Elsewhere(
        taken,
        meetings,
        {name: found for name, found in references.items() if found},
        vocabularies,
    )


def _slugs(value: Any) -> Iterator[str]:
    """Every string in a parsed file that could be an id (a topic's or participant's are
    slugs): what the checks may ask the database about, in one query per kind."""
    if isinstance(value, str):
        if _SLUG.fullmatch(value):
            yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _slugs(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _slugs(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _slugs(item)


def _records(model: BaseModel, kind: str = "") -> Iterator[tuple[str, Any]]:
    """Every record a tour file (or a record of it) gives, with its kind: the name of the
    field it is listed under, singular."""
    if kind:
        yield kind, model
    for name in type(model).model_fields:
        value = getattr(model, name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, BaseModel) and not isinstance(item, CitationIn | ClaimIn | CodeIn):
                yield from _records(item, name.removesuffix("s"))


def _meetings_named(record: Claimable) -> Iterator[str]:
    """The meetings a record's claims name as their value."""
    for claim in record.claims:
        if claim.property == "meeting":
            values = claim.value if isinstance(claim.value, list) else [claim.value]
            yield from (value for value in values if isinstance(value, str))


def _outward(references: list[Reference], part: DatasetRows) -> list[Reference]:
    """The references a part's records make to records of other parts."""
    own = {str(row["id"]) for row in part.records.get(Meeting, [])}
    return [reference for reference in references if reference[1] not in own]
