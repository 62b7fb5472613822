"""Write every visit between two countries (either way) over a date range to CSV.

    python examples/visits_between.py IR CU --from 2023-01-01 --to 2023-12-31 --out visits.csv

A visit is kept when its dates overlap the range; with no range, every visit is kept.
Without `--out` the CSV goes to standard output. Rows are in date order (undated last),
and the file opens in a spreadsheet (UTF-8 with a byte-order mark, CRLF line ends).
"""

import argparse
import csv
import sys
from datetime import date
from typing import IO

from _common import parser, run

from diplomatic_visits_client import DiplomaticVisitsClient
from diplomatic_visits_client.models import VisitPublic

COLUMNS = [
    "id",
    "visitor_country",
    "host_country",
    "visitor",
    "city",
    "start_date",
    "end_date",
    "kind",
    "tour_id",
    "leg",
]


def row(visit: VisitPublic) -> list[object]:
    """One CSV row; unknown values are empty cells."""
    return [
        visit.id,
        visit.visitor_country.code,
        visit.host_country.code,
        visit.visitor.name or visit.visitor.id,
        visit.city,
        visit.start_date,
        visit.end_date,
        visit.kind,
        visit.tour_id,
        visit.leg,
    ]


def write(visits: list[VisitPublic], out: IO[str]) -> None:
    """The header, then one row per visit."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(row(visit) for visit in visits)


def main(client: DiplomaticVisitsClient, args: argparse.Namespace) -> int:
    """Both directions, every page of each, merged in date order."""
    span = {"date_from": args.date_from, "date_to": args.date_to}
    found = {
        visit.id: visit
        for visitor, host in ((args.first, args.second), (args.second, args.first))
        for visit in client.visits.iter(
            visitor_country=visitor, host_country=host, sort="start_date", limit=500, **span
        )
    }
    visits = sorted(found.values(), key=lambda v: (v.start_date or date.max, v.id))
    if args.out is None:
        write(visits, sys.stdout)
        return 0
    with open(args.out, "w", encoding="utf-8-sig", newline="") as out:
        write(visits, out)
    noun = "visit" if len(visits) == 1 else "visits"
    pair = f"{args.first.upper()} and {args.second.upper()}"
    print(f"{len(visits)} {noun} between {pair} written to {args.out}")
    return 0


if __name__ == "__main__":
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument("first", help="a country: ISO 3166-1 alpha-2 or alpha-3")
    arguments.add_argument("second", help="the other country")
    for flag in ("from", "to"):
        arguments.add_argument(
            f"--{flag}", dest=f"date_{flag}", type=date.fromisoformat, metavar="YYYY-MM-DD"
        )
    arguments.add_argument("--out", help="CSV file to write (default: standard output)")
    sys.exit(run(arguments.parse_args(), main))
