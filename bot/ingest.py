"""Durable intake of updates: persisted to SQLite before Telegram learns they were received.

Long polling: each getUpdates batch is written to the store (`save_update`, unique by
update_id) row by row, and only then is the next getUpdates sent with offset = last + 1,
which is what confirms the batch to Telegram. A crash before that point means Telegram
sends the updates again; `save_update` reports them as duplicates and they are skipped
(the stored copy is resumed instead). Webhook: the HTTP 200 is returned after the row is
committed (bot/webhook.py). On start-up, updates still pending in the store are processed
first. Guarantee: every update is processed at least once and stored exactly once.

Processing: an update is parsed, ordered per chat by PerChatUpdateProcessor, handled by
the PTB Application; the replies the handlers produced are written to the outbox and the
update is marked done in ONE transaction (`Store.complete_update`), then delivered. An
update whose processing was cut short (kill -9) is processed again on the next start:
`is_replay()` tells the handlers, which then reuse what the first attempt stored (its
held item) or remove its partial turns before answering, so the conversation history
holds each message once.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes, ExtBot

from bot.outbox import Outbox, retry_after_seconds
from bot.processor import MAX_IN_FLIGHT, PerChatUpdateProcessor, close_unstarted
from pipeline.logs import REDACTOR, bind_request_id
from pipeline.metrics import Metrics
from pipeline.store import Store
from pipeline.types import ConfigError, StoreError

log = logging.getLogger("parley.bot.ingest")

# Edited messages are ignored by design, so they are not requested.
ALLOWED_UPDATES = ["message", "callback_query"]
# PTB's InvalidToken message quotes the token: never pass it on
TOKEN_REJECTED = ("config error: telegram.token was rejected by the Bot API (401 Unauthorized); "
                  "check PARLEY_TELEGRAM__TOKEN")
POLL_LIMIT = 100
# a server that answers getUpdates at once instead of long polling (or a 0 s poll timeout) is asked
# again after this pause, not in a busy loop
EMPTY_POLL_PAUSE_S = 0.2


class ParleyBot(ExtBot[int]):
    """ExtBot that can fetch updates as raw JSON, so they are stored exactly as Telegram sent them
    (and one malformed update cannot make the whole batch unreadable)."""

    __slots__ = ()

    async def get_raw_updates(
        self, *, offset: int | None, timeout: int, limit: int = POLL_LIMIT, allowed_updates: list[str] | None = None,
    ) -> list[Any]:
        read_timeout = (self._request[0].read_timeout or 0) + timeout
        data: dict[str, Any] = {"offset": offset, "timeout": timeout, "limit": limit, "allowed_updates": allowed_updates}
        result = await self._post("getUpdates", data, read_timeout=read_timeout)
        return result if isinstance(result, list) else []


def _error_text(err: BaseException | None, prefix: str = "") -> str:
    """An error for the store: short, secrets masked (PTB's InvalidToken message quotes the token)."""
    return REDACTOR.redact(f"{prefix}{type(err).__name__}: {err}")[:500]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def unusable(update: Update) -> str | None:
    """Why a parsed update cannot be handled (ids or text of the wrong type), or None."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is not None and not _is_int(chat.id):
        return "chat.id is not an integer"
    if user is not None and not _is_int(user.id):
        return "from.id is not an integer"
    if message is not None:
        if not _is_int(message.message_id):
            return "message_id is not an integer"
        if message.text is not None and not isinstance(message.text, str):
            return "text is not a string"
        if chat is None:
            return "message without chat"
    query = update.callback_query
    if query is not None and (not isinstance(query.id, str) or query.data is not None and not isinstance(query.data, str)):
        return "callback query id or data of the wrong type"
    return None


class UpdateIngest:
    def __init__(
        self, app: Application[Any, Any, Any, Any, Any, Any], store: Store, processor: PerChatUpdateProcessor,
        outbox: Outbox, *, poll_timeout_s: int = 30, max_in_flight: int = MAX_IN_FLIGHT,
    ) -> None:
        self.app = app
        self.store = store
        self.processor = processor
        self.outbox = outbox
        self.poll_timeout_s = poll_timeout_s
        self._slots = asyncio.Semaphore(max_in_flight)
        self._tasks: set[asyncio.Task[None]] = set()
        self._errors: dict[int, str] = {}
        self._replays: set[int] = set()
        self.offset: int | None = None
        self.received = 0
        self.duplicates = 0
        self.metrics: Metrics | None = None  # set by the runner when metrics are enabled
        # set by the runner: deleteWebhook again when getUpdates finds a webhook still registered
        self.on_webhook_conflict: Callable[[], Awaitable[Any]] | None = None

    @property
    def bot(self) -> ParleyBot:
        bot = self.app.bot
        assert isinstance(bot, ParleyBot)
        return bot

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    # -- intake ------------------------------------------------------------------------
    async def accept(self, raw: Any) -> bool:
        """Persist one raw update, then schedule it; False for duplicates and unusable input."""
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            log.warning("ignoring an update without a numeric update_id")
            return False
        if not await self.store.save_update(update_id, raw):
            self.duplicates += 1
            return False
        self.received += 1
        await self._dispatch(update_id, raw)
        return True

    async def resume(self) -> int:
        """Process updates stored by an earlier run but not finished (crash, kill, shutdown)."""
        pending = await self.store.pending_updates()
        for update_id, raw in pending:
            self._replays.add(update_id)
            await self._dispatch(update_id, raw)
        if pending:
            log.info("resuming %d update(s) stored before the restart", len(pending))
        return len(pending)

    async def poll(self) -> None:
        """Long polling until cancelled; the offset only advances past committed rows."""
        failures = 0
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            try:
                batch = await self.bot.get_raw_updates(
                    offset=self.offset, timeout=self.poll_timeout_s, allowed_updates=ALLOWED_UPDATES)
            except InvalidToken:
                raise ConfigError(TOKEN_REJECTED) from None
            except RetryAfter as err:
                self._count_error(err)
                await asyncio.sleep(retry_after_seconds(err))
                continue
            except TimedOut:
                continue
            except (Conflict, Forbidden, NetworkError, TelegramError) as err:
                self._count_error(err)
                failures += 1
                delay = min(30.0, 0.5 * 2 ** min(failures, 6)) * random.uniform(0.8, 1.2)
                if isinstance(err, Conflict) and "webhook" in err.message.lower() and self.on_webhook_conflict:
                    log.warning("getUpdates refused: a webhook is registered (%s); deleting it", err.message)
                    await self.on_webhook_conflict()
                elif isinstance(err, Conflict):
                    log.warning("getUpdates conflict (is another bot running with this token?): %s", err.message)
                else:
                    log.warning("getUpdates failed (%s); retrying in %.1fs", err, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            if not batch and loop.time() - asked < EMPTY_POLL_PAUSE_S:
                await asyncio.sleep(EMPTY_POLL_PAUSE_S)
                continue
            try:
                for raw in batch:
                    await self.accept(raw)
                    update_id = raw.get("update_id") if isinstance(raw, dict) else None
                    if isinstance(update_id, int) and (self.offset is None or update_id >= self.offset):
                        self.offset = update_id + 1
            except StoreError as err:
                # not confirmed to Telegram: it sends the batch again, saved rows come back as duplicates
                log.error("could not store incoming updates (%s); polling again in 2s", err)
                await asyncio.sleep(2.0)

    def _count_error(self, err: BaseException) -> None:
        if self.metrics is not None:
            self.metrics.telegram_exception(err)

    def is_replay(self, update_id: int) -> bool:
        """Whether this update was stored by an earlier run and may have been partly processed."""
        return update_id in self._replays

    # -- processing --------------------------------------------------------------------
    async def _dispatch(self, update_id: int, raw: dict[str, Any]) -> None:
        await self._slots.acquire()
        try:
            update = Update.de_json(raw, self.bot)
        except Exception as err:  # malformed update: stored, marked, never retried
            self._slots.release()
            log.warning("update %s cannot be parsed: %s", update_id, err)
            await self.store.mark_update(update_id, "error", _error_text(err, "unparsable: "))
            return
        problem = unusable(update)
        if problem is not None:  # Telegram never sends these; PTB does not type-check what it parses
            self._slots.release()
            log.warning("update %s is malformed: %s", update_id, problem)
            await self.store.mark_update(update_id, "error", f"malformed: {problem}"[:500])
            return
        coroutine = self._process(update_id, update)
        task = asyncio.create_task(self._run(update_id, update, coroutine), name=f"update:{update_id}")
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slots.release()
        if not task.cancelled() and task.exception() is not None:
            log.error("update task failed", exc_info=task.exception())

    async def _run(self, update_id: int, update: Update, coroutine: Coroutine[Any, Any, None]) -> None:
        try:
            await self.processor.process_update(update, coroutine)
        except Exception as err:
            if inspect.getcoroutinestate(coroutine) != inspect.CORO_CREATED:
                raise
            # failed before processing began (e.g. an unusable update shape): never retried
            log.warning("update %s cannot be processed: %s: %s", update_id, type(err).__name__, err)
            await self.store.mark_update(update_id, "error", _error_text(err, "unprocessable: "))
        finally:
            close_unstarted(coroutine)

    async def _process(self, update_id: int, update: Update) -> None:
        with bind_request_id(f"upd-{update_id}"):
            batches: list[Any] = []
            failure: str | None = None
            try:
                with self.outbox.collecting() as batches:
                    try:
                        await self.app.process_update(update)
                    except Exception as err:  # PTB itself failed (handler errors reach on_error)
                        log.exception("update %s could not be processed", update_id)
                        failure = _error_text(err)
                error = self._errors.pop(update_id, None) or failure
                ids = await self.store.complete_update(update_id, self.outbox.drafts(batches),
                                                       state="error" if error else "done", error=error)
                self.outbox.bind(batches, ids)
            except asyncio.CancelledError:
                self.outbox.release(batches)  # stays pending in the store; resumed after restart
                raise
            except Exception:
                self.outbox.release(batches)  # the store failed, nothing was enqueued: the update stays pending
                log.exception("update %s could not be finished; it is processed again on the next start", update_id)
                return
            finally:
                self._replays.discard(update_id)
            await self.outbox.deliver(batches)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """PTB error handler: log, and remember the error for the update's stored state."""
        error = context.error
        if isinstance(update, Update):
            self._errors[update.update_id] = _error_text(error)
            log.error("error while handling update %s", update.update_id, exc_info=error)
        else:
            log.error("error outside an update", exc_info=error)

    async def drain(self, timeout: float) -> None:
        """Let in-flight updates finish; cancel the rest (they stay pending and are resumed)."""
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        if pending:
            log.warning("cancelling %d unfinished update(s); they will be resumed on the next start", len(pending))
            for task in pending:
                task.cancel()
            await asyncio.wait(pending, timeout=10)
