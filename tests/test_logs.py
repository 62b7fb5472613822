"""Log lines (app.logs): one JSON object per record, extras as fields in the order given, or
readable text on a terminal."""

import io
import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest

from app.config import LogFormat
from app.logs import JsonFormatter, TextFormatter, log_access, log_config, request_id

pytestmark = pytest.mark.backend_independent(reason="log lines")


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


def test_a_record_as_text_names_its_extras_once_and_the_request() -> None:
    record = _record(method="GET", path="/v1/visits", duration_ms=3.5)
    record.msg, record.args = "%s %s %s", ("GET", "/v1/visits", 200)
    record.created = 1_700_000_000.25
    token = request_id.set("trace-1")
    try:
        line = TextFormatter().format(record)
    finally:
        request_id.reset(token)
    when = datetime.fromtimestamp(record.created).strftime("%Y-%m-%d %H:%M:%S")
    assert line == (
        f"{when} WARNING  app.test: GET /v1/visits 200  duration_ms=3.5 request_id=trace-1"
    )


def test_a_record_as_text_carries_its_traceback() -> None:
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.getLogger("app.test").makeRecord(
            "app.test", logging.ERROR, "(unknown file)", 0, "failed", (), sys.exc_info()
        )
    first, *rest = TextFormatter().format(record).splitlines()
    assert first.endswith(" ERROR    app.test: failed")
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "ValueError: broken"


@pytest.mark.parametrize(
    ("setting", "terminal", "formatter"),
    [
        ("auto", True, "text"),
        ("auto", False, "json"),
        ("text", False, "text"),
        ("json", True, "json"),
    ],
)
def test_the_server_logs_text_on_a_terminal_and_json_elsewhere_unless_told(
    monkeypatch: pytest.MonkeyPatch, setting: LogFormat, terminal: bool, formatter: str
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: terminal)
    config = log_config(setting)
    assert config["handlers"]["stderr"]["formatter"] == formatter
    assert (
        config["formatters"][formatter]["()"]
        is {"text": TextFormatter, "json": JsonFormatter}[formatter]
    )


FIELDS = {"method": "GET", "path": "/v1/visits/%41", "status": 200, "duration_ms": 0.5}


@contextmanager
def json_logger() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger set up as `log_config` sets up `app` for JSON lines, writing to a string.
    Made inside the test: pytest adds its capture handlers to the loggers that do not
    propagate when each phase of a test starts."""
    logger = logging.getLogger("app.test.access")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
        logger.propagate = True


def test_an_access_line_is_written_straight_as_its_record_would_be(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = request_id.set("trace-1")
    try:
        with json_logger() as (logger, stream):
            record = logger.makeRecord(
                logger.name,
                logging.INFO,
                "(unknown file)",
                0,
                "GET /v1/visits/%41 200",
                (),
                None,
                extra=FIELDS,
            )
            record.created = 1_700_000_000.25
            expected = JsonFormatter().format(record)
            monkeypatch.setattr(time, "time", lambda: 1_700_000_000.25)

            def no_record(*args: object, **kwargs: object) -> logging.LogRecord:
                raise AssertionError("the line was made through a record")

            monkeypatch.setattr(logger, "makeRecord", no_record)
            log_access(logger, "GET /v1/visits/%41 200", FIELDS)
    finally:
        request_id.reset(token)
    assert stream.getvalue() == expected + "\n"
    assert json.loads(stream.getvalue())["request_id"] == "trace-1"


def test_an_access_line_is_a_record_for_any_other_handler(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with json_logger() as (logger, stream), caplog.at_level(logging.INFO, logger=logger.name):
        logger.propagate = True  # caplog's handler, on the root logger, is reached too
        log_access(logger, "GET /v1/visits/%41 200", FIELDS)
    (record,) = caplog.records
    assert record.getMessage() == "GET /v1/visits/%41 200"
    assert [getattr(record, name) for name in FIELDS] == list(FIELDS.values())
    assert json.loads(stream.getvalue())["path"] == "/v1/visits/%41"


def test_an_access_line_is_a_record_when_a_filter_or_another_format_may_change_it() -> None:
    seen: list[logging.LogRecord] = []

    def dropped(record: logging.LogRecord) -> bool:
        seen.append(record)
        return False

    with json_logger() as (logger, stream):
        logger.addFilter(dropped)
        try:
            log_access(logger, "GET /v1/visits/%41 200", FIELDS)
        finally:
            logger.removeFilter(dropped)
        assert len(seen) == 1
        assert stream.getvalue() == ""
        logger.handlers[0].setFormatter(TextFormatter())
        log_access(logger, "GET /v1/visits/%41 200", FIELDS)
    assert "app.test.access: GET /v1/visits/%41 200  duration_ms=0.5" in stream.getvalue()


def test_no_access_line_below_the_logger_s_level() -> None:
    with json_logger() as (logger, stream):
        logger.setLevel(logging.WARNING)
        log_access(logger, "GET /v1/visits/%41 200", FIELDS)
    assert stream.getvalue() == ""
