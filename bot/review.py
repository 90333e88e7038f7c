"""All moderator logic in one place: held replies in the moderator chat, buttons, /queue, decisions.

One path announces and delivers: `sync()` (serialized) posts pending items that the moderator
chat has not seen yet (held by the bot, the HTTP API, or before a restart) and delivers every
decided-but-undelivered item, whether it was decided with a button or with `parley review`.
Buttons carry only `mod:a:<id>` / `mod:r:<id>` / `mod:b:<id>` (reject and ban the user); /edit (a reply to an announcement) approves with the
moderator's own text. Decisions go through Pipeline.decide, which is atomic, so a second press (or a
console decision racing a button) changes nothing.

Editing the announcement and answering the button press are optional (bot.optional): the decision
is stored and delivered without them, and when the announcement cannot be edited the outcome is
posted to the moderator chat as a new message. Texts and button data live in bot.review_text.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import Message, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.optional import OptionalCalls
from bot.outbox import Outbox, retry_after_seconds
from bot.review_text import (
    QUEUE_LIMIT,
    actor_name,
    announces,
    format_decision,
    format_held,
    format_outcome,
    format_queue,
    keyboard,
    parse_callback,
    replied_announcement,
)
from pipeline.settings import Settings
from pipeline.store import HeldReply, Store

if TYPE_CHECKING:
    from pipeline.pipeline import Pipeline

log = logging.getLogger("parley.bot.review")
T = TypeVar("T")

_EDIT_BY_ID = re.compile(r"#([1-9][0-9]{0,17})\s+(.+)", re.DOTALL)
EDIT_USAGE = ("Usage: reply /edit <new reply> to a held reply in the moderator chat (or /edit #<id> <new reply>): "
              "approves it and sends your text instead of the draft.")


class ReviewDesk:
    def __init__(
        self, *, store: Store, pipeline: "Pipeline", outbox: Outbox, settings: Settings,
        optional: OptionalCalls | None = None,
    ) -> None:
        self.store = store
        self.pipeline = pipeline
        self.outbox = outbox
        self.settings = settings
        self.bot = outbox.bot
        self.optional = optional or OptionalCalls()
        self._wake = asyncio.Event()
        self._stopping = False
        self._sync_lock = asyncio.Lock()
        self._edited: set[int] = set()
        self._told: set[tuple[int, int]] = set()  # (held id, chat) that got the decision as a new message

    @property
    def moderator_chat_id(self) -> int | None:
        return self.settings.telegram.moderator_chat_id

    def is_moderator(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.telegram.moderator_ids

    # -- background sync ---------------------------------------------------------------
    def kick(self) -> None:
        """Ask the sync loop to run now (after a hold or a decision)."""
        self._wake.set()

    def request_stop(self) -> None:
        """Let `run` return after the sync in progress (a sync is never cut in half on shutdown)."""
        self._stopping = True
        self._wake.set()

    async def run(self, interval_s: float) -> None:
        """Sync on every kick and at least every `interval_s` (e.g. `parley review` decisions)."""
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), interval_s)
            except TimeoutError:
                pass
            if self._stopping:
                return
            self._wake.clear()
            try:
                await self.sync()
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise
            except Exception:
                log.exception("review sync failed; retrying in %.0fs", interval_s)

    async def sync(self) -> None:
        async with self._sync_lock:
            if self.moderator_chat_id is not None:
                for held in await self.store.unannounced_held():
                    if not await self._announce(held):
                        break  # Telegram unreachable: the next sync tries again
            for held in await self.store.undelivered_decided():
                if held.source == "telegram":
                    await self._deliver(held)

    async def _announce(self, held: HeldReply) -> bool:
        chat_id = self.moderator_chat_id
        assert chat_id is not None
        buttons = keyboard(held, can_ban=not self.is_moderator(held.chat_id))
        try:
            msg = await _with_retries(lambda: self.bot.send_message(chat_id, format_held(held), reply_markup=buttons))
        except TelegramError as err:
            if self.outbox.metrics is not None:
                self.outbox.metrics.telegram_exception(err)
            log.warning("could not post held reply #%s to the moderator chat: %s", held.id, err)
            return False
        await self.store.set_held_moderator_message(held.id, chat_id, msg.message_id)
        return True

    async def _deliver(self, held: HeldReply) -> None:
        """Send the decision to the user and update the moderator message. The outbox rows and
        the item's `delivered_at` are written in one transaction: enqueued exactly once."""
        text = held.sent_text if held.state == "approved" else self.settings.moderation.texts.rejected
        batch = self.outbox.prepare(held.chat_id, text, reply_to=held.user_message_id, kind=held.state,
                                    ref_id=held.id)
        try:
            ids = await self.store.deliver_decision(held.id, self.outbox.drafts([batch]))
        except BaseException:
            self.outbox.release([batch])
            raise
        if ids is None:  # delivered meanwhile
            self.outbox.release([batch])
        else:
            self.outbox.bind([batch], ids)
            self.outbox.schedule([batch])
        if held.id not in self._edited:
            await self._edit_decided(held)

    async def _edit_decided(self, held: HeldReply, pressed: tuple[int, int] | None = None) -> None:
        """Show the decision on the recorded moderator message (and on the pressed one, if another).
        Where that fails, the outcome goes to that chat as a new message, so moderators still see it."""
        self._edited.add(held.id)
        targets = {pressed} if pressed is not None else set()
        if held.moderator_chat_id is not None and held.moderator_message_id is not None:
            targets.add((held.moderator_chat_id, held.moderator_message_id))
        unedited = {chat_id for chat_id, message_id in sorted(targets) if not await self._edit(held, chat_id, message_id)}
        for chat_id in sorted(unedited):
            if (held.id, chat_id) not in self._told:  # once: a later press of the same buttons only gets its answer
                self._told.add((held.id, chat_id))
                await self.outbox.send(chat_id, format_outcome(held), kind="notice", ref_id=held.id)

    async def _edit(self, held: HeldReply, chat_id: int, message_id: int) -> bool:
        """Whether the message now shows the decision (cosmetic: the decision itself is stored)."""
        if not self.optional.available("editMessageText"):
            return False
        try:
            await _with_retries(lambda: self.bot.edit_message_text(format_decision(held), chat_id=chat_id,
                                                                   message_id=message_id))
        except BadRequest as err:
            if "not modified" in err.message:
                return True  # it already shows this decision
            self.optional.failed("editMessageText", err)
            return False
        except TelegramError as err:
            self.optional.failed("editMessageText", err)
            return False
        return True

    # -- Telegram handlers -------------------------------------------------------------
    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        user = query.from_user
        actor = actor_name(user)
        parsed = parse_callback(query.data)
        if parsed is None:
            await self.store.audit("review_invalid", actor=actor, detail={"data": str(query.data)[:100]})
            await self._answer_press(lambda: query.answer("This button is not valid.", show_alert=True))
            return
        if not self.is_moderator(user.id):
            await self.store.audit("review_denied", actor=actor, ref_id=parsed.held_id,
                                   detail={"approve": parsed.approve, "ban": parsed.ban})
            await self._answer_press(lambda: query.answer("Only moderators can decide held replies.", show_alert=True))
            return
        held = await self.store.get_held(parsed.held_id)
        message = query.message
        pressed = (message.chat.id, message.message_id) if message is not None else None
        if held is None or not announces(message, held):
            await self.store.audit("review_invalid", actor=actor, ref_id=parsed.held_id,
                                   detail={"data": query.data, "reason": "unknown item" if held is None else "wrong message"})
            await self._answer_press(lambda: query.answer("This button does not match a held reply.", show_alert=True))
            return
        decided = await self.pipeline.decide(parsed.held_id, approve=parsed.approve, decided_by=actor)
        if decided is None:  # a late press (another moderator was first): no decision, and no ban either
            current = await self.store.get_held(parsed.held_id) or held
            late = f"Already {current.state} by {current.decided_by}." + (" Nobody was banned." if parsed.ban else "")
            await self._answer_press(lambda: query.answer(late, show_alert=True))
            if current.id not in self._edited or (message is not None and getattr(message, "reply_markup", None)):
                await self._edit_decided(current, pressed)
            return
        banned = await self._ban_from_button(held, actor) if parsed.ban else ""
        answer = "Approved: sending it to the user." if parsed.approve else "Rejected." + banned
        await self._answer_press(lambda: query.answer(answer))
        await self._edit_decided(decided, pressed)
        self.kick()

    async def _ban_from_button(self, held: HeldReply, actor: str) -> str:
        """Reject + ban: the held reply's private chat is its user; moderators are never banned."""
        if held.source != "telegram" or held.chat_id <= 0 or self.is_moderator(held.chat_id):
            return " Not banned: only a private chat's user can be banned from here."
        reason = f"held reply #{held.id}"
        if await self.store.ban(held.chat_id, by=actor, reason=reason):
            return f" Banned {held.chat_id}."
        return f" {held.chat_id} was already banned."

    async def _answer_press(self, make: Callable[[], Awaitable[Any]]) -> None:
        """Callback answers are best effort: a query older than ~15 min can no longer be answered,
        and some Bot API servers lack answerCallbackQuery (the decision goes on regardless)."""
        await self.optional.call("answerCallbackQuery", make)

    async def moderator_command(
        self, update: Update, *, denied: str, refusal: str, detail: dict[str, Any] | None = None,
    ) -> tuple[Message, int, str] | None:
        """(message, chat id, actor) when a moderator sent this command; otherwise an audit row
        (`denied`) and the `refusal` text, and None."""
        message, user, chat = update.effective_message, update.effective_user, update.effective_chat
        if message is None or chat is None or user is None:
            return None
        actor = actor_name(user)
        if not self.is_moderator(user.id):
            await self.store.audit(denied, chat_id=chat.id, actor=actor, detail=detail)
            await self.outbox.send(chat.id, refusal, kind="notice")
            return None
        return message, chat.id, actor

    async def on_edit(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/edit: approve a held reply with the moderator's own text instead of the draft."""
        found = await self.moderator_command(update, denied="review_denied", detail={"command": "edit"},
                                             refusal="Only moderators can decide held replies.")
        if found is None:
            return
        message, chat_id, actor = found
        parts = (message.text or "").split(maxsplit=1)
        rest = parts[1].strip() if len(parts) > 1 else ""
        announced = replied_announcement(message)
        by_id = _EDIT_BY_ID.fullmatch(rest)
        held_id, text = ((announced[0], rest) if announced is not None else
                         (int(by_id.group(1)), by_id.group(2).strip()) if by_id is not None else (None, ""))
        if held_id is None or not text:
            await self.outbox.send(chat_id, EDIT_USAGE, kind="notice")
            return
        decided = await self.pipeline.decide(held_id, approve=True, decided_by=actor, text=text)
        if decided is None:
            current = await self.store.get_held(held_id)
            answer = f"No held reply #{held_id}." if current is None else \
                f"#{held_id} is already {current.state} by {current.decided_by}; nothing changed."
            await self.outbox.send(chat_id, answer, kind="notice")
            return
        await self.outbox.send(chat_id, f"#{held_id} approved with your edit: sending it to the user.", kind="notice")
        await self._edit_decided(decided, (chat_id, announced[2]) if announced is not None else None)
        self.kick()

    async def on_queue(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/queue: pending items, for moderators in the moderator chat or their private chat."""
        message, user, chat = update.effective_message, update.effective_user, update.effective_chat
        if message is None or chat is None:
            return
        if not self.is_moderator(user.id if user else None):
            await self.store.audit("queue_denied", chat_id=chat.id, actor=actor_name(user) if user else None)
            await self.outbox.send(chat.id, "Only moderators can see the review queue.", kind="notice")
            return
        if chat.id != self.moderator_chat_id and chat.type != "private":
            return
        items = await self.store.list_held("pending", limit=QUEUE_LIMIT + 1)
        text = format_queue(items)
        failed = await self.store.count_outbox("failed")
        if failed:
            text += (f"\n\n{failed} message(s) could not be delivered (refused by Telegram, e.g. the user "
                     "blocked the bot); see the audit log (delivery_failed).")
        await self.outbox.send(chat.id, text, kind="queue")


async def _with_retries(make: Callable[[], Awaitable[T]], attempts: int = 3) -> T:
    """A direct Bot API call with quick retries for 429 and network errors; permanent errors raise."""
    for attempt in range(attempts):
        try:
            return await make()
        except RetryAfter as err:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(retry_after_seconds(err) + 0.1)
        except (BadRequest, Forbidden, InvalidToken):
            raise
        except TelegramError:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")
