"""Durable reply delivery: every reply is written to the store's outbox before it is sent.

An item is marked sent only after Telegram confirmed it (returned a message id). A 429 is
waited out (inside the rate limiter, and here if the limiter gave up), network errors and
5xx are retried with backoff `telegram.send_retries` times; after that the item stays
pending and the periodic `flush()` retries it every `telegram.outbox_retry_s`. Permanent
refusals (user blocked the bot, chat gone) end the item's delivery: it is marked `failed`
with an audit row (`delivery_failed`) in one transaction, counted in
parley_telegram_errors_total{kind="forbidden"|"bad_request"}, and shown by /queue.

Order per chat is kept even under failures: a chat with an undelivered item is "blocked"
and its newer items wait in the outbox until `flush()` has sent the older ones. Replies
produced while an update is processed are only collected (`collecting()`); the ingest
writes them to the outbox and marks the update done in ONE transaction
(Store.complete_update) and delivers them afterwards, so a crash can at worst resend,
never lose, and never enqueue a reply twice.
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
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.formatting import is_parse_error, render, telegram_parse_mode
from bot.splitting import TELEGRAM_LIMIT, sanitize, split_message, utf16_len
from pipeline.logs import REDACTOR
from pipeline.metrics import Metrics
from pipeline.store import OutboxDraft, Store

log = logging.getLogger("parley.bot.outbox")

EMPTY_REPLY = "(empty reply)"


@dataclass(slots=True)
class _Item:
    id: int  # 0 until persisted
    chat_id: int
    text: str
    reply_to: int | None
    kind: str
    ref_id: int | None = None
    attempts: int = 0  # earlier attempts (a flush re-sends an item that failed before)


@dataclass(slots=True)
class _Batch:
    chat_id: int
    items: list[_Item] = field(default_factory=list)


_collector: ContextVar[list[_Batch] | None] = ContextVar("parley_outbox_collector", default=None)


def _describe(err: BaseException) -> str:
    """For the store and the audit log: secrets masked (PTB's InvalidToken message quotes the token)."""
    name = type(err).__name__
    message = err.message if isinstance(err, TelegramError) else str(err)
    return REDACTOR.redact(message if message.lower().startswith(name.lower()) else f"{name}: {message}")


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
        self.metrics: Metrics | None = None  # set by the runner when metrics are enabled

    # -- producing ---------------------------------------------------------------------
    @contextmanager
    def collecting(self) -> Iterator[list[_Batch]]:
        """Inside: send() only collects; the caller stores the batches (with the update's done mark,
        Store.complete_update), binds their ids and delivers them."""
        batches: list[_Batch] = []
        token = _collector.set(batches)
        try:
            yield batches
        finally:
            _collector.reset(token)

    def prepare(
        self, chat_id: int, text: str, *, reply_to: int | None = None, kind: str = "reply", ref_id: int | None = None,
    ) -> _Batch:
        """Split into Telegram-sized parts, not yet stored. The chat counts as busy (its own sender
        delivers it, the periodic flush keeps off) until the batch is delivered or released."""
        parts = split_message(sanitize(text)) or [EMPTY_REPLY]
        batch = _Batch(chat_id, [_Item(0, chat_id, part, reply_to if i == 0 else None, kind, ref_id)
                                 for i, part in enumerate(parts)])
        self._active[chat_id] += 1
        return batch

    @staticmethod
    def drafts(batches: list[_Batch]) -> list[OutboxDraft]:
        return [OutboxDraft(it.chat_id, it.text, it.reply_to, it.kind, it.ref_id) for b in batches for it in b.items]

    @staticmethod
    def bind(batches: list[_Batch], ids: list[int]) -> None:
        """Give collected items the outbox ids the store assigned (in `drafts()` order)."""
        items = [it for b in batches for it in b.items]
        if len(items) != len(ids):
            raise RuntimeError(f"outbox: {len(ids)} id(s) for {len(items)} item(s)")
        for item, oid in zip(items, ids):
            item.id = oid

    async def send(
        self, chat_id: int, text: str, *, reply_to: int | None = None, kind: str = "reply",
        ref_id: int | None = None, background: bool = False,
    ) -> list[int]:
        """Split and deliver. While collecting, only collect (the caller stores and delivers, []
        is returned); otherwise persist, then deliver now or in the background."""
        batch = self.prepare(chat_id, text, reply_to=reply_to, kind=kind, ref_id=ref_id)
        collected = _collector.get()
        if collected is not None:
            collected.append(batch)
            return []
        try:
            for item in batch.items:
                item.id = await self.store.enqueue_outbox(
                    chat_id, item.text, reply_to_message_id=item.reply_to, kind=kind, ref_id=ref_id)
        except BaseException:
            self._release(chat_id)
            raise
        if background:
            self.schedule([batch])
        else:
            await self.deliver([batch])
        return [item.id for item in batch.items]

    def schedule(self, batches: list[_Batch]) -> None:
        """Deliver stored batches in the background (drained on shutdown)."""
        task = asyncio.create_task(self.deliver(batches), name="outbox-deliver")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def release(self, batches: list[_Batch]) -> None:
        """Give up batches without sending (shutdown, or their transaction failed): what was stored
        stays pending in the store, what was not is produced again with its update."""
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
                            if batch.chat_id in self._blocked or await self._deliver_one(item) == "retry":
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

    async def _deliver_one(self, item: _Item) -> str:
        """Send one item with retries: "sent" (Telegram confirmed), "failed" (permanently refused)
        or "retry" (still pending; the chat waits for the periodic flush)."""
        last_error = ""
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            if (attempt or item.attempts) and self.metrics is not None:
                self.metrics.telegram_retry()
            try:
                message_id = await self._send(item)
            except ChatMigrated as err:  # the group became a supergroup: send there
                self._count_error(err)
                last_error = _describe(err)
                item.chat_id = int(err.new_chat_id)
            except RetryAfter as err:
                self._count_error(err)
                last_error = _describe(err)
                if not last:
                    await asyncio.sleep(retry_after_seconds(err) + 0.1)
            except (Forbidden, BadRequest) as err:
                self._count_error(err)
                await self._give_up(item, _describe(err))
                return "failed"
            except (TelegramError, OSError) as err:  # NetworkError, TimedOut, 5xx; InvalidToken (revoked) too
                self._count_error(err)
                last_error = _describe(err)
                if not last:
                    await asyncio.sleep(self._backoff(attempt))
            else:
                await self.store.mark_outbox_sent(item.id, message_id)
                self._remember(item.id)
                return "sent"
        retry_at = time.time() + self.retry_s
        await self.store.mark_outbox_retry(item.id, last_error, retry_at)
        item.attempts += self.retries + 1
        self._blocked[item.chat_id] = retry_at
        log.warning("reply %s to chat %s not delivered after %d attempts (%s); retrying in %.0fs",
                    item.id, item.chat_id, self.retries + 1, last_error, self.retry_s)
        return "retry"

    def _count_error(self, err: BaseException) -> None:
        if self.metrics is not None:
            self.metrics.telegram_exception(err)

    async def _give_up(self, item: _Item, error: str) -> None:
        """A permanent refusal: never retried (the chat's newer messages still go out)."""
        await self.store.mark_outbox_failed(item.id, error, chat_id=item.chat_id, kind=item.kind)
        self._remember(item.id)
        log.warning("Telegram refused message %s to chat %s (%s); marked failed", item.id, item.chat_id, error)

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
                groups.setdefault(it.chat_id, []).append(
                    _Item(it.id, it.chat_id, it.text, it.reply_to_message_id, it.kind, it.ref_id, it.attempts))
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
                outcome = await self._deliver_one(item)
                if outcome == "retry":
                    break
                sent += outcome == "sent"
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
