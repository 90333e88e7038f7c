"""Moderator bans: /ban, /unban and /bans, and the check the handlers run on every message.

A ban names a Telegram user id or a group chat id; the bot then ignores that user everywhere, or
everything in that group (a private chat's id is its user's id). Replying /ban to a held reply's
announcement in the moderator chat bans that item's chat. Moderators cannot be banned, and only
moderators can ban; every ban, unban and refused attempt leaves an audit row.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.outbox import Outbox
from bot.review import ReviewDesk
from bot.review_text import replied_announcement
from pipeline.store import Store

log = logging.getLogger("parley.bot.bans")

BAN_USAGE = ("Usage: /ban <user or chat id> [reason], or reply /ban to a held reply in the moderator chat. "
             "/unban <id> lifts a ban; /bans lists them.")
UNBAN_USAGE = "Usage: /unban <user or chat id>"
ONLY_MODERATORS = "Only moderators can ban or unban."
_ID = re.compile(r"-?[1-9][0-9]{0,18}")
LIST_LIMIT = 50


def ban_target(message: Message) -> tuple[int | None, str | None]:
    """(id, reason) from "/ban <id> [reason]" or from the held-reply announcement it replies to."""
    parts = (message.text or "").split(maxsplit=2)
    if len(parts) >= 2 and _ID.fullmatch(parts[1]):
        return int(parts[1]), (parts[2].strip() if len(parts) > 2 else None) or None
    announced = replied_announcement(message)
    if announced is not None:
        return announced[1], " ".join(parts[1:]).strip() or None
    return None, None


class BanDesk:
    def __init__(self, *, store: Store, outbox: Outbox, review: ReviewDesk) -> None:
        self.store = store
        self.outbox = outbox
        self.review = review

    async def blocks(self, update: Update) -> bool:
        """Is the sender or the chat of this update banned? Moderators never are."""
        user, chat = update.effective_user, update.effective_chat
        user_id = user.id if user is not None else None
        if self.review.is_moderator(user_id):
            return False
        banned = await self.store.is_banned(user_id, chat.id if chat is not None else None)
        if banned:
            log.info("ignored an update from a banned user or chat (user %s, chat %s)",
                     user_id, chat.id if chat else None)
        return banned

    async def _moderator(self, update: Update, denied: str) -> tuple[Message, int, str] | None:
        message = update.effective_message
        return await self.review.moderator_command(update, denied=denied, refusal=ONLY_MODERATORS,
                                                   detail={"text": (message.text or "")[:100]} if message else None)

    async def on_ban(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        found = await self._moderator(update, "ban_denied")
        if found is None:
            return
        message, chat_id, actor = found
        target, reason = ban_target(message)
        if target is None:
            text = BAN_USAGE
        elif self.review.is_moderator(target):
            text = f"{target} is a moderator and cannot be banned."
        elif await self.store.ban(target, by=actor, reason=reason):
            text = f"Banned {target}: the bot ignores its messages from now on." + (f" Reason: {reason}" if reason else "")
        else:
            text = f"{target} is already banned."
        await self.outbox.send(chat_id, text, kind="notice")

    async def on_unban(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        found = await self._moderator(update, "unban_denied")
        if found is None:
            return
        message, chat_id, actor = found
        parts = (message.text or "").split()
        if len(parts) != 2 or not _ID.fullmatch(parts[1]):
            text = UNBAN_USAGE
        elif await self.store.unban(int(parts[1]), by=actor):
            text = f"Unbanned {parts[1]}."
        else:
            text = f"{parts[1]} is not banned."
        await self.outbox.send(chat_id, text, kind="notice")

    async def on_bans(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        found = await self._moderator(update, "bans_denied")
        if found is None:
            return
        _, chat_id, _ = found
        bans = await self.store.bans(limit=LIST_LIMIT + 1)
        if not bans:
            text = "Nobody is banned."
        else:
            lines = [f"Banned ({len(bans) if len(bans) <= LIST_LIMIT else f'{LIST_LIMIT}+'}):"]
            for ban in bans[:LIST_LIMIT]:
                when = datetime.fromtimestamp(ban.banned_at, tz=timezone.utc).strftime("%Y-%m-%d")
                lines.append(f"{ban.target_id} · {when} · by {ban.banned_by}" + (f" · {ban.reason}" if ban.reason else ""))
            text = "\n".join(lines)
        await self.outbox.send(chat_id, text, kind="queue")
