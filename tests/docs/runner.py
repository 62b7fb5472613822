"""Running the docs' examples as a reader runs them, and correcting their shown output.

Each page gets a working folder holding a copy of the project's files, as a fresh clone has
them, so that `python examples/...` and `cp -r seed_data ...` work and whatever a command
writes stays there. The virtual environment's `bin` comes first on PATH (as after
`. .venv/bin/activate`), DATABASE_URL is the database the test server serves, and the address
the docs show, http://127.0.0.1:8000, is swapped for the test server's in what is run and
back in what it prints.
"""

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.docs.markdown import (
    PROJECT,
    SHOWN_URL,
    Block,
    Example,
    engine_free,
    matches,
    page_examples,
)

SECONDS = 120
# Written after each command of a console block, with the command's exit status between.
MARK = "\x1e"


@dataclass(frozen=True)
class Outcome:
    """What one example printed, as the lines to compare with the shown ones."""

    example: Example
    outputs: list[list[str]]  # one per command; a python block's output is one
    problems: list[str]  # exit statuses other than 0, standard error of a python block

    def matches(self) -> bool:
        """Whether everything printed is what the docs show, and nothing failed."""
        return not self.problems and all(
            matches(shown, printed)
            for shown, printed in zip(self.shown(), self.outputs, strict=True)
        )

    def shown(self) -> list[list[str]]:
        """The outputs the docs show, one per command."""
        if self.example.block.language == "console":
            return [command.output for command in self.example.commands()]
        return [self.example.expected()]

    def transcript(self, outputs: list[list[str]]) -> list[str]:
        """The block as it would read with these outputs: commands and what they print."""
        if self.example.block.language != "console":
            return outputs[0]
        lines: list[str] = []
        for command, output in zip(self.example.commands(), outputs, strict=True):
            lines += [*command.lines, *output]
        return lines

    def corrected(self) -> list[str]:
        """The transcript with each output that drifted replaced by what was printed."""
        return self.transcript(
            [
                shown if matches(shown, printed) else printed
                for shown, printed in zip(self.shown(), self.outputs, strict=True)
            ]
        )


class Sandbox:
    """The working folders of the pages, their examples run in order, and the outcomes."""

    def __init__(
        self,
        root: Path,
        server_url: str,
        database_url: str,
        docs_root: Path = PROJECT,
        engine_free_ran_elsewhere: bool = False,
    ) -> None:
        self.root = root
        # In the PostgreSQL run: the examples that cannot reach its database (`engine_free`)
        # ran in the SQLite run, so they are not run again before a later one.
        self.engine_free_ran_elsewhere = engine_free_ran_elsewhere
        self.docs_root = docs_root
        self.server_url = server_url
        self.env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "DATABASE_URL": database_url,
            "DIPLOMATIC_VISITS_URL": server_url,
            "PYTHONIOENCODING": "utf-8",
            "PYTHONUNBUFFERED": "1",
            "LC_ALL": "C.UTF-8",
        }
        self.folders: dict[str, Path] = {}
        self.outcomes: dict[str, Outcome] = {}

    def outcome(self, example: Example) -> Outcome:
        """Run the example, after the examples before it on its page (they may make its files)."""
        page = page_examples(self.docs_root / example.block.path, self.docs_root)
        ran_elsewhere = engine_free(page) if self.engine_free_ran_elsewhere else set()
        for earlier in page:
            if earlier.id in ran_elsewhere and earlier.id != example.id:
                continue
            if earlier.id not in self.outcomes:
                self.outcomes[earlier.id] = self._run(earlier)
            if earlier.id == example.id:
                break
        return self.outcomes[example.id]

    def folder(self, page: str) -> Path:
        """The page's working folder: a copy of the project's files, made on first use."""
        if page not in self.folders:
            folder = self.root / re.sub(r"\W+", "-", page)
            copy_project(folder)
            self.folders[page] = folder
        return self.folders[page]

    def _run(self, example: Example) -> Outcome:
        if example.block.language == "console":
            return self._console(example)
        return self._python(example)

    def _console(self, example: Example) -> Outcome:
        commands = example.commands()
        script = "".join(
            f"{command.text.replace(SHOWN_URL, self.server_url)}\nprintf '{MARK}%s{MARK}' \"$?\"\n"
            for command in commands
        )
        finished = self._process(["bash", "-c", script], example, stderr=subprocess.STDOUT)
        parts = self._printed(finished.stdout).split(MARK)
        outputs, problems = [], []
        for number, command in enumerate(commands):
            if 2 * number + 1 >= len(parts):
                problems.append(f"the shell ended before `{command.text}` finished")
                outputs.append([])
                continue
            outputs.append(lines_of(parts[2 * number]))
            status = parts[2 * number + 1]
            if status != "0":
                problems.append(f"`{command.text}` exited with status {status}")
        return Outcome(example, outputs, problems)

    def _python(self, example: Example) -> Outcome:
        code = "\n".join(example.block.lines).replace(SHOWN_URL, self.server_url)
        finished = self._process([sys.executable, "-"], example, stdin=code)
        problems = [f"exited with status {finished.returncode}"] if finished.returncode else []
        if finished.stderr:
            problems.append(f"standard error:\n{self._printed(finished.stderr)}")
        return Outcome(example, [lines_of(self._printed(finished.stdout))], problems)

    def _process(
        self,
        args: list[str],
        example: Example,
        stdin: str | None = None,
        stderr: int = subprocess.PIPE,
    ) -> "subprocess.CompletedProcess[str]":
        return subprocess.run(
            args,
            cwd=self.folder(example.block.path),
            env=self.env,
            input=stdin,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            encoding="utf-8",
            timeout=SECONDS,
            check=False,
        )

    def _printed(self, text: str) -> str:
        return text.replace(self.server_url, SHOWN_URL)


def lines_of(printed: str) -> list[str]:
    """Printed text as lines, the blank lines at its end dropped as the docs drop them."""
    lines = printed.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def copy_project(folder: Path) -> None:
    """Copy the project's files (those git tracks or would track) into `folder`, with a link
    to the virtual environment running the tests as its `.venv`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = PROJECT / name
        if source.is_file():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (folder / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)


@dataclass(frozen=True)
class Edit:
    """Lines of a Markdown file, from `start` to `end` (0-based, end excluded), replaced."""

    path: str
    start: int
    end: int
    lines: list[str]


def correction(outcome: Outcome) -> Edit:
    """The edit that makes a page show what its example printed."""
    example = outcome.example
    block: Block = example.block
    if block.language == "console":
        target = block
        new = outcome.corrected()
    elif example.output is not None:
        target = example.output
        new = outcome.corrected()
    else:  # a python block that printed, with no output shown yet: add a text block after it
        after = block.line + len(block.lines) + 1
        fence = block.indent + "```"
        printed = [block.indent + line if line else "" for line in outcome.outputs[0]]
        return Edit(block.path, after, after, ["", f"{fence}text", *printed, fence])
    indented = [target.indent + line if line else "" for line in new]
    return Edit(target.path, target.line, target.line + len(target.lines), indented)


def apply(edits: list[Edit], root: Path = PROJECT) -> None:
    """Write the edits into their files, the last first so that line numbers hold."""
    for path in sorted({edit.path for edit in edits}):
        file = root / path
        lines = file.read_text(encoding="utf-8").splitlines()
        for edit in sorted((e for e in edits if e.path == path), key=lambda e: -e.start):
            lines[edit.start : edit.end] = edit.lines
        file.write_text("\n".join(lines) + "\n", encoding="utf-8")
