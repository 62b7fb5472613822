"""Print a visit (the Havana visit by default) with its meetings, agreements and citations.

    python examples/havana_visit.py [VISIT_ID] [--base-url URL]

Every meeting and agreement line ends with the numbers of the citations that support it;
the citations follow, each with its source and the source's exact words.
"""

import argparse
import sys
from datetime import date

from _common import parser, run, span

from diplomatic_visits_client import DiplomaticVisitsClient
from diplomatic_visits_client.models import AgreementDetail, CitationPublic, ParticipationPublic

HAVANA_VISIT = "2023-06-raisi-cuba"


class Citations:
    """Numbers citations in the order they are first referred to; the same words, once."""

    def __init__(self) -> None:
        self.numbered: dict[tuple[str, str | None, str | None], int] = {}
        self.cited: list[CitationPublic] = []

    def refs(self, citations: list[CitationPublic]) -> str:
        """`[1][2]` for these citations, numbering any new one."""
        marks = []
        for citation in citations:
            key = (citation.source.id, citation.quote, citation.note)
            if key not in self.numbered:
                self.cited.append(citation)
                self.numbered[key] = len(self.cited)
            marks.append(f"[{self.numbered[key]}]")
        return "".join(marks)

    def lines(self) -> list[str]:
        """The citations (the source's exact words, or a note where its text is not held),
        then the sources they come from."""
        sources = {citation.source.id: citation.source for citation in self.cited}
        publishers = [source.publisher for source in sources.values()]
        labels = {
            source.id: source.publisher
            if publishers.count(source.publisher) == 1
            else f"{source.publisher} ({source.id})"
            for source in sources.values()
        }
        lines = [f"Citations ({len(self.cited)})"]
        for number, citation in enumerate(self.cited, start=1):
            words = f"“{citation.quote}”" if citation.quote else f"(note) {citation.note}"
            lines.append(f"  [{number}] {labels[citation.source.id]}: {words}")
        lines.append(f"\nSources ({len(sources)})")
        for source in sources.values():
            url = f" <{source.url}>" if source.url else ""
            lines.append(f"  {labels[source.id]}: {source.title}{url}")
        return lines


def who(part: ParticipationPublic) -> str:
    """A signatory's name, or how the source describes one it does not name."""
    person = part.participant
    if person.name:
        return person.name
    country = f" of {person.country.name}" if person.country else ""
    return f"the {part.title or 'official'}{country} (not named by the sources)"


def agreement_line(agreement: AgreementDetail, citations: Citations) -> str:
    """What was signed or agreed, when, by whom, with its citations."""
    kind = agreement.kind.replace("_", " ")
    what = agreement.title or (f"{agreement.count} × {kind}" if agreement.count > 1 else kind)
    parties = ", ".join(country.code for country in agreement.parties)
    when = str(agreement.signed_on or "undated")
    line = f"  {when:<10}  {agreement.status:<6}  {what} ({parties})"
    if agreement.signatories:
        line += "; signed by " + " and ".join(who(part) for part in agreement.signatories)
    return f"{line} {citations.refs(agreement.citations)}"


def main(client: DiplomaticVisitsClient, args: argparse.Namespace) -> int:
    """Fetch the visit once (it embeds its parts) and print it."""
    visit = client.visits.get(args.visit_id)
    citations = Citations()
    visitor = visit.visitor.name or visit.visitor.id
    place = f"{visit.city}, {visit.host_country.name}" if visit.city else visit.host_country.name
    print(f"{visitor} ({visit.visitor_country.name}) in {place}")
    print(f"  {span(visit.start_date, visit.end_date)}; {visit.kind or 'kind unknown'} visit")
    if visit.tour_id:
        print(f"  leg {visit.leg} of tour {visit.tour_id}")
    print(f"  reported by {citations.refs(visit.citations)}")

    print(f"\nMeetings ({len(visit.meetings)})")
    # In date order, undated last (the sources give no day for some of them).
    for meeting in sorted(visit.meetings, key=lambda m: (m.date or date.max, m.id)):
        venue = f", {meeting.venue}" if meeting.venue else ""
        when = str(meeting.date or "undated")
        print(
            f"  {when:<10}  {meeting.title} "
            f"({meeting.kind.replace('_', ' ')}{venue}) {citations.refs(meeting.citations)}"
        )

    print(f"\nAgreements ({len(visit.agreements)})")
    for agreement in sorted(visit.agreements, key=lambda a: (a.signed_on or date.max, a.id)):
        print(agreement_line(agreement, citations))

    print()
    for line in citations.lines():
        print(line)
    return 0


if __name__ == "__main__":
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument("visit_id", nargs="?", default=HAVANA_VISIT, help="visit id")
    sys.exit(run(arguments.parse_args(), main))
