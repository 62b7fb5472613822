"""Show a tour's legs in order (Raisi's June 2023 Latin America tour by default).

python examples/tour_legs.py [TOUR_ID] [--base-url URL]
"""

import argparse
import sys

from _common import parser, run, span

from diplomatic_visits_client import DiplomaticVisitsClient

LATIN_AMERICA_TOUR = "2023-06-raisi-latin-america"


def main(client: DiplomaticVisitsClient, args: argparse.Namespace) -> int:
    """Print the tour, then one line per leg: order, country, city, dates, visit id."""
    tour = client.tours.get(args.tour_id)
    principal = tour.principal.name or tour.principal.id
    country = f" ({tour.principal.country.name})" if tour.principal.country else ""
    print(tour.name)
    print(f"  {principal}{country}, {span(tour.start_date, tour.end_date)}")
    for leg in tour.legs:
        where = f"{leg.city}, {leg.host_country.name}" if leg.city else leg.host_country.name
        print(
            f"  {leg.leg or '?'}. {where:<22} {span(leg.start_date, leg.end_date):<26} "
            f"{leg.visit_id}"
        )
    return 0


if __name__ == "__main__":
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument("tour_id", nargs="?", default=LATIN_AMERICA_TOUR, help="tour id")
    sys.exit(run(arguments.parse_args(), main))
