"""SQLite store (aiosqlite, WAL): chats, turns, held replies, audit log, updates, outbox, bans.

The connection is in autocommit mode: every write statement is its own transaction, committed when
the awaited call returns (what the explicit commit after each statement did, one thread hop less).
A conversation turn costs one round trip to the database thread per call: the hot paths
(`add_turn`, `history_and_prompt`) are single statements, because each hop to aiosqlite's thread
costs more than the SQL itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import sqlite3
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import aiosqlite

from pipeline.migrations import MIGRATIONS
from pipeline.store_audit import AuditMixin, redacted_json
from pipeline.store_bans import Ban, BansMixin
from pipeline.store_delivery import DeliveryMixin
from pipeline.store_records import INSERT_AUDIT, HeldReply, OutboxDraft, OutboxItem, _held, fits_sqlite_int
from pipeline.types import Role, StoreError, Turn

HELD_STATES = ("pending", "approved", "rejected")
__all__ = ["HELD_STATES", "Ban", "HeldReply", "OutboxDraft", "OutboxItem", "Store"]


class Store(DeliveryMixin, BansMixin, AuditMixin):
    """One connection per process; every query is parametrized."""

    def __init__(self, path: Path | str, *, exclusive: bool = False, must_exist: bool = False) -> None:
        self.path = Path(path)
        self.exclusive = exclusive
        # tools that work on the bot's database (parley review): a wrong path must not create an empty
        # database, nor add parley's tables to another application's SQLite file
        self.must_exist = must_exist
        self._db: aiosqlite.Connection | None = None
        self._lock_fd: int | None = None

    # -- lifecycle -----------------------------------------------------------------
    async def open(self) -> "Store":
        if self._db is not None:
            raise StoreError(f"storage.path: the store {self.path} is already open in this process")
        if self.must_exist and not self.path.exists():
            raise StoreError(f"no database at {self.path} (storage.path); run the bot first or set storage.path")
        parent = self.path.resolve().parent
        if not parent.is_dir():
            raise StoreError(
                f"storage.path: folder {parent} does not exist; create it or set PARLEY_STORAGE__PATH"
            )
        if self.exclusive:
            self._take_lock()
        if not self.path.exists():
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            except OSError as err:
                self._release_lock()
                raise StoreError(f"storage.path: cannot create {self.path}: {err.strerror}") from None
        conn = aiosqlite.connect(self.path, timeout=5.0, isolation_level=None)
        try:
            self._db = await conn
            self._db.row_factory = aiosqlite.Row
            if self.must_exist:
                await self._refuse_foreign()  # before the WAL switch, which would already change the file
            await self._db.execute("PRAGMA journal_mode=WAL")
            await self._db.execute("PRAGMA synchronous=NORMAL")
            await self._db.execute("PRAGMA foreign_keys=ON")
            await self._db.execute("PRAGMA busy_timeout=5000")
            await self._migrate()
        except BaseException as err:
            await self._abort(conn)
            if not isinstance(err, sqlite3.DatabaseError):
                raise
            if "locked" in str(err):
                why = f"database {self.path} is locked by another process; stop it or use another file"
            elif isinstance(err, sqlite3.OperationalError):
                why = f"cannot open {self.path}: {err}"
            else:
                why = f"{self.path} is not a usable SQLite database: {err}"
            raise StoreError(f"storage.path: {why}") from None
        for suffix in ("", "-wal", "-shm"):  # owner-only, also for a file created by an older version
            side = Path(str(self.path) + suffix)
            try:
                if side.exists() and side.stat().st_mode & 0o077:
                    os.chmod(side, 0o600)
            except OSError:  # not ours to change (e.g. a read-only copy): leave it
                pass
        return self

    async def _refuse_foreign(self) -> None:
        """must_exist: a SQLite file with tables but no parley schema belongs to someone else."""
        rows = await (await self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")).fetchall()
        tables = sorted(str(r[0]) for r in rows)
        if tables and "schema_version" not in tables:
            shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
            raise StoreError(f"storage.path: {self.path} is not a parley database (it has other tables: {shown}); "
                             "not touching it; set storage.path to the bot's database")

    async def _abort(self, conn: aiosqlite.Connection) -> None:
        """Close a half-opened connection and wait for aiosqlite's worker thread: left running, it
        would call into the event loop after asyncio.run closed it ("Event loop is closed")."""
        self._db = None
        with contextlib.suppress(Exception):
            await conn.close()
        thread = getattr(conn, "_thread", None)
        if thread is not None and thread.is_alive():
            await asyncio.to_thread(thread.join, 5.0)
        self._release_lock()

    def _take_lock(self) -> None:
        lock_path = str(self.path) + ".lock"
        fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise StoreError(
                f"storage.path: {self.path} is already used by another running bot; stop it or use another file"
            ) from None
        self._lock_fd = fd

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None
        self._release_lock()

    @property
    def is_open(self) -> bool:
        return self._db is not None

    async def __aenter__(self) -> "Store":
        return await self.open()

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.close()

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StoreError("store is closed")
        return self._db

    async def _migrate(self) -> None:
        await self.db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = await (await self.db.execute("SELECT MAX(version) FROM schema_version")).fetchone()
        current = row[0] or 0
        for version, script in enumerate(MIGRATIONS, start=1):
            if version <= current:
                continue
            await self.db.executescript("BEGIN;\n" + script + f"\nINSERT INTO schema_version VALUES ({version});\nCOMMIT;")

    async def schema_version(self) -> int:
        row = await (await self.db.execute("SELECT MAX(version) FROM schema_version")).fetchone()
        return int(row[0] or 0)

    async def ping(self) -> bool:
        try:
            await (await self.db.execute("SELECT 1")).fetchone()
            return True
        except (StoreError, sqlite3.Error, ValueError):
            return False

    async def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> aiosqlite.Cursor:
        """One write statement, committed on return (autocommit)."""
        try:
            return await self.db.execute(sql, params)
        except sqlite3.OperationalError as err:
            raise self._write_error(err) from None

    async def _write_rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[aiosqlite.Row]:
        """One write statement with RETURNING; reading every row completes (and so commits) it."""
        try:
            return list(await self.db.execute_fetchall(sql, params))
        except sqlite3.OperationalError as err:
            raise self._write_error(err) from None

    def _write_error(self, err: sqlite3.OperationalError) -> Exception:
        if "locked" in str(err) or "busy" in str(err):
            return StoreError(f"storage: database {self.path} is locked; another process holds a write lock")
        if "disk" in str(err) or "full" in str(err):
            return StoreError(f"storage: cannot write {self.path}: {err}")
        return err

    async def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[aiosqlite.Row]:
        return list(await self.db.execute_fetchall(sql, params))

    # -- chats & turns -------------------------------------------------------------
    async def ensure_chat(self, chat_id: int, *, kind: str = "private", title: str | None = None) -> None:
        now = time.time()
        await self._exec(
            "INSERT INTO chats (chat_id, kind, title, conversation_id, created_at, updated_at) VALUES (?,?,?,1,?,?) "
            "ON CONFLICT(chat_id) DO UPDATE SET updated_at=excluded.updated_at, "
            "title=COALESCE(excluded.title, chats.title)",
            (chat_id, kind, title, now, now),
        )

    async def conversation_id(self, chat_id: int) -> int:
        rows = await self._rows("SELECT conversation_id FROM chats WHERE chat_id=?", (chat_id,))
        if not rows:
            await self.ensure_chat(chat_id)
            return 1
        return int(rows[0][0])

    async def new_conversation(self, chat_id: int) -> int:
        await self.ensure_chat(chat_id)
        await self._exec("UPDATE chats SET conversation_id = conversation_id + 1 WHERE chat_id=?", (chat_id,))
        return await self.conversation_id(chat_id)

    async def set_system_prompt(self, chat_id: int, prompt: str | None) -> None:
        await self.ensure_chat(chat_id)
        await self._exec("UPDATE chats SET system_prompt=? WHERE chat_id=?", (prompt, chat_id))

    async def get_system_prompt(self, chat_id: int) -> str | None:
        rows = await self._rows("SELECT system_prompt FROM chats WHERE chat_id=?", (chat_id,))
        return rows[0][0] if rows else None

    async def add_turn(
        self, chat_id: int, role: Role, text: str, *, tokens: int | None = None, message_id: int | None = None,
        audit_verdict: dict[str, Any] | None = None,
    ) -> Turn:
        """Append a turn to the chat's current conversation (one statement; the chat is created if new).
        With `audit_verdict`, a "verdict" audit row is written in the same transaction."""
        now = time.time()
        params = (role, text, tokens, message_id, now, chat_id)
        if audit_verdict is not None:
            await self.ensure_chat(chat_id)

            def work(conn: sqlite3.Connection) -> Any:
                row = conn.execute(_INSERT_TURN, params).fetchone()
                conn.execute(INSERT_AUDIT, (now, "verdict", chat_id, None, row[0], redacted_json(audit_verdict), None))
                return row

            row = await self._transaction(work)
            return Turn(chat_id, role, text, now, tokens, int(row[0]), int(row[1]))
        rows = await self._write_rows(_INSERT_TURN, params)
        if not rows:  # first turn of an unknown chat
            await self.ensure_chat(chat_id)
            rows = await self._write_rows(_INSERT_TURN, params)
        return Turn(chat_id, role, text, now, tokens, int(rows[0][0]), int(rows[0][1]))

    async def history(self, chat_id: int, *, limit: int = 200) -> list[Turn]:
        """Turns of the chat's current conversation, oldest first."""
        return (await self.history_and_prompt(chat_id, limit=limit))[0]

    async def history_and_prompt(self, chat_id: int, *, limit: int = 200) -> tuple[list[Turn], str | None]:
        """`history()` and `get_system_prompt()` in one query: what building a reply's context reads."""
        rows = await self._rows(
            "SELECT c.conversation_id, c.system_prompt, t.id, t.role, t.text, t.tokens, t.created_at "
            "FROM chats c LEFT JOIN turns t ON t.chat_id = c.chat_id AND t.conversation_id = c.conversation_id "
            "WHERE c.chat_id=? ORDER BY t.id DESC LIMIT ?",
            (chat_id, limit),
        )
        if not rows:  # unknown chat: create it, as conversation_id() does
            await self.ensure_chat(chat_id)
            return [], None
        conv, prompt = int(rows[0][0]), rows[0][1]
        turns = [Turn(chat_id, r[3], r[4], r[6], r[5], r[2], conv) for r in reversed(rows) if r[2] is not None]
        return turns, prompt

    async def count_turns(self, chat_id: int | None = None) -> int:
        if chat_id is None:
            rows = await self._rows("SELECT COUNT(*) FROM turns")
        else:
            rows = await self._rows("SELECT COUNT(*) FROM turns WHERE chat_id=?", (chat_id,))
        return int(rows[0][0])

    async def pop_last_reply(self, chat_id: int) -> Turn | None:
        """For /retry: drop trailing assistant turns, return the last user turn (kept)."""
        turns = await self.history(chat_id, limit=50)
        while turns and turns[-1].role == "assistant":
            await self._exec("DELETE FROM turns WHERE id=?", (turns[-1].id,))
            turns.pop()
        return turns[-1] if turns and turns[-1].role == "user" else None

    # -- held replies --------------------------------------------------------------
    async def hold(
        self,
        *,
        chat_id: int,
        user_text: str,
        reply_text: str,
        verdict: dict[str, Any],
        user_turn_id: int | None = None,
        user_message_id: int | None = None,
        source: str = "telegram",
        audit_actor: str | None = None,
        audit_detail: dict[str, Any] | None = None,
    ) -> HeldReply:
        """Queue a held reply and write its "held" audit row in one transaction: a failed write
        (a full disk) leaves neither, never a held reply without its audit or the reverse."""
        now = time.time()

        def work(conn: sqlite3.Connection) -> Any:
            row = conn.execute(
                "INSERT INTO held_replies (chat_id, user_text, reply_text, verdict_json, state, source, "
                "user_turn_id, user_message_id, created_at) VALUES (?,?,?,?, 'pending', ?,?,?,?) RETURNING *",
                (chat_id, user_text, reply_text, redacted_json(verdict), source, user_turn_id, user_message_id, now),
            ).fetchone()
            conn.execute(INSERT_AUDIT, (now, "held", chat_id, audit_actor, row["id"], redacted_json(verdict),
                                        redacted_json(audit_detail)))
            return row

        return _held(await self._transaction(work))

    async def get_held(self, held_id: int) -> HeldReply | None:
        if not fits_sqlite_int(held_id):  # e.g. a huge id typed on the console or in an API path
            return None
        rows = await self._rows("SELECT * FROM held_replies WHERE id=?", (held_id,))
        return _held(rows[0]) if rows else None

    async def list_held(self, state: str | None = "pending", *, limit: int = 100) -> list[HeldReply]:
        if state is None:
            rows = await self._rows("SELECT * FROM held_replies ORDER BY id LIMIT ?", (limit,))
        else:
            rows = await self._rows("SELECT * FROM held_replies WHERE state=? ORDER BY id LIMIT ?", (state, limit))
        return [_held(r) for r in rows]

    async def decide_held(
        self, held_id: int, *, approve: bool, decided_by: str, record: bool = False, text: str | None = None,
    ) -> HeldReply | None:
        """Atomically move a pending item to approved/rejected; None if it was not pending.

        `text` (approvals only): the moderator's edit, sent instead of the draft, which is kept.
        With `record`, the same transaction also appends the approved reply to the chat's history and
        writes the decision's audit row, so a crash cannot leave a decision half recorded."""
        if not fits_sqlite_int(held_id):
            return None
        state = "approved" if approve else "rejected"
        final = text if approve else None

        def work(conn: sqlite3.Connection) -> bool:
            now = time.time()
            cur = conn.execute(
                "UPDATE held_replies SET state=?, decided_by=?, decided_at=?, final_text=? "
                "WHERE id=? AND state='pending'",
                (state, decided_by, now, final, held_id),
            )
            if cur.rowcount != 1:
                return False
            if record:
                chat_id, reply, verdict = conn.execute(
                    "SELECT chat_id, COALESCE(final_text, reply_text), verdict_json FROM held_replies WHERE id=?",
                    (held_id,)).fetchone()
                if approve:
                    conn.execute("INSERT OR IGNORE INTO chats (chat_id, kind, conversation_id, created_at, updated_at) "
                                 "VALUES (?, 'private', 1, ?, ?)", (chat_id, now, now))
                    conn.execute(_INSERT_TURN, ("assistant", reply, None, None, now, chat_id))
                conn.execute("INSERT INTO audit (at, event, chat_id, actor, ref_id, verdict_json, detail_json) "
                             "VALUES (?,?,?,?,?,?,?)", (now, state, chat_id, decided_by, held_id, verdict,
                                                        json.dumps({"edited": True}) if final is not None else None))
            return True

        if not await self._transaction(work):
            return None
        return await self.get_held(held_id)

    async def set_held_moderator_message(self, held_id: int, chat_id: int, message_id: int) -> None:
        await self._exec(
            "UPDATE held_replies SET moderator_chat_id=?, moderator_message_id=? WHERE id=?",
            (chat_id, message_id, held_id),
        )

    async def mark_held_delivered(self, held_id: int) -> None:
        await self._exec("UPDATE held_replies SET delivered_at=? WHERE id=?", (time.time(), held_id))

    async def undelivered_decided(self) -> list[HeldReply]:
        rows = await self._rows(
            "SELECT * FROM held_replies WHERE state != 'pending' AND delivered_at IS NULL ORDER BY id"
        )
        return [_held(r) for r in rows]

    async def unannounced_held(self) -> list[HeldReply]:
        """Pending items never posted to the moderator chat (e.g. queued by the API or before a crash)."""
        rows = await self._rows(
            "SELECT * FROM held_replies WHERE state='pending' AND moderator_message_id IS NULL ORDER BY id"
        )
        return [_held(r) for r in rows]


_INSERT_TURN = (
    "INSERT INTO turns (chat_id, conversation_id, role, text, tokens, message_id, created_at) "
    "SELECT chat_id, conversation_id, ?, ?, ?, ?, ? FROM chats WHERE chat_id=? RETURNING id, conversation_id"
)
