"""Logging for every parley command: text or JSON lines, request ids, secrets redacted.

    configure_logging(settings, fmt="json")   # once, at start-up (bot.cli.setup_logging calls it)
    with bind_request_id():                   # per Telegram update / HTTP request: every log line
        ...                                   #   written inside (tasks too) carries the id
    add_secrets(value)                        # a secret learnt at run time (settings' are added already)

The redacting filter sits on the handler, so it covers every logger whose records reach it,
third-party ones included (httpx logs Bot API URLs that contain the bot token). It rewrites the
message, its args, extra fields, stack and exception text. Besides the configured secrets it
masks anything shaped like a Telegram bot token or an OpenAI-style key.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

from pydantic import BaseModel, SecretStr

from pipeline.types import ConfigError

if TYPE_CHECKING:
    from pipeline.settings import Settings

MASK = "**********"
MIN_SECRET_LEN = 4  # shorter values would mask ordinary words
_GENERIC = [
    re.compile(r"(?<!\d)\d{5,16}:[A-Za-z0-9_-]{30,}"),  # Telegram bot token
    re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{16,}"),  # OpenAI-style API key
    re.compile(r"(?i)(?<=bearer )[A-Za-z0-9._~+/=-]{8,}"),  # Authorization: Bearer ...
]
_request_id: ContextVar[str | None] = ContextVar("parley_request_id", default=None)
_STD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


# -- request ids ---------------------------------------------------------------------------
def new_request_id() -> str:
    return uuid.uuid4().hex[:12]


def current_request_id() -> str | None:
    return _request_id.get()


@contextmanager
def bind_request_id(value: str | None = None) -> Iterator[str]:
    """Tag every log line in this context (and tasks started in it) with a request id."""
    rid = value or new_request_id()
    token = _request_id.set(rid)
    try:
        yield rid
    finally:
        _request_id.reset(token)


# -- redaction -------------------------------------------------------------------------------
class Redactor:
    """Replaces known secrets (and their URL-encoded forms) and secret-shaped strings with MASK."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add(*secrets)

    def add(self, *secrets: str | SecretStr | None) -> None:
        with self._lock:
            for item in secrets:
                value = item.get_secret_value() if isinstance(item, SecretStr) else item
                if value and len(value) >= MIN_SECRET_LEN:
                    self._secrets.update({value, quote(value, safe=""), quote(value, safe="/:")})
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def redact(self, text: str) -> str:
        pattern = self._pattern
        if pattern is not None:
            text = pattern.sub(MASK, text)
        for generic in _GENERIC:
            text = generic.sub(MASK, text)
        return text


class RedactingFilter(logging.Filter):
    """Handler filter: sets record.request_id and redacts everything that will be written."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or ""
        try:
            message = record.getMessage()
        except Exception:  # bad %-args: still write (redacted) what we have
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = self.redactor.redact(message), None
        if record.exc_info and record.exc_info[0] is not None:
            text = record.exc_text or _PLAIN.formatException(record.exc_info)
            record.exc_text, record.exc_info = self.redactor.redact(text), None
        elif record.exc_text:
            record.exc_text = self.redactor.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor.redact(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _STD_ATTRS and isinstance(value, str):
                setattr(record, key, self.redactor.redact(value))
        return True


_PLAIN = logging.Formatter()


# -- formatters ------------------------------------------------------------------------------
class TextFormatter(logging.Formatter):
    """`2024-05-01 12:00:00,123 INFO parley.bot [3f2a9c1d04b2] message`."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(rid)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        rid = getattr(record, "request_id", "")
        record.rid = f" [{rid}]" if rid else ""
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, request_id, exc, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", "")
        if rid:
            data["request_id"] = rid
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exc"] = record.exc_text
        if record.stack_info:
            data["stack"] = record.stack_info
        for key, value in vars(record).items():
            if key not in _STD_ATTRS and key not in data and key != "rid":
                data[key] = value
        return json.dumps(data, ensure_ascii=False, default=str)


# -- set-up ----------------------------------------------------------------------------------
class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at emit time (test runners swap it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> IO[str]:
        return sys.stderr


REDACTOR = Redactor()
NOISY_LOGGERS = ("httpx", "httpcore", "apscheduler", "urllib3", "filelock")


def add_secrets(*values: str | SecretStr | None) -> None:
    REDACTOR.add(*values)


def settings_secrets(settings: BaseModel) -> list[SecretStr]:
    """Every SecretStr in the settings tree (tokens, API keys, webhook secret)."""
    found: list[SecretStr] = []

    def walk(value: Any) -> None:
        if isinstance(value, SecretStr):
            found.append(value)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, (list, tuple, set)):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(settings)
    return found


def _level(name: str | int) -> int:
    if isinstance(name, int):
        return name
    value = logging.getLevelName(name.strip().upper())
    if not isinstance(value, int):
        raise ConfigError(f"config error: logging.level: unknown level {name!r}; use DEBUG, INFO, WARNING or ERROR")
    return value


def configure_logging(settings: Settings | None = None, fmt: str | None = None, *,
                      stream: IO[str] | None = None, level: str | int | None = None) -> logging.Handler:
    """Install parley's single root handler (replacing an earlier one); returns it."""
    fmt = fmt or (settings.logging.format if settings is not None else "text")
    if fmt not in ("text", "json"):
        raise ConfigError(f"config error: logging.format: {fmt!r} is not 'text' or 'json'")
    lvl = _level(level if level is not None else (settings.logging.level if settings is not None else "INFO"))
    if settings is not None:
        REDACTOR.add(*settings_secrets(settings))
    handler: logging.StreamHandler[IO[str]] = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.addFilter(RedactingFilter(REDACTOR))
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler._parley = True  # type: ignore[attr-defined]
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_parley", False)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(lvl)
    for name in NOISY_LOGGERS:  # httpx logs every getUpdates poll at INFO
        logging.getLogger(name).setLevel(logging.DEBUG if lvl <= logging.DEBUG else max(lvl, logging.WARNING))
    return handler
