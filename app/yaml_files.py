"""Reading YAML files for loaders: libyaml's parser with PyYAML's safe constructors, and a
problem named by line and column.

libyaml parses the seed's tour file in 3.5 ms, against 35 ms for `yaml.safe_load`; the values
are the same for the seed's files. libyaml is a little stricter or looser than PyYAML's own
parser on rare forms (tabs in some places, some escapes, unknown directives).
"""

from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlProblem(ValueError):
    """A file is not valid UTF-8 or YAML; the message says what and where."""


class _Loader(_BASE):  # type: ignore[misc,valid-type]
    """The safe loader, its scalars that fail to convert (a date of June 31st) marked with
    their place like any other problem."""


def _marked(construct: Any) -> Any:
    def marked(loader: SafeConstructor, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except ValueError as error:
            problem = f"{error} ({node.value!r})"
            raise ConstructorError(None, None, problem, node.start_mark) from None

    return marked


for _tag, _construct in (
    ("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_timestamp),
    ("tag:yaml.org,2002:int", SafeConstructor.construct_yaml_int),
    ("tag:yaml.org,2002:float", SafeConstructor.construct_yaml_float),
):
    _Loader.add_constructor(_tag, _marked(_construct))


def load_yaml(data: bytes) -> Any:
    """The document in `data`; `YamlProblem` if it is not UTF-8 or not YAML."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, line_start = data.count(b"\n", 0, error.start) + 1, data.rfind(b"\n", 0, error.start)
        where = f"line {line}, byte {error.start - line_start}"
        problem = f"not valid UTF-8: byte 0x{data[error.start]:02x} at {where} ({error.reason})"
        raise YamlProblem(problem) from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as error:
        raise YamlProblem(f"not valid YAML: {_problem(error, text)}") from None


def _problem(error: yaml.YAMLError, text: str) -> str:
    """The parser's problem and where it is, by line and column from 1, with its context."""
    if isinstance(error, yaml.reader.ReaderError):
        # Its position counts bytes under libyaml, characters otherwise: find the character.
        return f"{error.reason} at {_place(text, text.find(chr(error.character)))}"
    if not isinstance(error, yaml.MarkedYAMLError) or error.problem_mark is None:
        return str(error)
    problem = f"{error.problem} at {_position(error.problem_mark)}"
    if error.context and error.context_mark is not None:
        problem += f" ({error.context} that starts at {_position(error.context_mark)})"
    return problem


def _position(mark: yaml.Mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _place(text: str, index: int) -> str:
    line_start = text.rfind("\n", 0, index)
    return f"line {text.count(chr(10), 0, index) + 1}, column {index - line_start}"
