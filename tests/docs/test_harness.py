"""The docs harness itself: how it reads the Markdown, matches outputs and corrects them."""

from pathlib import Path

import pytest

from tests.docs.markdown import (
    ConventionError,
    engine_free,
    fenced_blocks,
    matches,
    page_examples,
)
from tests.docs.runner import Sandbox, apply, correction

pytestmark = pytest.mark.backend_independent(reason="the docs' example runner")

PAGE = """\
# A page

```console
$ echo one
one
$ printf 'two\\nthree\\n' \\
    | tail -1
three
$ echo "$MESSAGE" > said.txt
$ date +%s
...
```

Some prose.

```python
print(open("said.txt").read().strip())
```

```text
written
```

```python
print("no output shown")
```

```json
{"shown": "not run"}
```
"""


@pytest.fixture
def page(tmp_path: Path) -> Path:
    """A Markdown page in a folder of its own."""
    (tmp_path / "docs").mkdir()
    path = tmp_path / "docs" / "page.md"
    path.write_text(PAGE, encoding="utf-8")
    return path


@pytest.fixture
def sandbox(tmp_path: Path, page: Path) -> Sandbox:
    """A sandbox over the page's folder; no server is needed for these commands."""
    pages = Sandbox(tmp_path / "work", "http://127.0.0.1:1", "sqlite://", docs_root=tmp_path)
    pages.env["MESSAGE"] = "written"
    return pages


def test_blocks_are_found_with_their_lines_and_languages(page: Path) -> None:
    blocks = fenced_blocks(page.read_text(), "docs/page.md")
    assert [(block.line, block.language) for block in blocks] == [
        (3, "console"),
        (16, "python"),
        (20, "text"),
        (24, "python"),
        (28, "json"),
    ]


def test_console_commands_continue_over_backslashes(page: Path) -> None:
    console, python, unshown = page_examples(page, page.parents[1])
    assert [(c.text, c.output) for c in console.commands()] == [
        ("echo one", ["one"]),
        ("printf 'two\\nthree\\n' \\\n    | tail -1", ["three"]),
        ('echo "$MESSAGE" > said.txt', []),
        ("date +%s", ["..."]),
    ]
    assert (python.id, python.expected()) == ("docs/page.md:16", ["written"])
    assert (unshown.id, unshown.expected()) == ("docs/page.md:24", [])


@pytest.mark.parametrize(
    ("block", "line"),
    [
        ("```sh\nmake run\n```", 3),
        ("```\nls\n```", 3),
        ("```bash\nls\n```", 3),
        ("```console\nls\n$ ls\n```", 4),  # output before any command
    ],
)
def test_blocks_that_would_not_be_run_are_refused(tmp_path: Path, block: str, line: int) -> None:
    path = tmp_path / "docs" / "bad.md"
    path.parent.mkdir()
    path.write_text(f"# Bad\n\n{block}\n")
    with pytest.raises(ConventionError, match=rf"^docs/bad\.md:{line}: "):
        page_examples(path, tmp_path)


def test_the_readme_may_open_with_its_two_commands(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n\n```sh\nmake run\nmake test\n```\n\n```sh\nmake run\n```\n")
    with pytest.raises(ConventionError, match=r"^README\.md:8"):
        page_examples(readme, tmp_path)


def test_examples_run_in_order_in_the_page_folder(sandbox: Sandbox, page: Path) -> None:
    console, python, unshown = page_examples(page, page.parents[1])
    # The python block reads the file the console block wrote: asked first, it runs after it.
    assert sandbox.outcome(python).outputs == [["written"]]
    assert sandbox.outcome(console).matches()
    assert sandbox.outcome(python).matches()
    printed = sandbox.outcome(unshown)
    assert (printed.outputs, printed.matches()) == ([["no output shown"]], False)


ENGINES = """\
```console
$ export DATABASE_URL=sqlite:///own.sqlite3
$ python -m app migrate
```

```console
$ diplomatic-visits serve --help
$ DATABASE_URL=sqlite:///own.sqlite3 python -m app check
$ echo made > made.txt
```

```python
import sqlite3
print(sqlite3.connect("own.sqlite3").execute("SELECT 1").fetchone())
```

```console
$ python -m app check
```

```console
$ echo after
```
"""


@pytest.mark.parametrize(
    ("blocks", "free"),
    [
        (ENGINES, [True, True, True, False, False]),
        ("```console\n$ curl -s http://127.0.0.1:8000/v1\n```\n", [False]),
        ("```console\n$ make run\n```\n", [False]),
        ('```console\n$ curl -s "$DIPLOMATIC_VISITS_URL/v1"\n```\n', [False]),
        ("```python\nimport os\nprint(os.environ['DIPLOMATIC_VISITS_URL'])\n```\n", [False]),
        ("```console\n$ python examples/search.py havana\n```\n", [False]),
        ("```python\nimport os\nprint(os.environ['DATABASE_URL'])\n```\n", [False]),
        ("```python\nfrom diplomatic_visits_client import DiplomaticVisitsClient\n```\n", [False]),
        ("```python\nfrom app.config import get_settings\n```\n", [False]),
        ("```console\n$ pip install -qq ./client\n```\n", [True]),
        ("```console\n$ python -c 'from app.config import get_settings'\n```\n", [False]),
        ("```console\n$ python3 -m app seed\n```\n", [False]),
        ("```console\n$ psql -c 'SELECT 1'\n```\n", [False]),
        ('```console\n$ echo "$DATABASE_URL"\n```\n', [False]),
        ("```console\n$ curl -s http://localhost:8000/v1\n```\n", [False]),
        ("```console\n$ python -m app seed --help && python -m app seed\n```\n", [False]),
        ("```console\n$ python -m app seed --help | head -1\n```\n", [True]),
        (
            "```console\n$ DATABASE_URL=sqlite:///own.sqlite3 python -m app check; "
            "python -m app seed\n```\n",
            [False],
        ),
        (
            "```console\n$ export DATABASE_URL=sqlite:///own.sqlite3\n"
            "$ export DATABASE_URL=postgresql://db\n$ python -m app seed\n```\n",
            [False],
        ),
    ],
)
def test_an_example_is_engine_free_when_it_and_those_before_it_cannot_reach_the_database(
    tmp_path: Path, blocks: str, free: list[bool]
) -> None:
    page = tmp_path / "page.md"
    page.write_text(blocks)
    examples = page_examples(page, tmp_path)
    # An example after one that reaches the database may use its files: not free either.
    found = engine_free(examples)
    assert [example.id in found for example in examples] == free


def test_a_run_that_skips_engine_free_examples_runs_the_others_alone(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```console\n$ echo free > free.txt\n```\n\n"
        "```console\n$ curl -s http://127.0.0.1:8000/ || true\n"
        "$ test -e free.txt && echo made || echo not made\n```\n"
    )
    free, bound = page_examples(page, tmp_path)
    for skipping, listed in ((False, ["made"]), (True, ["not made"])):
        sandbox = Sandbox(
            tmp_path / f"work-{skipping}",
            "http://127.0.0.1:1",
            "sqlite://",
            docs_root=tmp_path,
            engine_free_ran_elsewhere=skipping,
        )
        assert sandbox.outcome(bound).outputs == [[], listed]
        assert (free.id in sandbox.outcomes) is not skipping


def test_the_shown_address_is_the_servers(tmp_path: Path) -> None:
    page = tmp_path / "README.md"
    page.write_text("```console\n$ echo http://127.0.0.1:8000/v1\nhttp://127.0.0.1:8000/v1\n```\n")
    sandbox = Sandbox(tmp_path / "work", "http://127.0.0.1:1234", "sqlite://", docs_root=tmp_path)
    (example,) = page_examples(page, tmp_path)
    outcome = sandbox.outcome(example)
    assert outcome.matches()
    # Printed with the test server's address, compared with the shown one.
    assert outcome.outputs == [["http://127.0.0.1:8000/v1"]]


def test_a_failing_command_fails_even_when_it_prints_what_is_shown(tmp_path: Path) -> None:
    page = tmp_path / "README.md"
    page.write_text("```console\n$ echo same; false\nsame\n$ echo after\nafter\n```\n")
    sandbox = Sandbox(tmp_path / "work", "http://127.0.0.1:1", "sqlite://", docs_root=tmp_path)
    (example,) = page_examples(page, tmp_path)
    outcome = sandbox.outcome(example)
    assert outcome.outputs == [["same"], ["after"]]
    assert outcome.problems == ["`echo same; false` exited with status 1"]
    assert not outcome.matches()


@pytest.mark.parametrize(
    ("shown", "printed", "expected"),
    [
        (["a b"], ["a b"], True),
        (["a b"], ["a c"], False),
        (["a b"], ["a b", "more"], False),
        (["took ... s"], ["took 4.2 s"], True),
        (["took ... s"], ["took 4.2 s", "x s"], False),  # within one line only
        (["first", "...", "last"], ["first", "2", "3", "last"], True),
        (["first", "...", "last"], ["first", "last"], True),
        (["first", "...", "last"], ["first", "2"], False),
        (["a ... c"], ["a b\nc"], False),
    ],
)
def test_three_dots_stand_for_what_varies(
    shown: list[str], printed: list[str], expected: bool
) -> None:
    assert matches(shown, printed) is expected


def test_corrections_rewrite_what_drifted_and_keep_what_matched(
    sandbox: Sandbox, page: Path
) -> None:
    # `echo one` and the text block drifted and are rewritten; `date +%s` still matches `...`,
    # which stays; the python block with no output shown gets a text block.
    drifted = PAGE.replace("$ echo one\none", "$ echo one\nuno").replace(
        "```text\nwritten\n```", "```text\nold\n```"
    )
    page.write_text(drifted, encoding="utf-8")
    outcomes = [sandbox.outcome(e) for e in page_examples(page, page.parents[1])]
    edits = [correction(outcome) for outcome in outcomes if not outcome.matches()]
    apply(edits, page.parents[1])
    assert page.read_text() == PAGE.replace(
        '```python\nprint("no output shown")\n```\n',
        '```python\nprint("no output shown")\n```\n\n```text\nno output shown\n```\n',
    )


def test_a_script_that_writes_to_standard_error_fails(tmp_path: Path) -> None:
    page = tmp_path / "README.md"
    page.write_text(
        '```python\nimport sys\nprint("shown")\nsys.stderr.write("warned\\n")\n```\n\n'
        "```text\nshown\n```\n"
    )
    sandbox = Sandbox(tmp_path / "work", "http://127.0.0.1:1", "sqlite://", docs_root=tmp_path)
    (example,) = page_examples(page, tmp_path)
    outcome = sandbox.outcome(example)
    assert (outcome.outputs, outcome.problems) == ([["shown"]], ["standard error:\nwarned\n"])
    assert not outcome.matches()
