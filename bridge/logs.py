"""Structured logs: JSON lines in rotated files, with secrets masked before anything is written.

One line per record: ``time`` (UTC, RFC 3339), ``level``, ``logger``,
``message``, every ``extra=`` field, and ``exception`` when there is one.
:func:`setup_logging` attaches its handlers to a logger (the root logger by
default) and returns them so the caller can remove them again.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from typing import TYPE_CHECKING, Self, TextIO

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path
    from types import TracebackType

MASK = "***"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_BACKUP_COUNT = 5
_STANDARD_ATTRIBUTES = frozenset(
    {
        *logging.LogRecord("", 0, "", 0, "", None, None).__dict__,
        "message",
        "asctime",
        "taskName",
    }
)
_CORE_FIELDS = ("time", "level", "logger", "message", "exception", "stack")
_SECRET_WORDS = ("password", "passwd", "secret", "token", "api_key", "apikey", "credential")
_SECRET_ASSIGNMENT = re.compile(
    r"""(?ix)
    (?P<key>["']?[\w.-]*(?:password|passwd|secret|token|api[_-]?key)["']?)
    (?P<sep>\s*[=:]\s*)
    (?P<value>"[^"]*"|'[^']*'|[^\s,;&)}\]]+)
    """
)


def is_secret_key(name: str) -> bool:
    """Return whether a field named ``name`` holds a secret (``password``, ``sasl.password``...)."""
    lowered = name.lower().replace("-", "_")
    return any(word in lowered for word in _SECRET_WORDS)


class RedactionFilter(logging.Filter):
    """Mask secrets in a record's message, extra fields, exception and stack text.

    Masks values of fields whose name looks secret, ``key=value`` / ``"key": value``
    pairs in text whose key looks secret, and every value given to
    :meth:`add_secret` (e.g. the password read from the keyring).
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = {s for s in secrets if s}

    def add_secret(self, value: str) -> None:
        """Mask ``value`` wherever it appears from now on."""
        if value:
            self._secrets.add(value)

    def redact_text(self, text: str) -> str:
        """Return ``text`` with every known secret and secret-looking assignment masked."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return _SECRET_ASSIGNMENT.sub(_mask_assignment, text)

    def redact_value(self, value: object) -> object:
        """Return ``value`` with secrets masked inside strings, mappings and sequences."""
        if isinstance(value, str):
            return self.redact_text(value)
        if isinstance(value, dict):
            return {
                key: MASK if is_secret_key(str(key)) else self.redact_value(item)
                for key, item in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.redact_value(item) for item in value]
        return value

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place with secrets masked; never drops a record."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = f"{record.msg} {record.args!r}"
        record.msg = self.redact_text(message)
        record.args = None
        for name in extra_fields(record):
            value = record.__dict__[name]
            record.__dict__[name] = MASK if is_secret_key(name) else self.redact_value(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact_text(record.stack_info)
        return True


def _mask_assignment(match: re.Match[str]) -> str:
    value = match["value"]
    quote = value[0] if value[:1] in {'"', "'"} else ""
    return f"{match['key']}{match['sep']}{quote}{MASK}{quote}"


def extra_fields(record: logging.LogRecord) -> list[str]:
    """Return the names of the fields given with ``extra=`` (not LogRecord's own)."""
    return [name for name in record.__dict__ if name not in _STANDARD_ATTRIBUTES]


class JsonFormatter(logging.Formatter):
    """One JSON object per line; extra fields that clash with core names get ``extra_``."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line of JSON."""
        moment = datetime.fromtimestamp(record.created, tz=UTC)
        line: dict[str, object] = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in extra_fields(record):
            line[f"extra_{name}" if name in _CORE_FIELDS else name] = record.__dict__[name]
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


@dataclass
class LoggingSetup:
    """The handlers :func:`setup_logging` attached; :meth:`remove` detaches and closes them."""

    logger: logging.Logger
    handlers: tuple[logging.Handler, ...]
    redaction: RedactionFilter
    log_file: Path
    previous_level: int

    def remove(self) -> None:
        """Detach and close the handlers and restore the logger's level."""
        for handler in self.handlers:
            self.logger.removeHandler(handler)
            handler.close()
        self.logger.setLevel(self.previous_level)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.remove()


def setup_logging(
    log_dir: Path,
    *,
    level: int = logging.INFO,
    console_stream: TextIO | None = None,
    file_name: str = "bridge.log",
    max_bytes: int = DEFAULT_MAX_BYTES,
    backup_count: int = DEFAULT_BACKUP_COUNT,
    logger: logging.Logger | None = None,
    secrets: Iterable[str] = (),
) -> LoggingSetup:
    """Log JSON lines to ``log_dir/file_name`` (rotated) and, if given, text to a stream.

    Both handlers mask secrets (see :class:`RedactionFilter`). The folder is
    created owner-only. ``logger`` defaults to the root logger.
    """
    target = logger if logger is not None else logging.getLogger()
    log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    redaction = RedactionFilter(secrets)
    log_file = log_dir / file_name
    file_handler = RotatingFileHandler(
        log_file, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
    )
    file_handler.setFormatter(JsonFormatter())
    handlers: list[logging.Handler] = [file_handler]
    if console_stream is not None:
        stream_handler = logging.StreamHandler(console_stream)
        stream_handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        handlers.append(stream_handler)
    for handler in handlers:
        handler.setLevel(level)
        handler.addFilter(redaction)
        target.addHandler(handler)
    previous = target.level
    target.setLevel(level)
    return LoggingSetup(target, tuple(handlers), redaction, log_file, previous)
