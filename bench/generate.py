"""A deterministic, realistic large data set written through the project's own schema.

The database is created by the project's migrations (`upgrade_to_head`), the real seed is
loaded (`load_seed`: the ISO countries and the Havana article), then generated visits are
added under their own dataset name, `bench`, with everything the read API embeds: meetings,
participants and their aliases, participations, agreements with parties and signatories,
topics, statements, tours, and a citation of a generated source on every record. Finally the
derived data (the full-text index, every record's stored documents, the list entries) is
built (`app.derived.refresh`), as every load builds it.

Two writers produce the same rows:
- `store` hands one `DatasetRows` to `app.store.write_dataset`, the project's generic writer.
  It holds every row in memory and diffs against the dataset, so it suits up to ~100k visits.
- `bulk` (the default) inserts the same rows, batch by batch, with `executemany` on a plain
  sqlite3 connection with foreign keys enforced; dataset and timestamps are filled exactly as
  `write_dataset` fills them. It is what makes 1M visits practical (measured in README.md).

Same `--visits` and `--seed`, same rows: ids, dates, names and texts come from one seeded RNG.

    .venv/bin/python -m bench.generate --visits 100000 --out bench/out/visits-100k.sqlite3
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import random
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Date, Table
from sqlmodel import SQLModel

from app.batch import paused_collector
from app.config import PROJECT_ROOT
from app.derived import EVERYTHING, refresh
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
from app.models.citation import CITED_COLUMNS
from app.models.claim import claim_id
from app.models.external_id import external_id_id
from app.pages import stored as stored_pages  # noqa: F401 (registered: the load makes the pages)
from app.seed import load_seed
from app.storage import create_write_engine, upgrade_to_head
from app.store import DatasetRows, table_of, write_dataset

# Bump when the generated rows change: bench/run.py regenerates its cached files then.
DATA_VERSION = 1
DATASET = "bench"
DEFAULT_SEED = 20230615
# One fixed load time, so the same arguments give the same rows (write_dataset's `now`).
LOADED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
LOADED_AT_SQL = "2026-01-01 00:00:00.000000"  # how SQLAlchemy stores LOADED_AT on SQLite
FIRST_YEAR, LAST_YEAR = 1950, 2025
BATCH_VISITS = 5_000

# The word the benchmark searches for; it appears in about 1% of generated visits' summaries.
SEARCH_WORD = "desalination"

# Countries that make and host most visits; every other country follows in a seeded order,
# with Zipf-like weights (rank ** -0.8) over 200 countries.
MAJOR_COUNTRIES = (
    "US", "CN", "RU", "FR", "GB", "DE", "IN", "JP", "TR", "IR",
    "BR", "SA", "EG", "ZA", "IT", "CA", "ID", "MX", "NG", "KR",
)  # fmt: skip
COUNTRY_COUNT = 200

TOPICS = (
    "agriculture", "artificial intelligence", "aviation", "banking", "biotechnology",
    "climate change", "counter-terrorism", "culture", "cybersecurity", "defence",
    "digital economy", "education", "energy", "environment", "fisheries", "food security",
    "health", "human rights", "infrastructure", "investment", "maritime security", "medicine",
    "migration", "mining", "nanotechnology", "nuclear energy", "oil and gas", "pharmaceuticals",
    "ports", "power plants", "railways", "renewable energy", "science", "space", "sport",
    "technology", "telecommunications", "tourism", "trade", "water",
)  # fmt: skip

GIVEN_NAMES = (
    "Ahmed", "Alexander", "Ali", "Amina", "Ana", "Andrés", "Angela", "Boris", "Carlos",
    "Chen", "Daniel", "David", "Elena", "Emmanuel", "Fatima", "François", "Hassan", "Hiroshi",
    "Ibrahim", "Ivan", "Jacinda", "James", "Jean", "John", "José", "Juan", "Julius", "Kenji",
    "Kwame", "Lars", "Li", "Luiz", "Maria", "Mohammed", "Narendra", "Nelson", "Olaf",
    "Olusegun", "Omar", "Park", "Pedro", "Raúl", "Recep", "Sergei", "Shinzo", "Sofia",
    "Thabo", "Vladimir", "Wang", "Xi", "Yuki", "Zhang",
)  # fmt: skip
SYLLABLES = (
    "ab", "al", "an", "ar", "ba", "bek", "da", "de", "di", "do", "el", "en", "fa", "ga",
    "ha", "hi", "ka", "ki", "ko", "la", "le", "lo", "ma", "me", "mi", "mo", "na", "ne",
    "no", "ov", "pa", "ra", "ri", "ro", "sa", "se", "si", "ta", "to", "va", "vi", "za",
)  # fmt: skip
TITLES = (
    "President", "Prime Minister", "Foreign Minister", "King", "Chancellor",
    "Minister of Trade", "Vice President", "Minister of Energy", "Minister of Defence",
)  # fmt: skip
VISIT_KINDS = (("official", 40), ("working", 30), ("state", 12), ("private", 3), (None, 15))
MEETING_KINDS = (
    ("bilateral_talks", 35), ("courtesy_call", 15), ("business_forum", 10),
    ("site_visit", 10), ("press_conference", 10), ("state_dinner", 8),
    ("parliament_address", 4), ("signing_ceremony", 0),  # signing ceremonies are added apart
)  # fmt: skip
MEETING_TITLES = {
    "bilateral_talks": "Talks between {visitor} and {host}",
    "courtesy_call": "{visitor} calls on {host}",
    "business_forum": "{visitor_country}–{host_country} business forum",
    "site_visit": "{visitor} visits {venue}",
    "press_conference": "Joint press conference of {visitor} and {host}",
    "state_dinner": "State dinner for {visitor}",
    "parliament_address": "{visitor} addresses the parliament of {host_country}",
    "signing_ceremony": "Signing ceremony in the presence of {visitor} and {host}",
}
VENUES = (
    "Presidential Palace", "Ministry of Foreign Affairs", "Palace of the Revolution",
    "National Assembly", "Chamber of Commerce", "Science Park", "Port Authority",
    "Vaccine Institute", "Energy Research Centre", "State Guest House", "University Hall",
)  # fmt: skip
MEETING_COUNTS = ((1, 25), (2, 30), (3, 25), (4, 12), (5, 5), (6, 3))
AGREEMENT_KINDS = (
    ("memorandum_of_understanding", 45), ("cooperation_document", 35),
    ("joint_declaration", 12), ("treaty", 3), ("joint_commission", 5),
)  # fmt: skip
PUBLISHERS = (
    "Tehran Times", "The Hindu", "Xinhua", "Reuters", "Associated Press", "Agence France-Presse",
    "TASS", "Al Jazeera", "BBC News", "Prensa Latina", "Anadolu Agency", "Kyodo News",
    "Yonhap", "Deutsche Welle", "EFE", "ANSA", "The Guardian", "Le Monde", "El País",
    "Office of the Historian", "Ministry of Foreign Affairs", "Presidential Press Service",
)  # fmt: skip
# Words for summaries, drawn with Zipf-like weights so a search finds a realistic spread.
VOCABULARY = (
    "cooperation", "relations", "investment", "trade", "security", "development", "partnership",
    "agreements", "projects", "regional", "stability", "economic", "strategic", "dialogue",
    "exchange", "joint", "ventures", "infrastructure", "sanctions", "integration", "growth",
    "vaccines", "universities", "students", "pipelines", "refineries", "corridor", "railway",
    "airline", "shipping", "fertiliser", "wheat", "grain", "textiles", "copper", "lithium",
    "satellites", "drones", "cyber", "pandemic", "refugees", "borders", "fisheries", "tariffs",
    "currency", "loans", "debt", "aid", "scholarships", "heritage", "museums", "football",
    "olympics", "hydropower", "solar", "wind", "geothermal", "uranium", "reactor", "telecoms",
    "broadband", "semiconductors", "automobiles", "tourism", "visas", "consulates", "embassies",
)  # fmt: skip


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


@dataclass
class Picker:
    """Weighted choice with precomputed cumulative weights (fast for millions of draws)."""

    values: Sequence[Any]
    cumulative: list[float]

    @classmethod
    def of(cls, pairs: Sequence[tuple[Any, float]]) -> Picker:
        """A picker over (value, weight) pairs."""
        return cls([v for v, _ in pairs], _cumulative([w for _, w in pairs]))

    def __call__(self, rng: random.Random) -> Any:
        """One value, drawn by weight."""
        index = bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        return self.values[min(index, len(self.values) - 1)]


def _of_visit(rows: list[dict[str, Any]], visit_id: str) -> list[dict[str, Any]]:
    """The last rows of a batch's meetings or agreements that belong to `visit_id`, in
    order (a visit's parts are written together, after it)."""
    found = list(itertools.takewhile(lambda row: row["visit_id"] == visit_id, reversed(rows)))
    return found[::-1]


def _slug(text: str) -> str:
    out = []
    for char in text.lower():
        if char.isascii() and char.isalnum():
            out.append(char)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


@dataclass
class Person:
    """A generated participant: who they are and when they were in office."""

    id: str
    name: str
    country: str
    title: str
    first_year: int
    last_year: int


@dataclass
class Batch:
    """Rows to write, by table: records first (in foreign-key order), then link rows."""

    records: dict[type[SQLModel], list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    links: dict[type[SQLModel], list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def size(self) -> int:
        """How many rows the batch holds."""
        return sum(map(len, self.records.values())) + sum(map(len, self.links.values()))


class Generator:
    """Builds the bench dataset, batch by batch, from one seeded RNG."""

    def __init__(
        self,
        visits: int,
        seed: int,
        countries: Sequence[tuple[str, str]],
        seeded_topics: Sequence[str] = (),
    ) -> None:
        self.visits = visits
        self.seeded_topics = set(seeded_topics)
        self.rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
        # Claims, external ids and event codes draw from their own generator, so that the
        # records above stay the same data with or without them.
        self.extra = random.Random(seed + 1)  # noqa: S311 - reproducible data, not secrets
        self.country_names = dict(countries)
        others = sorted(code for code, _ in countries if code not in MAJOR_COUNTRIES)
        self.rng.shuffle(others)
        ranked = [c for c in MAJOR_COUNTRIES if c in self.country_names] + others
        ranked = ranked[:COUNTRY_COUNT]
        self.country = Picker.of([(code, (rank + 1) ** -0.8) for rank, code in enumerate(ranked)])
        years = range(FIRST_YEAR, LAST_YEAR + 1)  # later years weigh more: more diplomacy
        self.year = Picker.of([(y, 1 + (y - FIRST_YEAR) * 0.1) for y in years])
        self.cities = {code: self._cities() for code in ranked}
        self.visit_kind = Picker.of(VISIT_KINDS)
        self.meeting_kind = Picker.of(MEETING_KINDS)
        self.meeting_count = Picker.of(MEETING_COUNTS)
        self.agreement_kind = Picker.of(AGREEMENT_KINDS)
        self.word = Picker.of([(w, (i + 1) ** -0.7) for i, w in enumerate(VOCABULARY)])
        self.topic_ids = [_slug(t) for t in TOPICS]
        self.topic = Picker.of([(t, (i % 7) + 1) for i, t in enumerate(self.topic_ids)])
        self.active: dict[tuple[str, int], list[Person]] = defaultdict(list)
        self.by_country: dict[str, list[Person]] = defaultdict(list)
        self.sources_by_year: dict[int, list[str]] = defaultdict(list)
        self.all_sources: list[str] = []

    def _cities(self) -> Picker:
        """Four city names; the first (the capital) gets most visits."""
        names = [self._word(2, 3).capitalize() for _ in range(4)]
        return Picker.of(list(zip(names, (70, 12, 10, 8), strict=True)))

    def _word(self, low: int, high: int) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(low, high)))

    # ---- vocabularies: sources, topics, participants ----

    def vocabularies(self) -> Batch:
        """Sources, topics and participants (with aliases), before any visit."""
        batch = Batch()
        rng = self.rng
        for topic_id, name in zip(self.topic_ids, TOPICS, strict=True):
            if topic_id not in self.seeded_topics:  # the seed's own topics are shared
                batch.records[Topic].append({"id": topic_id, "name": name})
        for index in range(max(60, self.visits // 10)):
            year = self.year(rng)
            published = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
            publisher = rng.choice(PUBLISHERS)
            source_id = f"src-{year}-{index:07d}"
            kind = "news_article" if rng.random() < 0.8 else "official_record"
            batch.records[Source].append(
                {
                    "id": source_id,
                    "kind": kind,
                    "title": f"{publisher}: report {index} on diplomatic visits",
                    "publisher": publisher,
                    "published_on": published,
                    "dateline": None,
                    "url": f"https://example.org/{_slug(publisher)}/{source_id}",
                    "language": "en",
                    "license": None,
                    "text": None,
                }
            )
            self.sources_by_year[year].append(source_id)
            self.all_sources.append(source_id)
        for index in range(max(COUNTRY_COUNT * 3, self.visits // 8)):
            self._person(batch, index)
        for code in self.cities:  # every country has someone in office in every year
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                if not self.active[code, year]:
                    self.active[code, year].append(rng.choice(self.by_country[code]))
        return batch

    def _person(self, batch: Batch, index: int) -> None:
        rng = self.rng
        # The first people are spread over all countries so each has a few; then by weight.
        code = list(self.cities)[index % len(self.cities)] if index < COUNTRY_COUNT * 3 else None
        code = code or self.country(rng)
        given = rng.choice(GIVEN_NAMES)
        surname = self._word(2, 3).capitalize()
        name = f"{given} {surname}"
        person_id = f"{_slug(name)}-{index:x}"
        first = self.year(rng) - rng.randrange(6)
        person = Person(
            person_id, name, code, rng.choice(TITLES), first, first + rng.randint(3, 12)
        )
        self.by_country[code].append(person)
        for year in range(max(first, FIRST_YEAR), min(person.last_year, LAST_YEAR) + 1):
            self.active[code, year].append(person)
        group = rng.random() < 0.03
        batch.records[Participant].append(
            {
                "id": person_id,
                "name": f"{self.country_names[code]} business delegation {index}"
                if group
                else name,
                "kind": "group" if group else "person",
                "country_code": code,
                "description": None,
                "wikidata_id": f"Q{1_000_000 + index}" if rng.random() < 0.3 else None,
            }
        )
        wikidata = batch.records[Participant][-1]["wikidata_id"]
        if wikidata is not None:
            self._external_id(batch, person_id, "wikidata", wikidata)
        if rng.random() < 0.3:  # transliterations: Raisi / Raeisi
            variants = {
                f"{given} {surname.replace('i', 'ee', 1)}",
                f"{given} {surname.replace('a', 'ah', 1)}",
                f"{given[0]}. {surname}",
            } - {name}
            for alias in sorted(variants)[: rng.randint(1, 2)]:
                batch.links[ParticipantAlias].append({"participant_id": person_id, "alias": alias})

    # ---- visits and everything that hangs from them ----

    def batches(self) -> Iterator[Batch]:
        """Visits with their parts, BATCH_VISITS at a time (tours never span two batches)."""
        made = 0
        while made < self.visits:
            batch = Batch()
            target = min(self.visits, made + BATCH_VISITS)
            while made < target:
                legs = 1
                if self.rng.random() < 0.05:
                    legs = min(self.rng.randint(2, 4), target - made)
                made += self._trip(batch, made, legs)
            yield batch

    def _cite(
        self, batch: Batch, subject: str, subject_id: str, year: int | None, what: str
    ) -> None:
        rng = self.rng
        for k in range(1 if rng.random() < 0.8 else 2):
            pool = self.sources_by_year.get(year or 0) or self.all_sources
            batch.records[Citation].append(
                {
                    "id": f"{subject}:{subject_id}:{k}",
                    "source_id": rng.choice(pool),
                    "quote": None,
                    "note": f"Reports {what}.",
                    **dict.fromkeys(CITED_COLUMNS),
                    f"{subject}_id": subject_id,
                }
            )

    def _extra_cite(self, batch: Batch, column: str, subject_id: str, what: str) -> None:
        batch.records[Citation].append(
            {
                "id": f"{column}:{subject_id}",
                "source_id": self.extra.choice(self.all_sources),
                "quote": None,
                "note": f"Reports {what}.",
                **dict.fromkeys(CITED_COLUMNS),
                column: subject_id,
            }
        )

    def _external_id(self, batch: Batch, person_id: str, scheme: str, value: str) -> None:
        record_id = external_id_id(person_id, scheme, value)
        batch.records[ExternalId].append(
            {"id": record_id, "participant_id": person_id, "scheme": scheme, "value": value}
        )
        self._extra_cite(batch, "external_id_id", record_id, f"the {scheme} id {value}")

    def _claims(self, batch: Batch, subject: str, subject_id: str, name: str, values: Any) -> None:
        """Claims of `values` (value, rank, qualifiers) about one record's property."""
        for value, rank, qualifiers in values:
            record_id = claim_id(subject, subject_id, name, value, qualifiers)
            batch.records[Claim].append(
                {
                    "id": record_id,
                    "subject_type": subject,
                    "subject_id": subject_id,
                    "property": name,
                    "value": json.dumps(value, ensure_ascii=False, sort_keys=True),
                    "rank": rank,
                    "qualifiers": None
                    if qualifiers is None
                    else json.dumps(qualifiers, ensure_ascii=False, sort_keys=True),
                }
            )
            self._extra_cite(batch, "claim_id", record_id, f"{name} as {value}")

    def _disputes(self, batch: Batch) -> None:
        """Now and then, sources that disagree about the last visit (its host, one settled
        by a preferred claim) or its agreements (their count, left disputed), and a source's
        own CAMEO code for one of its meetings."""
        extra = self.extra
        visit = batch.records[Visit][-1]
        if extra.random() < 0.02:
            host = visit["host_country_code"]
            self._claims(
                batch,
                "visit",
                visit["id"],
                "host_country",
                [(host, "preferred", None), (host, "normal", {"historian_label": "other"})],
            )
        for agreement in _of_visit(batch.records[Agreement], visit["id"]):
            if agreement["count"] is not None and extra.random() < 0.05:
                count = agreement["count"]
                self._claims(
                    batch,
                    "agreement",
                    agreement["id"],
                    "count",
                    [(count, "normal", None), (count + 1, "normal", None)],
                )
        for meeting in _of_visit(batch.records[Meeting], visit["id"]):
            if extra.random() < 0.01:
                record_id = f"meeting:{meeting['id']}:cameo:046"
                batch.records[EventCode].append(
                    {
                        "id": record_id,
                        "subject_type": "meeting",
                        "subject_id": meeting["id"],
                        "scheme": "cameo",
                        "code": "046",
                        "mode": None,
                    }
                )
                self._extra_cite(batch, "event_code_id", record_id, "negotiations")

    def _trip(self, batch: Batch, index: int, legs: int) -> int:
        rng = self.rng
        visitor_country = self.country(rng)
        year = self.year(rng)
        visitor = rng.choice(self.active[visitor_country, year])
        dated = rng.random() > 0.02
        start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365 - 5 * legs))
        tour_id = None
        if legs > 1:
            tour_id = f"tour-{year}-{_slug(visitor.name)}-{index:x}"
            hosts = []
        for leg in range(1, legs + 1):
            host = self.country(rng)
            while host == visitor_country:
                host = self.country(rng)
            days = rng.choice((0, 1, 1, 2, 2, 3, 4))
            visit_start = start if dated else None
            visit_end = start + dt.timedelta(days=days) if dated and rng.random() < 0.9 else None
            self._visit(batch, index + leg - 1, visitor, host, visit_start, visit_end, tour_id, leg)
            self._disputes(batch)
            if tour_id is not None:
                hosts.append(self.country_names[host])
            start += dt.timedelta(days=days + 1)
        if tour_id is not None:
            batch.records[Tour].append(
                {
                    "id": tour_id,
                    "name": f"{visitor.name}'s {legs}-nation tour ({', '.join(hosts)})",
                    "principal_id": visitor.id,
                    "start_date": batch.records[Visit][-legs]["start_date"],
                    "end_date": batch.records[Visit][-1]["end_date"],
                    "summary": f"{visitor.title} {visitor.name} toured {', '.join(hosts)}.",
                }
            )
            self._cite(batch, "tour", tour_id, year, f"the tour of {visitor.name}")
        return legs

    def _visit(
        self,
        batch: Batch,
        index: int,
        visitor: Person,
        host: str,
        start: dt.date | None,
        end: dt.date | None,
        tour_id: str | None,
        leg: int,
    ) -> None:
        rng = self.rng
        year = start.year if start else None
        host_name = self.country_names[host]
        month = start.strftime("%Y-%m") if start else "undated"
        visit_id = f"{month}-{_slug(visitor.name)}-{_slug(host_name)}-{index:x}"
        city = self.cities[host](rng)
        kind = self.visit_kind(rng)
        topics = sorted({self.topic(rng) for _ in range(rng.randint(1, 3))})
        words = sorted({self.word(rng) for _ in range(3)})
        if rng.random() < 0.01:
            words.append(SEARCH_WORD)
        summary = (
            f"{visitor.title} {visitor.name} held talks in {city} on "
            f"{' and '.join(t.replace('-', ' ') for t in topics)}; "
            f"the sides discussed {', '.join(words)}."
        )
        batch.records[Visit].append(
            {
                "id": visit_id,
                "tour_id": tour_id,
                "leg": leg if tour_id else None,
                "visitor_id": visitor.id,
                "visitor_country_code": visitor.country,
                "host_country_code": host,
                "city": city,
                "start_date": start,
                "end_date": end,
                "kind": kind,
                "summary": summary,
            }
        )
        what = f"the visit of {visitor.name} to {host_name}"
        self._cite(batch, "visit", visit_id, year, what)
        for topic in topics:
            batch.links[VisitTopic].append({"visit_id": visit_id, "topic_id": topic})
        self._participation(batch, visit_id, None, visitor, "visitor", year, what)

        in_office = self.active[host, year if year else rng.randrange(FIRST_YEAR, LAST_YEAR)]
        host_person = rng.choice(in_office)
        span = (end - start).days if start and end else 0
        kinds = [self.meeting_kind(rng) for _ in range(self.meeting_count(rng))]
        signing = rng.random() < 0.3
        if signing:
            kinds.append("signing_ceremony")
        meeting_ids: dict[str, list[str]] = {}
        for number, meeting_kind in enumerate(kinds, start=1):
            meeting_id = f"{visit_id}-m{number}"
            venue = rng.choice(VENUES)
            date = start + dt.timedelta(days=rng.randint(0, span)) if start else None
            title = MEETING_TITLES[meeting_kind].format(
                visitor=visitor.name,
                host=host_person.name,
                venue=venue,
                visitor_country=self.country_names[visitor.country],
                host_country=host_name,
            )
            meeting_topics = sorted({self.topic(rng) for _ in range(rng.randint(0, 2))})
            batch.records[Meeting].append(
                {
                    "id": meeting_id,
                    "visit_id": visit_id,
                    "kind": meeting_kind,
                    "title": title,
                    "date": date,
                    "venue": venue,
                    "city": city,
                    "summary": f"The sides discussed {self.word(rng)} and {self.word(rng)}.",
                }
            )
            self._cite(batch, "meeting", meeting_id, year, title.lower())
            for topic in meeting_topics:
                batch.links[MeetingTopic].append({"meeting_id": meeting_id, "topic_id": topic})
            people = [(visitor, "guest"), (host_person, "host")]
            for _ in range(rng.choice((0, 0, 1, 2))):
                side = host if rng.random() < 0.5 else visitor.country
                other = rng.choice(self.active[side, year or FIRST_YEAR])
                if all(other.id != p.id for p, _ in people):
                    people.append((other, "attendee"))
            meeting_ids[meeting_id] = [
                self._participation(batch, visit_id, meeting_id, person, role, year, title)
                for person, role in people
            ]
        if signing:
            self._agreements(batch, visit_id, f"{visit_id}-m{len(kinds)}", meeting_ids, start)
        elif rng.random() < 0.08:
            self._agreements(batch, visit_id, None, meeting_ids, start)
        for number in range(rng.choice((0, 0, 0, 1, 1, 2))):
            speaker = visitor if rng.random() < 0.6 else host_person
            meeting = rng.choice([*meeting_ids, None])
            statement_id = f"{visit_id}-s{number + 1}"
            batch.records[Statement].append(
                {
                    "id": statement_id,
                    "speaker_id": speaker.id,
                    "visit_id": visit_id,
                    "meeting_id": meeting,
                    "text": f"Relations between our countries are at their highest level; "
                    f"we will deepen {self.word(rng)} and {self.word(rng)}.",
                    "kind": "direct_quote" if rng.random() < 0.6 else "paraphrase",
                    "channel": "Twitter post" if rng.random() < 0.15 else None,
                }
            )
            self._cite(batch, "statement", statement_id, year, f"a statement by {speaker.name}")

    def _participation(
        self,
        batch: Batch,
        visit_id: str,
        meeting_id: str | None,
        person: Person,
        role: str,
        year: int | None,
        what: str,
    ) -> str:
        part_id = f"{meeting_id or visit_id}:{person.id}"
        batch.records[Participation].append(
            {
                "id": part_id,
                "participant_id": person.id,
                "visit_id": visit_id,
                "meeting_id": meeting_id,
                "role": role,
                "title": person.title,
            }
        )
        self._cite(batch, "participation", part_id, year, f"{person.name} at {what}")
        return part_id

    def _agreements(
        self,
        batch: Batch,
        visit_id: str,
        meeting_id: str | None,
        meetings: dict[str, list[str]],
        signed_on: dt.date | None,
    ) -> None:
        rng = self.rng
        visit = batch.records[Visit][-1]
        parties = sorted({visit["visitor_country_code"], visit["host_country_code"]})
        for number in range(1, (rng.randint(1, 3) if meeting_id else 1) + 1):
            agreement_id = f"{visit_id}-a{number}"
            kind = self.agreement_kind(rng) if meeting_id else "joint_commission"
            topics = sorted({self.topic(rng) for _ in range(rng.randint(1, 2))})
            label = kind.replace("_", " ")
            title = f"{label.capitalize()} on {topics[0].replace('-', ' ')}"
            batch.records[Agreement].append(
                {
                    "id": agreement_id,
                    "visit_id": visit_id,
                    "meeting_id": meeting_id,
                    "kind": kind,
                    "title": title if rng.random() < 0.9 else None,
                    "count": rng.randint(2, 6) if kind == "cooperation_document" else 1,
                    "status": "signed" if meeting_id else "agreed",
                    "signed_on": signed_on if meeting_id else None,
                    "summary": f"Covers {', '.join(t.replace('-', ' ') for t in topics)}.",
                }
            )
            year = signed_on.year if signed_on else None
            self._cite(batch, "agreement", agreement_id, year, f"the {label} signed")
            for code in parties:
                batch.links[AgreementParty].append(
                    {"agreement_id": agreement_id, "country_code": code}
                )
            for topic in topics:
                batch.links[AgreementTopic].append(
                    {"agreement_id": agreement_id, "topic_id": topic}
                )
            if meeting_id is not None:
                for part_id in meetings[meeting_id][:2]:
                    batch.links[AgreementSignatory].append(
                        {"agreement_id": agreement_id, "participation_id": part_id}
                    )


# ---- writers ----

RECORD_ORDER = (Source, Topic, Participant, Tour, Visit, Meeting, Participation, Agreement,
                Statement, Claim, ExternalId, EventCode, Citation)  # fmt: skip
LINK_ORDER = (ParticipantAlias, VisitTopic, MeetingTopic, AgreementTopic, AgreementParty,
              AgreementSignatory)  # fmt: skip


class BulkWriter:
    """executemany on one sqlite3 connection, foreign keys enforced, rows as write_dataset does."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        for pragma in (
            "foreign_keys = ON",
            "synchronous = OFF",
            "cache_size = -1000000",
            "temp_store = MEMORY",
        ):
            self.connection.execute(f"PRAGMA {pragma}")
        self.statements: dict[type[SQLModel], tuple[str, list[str], list[int]]] = {}
        self.indexes: list[tuple[str, str]] = []

    def drop_indexes(self) -> None:
        """Drop the secondary indexes of the tables written (rebuilt by `restore_indexes`).

        Building an index once over sorted keys is several times faster than updating it
        for each of millions of rows in random key order; primary keys stay, so foreign keys
        are still checked on every insert.
        """
        tables = [table_of(model).name for model in (*RECORD_ORDER, *LINK_ORDER)]
        self.indexes = self.connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join('?' for _ in tables)}) ORDER BY name",
            tables,
        ).fetchall()
        for name, _ in self.indexes:
            self.connection.execute(f'DROP INDEX "{name}"')

    def restore_indexes(self) -> None:
        """Create again, with the migrations' own SQL, every index `drop_indexes` dropped."""
        for _, sql in self.indexes:
            self.connection.execute(sql)
        self.indexes = []

    def _statement(self, model: type[SQLModel]) -> tuple[str, list[str], list[int]]:
        if model not in self.statements:
            table: Table = table_of(model)
            columns = [c.name for c in table.columns]
            dates = [i for i, c in enumerate(table.columns) if isinstance(c.type, Date)]
            sql = (
                f"INSERT INTO {table.name} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})"
            )
            self.statements[model] = (sql, columns, dates)
        return self.statements[model]

    def write(self, batch: Batch) -> None:
        """Insert one batch in one transaction."""
        stamps = {"dataset": DATASET, "created_at": LOADED_AT_SQL, "updated_at": LOADED_AT_SQL}
        self.connection.execute("BEGIN")
        for model in (*RECORD_ORDER, *LINK_ORDER):
            rows = batch.records.get(model) or batch.links.get(model)
            if not rows:
                continue
            sql, columns, dates = self._statement(model)
            values = []
            for row in rows:
                full = {**stamps, **row} if model in RECORD_ORDER else row
                value = [full.get(c) for c in columns]
                for i in dates:
                    if value[i] is not None:
                        value[i] = value[i].isoformat()
                values.append(value)
            self.connection.executemany(sql, values)
        self.connection.execute("COMMIT")

    def bump_data_version(self) -> None:
        """Move the data version as write_dataset does (ETags change with it), if it exists."""
        tables = {name for (name,) in self.connection.execute("SELECT name FROM sqlite_master")}
        if "data_version" in tables:
            self.connection.execute(
                "UPDATE data_version SET version = version + 1, changed_at = ? WHERE id = 1",
                (LOADED_AT_SQL,),
            )

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def _read(path: Path, sql: str) -> list[Any]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def _log(message: str, started: float) -> None:
    print(f"[{time.monotonic() - started:7.1f}s] {message}", file=sys.stderr, flush=True)


@paused_collector  # run as the command line's loads run
def generate(
    path: Path, visits: int, seed: int = DEFAULT_SEED, writer: str = "bulk", quiet: bool = False
) -> Path:
    """Create `path` (replacing it) with the schema, the seed and `visits` generated visits."""
    started = time.monotonic()

    def say(message: str) -> None:
        if not quiet:
            _log(message, started)

    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    engine = create_write_engine(url)
    with engine.begin() as connection:
        load_seed(connection, PROJECT_ROOT / "seed_data")
    say("migrated and seeded")

    generator = Generator(
        visits,
        seed,
        _read(path, "SELECT code, name FROM country ORDER BY code"),
        [topic_id for (topic_id,) in _read(path, "SELECT id FROM topic")],
    )
    vocabularies = generator.vocabularies()
    rows = 0
    if writer == "store":
        dataset = DatasetRows(DATASET)
        for batch in itertools.chain([vocabularies], generator.batches()):
            rows += batch.size()
            for model, records in batch.records.items():
                dataset.records.setdefault(model, []).extend(records)
            for model, links in batch.links.items():
                dataset.links.setdefault(model, []).extend(links)
        say(f"generated {rows:,} rows")
        with engine.begin() as connection:
            write_dataset(connection, dataset, now=LOADED_AT)
    else:
        bulk = BulkWriter(path)
        try:
            bulk.drop_indexes()
            for batch in itertools.chain([vocabularies], generator.batches()):
                bulk.write(batch)
                rows += batch.size()
            say(f"inserted {rows:,} rows")
            bulk.restore_indexes()
            bulk.bump_data_version()
        finally:
            bulk.close()
    say(f"wrote {rows:,} rows ({writer})")
    with engine.begin() as connection:
        refresh(connection, EVERYTHING)
    engine.dispose()
    say("built the derived data (search index, stored documents, list entries)")
    with closing(sqlite3.connect(path)) as checkpoint:
        # A clean file: everything in the main database file, so read-only and immutable
        # openers (our server, Datasette -i) see the same bytes.
        checkpoint.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    say(f"done: {path} ({path.stat().st_size / 1e6:,.0f} MB)")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: generate one file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=100_000, help="visits to generate")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="RNG seed")
    parser.add_argument("--writer", choices=("bulk", "store"), default="bulk")
    parser.add_argument("--out", type=Path, required=True, help="SQLite file to (re)create")
    args = parser.parse_args(argv)
    generate(args.out, args.visits, args.seed, args.writer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
