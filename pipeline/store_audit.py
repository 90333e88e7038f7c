"""The store's audit side: audit rows, and the masking of secrets in every stored error text.

Mixed into `pipeline.store.Store`. Error texts come from upstream services (an OpenAI-compatible
server quoting the Authorization header, an HTTP library printing a Bot API URL with the token), so
whatever the store keeps about errors passes through the same Redactor as the log lines.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import aiosqlite

from pipeline.logs import REDACTOR
from pipeline.store_records import INSERT_AUDIT


def redacted(text: str | None, limit: int = 500) -> str | None:
    """An error text as stored: cut to `limit` and secrets masked, as the log filter masks them
    (upstream errors may quote an Authorization header or a URL with the bot token)."""
    return None if text is None else REDACTOR.redact(text[:limit])


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return REDACTOR.redact(value)
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v) for v in value]
    return value


def redacted_json(data: dict[str, Any] | None) -> str | None:
    """A verdict or audit detail as stored: JSON with every string's secrets masked (see `redacted`)."""
    return None if data is None else json.dumps(_scrub(data))


class AuditMixin:
    """Needs the base store's connection helpers (`_exec`, `_rows`)."""

    if TYPE_CHECKING:
        async def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> aiosqlite.Cursor: ...

        async def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[aiosqlite.Row]: ...

    async def audit(
        self,
        event: str,
        *,
        chat_id: int | None = None,
        actor: str | None = None,
        ref_id: int | None = None,
        verdict: dict[str, Any] | None = None,
        detail: dict[str, Any] | None = None,
    ) -> int:
        cur = await self._exec(
            INSERT_AUDIT,
            (time.time(), event, chat_id, actor, ref_id, redacted_json(verdict), redacted_json(detail)),
        )
        return int(cur.lastrowid or 0)

    async def audit_rows(self, event: str | None = None, *, limit: int = 1000) -> list[dict[str, Any]]:
        if event is None:
            rows = await self._rows("SELECT * FROM audit ORDER BY id LIMIT ?", (limit,))
        else:
            rows = await self._rows("SELECT * FROM audit WHERE event=? ORDER BY id LIMIT ?", (event, limit))
        out = []
        for r in rows:
            d = dict(r)
            d["verdict"] = json.loads(d.pop("verdict_json")) if d.get("verdict_json") else None
            d["detail"] = json.loads(d.pop("detail_json")) if d.get("detail_json") else None
            out.append(d)
        return out
