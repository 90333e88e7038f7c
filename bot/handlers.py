"""Conversation handlers: commands, text messages, groups, access control, bans, quotas.

Replies are produced by the pipeline and handed to the outbox; inside an update they are
only persisted there, and the ingest delivers them once the update is marked done. Edited
messages are ignored (not requested from Telegram and not handled): the bot answers what
was first sent, and an edit never produces a second reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from telegram import Bot, Message, MessageEntity, Update
from telegram.constants import ChatAction
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.optional import OptionalCalls
from bot.services import Services
from bot.splitting import sanitize
from pipeline.types import Reply

log = logging.getLogger("parley.bot.handlers")

HELP_TEXT = (
    "Send me a message and I will answer. Replies are checked before they are sent; "
    "some are reviewed by a moderator first.\n\n"
    "/new – start a new conversation\n/retry – write my last reply again\n/help – this help\n\n"
    "In groups, mention me ({mention}) or reply to one of my messages."
)
START_TEXT = "Hi! I'm a chat bot.\n\n" + HELP_TEXT
TEXT_ONLY = "Sorry, I can only read text messages."
NOT_ALLOWED = "Sorry, this bot is not available here."
TOO_LONG = "Sorry, your message is too long ({length} characters). Please keep it under {limit} characters."
QUOTA_TEXT = "You are sending messages faster than I can answer. Please wait a moment and try again."
EMPTY_MENTION = "Yes? Write your question after mentioning me."
NEW_TEXT = "Started a new conversation."
NOTHING_TO_RETRY = "There is nothing to retry yet."
UNKNOWN_COMMAND = "Unknown command. Try /help."
SYSTEM_SET = "System prompt set for this chat."
SYSTEM_CLEARED = "System prompt reset to the default."

TYPING_DELAY_S = 0.3  # instant replies (echo backend) need no "typing…"
TYPING_EVERY_S = 4.5  # Telegram shows the action for about 5 s


class Quota:
    """Per-user sliding-window message quota (in memory; resets on restart)."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_s = window_s
        self._seen: dict[int, deque[float]] = {}
        self._notified: dict[int, float] = {}

    def check(self, user_id: int, now: float | None = None) -> tuple[bool, bool]:
        """(allowed, tell_user): the user is told once per window when over quota."""
        if self.limit <= 0:
            return True, False
        now = time.monotonic() if now is None else now
        seen = self._seen.setdefault(user_id, deque())
        while seen and seen[0] <= now - self.window_s:
            seen.popleft()
        if len(seen) < self.limit:
            seen.append(now)
            return True, False
        tell = self._notified.get(user_id, -1e18) <= now - self.window_s
        if tell:
            self._notified[user_id] = now
        if len(self._seen) > 10000:
            for uid in [u for u, d in self._seen.items() if not d or d[-1] <= now - self.window_s]:
                self._seen.pop(uid, None)
                self._notified.pop(uid, None)
        return False, tell


@contextlib.asynccontextmanager
async def typing(
    bot: Bot, chat_id: int, delay_s: float = TYPING_DELAY_S, optional: OptionalCalls | None = None,
) -> AsyncIterator[None]:
    """Show "typing…" while the body runs (best effort, after a short delay; stops for good once
    the server turns out not to offer sendChatAction)."""
    calls = optional or OptionalCalls()

    async def keep_typing() -> None:
        await asyncio.sleep(delay_s)
        while calls.available("sendChatAction"):
            await calls.call("sendChatAction", lambda: bot.send_chat_action(chat_id, ChatAction.TYPING))
            await asyncio.sleep(TYPING_EVERY_S)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def strip_mention(message: Message, username: str, bot_id: int) -> tuple[bool, str]:
    """(mentioned, text without the mention): @username as entity or plain text, or a text_mention."""
    text = message.text or ""
    mentioned = False
    for entity, value in message.parse_entities([MessageEntity.TEXT_MENTION]).items():
        if entity.user is not None and entity.user.id == bot_id and value:
            mentioned = True
            text = re.sub(r"\s*" + re.escape(value), "", text, count=1)
    pattern = re.compile(rf"\s*(?<![\w@])@{re.escape(username)}(?!\w)", re.IGNORECASE)
    text, count = pattern.subn("", text)
    mentioned = mentioned or count > 0
    return mentioned, text.strip(" \t\r\n,:;")


async def _async(value: Reply) -> Reply:
    return value


class ChatHandlers:
    def __init__(self, services: Services, *, typing_delay_s: float = TYPING_DELAY_S) -> None:
        self.s = services
        self.t = services.settings.telegram
        self.quota = Quota(self.t.quota_messages, self.t.quota_window_s)
        self.typing_delay_s = typing_delay_s
        self._denied_told: set[int] = set()

    def register(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        new = filters.UpdateType.MESSAGE  # edited messages and channel posts are ignored
        app.add_handler(CommandHandler("start", self.cmd_start, filters=new))
        app.add_handler(CommandHandler("help", self.cmd_help, filters=new))
        app.add_handler(CommandHandler("new", self.cmd_new, filters=new))
        app.add_handler(CommandHandler("retry", self.cmd_retry, filters=new))
        app.add_handler(CommandHandler("queue", self.s.review.on_queue, filters=new))
        app.add_handler(CommandHandler("edit", self.s.review.on_edit, filters=new))
        app.add_handler(CommandHandler("ban", self.s.bans.on_ban, filters=new))
        app.add_handler(CommandHandler("unban", self.s.bans.on_unban, filters=new))
        app.add_handler(CommandHandler("bans", self.s.bans.on_bans, filters=new))
        if self.t.allow_system_command:
            app.add_handler(CommandHandler("system", self.cmd_system, filters=new))
        app.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, self.on_text))
        app.add_handler(MessageHandler(new & filters.COMMAND, self.on_unknown_command))
        app.add_handler(MessageHandler(new & ~filters.TEXT & ~filters.StatusUpdate.ALL, self.on_non_text))

    # -- helpers -----------------------------------------------------------------------
    def _allowed(self, update: Update) -> bool:
        chat, user = update.effective_chat, update.effective_user
        user_id = user.id if user else None
        if chat is None:
            return False
        if self.s.review.is_moderator(user_id) or chat.id == self.t.moderator_chat_id:
            return True
        if self.t.allowed_chat_ids and chat.id not in self.t.allowed_chat_ids:
            return False
        return not (self.t.allowed_user_ids and user_id not in self.t.allowed_user_ids)

    async def _gate(self, update: Update) -> bool:
        """Access control (allow-lists, then bans); private chats are told once, groups are ignored silently."""
        if self._allowed(update) and not await self.s.bans.blocks(update):
            return True
        chat = update.effective_chat
        if chat is not None and chat.type == "private" and chat.id not in self._denied_told:
            self._denied_told.add(chat.id)
            await self._say(update, NOT_ALLOWED)
        return False

    async def _say(self, update: Update, text: str, kind: str = "notice") -> None:
        chat, message = update.effective_chat, update.effective_message
        if chat is None:
            return
        reply_to = message.message_id if message is not None and chat.type != "private" else None
        await self.s.outbox.send(chat.id, text, reply_to=reply_to, kind=kind)

    def _group_text(self, message: Message) -> str | None:
        """The text to answer in a group, or None when the bot is not addressed."""
        bot = self.s.bot
        mentioned, text = strip_mention(message, bot.username, bot.id)
        reply = message.reply_to_message
        replied = reply is not None and reply.from_user is not None and reply.from_user.id == bot.id
        trigger = self.t.group_trigger
        if trigger == "all" or mentioned or (trigger == "mention_or_reply" and replied):
            return text
        return None

    async def _answer(self, update: Update, produce: Callable[[], Awaitable[Reply | None]]) -> None:
        chat, message = update.effective_chat, update.effective_message
        assert chat is not None
        try:
            async with self.s.generation_slots, typing(self.s.bot, chat.id, self.typing_delay_s, self.s.optional):
                reply = await produce()
        except Exception:
            await self._say(update, self.s.settings.moderation.texts.error)
            raise  # recorded by the error handler; the update is marked "error"
        if reply is None:
            await self._say(update, NOTHING_TO_RETRY)
            return
        reply_to = message.message_id if message is not None and chat.type != "private" else None
        await self.s.outbox.send(chat.id, reply.text, reply_to=reply_to, kind="reply")
        if reply.action == "hold":
            self.s.review.kick()

    async def _quota_refused(self, update: Update) -> bool:
        """True when the user is over quota; they are told once per window."""
        over, tell = self._over_quota(update)
        if over and tell:
            await self._say(update, QUOTA_TEXT)
        return over

    def _over_quota(self, update: Update) -> tuple[bool, bool]:
        user = update.effective_user
        if user is None or self.s.review.is_moderator(user.id):
            return False, False
        allowed, tell = self.quota.check(user.id)
        return not allowed, tell

    # -- commands ----------------------------------------------------------------------
    async def cmd_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._gate(update):
            await self._say(update, START_TEXT.format(mention="@" + self.s.bot.username))

    async def cmd_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._gate(update):
            await self._say(update, HELP_TEXT.format(mention="@" + self.s.bot.username))

    async def cmd_new(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._gate(update) and update.effective_chat is not None:
            await self.s.pipeline.reset(update.effective_chat.id)
            await self._say(update, NEW_TEXT)

    async def cmd_retry(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if not await self._gate(update) or chat is None:
            return
        if await self._quota_refused(update):
            return
        await self._answer(update, lambda: self.s.pipeline.retry(chat.id))

    async def cmd_system(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, message = update.effective_chat, update.effective_message
        if not await self._gate(update) or chat is None or message is None or message.text is None:
            return
        parts = message.text.split(maxsplit=1)
        prompt = parts[1].strip() if len(parts) > 1 else ""
        await self.s.store.set_system_prompt(chat.id, prompt or None)
        await self._say(update, SYSTEM_SET if prompt else SYSTEM_CLEARED)

    async def on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None and chat.type == "private" and await self._gate(update):
            await self._say(update, UNKNOWN_COMMAND)

    # -- messages ----------------------------------------------------------------------
    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or message.text is None:
            return
        addressed = message.text if chat.type == "private" else self._group_text(message)
        if addressed is None:
            return  # a group message not addressed to the bot
        text = sanitize(addressed)  # lone UTF-16 surrogates cannot be stored or sent
        if not await self._gate(update):
            return
        if not text.strip():
            await self._say(update, EMPTY_MENTION)
            return
        limit = self.t.max_user_chars
        if limit and len(text) > limit:
            await self._say(update, TOO_LONG.format(length=len(text), limit=limit))
            return
        if await self._quota_refused(update):
            return
        message_id = message.message_id
        metrics = self.s.ingest.metrics
        if metrics is not None:
            metrics.message_received("telegram")
        if self.s.ingest.is_replay(update.update_id):
            held = await self._replayed_turn(chat.id, message_id)
            if held is not None:
                await self._answer(update, lambda: _async(held))
                return
        await self._answer(update, lambda: self.s.pipeline.handle(chat.id, text, message_id=message_id))

    async def _replayed_turn(self, chat_id: int, message_id: int) -> Reply | None:
        """An update processed again after a crash: reuse what its first attempt stored.

        Its held item, if one was created, is the answer (it may already be in the moderator
        chat). Otherwise the partial exchange (user turn, maybe a reply the user never got) is
        removed so that answering again leaves the history with the message once; None = answer."""
        store = self.s.store
        turn = await store.user_turn_for_message(chat_id, message_id)
        if turn is None or turn.id is None:
            return None  # the first attempt stopped before storing anything
        held = await store.held_for_turn(turn.id)
        if held is not None:
            log.info("update replayed: held item #%s of chat %s reused", held.id, chat_id)
            return Reply(chat_id, self.s.settings.moderation.texts.held, "hold", held.verdict, turn.id, held.id)
        if not await store.discard_last_exchange(chat_id, turn.id):
            log.warning("update replayed after later turns of chat %s; its message may appear twice in the history",
                        chat_id)
        return None

    async def on_non_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not self._addressed_non_text(message):
            return
        if await self._gate(update):
            await self._say(update, TEXT_ONLY)

    def _addressed_non_text(self, message: Message) -> bool:
        if message.chat.type == "private":
            return True
        reply = message.reply_to_message
        return reply is not None and reply.from_user is not None and reply.from_user.id == self.s.bot.id
