"""Texts and button data of the moderator review: announcements, decisions, /queue (no network).

Kept apart from bot.review (the desk that talks to Telegram) so the formats can be tested and
reused alone. Every text fits one Telegram message (lengths counted in UTF-16 code units).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, User

from pipeline.store import HeldReply

MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data
_CALLBACK = re.compile(r"mod:([arb]):([1-9][0-9]{0,17})")  # approve, reject, reject and ban
PREVIEW_UNITS = 1500  # per quoted text
MESSAGE_UNITS = 4000  # a whole announcement, under Telegram's 4096
EDIT_PREVIEW_UNITS = 600  # a moderator's edit, shown under the decision
_ANNOUNCEMENT = re.compile(r"Held reply #([1-9][0-9]{0,17}) \(chat (-?[0-9]+),")  # format_held's first line
QUEUE_LIMIT = 30


@dataclass(frozen=True, slots=True)
class ReviewCallback:
    held_id: int
    approve: bool
    ban: bool = False  # reject, and ban the private chat's user


def encode_callback(held_id: int, *, approve: bool, ban: bool = False) -> str:
    data = f"mod:{'a' if approve else 'b' if ban else 'r'}:{held_id}"
    if not 1 <= held_id < 10**18 or len(data.encode()) > MAX_CALLBACK_BYTES:  # parse_callback reads 18 digits
        raise ValueError(f"held id {held_id} cannot be encoded as callback data")
    return data


def parse_callback(data: object) -> ReviewCallback | None:
    """Strict parse of button data; None for anything that is not exactly ours."""
    if not isinstance(data, str) or len(data.encode("utf-8", "surrogatepass")) > MAX_CALLBACK_BYTES:
        return None
    m = _CALLBACK.fullmatch(data)
    if m is None:
        return None
    return ReviewCallback(int(m.group(2)), m.group(1) == "a", m.group(1) == "b")


def actor_name(user: User) -> str:
    return f"@{user.username} ({user.id})" if user.username else f"{user.full_name} ({user.id})"


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(time.time() if ts is None else ts, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _units(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts it."""
    return len(text) + sum(ord(ch) > 0xFFFF for ch in text)


def _clip(text: str, units: int = PREVIEW_UNITS) -> str:
    if _units(text) <= units:
        return text
    tail = "… (+{} chars; see `parley review show`)"
    out: list[str] = []
    used = len(tail) + 8  # room for the count
    for ch in text:
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > units:
            break
        out.append(ch)
    return "".join(out) + tail.format(len(text) - len(out))


def format_held(held: HeldReply) -> str:
    """The moderator-chat text of a held item (plain text: nothing in it is interpreted)."""
    verdict = held.verdict or {}
    reasons = ", ".join(str(r) for r in verdict.get("reasons") or []) or "-"
    scores = ", ".join(f"{k} {float(v):.2f}" for k, v in sorted((verdict.get("scores") or {}).items())) or "-"
    matches = ", ".join(f"{m.get('term')} [{m.get('category')}/{m.get('severity')}]"
                        for m in verdict.get("matches") or [] if isinstance(m, dict)) or "-"
    return _clip(
        f"Held reply #{held.id} (chat {held.chat_id}, {held.source})\n"
        f"Reasons: {_clip(reasons, PREVIEW_UNITS // 3)}\nScores: {scores}\nMatches: {_clip(matches, PREVIEW_UNITS // 3)}\n\n"
        f"User wrote:\n{_clip(held.user_text)}\n\nDraft reply:\n{_clip(held.reply_text)}", MESSAGE_UNITS
    )


def decision_line(held: HeldReply) -> str:
    """What was decided, by whom and when (with a moderator's edit, the text that was sent)."""
    mark = "❌ Rejected" if held.state != "approved" else "✅ Approved" if held.final_text is None else \
        f"✏️ Sent instead:\n{_clip(held.final_text, EDIT_PREVIEW_UNITS)}\n\n✅ Approved with edits"
    return f"{mark} by {held.decided_by or 'unknown'} at {_when(held.decided_at)}"


def format_decision(held: HeldReply) -> str:
    """The announcement edited to show its decision (the buttons go)."""
    decision = decision_line(held)
    return f"{_clip(format_held(held), MESSAGE_UNITS - _units(decision) - 2)}\n\n{decision}"


def format_outcome(held: HeldReply) -> str:
    """A new moderator-chat message with the decision, for when the announcement cannot be edited
    (a Bot API server without editMessageText). It does not start like an announcement, so it
    never counts as one for buttons, /edit or /ban."""
    return f"Decision on held reply #{held.id} (chat {held.chat_id}):\n{decision_line(held)}"


def replied_announcement(message: Message) -> tuple[int, int, int] | None:
    """(held id, the item's chat id, the announcement's message id) when `message` replies to the
    moderator-chat announcement of a held item (Telegram supplies the replied message's text)."""
    replied = message.reply_to_message
    found = _ANNOUNCEMENT.match(replied.text or "") if replied is not None else None
    if replied is None or found is None:
        return None
    return int(found.group(1)), int(found.group(2)), replied.message_id


def keyboard(held: HeldReply, *, can_ban: bool = True) -> InlineKeyboardMarkup:
    """Approve / Reject, and for a private chat (its id is its user's, not a moderator's) Reject + ban."""
    rows = [[
        InlineKeyboardButton("Approve", callback_data=encode_callback(held.id, approve=True)),
        InlineKeyboardButton("Reject", callback_data=encode_callback(held.id, approve=False)),
    ]]
    if can_ban and held.source == "telegram" and held.chat_id > 0:
        rows.append([InlineKeyboardButton("Reject + ban user",
                                          callback_data=encode_callback(held.id, approve=False, ban=True))])
    return InlineKeyboardMarkup(rows)


def announces(message: object, held: HeldReply) -> bool:
    """Whether the pressed message is an announcement of this item (forged data under another item's
    message is refused). Telegram, not the client, supplies the message, so its text is trustworthy;
    an item announced twice (crash between posting and recording) is accepted from either message."""
    if message is None:
        return False
    text = getattr(message, "text", None)
    if isinstance(text, str):
        return text.startswith(f"Held reply #{held.id} (")
    ids = (getattr(getattr(message, "chat", None), "id", None), getattr(message, "message_id", None))
    return ids == (held.moderator_chat_id, held.moderator_message_id)


def format_queue(items: list[HeldReply]) -> str:
    if not items:
        return "No held replies are waiting."
    now = time.time()
    lines = [f"Held replies waiting ({len(items) if len(items) <= QUEUE_LIMIT else f'{QUEUE_LIMIT}+'}):"]
    for held in items[:QUEUE_LIMIT]:
        reasons = ", ".join(str(r) for r in (held.verdict or {}).get("reasons") or []) or "-"
        preview = " ".join(held.reply_text.split())[:80]
        lines.append(f"#{held.id} · {int((now - held.created_at) // 60)} min · chat {held.chat_id} · {reasons} · {preview}")
    return "\n".join(lines)
