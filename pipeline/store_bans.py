"""The store's bans: Telegram user or chat ids whose messages the bot ignores, set by moderators.

Mixed into `pipeline.store.Store`. Every ban and unban also writes an audit row.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import aiosqlite

from pipeline.store_records import INSERT_AUDIT

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Ban:
    target_id: int  # a user id (positive) or a group chat id (negative)
    reason: str | None
    banned_by: str
    banned_at: float


class BansMixin:
    """Needs the base store's `_rows` and `_transaction` (a ban and its audit row are one transaction)."""

    if TYPE_CHECKING:
        async def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[aiosqlite.Row]: ...

        async def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T: ...

    async def ban(self, target_id: int, *, by: str, reason: str | None = None) -> bool:
        """False when the id was banned already (the first ban and its reason stand)."""
        now = time.time()
        detail = json.dumps({"reason": reason}) if reason else None

        def work(conn: sqlite3.Connection) -> bool:
            cur = conn.execute("INSERT OR IGNORE INTO bans (target_id, reason, banned_by, banned_at) "
                               "VALUES (?,?,?,?)", (target_id, reason, by, now))
            if cur.rowcount != 1:
                return False
            conn.execute(INSERT_AUDIT, (now, "ban", target_id, by, None, None, detail))
            return True

        return await self._transaction(work)

    async def unban(self, target_id: int, *, by: str) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            if conn.execute("DELETE FROM bans WHERE target_id=?", (target_id,)).rowcount != 1:
                return False
            conn.execute(INSERT_AUDIT, (time.time(), "unban", target_id, by, None, None, None))
            return True

        return await self._transaction(work)

    async def is_banned(self, *ids: int | None) -> bool:
        """Is any of these ids (a user, a chat) banned?"""
        wanted = tuple({i for i in ids if i is not None})
        if not wanted:
            return False
        marks = ",".join("?" * len(wanted))
        return bool(await self._rows(f"SELECT 1 FROM bans WHERE target_id IN ({marks}) LIMIT 1", wanted))

    async def bans(self, *, limit: int = 1000) -> list[Ban]:
        rows = await self._rows(
            "SELECT target_id, reason, banned_by, banned_at FROM bans ORDER BY banned_at, target_id LIMIT ?", (limit,)
        )
        return [Ban(int(r[0]), r[1], str(r[2]), float(r[3])) for r in rows]
