"""Every command and script the README and docs/ show is run, and prints what they show."""

from pathlib import Path

import pytest

from tests.docs.markdown import (
    PROJECT,
    ConventionError,
    Example,
    engine_free,
    page_examples,
    pages,
)
from tests.docs.runner import Edit, Sandbox, correction

ENGINE_FREE = pytest.mark.backend_independent(reason="its own SQLite file, or no database")


def examples() -> list[object]:
    """Every runnable example of every page (a page that breaks the conventions fails below);
    those that cannot reach the database under test run once, in the SQLite run."""
    found: list[object] = []
    for page in pages():
        try:
            shown = page_examples(page)
        except ConventionError:
            continue
        free = engine_free(shown)
        found += [
            pytest.param(example, id=example.id, marks=[ENGINE_FREE] if example.id in free else [])
            for example in shown
        ]
    return found


@pytest.mark.parametrize("page", pages(), ids=lambda page: page.relative_to(PROJECT).as_posix())
def test_page_follows_the_conventions(page: Path) -> None:
    page_examples(page)  # raises ConventionError naming the block


@pytest.mark.parametrize("example", examples())
def test_example_prints_what_the_page_shows(
    example: Example, sandbox: Sandbox, corrections: list[Edit]
) -> None:
    if "$HISTORIAN_DATA" in "\n".join(example.block.lines) and "HISTORIAN_DATA" not in sandbox.env:
        pytest.skip("the Historian data is not at ../shared/datasets/history-state-gov")
    outcome = sandbox.outcome(example)
    if not outcome.matches():
        corrections.append(correction(outcome))
    assert not outcome.problems, "\n".join(outcome.problems)
    if not outcome.matches():
        printed, shown = outcome.transcript(outcome.outputs), outcome.transcript(outcome.shown())
        assert printed == shown, "UPDATE_DOCS=1 writes what was printed into the page"
