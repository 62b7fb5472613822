"""The examples the Markdown docs show, found by the conventions of docs/contributing.md.

- A ```console block is a shell session: each `$ ` line is a command (a line ending in `\\`
  goes on to the next), the lines after it until the next `$ ` are what it prints.
- A ```python block is a script; the ```text block right after it (only blank lines between)
  is what it prints. A python block with no such block prints nothing.
- Other blocks (json, yaml, text on its own...) show files or shapes and are not run. Shell
  blocks (sh, bash, shell...) and blocks with no language are refused: a command goes in a
  console block, so that it is run.
"""

import re
from dataclasses import dataclass, field
from itertools import takewhile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
# Decision records keep the figures measured when they were written; they are not re-run.
NOT_RUN = ("docs/decisions/",)
# The README opens with `make run` and `make test` in a sh block (tests/test_documentation.py).
OPENING = ("README.md", "sh")
SHELL = {"sh", "bash", "shell", "zsh", "shell-session", "sh-session", "pycon", "py", "python3"}
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
PROMPT = "$ "
# In a shown output, `...` stands for text that changes from run to run (a time, a request
# id): within a line it matches any text on that line, alone on a line any number of lines.
WILDCARD = "..."


@dataclass(frozen=True)
class Block:
    """A fenced block: where it is, its language and its lines (without the fences)."""

    path: str
    line: int  # of the opening fence, 1-based
    language: str
    lines: tuple[str, ...]
    indent: str = ""

    @property
    def first_content_line(self) -> int:
        """The line number of the block's first line of content."""
        return self.line + 1


@dataclass
class Command:
    """One `$ ` command of a console block and the output shown under it."""

    text: str
    lines: list[str] = field(default_factory=list)  # the command's own lines, as written
    output: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Example:
    """Something the docs show being run: a console block, or a python block and its output."""

    block: Block
    output: Block | None = None  # a python block's ```text block

    @property
    def id(self) -> str:
        """`path:line`, the test's name."""
        return f"{self.block.path}:{self.block.line}"

    def commands(self) -> list[Command]:
        """A console block's commands, each with the output shown under it."""
        return parse_console(self.block)

    def expected(self) -> list[str]:
        """A python block's shown output."""
        return list(self.output.lines) if self.output else []


SHOWN_URL = "http://127.0.0.1:8000"
# What makes an example reach the database the tests run on (`engine_free`), judged for each
# part of a command (between `&&`, `||`, `;` and `|`). Always: the server (by address, or by
# DIPLOMATIC_VISITS_URL, where the client and the example scripts read it) or the database
# itself. The app, its client and the scripts: unless on a SQLite file of the part's own
# (`DATABASE_URL=sqlite:...` before it, or exported earlier in the block), or asked for their
# help or version alone.
REACHES = re.compile(r"127\.0\.0\.1|localhost|DIPLOMATIC_VISITS_URL|\$\{?DATABASE_URL|psql")
RUNS_APP = re.compile(
    r"python3? -m app\b|diplomatic-visits|\bmake\b|examples/|(from|import) app\b"
    r"|diplomatic_visits_client"
)
PARTS = re.compile(r"&&|\|\||;|\|")
OWN_SQLITE = re.compile(r"^\s*(export\s+)?DATABASE_URL=sqlite:")
EXPORTS_URL = re.compile(r"^\s*export\s+DATABASE_URL=")
ONLY_ASKS = re.compile(r"\s--(help|version)\s*$")


def engine_free(examples: list[Example]) -> set[str]:
    """The ids of a page's examples (given in page order) that, like every example before
    them (they may use its files), cannot reach the database the tests run on: they print
    the same whatever that engine is."""
    return {example.id for example in takewhile(_free_itself, examples)}


def _free_itself(example: Example) -> bool:
    """The example reaches neither the server nor the database (`REACHES`), and runs the
    app, its client or the scripts (`RUNS_APP`) only on a SQLite file of its own or to ask
    for help or the version; a python block names none of those, nor DATABASE_URL."""
    if example.block.language == "python":
        code = "\n".join(example.block.lines)
        return not (REACHES.search(code) or RUNS_APP.search(code) or "DATABASE_URL" in code)
    own_database = False
    for command in example.commands():
        for part in PARTS.split(command.text):
            if REACHES.search(part):
                return False
            if EXPORTS_URL.search(part):
                own_database = bool(OWN_SQLITE.search(part))
            elif RUNS_APP.search(part) and not (
                own_database or OWN_SQLITE.search(part) or ONLY_ASKS.search(part)
            ):
                return False
    return True


class ConventionError(ValueError):
    """A block the harness cannot tell how to run, or refuses."""


def pages(root: Path = PROJECT) -> list[Path]:
    """The Markdown files whose examples are run: the README, the changelog and docs/."""
    found = [root / "README.md", root / "CHANGELOG.md", *sorted((root / "docs").rglob("*.md"))]
    return [
        path
        for path in found
        if path.is_file() and not path.relative_to(root).as_posix().startswith(NOT_RUN)
    ]


def fenced_blocks(text: str, path: str) -> list[Block]:
    """Every fenced code block of a Markdown text, in order."""
    blocks: list[Block] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, indent = opening["fence"], opening["indent"]
        language = opening["info"].strip().split(" ")[0]
        content: list[str] = []
        end = index + 1
        while end < len(lines):
            closing = FENCE.match(lines[end])
            if closing and closing["fence"].startswith(fence) and not closing["info"].strip():
                break
            line = lines[end]
            content.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            end += 1
        blocks.append(Block(path, index + 1, language, tuple(content), indent))
        index = end + 1
    return blocks


def examples_of(blocks: list[Block]) -> list[Example]:
    """The runnable examples among a page's blocks; refuses blocks that break the conventions."""
    found: list[Example] = []
    for number, block in enumerate(blocks):
        if block.language in SHELL and (block.path, block.language) == OPENING and number == 0:
            continue
        if not block.language or block.language in SHELL:
            raise ConventionError(
                f"{block.path}:{block.line}: a ```{block.language} block; write commands in a "
                "```console block (`$ ` before each command, its output under it) and code in "
                "a ```python block, so that they are run (docs/contributing.md)"
            )
        if block.language == "console":
            parse_console(block)
            found.append(Example(block))
        elif block.language == "python":
            after = blocks[number + 1] if number + 1 < len(blocks) else None
            output = after if after and after.language == "text" and follows(block, after) else None
            found.append(Example(block, output))
    return found


def follows(block: Block, after: Block) -> bool:
    """Whether `after` opens right after `block` closes, with only blank lines between."""
    closing_line = block.line + len(block.lines) + 1
    return after.line - closing_line <= 2


def parse_console(block: Block) -> list[Command]:
    """A console block's commands and their shown outputs."""
    commands: list[Command] = []
    continued = False
    for offset, line in enumerate(block.lines):
        if continued:
            commands[-1].text += "\n" + line
            commands[-1].lines.append(line)
        elif line.startswith(PROMPT):
            commands.append(Command(line[len(PROMPT) :], [line]))
        elif commands:
            commands[-1].output.append(line)
        elif line.strip():
            raise ConventionError(
                f"{block.path}:{block.first_content_line + offset}: a console block starts "
                f"with a command (`{PROMPT}...`)"
            )
        continued = bool(commands) and not commands[-1].output and line.endswith("\\")
    for command in commands:
        while command.output and not command.output[-1].strip():
            command.output.pop()
    return commands


def page_examples(path: Path, root: Path = PROJECT) -> list[Example]:
    """The runnable examples of one Markdown file."""
    relative = path.relative_to(root).as_posix()
    return examples_of(fenced_blocks(path.read_text(encoding="utf-8"), relative))


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` is `expected`, where `...` stands for text that varies."""
    pattern = "".join(
        r"(?:[^\n]*\n)*?"
        if line == WILDCARD
        else ".*?".join(map(re.escape, line.split(WILDCARD))) + r"\n"
        for line in expected
    )
    return re.fullmatch(pattern, "".join(line + "\n" for line in actual)) is not None
