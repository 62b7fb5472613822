"""`fields=`: sparse answers, the named top-level fields of each record and no others.

Every list, record by id and export takes `fields` (`fields=id,start_date` or
`fields=id&fields=start_date`), naming fields of the records it answers with (the list item's
model for lists and exports, the detail's for a record). The answer keeps the fields in the
order asked for: the keys of each JSON record, and the CSV columns (a nested record's columns,
`visitor.id`, `visitor.name`, ..., in their usual order under the field that holds them). An
unknown field is a 422 naming it and listing the known ones. Without `fields`, answers are the
stored documents, written out as they are.

The parameter models with `fields` are made here from the ones in app/api/filters.py
(`with_fields`), and the OpenAPI document's answers say that records may hold only some of
their fields (`sparse_answers`).
"""

import copy
import functools
from collections.abc import Iterable, Iterator
from typing import Annotated, Any

import orjson
from pydantic import AfterValidator, BaseModel, Field, create_model

from app.queries.common import Encoded, Gzipped, Item

PARAMETER = "fields"


def names(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields `fields=` may name for records of `model`, in the model's order."""
    return tuple(model.model_fields)


def _items_schema(known: tuple[str, ...]) -> dict[str, Any]:
    """One `fields` value: a known name (the enum), or several separated by commas."""
    name = "|".join(known)
    return {
        "items": {
            "anyOf": [
                {"type": "string", "enum": list(known)},
                {"type": "string", "pattern": f"^ *(?:{name}) *(?:, *(?:{name}) *)*$"},
            ]
        }
    }


def _checked(known: tuple[str, ...]) -> Any:
    def check(values: list[str]) -> list[str]:
        chosen = list(
            dict.fromkeys(name.strip(" ") for value in values for name in value.split(","))
        )
        for name in chosen:
            if name not in known:
                what = f"unknown field {name!r}" if name else "an empty field name"
                raise ValueError(f"{what}; use {', '.join(known)}")
        return chosen

    return AfterValidator(check)


@functools.cache
def with_fields(params: type[BaseModel], record: type[BaseModel]) -> type[BaseModel]:
    """`params` with a `fields` parameter naming fields of `record`."""
    known = names(record)
    field: Any = Field(
        default_factory=list,
        description="Answer with these fields of each record only, in this order (JSON keys "
        "and CSV columns), comma-separated or repeated: " + ", ".join(known) + ".",
        json_schema_extra=_items_schema(known),
        examples=[[",".join(known[:2])]],
    )
    annotation: Any = Annotated[list[str], _checked(known)]
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        params.__name__,
        __base__=params,
        __doc__=params.__doc__,
        __module__=params.__module__,
        **{PARAMETER: (annotation, field)},
    )
    return model


def chosen(params: Any) -> tuple[str, ...] | None:
    """The fields a request's parameters name, or None: every field."""
    found = getattr(params, PARAMETER, None)
    return tuple(found) if found else None


def _decoded(item: Item) -> dict[str, Any]:
    return item.decoded() if isinstance(item, Encoded) else item


def pick(record: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The record with `fields` alone, in their order."""
    return {name: record[name] for name in fields if name in record}


def picked(items: Iterable[Item], fields: tuple[str, ...] | None) -> list[Item]:
    """List items with `fields` alone (None: as they are)."""
    if fields is None:
        return list(items)
    return [pick(_decoded(item), fields) for item in items]


def picked_detail(record: dict[str, Any] | Gzipped, fields: tuple[str, ...]) -> dict[str, Any]:
    """A record's detail with `fields` alone."""
    whole: dict[str, Any] = orjson.loads(record.json()) if isinstance(record, Gzipped) else record
    return pick(whole, fields)


def ndjson_lines(items: Iterable[Item], fields: tuple[str, ...]) -> Iterator[bytes]:
    """One JSON record with `fields` alone per line."""
    for item in items:
        yield orjson.dumps(pick(_decoded(item), fields)) + b"\n"


# The OpenAPI document: answers of operations taking `fields` may hold some fields only.


def _sparse(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any] | None:
    """The schema of `schema`'s records when `fields` names some of their fields: the same
    properties, none required."""
    reference = schema.get("$ref", "")
    if not reference.startswith("#/components/schemas/"):
        return None
    target = schemas[reference.rsplit("/", 1)[1]]
    items = target.get("properties", {}).get("items", {}).get("items", {})
    if target.get("title", "").startswith("ItemList[") and "$ref" in items:
        record = schemas[items["$ref"].rsplit("/", 1)[1]]
        page: dict[str, Any] = copy.deepcopy(target)
        page["title"] = f"{target['title']} with fields"
        page["properties"]["items"]["items"] = _some_of(record)
        return page
    return _some_of(target)


def _some_of(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "title": f"{record.get('title', 'Record')} with fields",
        "description": "The fields named in `fields`, in that order.",
        "properties": copy.deepcopy(record.get("properties", {})),
        "additionalProperties": False,
    }


def sparse_answers(document: dict[str, Any]) -> None:
    """Each JSON answer of an operation taking `fields` becomes either its whole records or
    records holding some of their fields (in place)."""
    schemas = document.get("components", {}).get("schemas", {})
    for methods in document["paths"].values():
        for operation in methods.values():
            parameters = operation.get("parameters", [])
            if not any(p["in"] == "query" and p["name"] == PARAMETER for p in parameters):
                continue
            content = operation["responses"].get("200", {}).get("content", {})
            answer = content.get("application/json", {})
            whole = answer.get("schema")
            sparse = _sparse(whole, schemas) if whole else None
            if sparse is not None:
                answer["schema"] = {"anyOf": [whole, sparse]}
