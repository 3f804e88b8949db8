"""Logging of the service: one handler, UTC timestamps, text or JSON, the request id on every line.

`configure_logging` is called by every `create_app` and may be called again: it replaces the
one handler it installed on the root logger, leaves every other handler alone (a test
runner's, for one) and routes uvicorn's loggers through the root, so that uvicorn's own
lines have the same format when the service runs as `uvicorn app.main:app`. uvicorn's access
log is silenced: `app.access` writes one line per request, with its latency and request id.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Literal

from asgi_correlation_id import correlation_id

LogFormat = Literal["text", "json"]

# Shown in the request id's place on lines written outside any request (startup, loader).
NO_REQUEST = "-"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# Attributes every LogRecord has; anything else on a record was passed as `extra`.
_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "color_message",
    "taskName",
}
# uvicorn's loggers: they keep their own handlers unless told otherwise.
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


def utc_timestamp(created: float) -> str:
    """ISO 8601 in UTC with milliseconds: `2024-03-01T12:00:00.123Z`."""
    moment = datetime.fromtimestamp(created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class RequestIdFilter(logging.Filter):
    """Puts the id of the request being handled (None outside requests) on every record as
    `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = correlation_id.get()
        return True


class TextFormatter(logging.Formatter):
    """`2024-03-01T12:00:00.123Z INFO app.access [<request id>] GET /articles 200 2.1ms`"""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return utc_timestamp(record.created)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802
        request_id = getattr(record, "request_id", None) or correlation_id.get() or NO_REQUEST
        return TEXT_FORMAT % {**record.__dict__, "request_id": request_id}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, the record's extra
    fields (the access log's method, path, status, duration_ms) and `exception` when there
    is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": utc_timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or correlation_id.get(),
        }
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is when a line is written (as `logging.lastResort`
    does), so that output captured or redirected after configuration is followed."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_logging(level: str, log_format: LogFormat = "text") -> logging.Handler:
    """Install (or replace) the service's handler on the root logger; returns it."""
    root = logging.getLogger()
    for handler in root.handlers[:]:
        if isinstance(handler, StderrHandler):
            root.removeHandler(handler)
    handler = StderrHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
    # One line per request comes from `app.access`; uvicorn's would repeat it.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    # A malformed X-Request-ID is replaced (the response carries the new one); a warning
    # for each would let any client write to the log at will.
    logging.getLogger("asgi_correlation_id").setLevel(logging.ERROR)
    return handler
