"""Durable reply delivery: every reply is written to the store's outbox before it is sent.

An item is marked sent only after Telegram confirmed it (returned a message id). A 429 is
waited out (inside the rate limiter, and here if the limiter gave up), network errors and
5xx are retried with backoff `telegram.send_retries` times; after that the item stays
pending and the periodic `flush()` retries it every `telegram.outbox_retry_s`. Nothing is
dropped: permanent refusals (user blocked the bot, chat gone) are audited and retried daily.

Order per chat is kept even under failures: a chat with an undelivered item is "blocked"
and its newer items wait in the outbox until `flush()` has sent the older ones. Replies
produced while an update is processed are collected (`collecting()`) and delivered by the
ingest after the update was marked done, so a crash can at worst resend, never lose.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from telegram import Bot, ReplyParameters
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError

from bot.formatting import is_parse_error, render, telegram_parse_mode
from bot.splitting import TELEGRAM_LIMIT, sanitize, split_message, utf16_len
from pipeline.store import Store

log = logging.getLogger("parley.bot.outbox")

EMPTY_REPLY = "(empty reply)"
PERMANENT_RETRY_S = 24 * 3600.0


@dataclass(slots=True)
class _Item:
    id: int
    chat_id: int
    text: str
    reply_to: int | None
    kind: str


@dataclass(slots=True)
class _Batch:
    chat_id: int
    items: list[_Item] = field(default_factory=list)


_collector: ContextVar[list[_Batch] | None] = ContextVar("parley_outbox_collector", default=None)


def retry_after_seconds(err: RetryAfter) -> float:
    value = err.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)


class Outbox:
    def __init__(
        self, bot: Bot, store: Store, *, parse_mode: str = "none", retries: int = 5, retry_s: float = 30.0,
        backoff_s: float = 0.5, backoff_max_s: float = 10.0,
    ) -> None:
        self.bot = bot
        self.store = store
        self.parse_mode = parse_mode
        self.retries = retries
        self.retry_s = retry_s
        self.backoff_s = backoff_s
        self.backoff_max_s = backoff_max_s
        self._locks: dict[int, asyncio.Lock] = {}
        self._active: Counter[int] = Counter()  # chats whose items are being delivered by their sender
        self._blocked: dict[int, float] = {}  # chat -> earliest retry of its oldest undelivered item
        self._recent: deque[int] = deque(maxlen=20000)
        self._recent_set: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._flush_lock = asyncio.Lock()

    # -- producing ---------------------------------------------------------------------
    @contextmanager
    def collecting(self) -> Iterator[list[_Batch]]:
        """Inside: send() only persists; the caller delivers the returned batches later."""
        batches: list[_Batch] = []
        token = _collector.set(batches)
        try:
            yield batches
        finally:
            _collector.reset(token)

    async def send(
        self, chat_id: int, text: str, *, reply_to: int | None = None, kind: str = "reply",
        ref_id: int | None = None, background: bool = False,
    ) -> list[int]:
        """Split, persist, then deliver (now, in the background, or later when collecting)."""
        parts = split_message(sanitize(text)) or [EMPTY_REPLY]
        batch = _Batch(chat_id)
        self._active[chat_id] += 1
        try:
            for i, part in enumerate(parts):
                first_reply_to = reply_to if i == 0 else None
                oid = await self.store.enqueue_outbox(
                    chat_id, part, reply_to_message_id=first_reply_to, kind=kind, ref_id=ref_id
                )
                batch.items.append(_Item(oid, chat_id, part, first_reply_to, kind))
        except BaseException:
            self._release(chat_id)
            raise
        collected = _collector.get()
        if collected is not None:
            collected.append(batch)
        elif background:
            task = asyncio.create_task(self.deliver([batch]), name=f"outbox:{chat_id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            await self.deliver([batch])
        return [item.id for item in batch.items]

    def release(self, batches: list[_Batch]) -> None:
        """Give up collected batches without sending (shutdown); they stay pending in the store."""
        for batch in batches:
            self._release(batch.chat_id)
        batches.clear()

    def _release(self, chat_id: int) -> None:
        self._active[chat_id] -= 1
        if self._active[chat_id] <= 0:
            del self._active[chat_id]

    def _lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            if len(self._locks) > 4096:
                for key, old in list(self._locks.items()):
                    if not old.locked() and key not in self._active:
                        del self._locks[key]
            lock = self._locks[chat_id] = asyncio.Lock()
        return lock

    # -- delivering --------------------------------------------------------------------
    async def deliver(self, batches: list[_Batch]) -> None:
        pending = list(batches)
        try:
            while pending:
                batch = pending[0]
                try:
                    async with self._lock(batch.chat_id):
                        for item in batch.items:
                            if batch.chat_id in self._blocked or not await self._deliver_one(item):
                                break  # older items first: the flush sends the rest in order
                except (asyncio.CancelledError, KeyboardInterrupt):
                    raise
                except Exception:
                    log.exception("delivery to chat %s failed; it stays in the outbox", batch.chat_id)
                    self._blocked[batch.chat_id] = time.time() + self.retry_s
                pending.pop(0)
                self._release(batch.chat_id)
        finally:
            for batch in pending:
                self._release(batch.chat_id)

    async def _deliver_one(self, item: _Item) -> bool:
        """Send one item with retries; True when Telegram confirmed it."""
        last_error = ""
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                message_id = await self._send(item)
            except RetryAfter as err:
                last_error = f"RetryAfter: {err.message}"
                if not last:
                    await asyncio.sleep(retry_after_seconds(err) + 0.1)
            except (Forbidden, InvalidToken, BadRequest, ChatMigrated) as err:
                await self._give_up(item, f"{type(err).__name__}: {err.message}")
                return False
            except (TelegramError, OSError) as err:  # NetworkError, TimedOut, 5xx
                last_error = f"{type(err).__name__}: {err}"
                if not last:
                    await asyncio.sleep(self._backoff(attempt))
            else:
                await self.store.mark_outbox_sent(item.id, message_id)
                self._remember(item.id)
                return True
        retry_at = time.time() + self.retry_s
        await self.store.mark_outbox_retry(item.id, last_error, retry_at)
        self._blocked[item.chat_id] = retry_at
        log.warning("reply %s to chat %s not delivered after %d attempts (%s); retrying in %.0fs",
                    item.id, item.chat_id, self.retries + 1, last_error, self.retry_s)
        return False

    async def _give_up(self, item: _Item, error: str) -> None:
        retry_at = time.time() + PERMANENT_RETRY_S
        await self.store.mark_outbox_retry(item.id, error, retry_at)
        self._blocked[item.chat_id] = retry_at
        await self.store.audit("delivery_refused", chat_id=item.chat_id, ref_id=item.id,
                               detail={"error": error, "kind": item.kind})
        log.warning("Telegram refused reply %s to chat %s (%s); kept in the outbox", item.id, item.chat_id, error)

    async def _send(self, item: _Item) -> int:
        reply = ReplyParameters(item.reply_to, allow_sending_without_reply=True) if item.reply_to else None
        mode = telegram_parse_mode(self.parse_mode)
        if mode is not None:
            rendered = render(item.text, self.parse_mode)
            if utf16_len(rendered) <= TELEGRAM_LIMIT:
                try:
                    msg = await self.bot.send_message(item.chat_id, rendered, parse_mode=mode, reply_parameters=reply)
                    return msg.message_id
                except BadRequest as err:
                    if not is_parse_error(err.message):
                        raise
                    log.warning("Telegram rejected the %s markup of reply %s; sending it as plain text", mode, item.id)
        msg = await self.bot.send_message(item.chat_id, item.text, reply_parameters=reply)
        return msg.message_id

    def _backoff(self, attempt: int) -> float:
        delay: float = min(self.backoff_max_s, self.backoff_s * 2.0**attempt)
        return delay * random.uniform(0.75, 1.25)

    def _remember(self, item_id: int) -> None:
        if len(self._recent) == self._recent.maxlen:
            self._recent_set.discard(self._recent[0])
        self._recent.append(item_id)
        self._recent_set.add(item_id)

    # -- retrying ----------------------------------------------------------------------
    async def flush(self, *, everything: bool = False, page: int = 1000) -> int:
        """Send due outbox items (all pending ones when `everything`, e.g. at start-up); returns how many."""
        total = 0
        async with self._flush_lock:
            while True:
                sent, fetched = await self._flush_page(everything, page)
                total += sent
                if fetched < page or sent == 0:
                    return total

    async def _flush_page(self, everything: bool, page: int) -> tuple[int, int]:
        now = time.time()
        due = await self.store.outbox_due(now=float("inf") if everything else now, limit=page)
        groups: dict[int, list[_Item]] = {}
        for it in due:
            if it.id not in self._recent_set:
                groups.setdefault(it.chat_id, []).append(_Item(it.id, it.chat_id, it.text, it.reply_to_message_id, it.kind))
        jobs = []
        for chat_id, items in groups.items():
            if self._active.get(chat_id) or (not everything and self._blocked.get(chat_id, 0.0) > now):
                continue  # its sender is at work, or its oldest item is not due yet
            lock = self._lock(chat_id)
            if lock.locked():
                continue
            await lock.acquire()  # free lock: returns without suspending, so the checks above hold
            jobs.append(self._flush_chat(chat_id, items, lock))
        results = await asyncio.gather(*jobs, return_exceptions=True)
        sent = 0
        for result in results:
            if isinstance(result, BaseException):
                log.error("outbox retry failed: %r", result)
            else:
                sent += result
        return sent, len(due)

    async def _flush_chat(self, chat_id: int, items: list[_Item], lock: asyncio.Lock) -> int:
        try:
            self._blocked.pop(chat_id, None)
            sent = 0
            for item in items:
                if not await self._deliver_one(item):
                    break
                sent += 1
            return sent
        finally:
            lock.release()

    async def drain(self, timeout: float) -> None:
        """Wait for background deliveries; what is left stays pending in the store."""
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=5)

    @property
    def blocked_chats(self) -> int:
        return len(self._blocked)
