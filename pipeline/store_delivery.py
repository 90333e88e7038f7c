"""The store's delivery side: durable updates, the outbox and multi-statement transactions.

Mixed into `pipeline.store.Store`; kept apart so each module stays small.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import aiosqlite

from pipeline.store_audit import redacted, redacted_json
from pipeline.store_records import HeldReply, OutboxDraft, OutboxItem, _held, _outbox_item
from pipeline.types import Turn

T = TypeVar("T")


class DeliveryMixin:
    """Needs the base store's connection helpers (`db`, `_exec`, `_rows`, `_write_error`)."""

    if TYPE_CHECKING:
        path: Any

        @property
        def db(self) -> aiosqlite.Connection: ...

        async def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> aiosqlite.Cursor: ...

        async def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[aiosqlite.Row]: ...

        def _write_error(self, err: sqlite3.OperationalError) -> Exception: ...

    # -- incoming updates (durability) ---------------------------------------------
    async def save_update(self, update_id: int, payload: dict[str, Any]) -> bool:
        """Persist before acknowledging to Telegram; False when it is a duplicate."""
        cur = await self._exec(
            "INSERT OR IGNORE INTO updates (update_id, payload_json, state, received_at) VALUES (?,?, 'pending', ?)",
            (update_id, json.dumps(payload), time.time()),
        )
        return cur.rowcount == 1

    async def pending_updates(self, *, limit: int = 10000) -> list[tuple[int, dict[str, Any]]]:
        rows = await self._rows(
            "SELECT update_id, payload_json FROM updates WHERE state='pending' ORDER BY update_id LIMIT ?", (limit,)
        )
        return [(int(r[0]), json.loads(r[1])) for r in rows]

    async def mark_update(self, update_id: int, state: str = "done", error: str | None = None) -> None:
        await self._exec(
            "UPDATE updates SET state=?, error=?, processed_at=? WHERE update_id=?",
            (state, redacted(error), time.time(), update_id),
        )

    async def max_update_id(self) -> int | None:
        rows = await self._rows("SELECT MAX(update_id) FROM updates")
        return rows[0][0]

    # -- outbox (replies not yet confirmed by Telegram) -----------------------------
    async def enqueue_outbox(
        self, chat_id: int, text: str, *, reply_to_message_id: int | None = None, kind: str = "reply",
        ref_id: int | None = None,
    ) -> int:
        cur = await self._exec(
            "INSERT INTO outbox (chat_id, text, reply_to_message_id, kind, ref_id, state, attempts, next_attempt_at, "
            "created_at) VALUES (?,?,?,?,?, 'pending', 0, 0, ?)",
            (chat_id, text, reply_to_message_id, kind, ref_id, time.time()),
        )
        return int(cur.lastrowid or 0)

    async def outbox_due(self, *, now: float | None = None, limit: int = 100) -> list[OutboxItem]:
        rows = await self._rows(
            "SELECT * FROM outbox WHERE state='pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
            (time.time() if now is None else now, limit),
        )
        return [_outbox_item(r) for r in rows]

    async def mark_outbox_sent(self, item_id: int, message_id: int | None = None) -> None:
        await self._exec(
            "UPDATE outbox SET state='sent', sent_at=?, telegram_message_id=? WHERE id=?",
            (time.time(), message_id, item_id),
        )

    async def mark_outbox_retry(self, item_id: int, error: str, retry_at: float) -> None:
        await self._exec(
            "UPDATE outbox SET attempts=attempts+1, last_error=?, next_attempt_at=? WHERE id=?",
            (redacted(error), retry_at, item_id),
        )

    async def count_outbox(self, state: str = "pending") -> int:
        rows = await self._rows("SELECT COUNT(*) FROM outbox WHERE state=?", (state,))
        return int(rows[0][0])

    # -- multi-statement transactions (durability of the bot) -------------------------
    async def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` as ONE transaction in aiosqlite's thread: all of it is committed, or none.

        The whole function runs in a single hop to the connection's thread, so no other
        coroutine's statement can slip in between BEGIN and COMMIT (aiosqlite runs its queue in
        order; `_execute` is how its own methods queue work)."""

        def run(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(conn)
            except BaseException:
                if conn.in_transaction:  # SQLite has already rolled back after some errors (a full disk)
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

        db = self.db
        try:
            result: T = await db._execute(run, db._conn)  # type: ignore[no-untyped-call]
            return result
        except sqlite3.OperationalError as err:
            raise self._write_error(err) from None

    @staticmethod
    def _insert_drafts(conn: sqlite3.Connection, drafts: Sequence[OutboxDraft], now: float) -> list[int]:
        ids = []
        for d in drafts:
            cur = conn.execute(
                "INSERT INTO outbox (chat_id, text, reply_to_message_id, kind, ref_id, state, attempts, "
                "next_attempt_at, created_at) VALUES (?,?,?,?,?, 'pending', 0, 0, ?)",
                (d.chat_id, d.text, d.reply_to_message_id, d.kind, d.ref_id, now),
            )
            ids.append(int(cur.lastrowid or 0))
        return ids

    async def complete_update(
        self, update_id: int, drafts: Sequence[OutboxDraft] = (), *, state: str = "done", error: str | None = None,
    ) -> list[int]:
        """Enqueue an update's replies and mark the update finished, atomically; returns the outbox ids.

        A crash before the commit leaves the update pending with no reply enqueued (it is processed
        again); after it, the replies are in the outbox and the update is never processed again."""

        def work(conn: sqlite3.Connection) -> list[int]:
            now = time.time()
            ids = self._insert_drafts(conn, drafts, now)
            conn.execute("UPDATE updates SET state=?, error=?, processed_at=? WHERE update_id=?",
                         (state, redacted(error or None), now, update_id))
            return ids

        return await self._transaction(work)

    async def deliver_decision(self, held_id: int, drafts: Sequence[OutboxDraft]) -> list[int] | None:
        """Enqueue a decided item's message(s) and mark it delivered, atomically; None when it already was."""

        def work(conn: sqlite3.Connection) -> list[int] | None:
            now = time.time()
            cur = conn.execute("UPDATE held_replies SET delivered_at=? WHERE id=? AND state != 'pending' "
                               "AND delivered_at IS NULL", (now, held_id))
            if cur.rowcount != 1:
                return None
            return self._insert_drafts(conn, drafts, now)

        return await self._transaction(work)

    async def mark_outbox_failed(self, item_id: int, error: str, *, chat_id: int | None = None,
                                 kind: str | None = None) -> None:
        """A permanent refusal (bot blocked, chat gone): stop retrying; audited in the same transaction."""

        def work(conn: sqlite3.Connection) -> None:
            now = time.time()
            conn.execute("UPDATE outbox SET state='failed', attempts=attempts+1, last_error=? WHERE id=?",
                         (redacted(error), item_id))
            conn.execute("INSERT INTO audit (at, event, chat_id, ref_id, detail_json) VALUES (?,?,?,?,?)",
                         (now, "delivery_failed", chat_id, item_id, redacted_json({"error": error[:500], "kind": kind})))

        await self._transaction(work)

    async def pending_outbox(self, chat_id: int, *, limit: int = 100) -> list[OutboxItem]:
        """A chat's undelivered messages, oldest first (due or not)."""
        rows = await self._rows(
            "SELECT * FROM outbox WHERE state='pending' AND chat_id=? ORDER BY id LIMIT ?", (chat_id, limit)
        )
        return [_outbox_item(r) for r in rows]

    # -- replaying an update whose processing was cut short (crash) --------------------
    async def user_turn_for_message(self, chat_id: int, message_id: int) -> Turn | None:
        """The user turn a Telegram message produced in the chat's current conversation, if any."""
        rows = await self._rows(
            "SELECT t.id, t.role, t.text, t.tokens, t.created_at, t.conversation_id FROM turns t "
            "JOIN chats c ON c.chat_id = t.chat_id AND c.conversation_id = t.conversation_id "
            "WHERE t.chat_id=? AND t.message_id=? AND t.role='user' ORDER BY t.id DESC LIMIT 1",
            (chat_id, message_id),
        )
        if not rows:
            return None
        r = rows[0]
        return Turn(chat_id, r[1], r[2], r[4], r[3], r[0], r[5])

    async def held_for_turn(self, user_turn_id: int) -> HeldReply | None:
        rows = await self._rows("SELECT * FROM held_replies WHERE user_turn_id=? ORDER BY id LIMIT 1",
                                (user_turn_id,))
        return _held(rows[0]) if rows else None

    async def discard_last_exchange(self, chat_id: int, user_turn_id: int) -> bool:
        """Delete a user turn and what followed it, only if it is the chat's last user turn
        (an interrupted turn about to be produced again); False when later user turns exist."""

        def work(conn: sqlite3.Connection) -> bool:
            later = conn.execute("SELECT 1 FROM turns WHERE chat_id=? AND role='user' AND id>? LIMIT 1",
                                 (chat_id, user_turn_id)).fetchone()
            if later is not None:
                return False
            conn.execute("DELETE FROM turns WHERE chat_id=? AND id>=?", (chat_id, user_turn_id))
            return True

        return await self._transaction(work)
