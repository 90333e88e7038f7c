"""Per-chat ordered update processing: one chat strictly in order, chats concurrently."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_IN_FLIGHT = 4096


def chat_key(update: object) -> Hashable | None:
    """The ordering key: the chat, else the user; None for updates that need no ordering (or whose
    ids are not usable: PTB does not type-check what it parses, a malformed chat id may be a dict)."""
    key: Hashable | None = None
    if isinstance(update, Update):
        chat = update.effective_chat
        user = update.effective_user
        if chat is not None:
            key = ("chat", chat.id)
        elif user is not None:
            key = ("user", user.id)
    try:
        hash(key)
    except TypeError:
        return None
    return key


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Chains the updates of each chat: an update starts when the previous one of its chat ended.

    The order is fixed when `do_process_update` is entered (synchronously, before any await),
    so it equals the order in which updates were handed to `process_update`. Waiting for its
    turn takes no work slot: the template's semaphore only bounds the number of updates in
    flight (MAX_IN_FLIGHT); how many replies are generated at once is bounded by the handlers.
    """

    def __init__(self, max_concurrent_updates: int = MAX_IN_FLIGHT) -> None:
        super().__init__(max_concurrent_updates)
        self._tails: dict[Hashable, asyncio.Future[None]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        loop = asyncio.get_running_loop()
        previous = self._tails.get(key)
        done: asyncio.Future[None] = loop.create_future()
        self._tails[key] = done
        try:
            if previous is not None and not previous.done():
                await asyncio.shield(previous)
            await coroutine
        finally:
            close_unstarted(coroutine)
            if previous is not None and not previous.done():
                # cancelled while waiting: the next update of this chat still waits for `previous`
                previous.add_done_callback(lambda _f: _resolve(done))
            else:
                _resolve(done)
            if done.done() and self._tails.get(key) is done:
                del self._tails[key]

    @property
    def active_chats(self) -> int:
        """Chats with an update in progress or waiting (for metrics and tests)."""
        return len(self._tails)

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free; in-flight updates are drained by the ingest."""


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def close_unstarted(coroutine: Awaitable[Any]) -> None:
    """A coroutine that never ran must be closed, or Python warns that it was never awaited."""
    if inspect.iscoroutine(coroutine) and inspect.getcoroutinestate(coroutine) == inspect.CORO_CREATED:
        coroutine.close()
