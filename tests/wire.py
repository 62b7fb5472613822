"""Which negative cases schemathesis makes are valid as the URL carries them.

Used by the in-process contract test (tests/reliability/test_contract.py) and by `make schema`
from outside (tests/schema_hooks.py), so that both hold the same cases to be refused.
"""

from typing import Any

import jsonschema_rs
from schemathesis import GenerationMode


def _wire(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def valid_on_the_wire(case: Any, document: dict[str, Any]) -> bool:
    """Whether a negative case's query is valid as the URL carries it, every value a string.

    Schemathesis leaves a string parameter's type alone in a query (it would reach the server
    as the same string), but turns an array of strings into a scalar: `kind=true`, a boolean
    to it, is on the wire the one-value list ["true"], which the schema allows. Only such
    cases are looked at (a scalar given to an array parameter, nothing else negative).
    """
    if case.meta is None or case.meta.generation.mode != GenerationMode.NEGATIVE:
        return False
    if any(
        component.mode != GenerationMode.POSITIVE
        for location, component in case.meta.components.items()
        if location.name != "QUERY"
    ):
        return False
    operation = document["paths"].get(case.path, {}).get(case.method.lower())
    if operation is None:  # a method the operation does not take
        return False
    parameters = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
    query = case.query or {}
    scalar_for_array = False
    for name, value in query.items():
        if name not in parameters:
            return False
        schema = parameters[name]["schema"]
        arrays = [s for s in schema.get("anyOf", [schema]) if s.get("type") == "array"]
        if arrays and not isinstance(value, list) and value is not None:
            scalar_for_array = True
            value = [value]
        wire: Any = [_wire(v) for v in value] if isinstance(value, list) else value
        checked = jsonschema_rs.Draft202012Validator(
            {**schema, "components": document["components"]}, validate_formats=True
        )
        # A scalar is held to its own schema as generated (limit=327 is valid; limit=true, or
        # a boolean for a string, is a negative value of that parameter: not this case).
        if not checked.is_valid(wire):
            return False
    required = {name for name, p in parameters.items() if p.get("required")}
    return scalar_for_array and required <= set(query)
