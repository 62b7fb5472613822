"""Log lines (app.logs): one JSON object per record, extras as fields in the order given."""

import json
import logging

from app.logs import JsonFormatter, request_id


def _record(**extra: object) -> logging.LogRecord:
    logger = logging.getLogger("app.test")
    return logger.makeRecord(
        "app.test", logging.WARNING, "(unknown file)", 0, "%s of %d", ("one", 2), None, extra=extra
    )


def test_a_record_is_one_json_line_with_its_extras_in_order() -> None:
    record = _record(zeta=1, alpha={3: "three"}, path="/v1/visits", _private="hidden")
    record.created = 1_700_000_000.25
    token = request_id.set("trace-1")
    try:
        line = JsonFormatter().format(record)
    finally:
        request_id.reset(token)
    assert "\n" not in line
    assert json.loads(line) == {
        "time": "2023-11-14T22:13:20.250+00:00",
        "level": "warning",
        "logger": "app.test",
        "message": "one of 2",
        "process": record.process,
        "request_id": "trace-1",
        "zeta": 1,
        "alpha": {"3": "three"},
        "path": "/v1/visits",
    }
    assert list(json.loads(line))[-3:] == ["zeta", "alpha", "path"]


def test_attributes_set_after_the_record_was_made_are_fields_too_but_not_the_standard_ones() -> (
    None
):
    record = _record()
    logging.Formatter().format(record)  # sets `message` and, with a date format, `asctime`
    record.retried = True
    line = json.loads(JsonFormatter().format(record))
    assert list(line) == ["time", "level", "logger", "message", "process", "retried"]
    assert line["retried"] is True
