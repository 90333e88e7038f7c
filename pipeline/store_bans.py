"""The store's bans: Telegram user or chat ids whose messages the bot ignores, set by moderators.

Mixed into `pipeline.store.Store`. Every ban and unban also writes an audit row.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiosqlite


@dataclass(frozen=True, slots=True)
class Ban:
    target_id: int  # a user id (positive) or a group chat id (negative)
    reason: str | None
    banned_by: str
    banned_at: float


class BansMixin:
    """Needs the base store's `_exec`, `_rows` and `audit`."""

    if TYPE_CHECKING:
        async def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> aiosqlite.Cursor: ...

        async def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[aiosqlite.Row]: ...

        async def audit(self, event: str, *, chat_id: int | None = None, actor: str | None = None,
                        ref_id: int | None = None, verdict: dict[str, Any] | None = None,
                        detail: dict[str, Any] | None = None) -> int: ...

    async def ban(self, target_id: int, *, by: str, reason: str | None = None) -> bool:
        """False when the id was banned already (the first ban and its reason stand)."""
        cur = await self._exec(
            "INSERT OR IGNORE INTO bans (target_id, reason, banned_by, banned_at) VALUES (?,?,?,?)",
            (target_id, reason, by, time.time()),
        )
        if cur.rowcount != 1:
            return False
        await self.audit("ban", chat_id=target_id, actor=by, detail={"reason": reason} if reason else None)
        return True

    async def unban(self, target_id: int, *, by: str) -> bool:
        cur = await self._exec("DELETE FROM bans WHERE target_id=?", (target_id,))
        if cur.rowcount != 1:
            return False
        await self.audit("unban", chat_id=target_id, actor=by)
        return True

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
