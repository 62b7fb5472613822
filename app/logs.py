"""Log lines with the id of the request being served: readable text, or JSON lines.

`python -m app serve` configures logging with `log_config()`: every record of the service and
of uvicorn goes to standard error, as readable lines on a terminal and as JSON lines elsewhere
(or as the LOG_FORMAT setting says), and the access log (`app.access`, written by
`app.edge.access`) replaces uvicorn's own. Its JSON lines are written straight to that
stream, as their records would be (`log_access`, decision 0043).
"""

import functools
import itertools
import logging
import os
import sys
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import orjson

from app.config import LogFormat

ACCESS_LOGGER = "app.access"

# The id of the request being served, set by the access middleware; it follows the request
# into the worker thread that runs a handler, so every record logged there carries it.
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else was passed in `extra=` and is logged as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# How many attributes a record is built with: `extra=` (which may not replace them) and
# anything set later come after them, in the record's own order. (A LogRecord subclass that
# sets attributes before its own __init__, or a filter that deletes a built attribute and
# sets it again, shifts that order: the shifted extras are left out of the line.)
_BUILT = len(vars(logging.LogRecord("", 0, "", 0, "", (), None)))
# uvicorn repeats its message with terminal colours for its own formatter.
_STANDARD.add("color_message")


# Records here never show where they were logged from or in which thread: the stdlib need not
# look it up for every record (the logging HOWTO's "Optimization"; the access log writes one
# record per request: docs/decisions/0014-own-middleware.md). Set on import, so that every
# server process (each of `--workers N` imports this) has them; in any process that imports
# the app, records carry no file, line or function (pytest's reports of captured logs show
# "(unknown file):0").
logging._srcfile = None
logging.logThreads = False
logging.logMultiprocessing = False


@functools.lru_cache(maxsize=4)
def _utc_second(seconds: int) -> str:
    # Every record of the same second starts the same: formatted once.
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _extras(record: logging.LogRecord) -> Iterator[tuple[str, Any]]:
    """The fields passed in `extra=` or set on the record later, in their order."""
    for name, value in itertools.islice(vars(record).items(), _BUILT, None):
        if name not in _STANDARD and not name.startswith("_"):
            yield name, value


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time, level, logger, message, process id, the request
    id and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        """The JSON line for `record` (no newline)."""
        line = _json_line(
            record.created,
            record.levelname,
            record.name,
            record.getMessage(),
            record.process,
            _extras(record),
        )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return _encoded(line)


def _json_line(
    created: float,
    level: str,
    logger: str,
    message: str,
    process: int | None,
    extras: Iterable[tuple[str, Any]],
) -> dict[str, Any]:
    seconds, fraction = divmod(created, 1)
    line: dict[str, Any] = {
        "time": f"{_utc_second(int(seconds))}.{int(fraction * 1000):03d}+00:00",
        "level": level.lower(),
        "logger": logger,
        "message": message,
        "process": process,
    }
    current = request_id.get()
    if current is not None:
        line["request_id"] = current
    line.update(extras)
    return line


def _encoded(line: dict[str, Any]) -> str:
    return orjson.dumps(line, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


def _json_stream(logger: logging.Logger) -> logging.StreamHandler[Any] | None:
    """The one handler an INFO record of `logger` would reach, when it writes JSON lines to
    a stream with no filter on the way (what `log_config` sets up for JSON); else None."""
    if logger.disabled or logger.filters:
        return None
    handlers: list[logging.Handler] = []
    current: logging.Logger | None = logger
    while current is not None:  # as `Logger.callHandlers` walks to its handlers
        handlers += current.handlers
        current = current.parent if current.propagate else None
    if len(handlers) != 1:
        return None
    handler = handlers[0]
    if (
        type(handler) is not logging.StreamHandler
        or handler.filters
        or handler.level > logging.INFO
        or not isinstance(handler.formatter, JsonFormatter)
    ):
        return None
    return handler


def log_access(logger: logging.Logger, message: str, fields: dict[str, Any]) -> None:
    """Log a request's line (`message`, with `fields` as extras) at INFO on `logger`: to the
    JSON lines' stream of `log_config`, written there as its record would be, without making
    the record; to any other handler as a record (decision 0043)."""
    if not logger.isEnabledFor(logging.INFO):
        return
    handler = _json_stream(logger)
    if handler is None:
        logger.info(message, extra=fields)
        return
    process = os.getpid() if logging.logProcesses else None  # as a record reads it
    line = _json_line(time.time(), "INFO", logger.name, message, process, fields.items())
    text = _encoded(line)
    handler.acquire()
    try:
        handler.stream.write(text + handler.terminator)
        handler.flush()
    except Exception:  # as `StreamHandler.emit`: reported on standard error, nothing raised
        record = logger.makeRecord(
            logger.name, logging.INFO, "(unknown file)", 0, message, (), None, extra=fields
        )
        handler.handleError(record)
    finally:
        handler.release()


class TextFormatter(logging.Formatter):
    """A record as a line for people: local time, level, logger, message, then the request id
    and the extras as `name=value`, leaving out those the message already says."""

    def format(self, record: logging.LogRecord) -> str:
        """The readable line for `record`, followed by its traceback if it has one."""
        message = record.getMessage()
        said = set(message.split())
        fields = [f"{name}={value}" for name, value in _extras(record) if str(value) not in said]
        current = request_id.get()
        if current is not None:
            fields.append(f"request_id={current}")
        when = datetime.fromtimestamp(record.created).strftime("%Y-%m-%d %H:%M:%S")
        line = f"{when} {record.levelname:<8} {record.name}: {message}"
        if fields:
            line = f"{line}  {' '.join(fields)}"
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line


def log_config(log_format: LogFormat = "auto", level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` for the server: every record on standard error, as text
    (`text`, or `auto` on a terminal) or as JSON lines (`json`, or `auto` elsewhere)."""
    readable = log_format == "text" or (log_format == "auto" and sys.stderr.isatty())
    formatter = "text" if readable else "json"
    handler = {
        "class": "logging.StreamHandler",
        "formatter": formatter,
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}, "text": {"()": TextFormatter}},
        "handlers": {"stderr": handler},
        "loggers": {
            "app": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            # Requests are logged by the app, with their id; uvicorn's access log would repeat
            # them without it.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
