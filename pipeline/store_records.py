"""Rows of the store as small records (held replies, outbox items)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiosqlite

SQLITE_INT_MIN, SQLITE_INT_MAX = -(2**63), 2**63 - 1  # SQLite INTEGER: signed 64-bit


def fits_sqlite_int(value: int) -> bool:
    """False for an id SQLite cannot hold (binding it raises OverflowError): no such row can exist."""
    return SQLITE_INT_MIN <= value <= SQLITE_INT_MAX


INSERT_AUDIT = ("INSERT INTO audit (at, event, chat_id, actor, ref_id, verdict_json, detail_json) "
                "VALUES (?,?,?,?,?,?,?)")


@dataclass(slots=True)
class HeldReply:
    id: int
    chat_id: int
    user_text: str
    reply_text: str
    verdict: dict[str, Any]
    state: str
    source: str
    created_at: float
    user_turn_id: int | None = None
    user_message_id: int | None = None
    moderator_chat_id: int | None = None
    moderator_message_id: int | None = None
    decided_by: str | None = None
    decided_at: float | None = None
    delivered_at: float | None = None
    final_text: str | None = None  # set when a moderator approved an edited reply

    @property
    def sent_text(self) -> str:
        """What the user gets when approved: the moderator's edit, or the draft as it was held."""
        return self.final_text if self.final_text is not None else self.reply_text


@dataclass(slots=True)
class OutboxItem:
    id: int
    chat_id: int
    text: str
    reply_to_message_id: int | None
    kind: str
    ref_id: int | None
    attempts: int
    state: str


@dataclass(slots=True)
class OutboxDraft:
    """A message not yet in the outbox: enqueued together with another change, in one transaction."""

    chat_id: int
    text: str
    reply_to_message_id: int | None = None
    kind: str = "reply"
    ref_id: int | None = None


def _outbox_item(r: aiosqlite.Row) -> OutboxItem:
    return OutboxItem(r["id"], r["chat_id"], r["text"], r["reply_to_message_id"], r["kind"], r["ref_id"],
                      r["attempts"], r["state"])


def _held(r: aiosqlite.Row) -> HeldReply:
    return HeldReply(
        id=r["id"], chat_id=r["chat_id"], user_text=r["user_text"], reply_text=r["reply_text"],
        verdict=json.loads(r["verdict_json"] or "{}"), state=r["state"], source=r["source"],
        created_at=r["created_at"], user_turn_id=r["user_turn_id"], user_message_id=r["user_message_id"],
        moderator_chat_id=r["moderator_chat_id"], moderator_message_id=r["moderator_message_id"],
        decided_by=r["decided_by"], decided_at=r["decided_at"], delivered_at=r["delivered_at"],
        final_text=r["final_text"],
    )
