"""Bot API calls the bot can do without: a server that lacks one must not stop the bot.

Some Bot API servers (test doubles, proxies, trimmed self-hosted builds) implement only the core
methods (getMe, getUpdates, sendMessage) and answer any other method with HTTP 404, which
python-telegram-bot raises as InvalidToken: the same error as a bad token, but getMe has already
proved the token good. Optional calls (setMyCommands, deleteWebhook, sendChatAction, editMessageText,
answerCallbackQuery) go through OptionalCalls: a failure is logged as a warning once per method and
error kind (later ones at debug level), a method answered 404/401 is not called again, and the caller
only learns whether the call succeeded. Core calls keep their own error handling.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.error import InvalidToken, TelegramError

from pipeline.logs import REDACTOR

log = logging.getLogger("parley.bot.optional")

MAX_WARNED = 256  # distinct (method, error kind) pairs remembered; beyond that failures log at debug


def describe(err: BaseException) -> str:
    """One short line, secrets masked (PTB's InvalidToken message may quote the token)."""
    message = err.message if isinstance(err, TelegramError) else str(err)
    return REDACTOR.redact(f"{type(err).__name__}: {message}")[:300]


class OptionalCalls:
    """Shared by the runner, the handlers and the review desk (one per bot)."""

    def __init__(self) -> None:
        self.missing: set[str] = set()  # methods the server does not offer (answered 404/401)
        self._warned: set[tuple[str, str]] = set()

    def available(self, method: str) -> bool:
        """False once the server answered this method with 404/401: it is not called again."""
        return method not in self.missing

    def failed(self, method: str, err: TelegramError) -> None:
        """Record a failed optional call; the caller goes on without it."""
        if isinstance(err, InvalidToken):
            if method not in self.missing:
                self.missing.add(method)
                log.warning("the Bot API does not offer %s (%s); the bot goes on without it",
                            method, describe(err))
            return
        key = (method, type(err).__name__)
        if key in self._warned or len(self._warned) >= MAX_WARNED:
            log.debug("%s failed: %s", method, describe(err))
            return
        self._warned.add(key)
        log.warning("%s failed (%s); the bot goes on without it (further such errors are logged at debug level)",
                    method, describe(err))

    async def call(self, method: str, make: Callable[[], Awaitable[Any]]) -> bool:
        """Run an optional call: True when it succeeded, False (logged, never raised) otherwise.
        `make` is only invoked while the method is available, so no coroutine is left unawaited."""
        if not self.available(method):
            return False
        try:
            await make()
        except TelegramError as err:
            self.failed(method, err)
            return False
        return True
