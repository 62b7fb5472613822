"""What the examples share: where the API is, and how a failure is reported."""

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date

from diplomatic_visits_client import (
    DEFAULT_BASE_URL,
    ApiError,
    DiplomaticVisitsClient,
    DiplomaticVisitsError,
    TransportError,
)

URL_VARIABLE = "DIPLOMATIC_VISITS_URL"


def parser(description: str | None) -> argparse.ArgumentParser:
    """An argument parser with `--base-url` (default: $DIPLOMATIC_VISITS_URL or `make run`'s)."""
    arguments = argparse.ArgumentParser(description=description)
    arguments.add_argument(
        "--base-url",
        default=os.environ.get(URL_VARIABLE) or DEFAULT_BASE_URL,
        help=f"address of the API (default: ${URL_VARIABLE} or {DEFAULT_BASE_URL})",
    )
    return arguments


def run(
    args: argparse.Namespace, main: Callable[[DiplomaticVisitsClient, argparse.Namespace], int]
) -> int:
    """Call `main` with a client; report an API or network failure on stderr as exit 1 or 2,
    and end quietly (exit 1) when standard output is closed."""
    try:
        with DiplomaticVisitsClient(args.base_url) as client:
            code = main(client, args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader has gone (`| head`): stop quietly, as command-line tools do. Python would
        # report its own failed flush of stdout at exit: point stdout at nothing first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except ApiError as error:
        print(f"error: {error.problem.title}: {error.problem.detail}", file=sys.stderr)
        return 1
    except TransportError as error:
        print(f"error: cannot reach the API at {args.base_url}: {error}", file=sys.stderr)
        return 2
    except DiplomaticVisitsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def span(start: date | None, end: date | None) -> str:
    """A date span as far as it is known: never a guessed date."""
    if start and end:
        return str(start) if start == end else f"{start} to {end}"
    if start:
        return f"from {start}"
    if end:
        return f"until {end}"
    return "dates unknown"
