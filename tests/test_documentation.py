"""The README documents every setting and every command."""

from app.cli import build_parser
from app.config import PROJECT_ROOT, Settings

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands() -> None:
    opening = README.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert [line.split("#")[0].strip() for line in opening] == ["make run", "make test"]


def test_every_setting_is_documented() -> None:
    for name in Settings.model_fields:
        assert f"| `{name.upper()}` |" in README, name


def test_every_command_is_documented() -> None:
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for command in commands:
        assert f"python -m app {command}" in README, command
