"""A list page's GET form, made from the API's filter model: one control per parameter, so
the form offers every filter the API takes and no other."""

import datetime as dt
import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Le, MaxLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from app.api.filters import Several, Sorts

# Parameters a person does not set in the form: paging moves by links, formats are links,
# and a list page always shows every facet.
NOT_IN_FORM = frozenset({"cursor", "format", "facet"})

LABELS = {
    "q": "Words",
    "from": "From (date)",
    "to": "To (date)",
    "sort": "Sort by",
    "limit": "Per page",
    "updated_since": "Changed since",
}


@dataclass(frozen=True)
class Control:
    """One form control: its parameter, label, kind and what it accepts."""

    name: str
    label: str
    kind: Literal["search", "text", "date", "number", "select"]
    hint: str
    options: tuple[tuple[str, str], ...] = ()  # (value, label), for a select
    default: str = ""
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None


def _base(annotation: Any) -> tuple[Any, bool]:
    """The type under Optional/Annotated, and whether None is allowed."""
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            # A filter taking several values: its form control is one value's.
            marks = [mark for mark in get_args(annotation)[1:] if isinstance(mark, Several)]
            annotation = marks[0].single if marks else get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            others = [arg for arg in get_args(annotation) if arg is not type(None)]
            optional = optional or len(others) < len(get_args(annotation))
            annotation = others[0]
        else:
            return annotation, optional


def _sort_label(value: str) -> str:
    field = value.removeprefix("-").replace("_", " ")
    if field in ("name", "id", "code"):
        order = "Z to A" if value.startswith("-") else "A to Z"
    else:
        order = "latest first" if value.startswith("-") else "earliest first"
    return f"{field}, {order}"


def _control(name: str, info: FieldInfo) -> Control:
    sorts = [mark.form_type for mark in info.metadata if isinstance(mark, Sorts)]
    annotation, optional = _base(sorts[0] if sorts else info.annotation)
    hint = info.description or ""
    label = LABELS.get(name, name.replace("_", " ").capitalize())
    default = (
        "" if info.default is None or not isinstance(info.default, str | int) else info.default
    )
    if get_origin(annotation) is Literal:
        values = [str(value) for value in get_args(annotation)]
        labels = [_sort_label(value) if name == "sort" else value for value in values]
        options = ((("", "any"),) if optional else ()) + tuple(zip(values, labels, strict=True))
        return Control(name, label, "select", hint, options, str(default))
    if annotation is bool:
        return Control(name, label, "select", hint, (("", "any"), ("true", "yes"), ("false", "no")))
    if annotation is dt.date:
        return Control(name, label, "date", hint)
    if annotation is int:
        bounds = {type(m): m for m in info.metadata}
        return Control(
            name,
            label,
            "number",
            hint,
            default=str(default),
            minimum=int(bounds[Ge].ge) if Ge in bounds else None,
            maximum=int(bounds[Le].le) if Le in bounds else None,
        )
    lengths = [m.max_length for m in info.metadata if isinstance(m, MaxLen)]
    kind: Literal["search", "text"] = "search" if name == "q" else "text"
    return Control(name, label, kind, hint, max_length=lengths[0] if lengths else None)


def controls(model: type[BaseModel]) -> tuple[Control, ...]:
    """The form's controls for `model`'s parameters, words first, paging last."""
    made = [
        _control(info.alias or name, info)
        for name, info in model.model_fields.items()
        if (info.alias or name) not in NOT_IN_FORM
    ]
    order = {"q": -1, "sort": 1, "limit": 2}
    return tuple(sorted(made, key=lambda control: order.get(control.name, 0)))
