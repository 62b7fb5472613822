"""Search every resource and print the ranked hits.

    python examples/search.py WORDS... [--type TYPE] [--limit N] [--base-url URL]

The snippet (where the words were found, matched words between asterisks) is shown when
it says more than the title.
"""

import argparse
import sys
from typing import get_args

from _common import parser, run

from diplomatic_visits_client import DiplomaticVisitsClient
from diplomatic_visits_client.filters import SearchType


def plain(snippet: str) -> str:
    """A snippet for a terminal: `<mark>word</mark>` becomes `*word*`."""
    return snippet.replace("<mark>", "*").replace("</mark>", "*")


def main(client: DiplomaticVisitsClient, args: argparse.Namespace) -> int:
    """One page of hits, best first: rank, score, type, id, then title and snippet."""
    query = " ".join(args.words)
    page = client.search(query, type=args.type, limit=args.limit)
    shown = f"{len(page.items)} of {page.total}" if page.next_cursor else f"{page.total}"
    print(f"{shown} {'hit' if page.total == 1 else 'hits'} for “{query}”")
    for rank, hit in enumerate(page.items, start=1):
        print(f"{rank:>3}. {hit.score:6.2f}  {hit.resource:<11} {hit.id}")
        print(f"     {hit.title}")
        snippet = plain(hit.snippet).strip()
        if snippet.replace("*", "") != hit.title:
            print(f"     {snippet}")
    return 0


if __name__ == "__main__":
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument("words", nargs="+", help="words to find")
    arguments.add_argument("--type", choices=get_args(SearchType), help="only this resource")
    arguments.add_argument("--limit", type=int, default=10, help="hits to show (default 10)")
    sys.exit(run(arguments.parse_args(), main))
