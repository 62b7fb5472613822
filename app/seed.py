"""The seed loader: validate every seed file first, then write them in one transaction.

Layout of `seed_data/`:
- `sources.yaml`: the documents cited; `text_file` points to the text where it is held;
- `topics.yaml`, `participants.yaml`: vocabularies shared by every tour file;
- `tours/*.yaml`: one file per tour (or single visit) with its visits, meetings,
  participations, statements and agreements, each carrying its citations.

Validation names the file, the record and the field of every problem; nothing is written
unless everything is valid. Loading the same files twice leaves the database unchanged.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Self, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from sqlalchemy import Connection

from app.countries import lookup_country
from app.derived import EVERYTHING, refresh
from app.models import (
    Agreement,
    AgreementParty,
    AgreementSignatory,
    AgreementTopic,
    Citation,
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
from app.store import DatasetRows, SyncReport, country_rows, participation_id, write_dataset

SEED_DATASET = "seed"

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=200)]
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


class SourceIn(Strict):
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


class TopicIn(Strict):
    """A field of cooperation."""

    id: Slug
    name: Text


class ParticipantIn(Strict):
    """A person or named group; `name` stays null when the sources do not name them."""

    id: Slug
    name: Text | None = None
    kind: Literal["person", "group"] = "person"
    aliases: list[Text] = []
    country: CountryCodeIn | None = None
    description: str | None = None
    wikidata_id: Annotated[str, StringConstraints(pattern=r"^Q[0-9]+$")] | None = None

    @model_validator(mode="after")
    def _named_or_described(self) -> Self:
        if self.name is None and not self.description:
            raise ValueError("an unnamed participant needs a description")
        return self


Role = Literal["visitor", "host", "guest", "attendee", "signatory", "witness", "delegate"]


class ParticipationIn(Strict):
    """A participant's part in a meeting, with the title held at the time."""

    participant: Slug
    role: Role
    title: Text | None = None
    citations: Citations


class StatementIn(Strict):
    """What someone said; `text` is the source's own words, checked against its text."""

    id: Slug
    speaker: Slug
    source: Slug
    kind: Literal["direct_quote", "paraphrase"]
    channel: str | None = None
    text: Text


class MeetingIn(Strict):
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
    participants: list[ParticipationIn] = []
    statements: list[StatementIn] = []


class AgreementIn(Strict):
    """Instruments signed or agreed during a visit."""

    id: Slug
    kind: Literal[
        "cooperation_document",
        "memorandum_of_understanding",
        "joint_commission",
        "treaty",
        "joint_declaration",
        "other",
    ]
    title: Text | None = None
    count: Annotated[int, Field(ge=1)] = 1
    status: Literal["signed", "agreed"]
    signed_on: dt.date | None = None
    meeting: Slug | None = None
    parties: list[CountryCodeIn] = []
    signatories: list[Slug] = []
    topics: list[Slug] = []
    summary: str | None = None
    citations: Citations


class VisitIn(Strict):
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


class TourIn(Strict):
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


def _read_yaml(root: Path, relative: str) -> Any:
    path = root / relative
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeedError(relative, "-", "-", "file not found") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise SeedError(relative, "-", "-", f"not valid YAML: {error}") from None


def _record_name(data: Any, location: tuple[int | str, ...]) -> tuple[str, str]:
    """The innermost record (`kind id`) on a validation error's path, and the field within it."""
    record, field_start = "-", 0
    node = data
    for depth, step in enumerate(location):
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "id" in node:
            parent = location[depth - 1] if depth and isinstance(step, int) else step
            record, field_start = f"{str(parent).rstrip('s')} {node['id']}", depth + 1
    field = ""
    for step in location[field_start:]:
        field += f"[{step}]" if isinstance(step, int) else f".{step}"
    return record, field.lstrip(".") or "-"


M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], data: Any, file: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        record, field = _record_name(data, tuple(first["loc"]))
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SeedError(file, record, field, message) from None


def read_seed(root: Path) -> SeedFiles:
    """Parse and schema-check every seed file under `root`."""
    sources_data = _read_yaml(root, "sources.yaml")
    sources = [_parse(SourceIn, item, "sources.yaml") for item in sources_data or []]
    texts: dict[str, str] = {}
    for source in sources:
        if source.text_file:
            try:
                texts[source.id] = (root / source.text_file).read_text(encoding="utf-8")
            except FileNotFoundError:
                raise SeedError(
                    "sources.yaml", f"source {source.id}", "text_file", "file not found"
                ) from None
    topics = [_parse(TopicIn, item, "topics.yaml") for item in _read_yaml(root, "topics.yaml")]
    participants = [
        _parse(ParticipantIn, item, "participants.yaml")
        for item in _read_yaml(root, "participants.yaml")
    ]
    tours = {}
    for path in sorted((root / "tours").glob("*.yaml")):
        relative = str(path.relative_to(root))
        tours[relative] = _parse(TourFile, _read_yaml(root, relative), relative)
    return SeedFiles(root, sources, texts, topics, participants, tours)


def citation_id(subject_type: str, subject_id: str, citation: CitationIn) -> str:
    """A stable id from what the citation says, so reordering citations keeps their ids."""
    digest = hashlib.sha256(
        f"{citation.source}\n{citation.quote or ''}\n{citation.note or ''}".encode()
    ).hexdigest()[:10]
    return f"{subject_type}:{subject_id}:{digest}"


class _Checker:
    """Cross-record checks: references resolve, ids are unique, quotes are verbatim."""

    def __init__(self, seed: SeedFiles) -> None:
        self.seed = seed
        self.sources = {s.id: s for s in seed.sources}
        self.topics = {t.id for t in seed.topics}
        self.participants = {p.id for p in seed.participants}
        self.seen: dict[str, str] = {}
        self.file = ""

    def fail(self, record: str, field: str, message: str) -> None:
        raise SeedError(self.file, record, field, message)

    def unique(self, kind: str, record_id: str) -> None:
        key = f"{kind}:{record_id}"
        if key in self.seen:
            self.fail(f"{kind} {record_id}", "id", f"duplicate id (also in {self.seen[key]})")
        self.seen[key] = self.file

    def country(self, record: str, field: str, code: str) -> str:
        try:
            return _country(code)
        except ValueError as error:
            self.fail(record, field, str(error))
            raise

    def refs(self, record: str, field: str, ids: list[str], known: set[str], what: str) -> None:
        for index, value in enumerate(ids):
            if value not in known:
                self.fail(record, f"{field}[{index}]", f"unknown {what} {value!r}")

    def citations(self, record: str, citations: list[CitationIn]) -> None:
        for index, citation in enumerate(citations):
            field = f"citations[{index}]"
            source = self.sources.get(citation.source)
            if source is None:
                self.fail(record, f"{field}.source", f"unknown source {citation.source!r}")
                continue
            held = self.seed.source_texts.get(citation.source)
            if citation.quote is not None:
                if held is None:
                    self.fail(record, f"{field}.quote", "quotes need the source text; use a note")
                elif citation.quote not in held:
                    self.fail(record, f"{field}.quote", "quote not found verbatim in the source")

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


def _check(seed: SeedFiles) -> None:
    checker = _Checker(seed)
    checker.file = "sources.yaml"
    for source in seed.sources:
        checker.unique("source", source.id)
    checker.file = "topics.yaml"
    for topic in seed.topics:
        checker.unique("topic", topic.id)
    checker.file = "participants.yaml"
    for participant in seed.participants:
        checker.unique("participant", participant.id)
        if participant.country:
            checker.country(f"participant {participant.id}", "country", participant.country)

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
        legs: set[int] = set()
        for visit in tour_file.visits:
            name = f"visit {visit.id}"
            checker.unique("visit", visit.id)
            checker.refs(name, "visitor", [visit.visitor], checker.participants, "participant")
            checker.country(name, "visitor_country", visit.visitor_country)
            checker.country(name, "host_country", visit.host_country)
            checker.refs(name, "topics", visit.topics, checker.topics, "topic")
            checker.citations(name, visit.citations)
            if visit.leg is not None:
                if tour is None:
                    checker.fail(name, "leg", "a leg needs a tour in the same file")
                if visit.leg in legs:
                    checker.fail(name, "leg", f"leg {visit.leg} is given twice")
                legs.add(visit.leg)
            meeting_people: dict[str, set[str]] = {}
            for meeting in visit.meetings:
                mname = f"meeting {meeting.id}"
                checker.unique("meeting", meeting.id)
                checker.refs(mname, "topics", meeting.topics, checker.topics, "topic")
                checker.citations(mname, meeting.citations)
                if meeting.date and visit.start_date and meeting.date < visit.start_date:
                    checker.fail(mname, "date", "before the visit's start_date")
                if meeting.date and visit.end_date and meeting.date > visit.end_date:
                    checker.fail(mname, "date", "after the visit's end_date")
                people = meeting_people.setdefault(meeting.id, set())
                for index, part in enumerate(meeting.participants):
                    pname = f"{mname} participant {part.participant}"
                    if part.participant not in checker.participants:
                        checker.fail(
                            mname,
                            f"participants[{index}].participant",
                            f"unknown participant {part.participant!r}",
                        )
                    if part.participant in people:
                        checker.fail(mname, f"participants[{index}]", "participant listed twice")
                    people.add(part.participant)
                    checker.citations(pname, part.citations)
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
                for index, party in enumerate(agreement.parties):
                    checker.country(aname, f"parties[{index}]", party)
                if agreement.meeting is not None and agreement.meeting not in meeting_people:
                    checker.fail(
                        aname, "meeting", f"no meeting {agreement.meeting!r} in this visit"
                    )
                for index, signatory in enumerate(agreement.signatories):
                    if agreement.meeting is None:
                        checker.fail(
                            aname, "signatories", "signatories need the agreement's meeting"
                        )
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
                **{
                    f"{kind}_id": None
                    for kind in (
                        "tour",
                        "visit",
                        "meeting",
                        "agreement",
                        "participation",
                        "statement",
                    )
                },
                f"{subject_type}_id": subject_id,
            },
        )


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


def build_rows(seed: SeedFiles) -> DatasetRows:
    """Every row the seed stands for, with stable ids."""
    rows = DatasetRows(SEED_DATASET)
    for source in seed.sources:
        row = source.model_dump(exclude={"text_file"})
        rows.add(Source, {**row, "text": seed.source_texts.get(source.id)})
    for topic in seed.topics:
        rows.add(Topic, topic.model_dump())
    for participant in seed.participants:
        rows.add(
            Participant,
            {
                "id": participant.id,
                "name": participant.name,
                "kind": participant.kind,
                "country_code": _country(participant.country) if participant.country else None,
                "description": participant.description,
                "wikidata_id": participant.wikidata_id,
            },
        )
        for alias in dict.fromkeys(participant.aliases):
            rows.link(ParticipantAlias, {"participant_id": participant.id, "alias": alias})

    for tour_file in seed.tours.values():
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
        for visit in tour_file.visits:
            _visit_rows(rows, visit, tour.id if tour else None)
    return rows


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
        for topic in meeting.topics:
            rows.link(MeetingTopic, {"meeting_id": meeting.id, "topic_id": topic})
        for part in meeting.participants:
            part_id = participation_id(meeting.id, part.participant)
            rows.add(
                Participation,
                {
                    "id": part_id,
                    "participant_id": part.participant,
                    "visit_id": visit.id,
                    "meeting_id": meeting.id,
                    "role": part.role,
                    "title": part.title,
                },
            )
            _add_citations(rows, "participation", part_id, part.citations)
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
    """Validate the seed under `root`, then write it and the countries in the open transaction."""
    rows = validate_seed(root)
    write_dataset(connection, country_rows())
    report = write_dataset(connection, rows)
    refresh(connection, EVERYTHING)
    return report
