"""SQLite store: migrations from an old schema, persistence, held-reply states, clear errors."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from pipeline.migrations import MIGRATIONS
from pipeline.store import Store
from pipeline.types import StoreError


async def test_fresh_store_has_latest_schema_and_owner_only_file(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    async with Store(path) as store:
        assert await store.schema_version() == len(MIGRATIONS)
        assert await store.ping()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


async def test_migrates_old_schema_keeping_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE schema_version (version INTEGER NOT NULL);" + MIGRATIONS[0]
                       + "INSERT INTO schema_version VALUES (1);"
                       "INSERT INTO chats VALUES (42, 'private', NULL, 1, 0, 0);"
                       "INSERT INTO turns (chat_id, conversation_id, role, text, created_at) VALUES (42, 1, 'user', 'old hi', 0);")
    conn.commit()
    conn.close()
    async with Store(path) as store:
        assert await store.schema_version() == len(MIGRATIONS)
        turns = await store.history(42)
        assert [t.text for t in turns] == ["old hi"]
        await store.add_turn(42, "assistant", "new reply", message_id=7)
        assert await store.save_update(1, {"update_id": 1})
    async with Store(path) as store:  # idempotent on reopen
        assert await store.schema_version() == len(MIGRATIONS)
        assert [t.text for t in await store.history(42)] == ["old hi", "new reply"]


async def test_conversations_and_retry(tmp_path: Path) -> None:
    async with Store(tmp_path / "c.db") as store:
        await store.add_turn(1, "user", "a")
        await store.add_turn(1, "assistant", "b")
        assert (await store.pop_last_reply(1)).text == "a"  # type: ignore[union-attr]
        assert [t.role for t in await store.history(1)] == ["user"]
        await store.new_conversation(1)
        assert await store.history(1) == []
        assert await store.count_turns(1) == 1


async def test_held_reply_decided_once(tmp_path: Path) -> None:
    async with Store(tmp_path / "h.db") as store:
        held = await store.hold(chat_id=3, user_text="q", reply_text="r", verdict={"action": "hold"})
        assert [h.id for h in await store.list_held()] == [held.id]
        decided = await store.decide_held(held.id, approve=False, decided_by="mod:9")
        assert decided is not None and decided.state == "rejected" and decided.decided_by == "mod:9"
        assert await store.decide_held(held.id, approve=True, decided_by="mod:10") is None
        assert (await store.get_held(held.id)).state == "rejected"  # type: ignore[union-attr]
        assert await store.list_held() == []


async def test_updates_are_unique(tmp_path: Path) -> None:
    async with Store(tmp_path / "u.db") as store:
        assert await store.save_update(10, {"x": 1})
        assert not await store.save_update(10, {"x": 1})
        assert await store.pending_updates() == [(10, {"x": 1})]
        await store.mark_update(10)
        assert await store.pending_updates() == []


async def test_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        await Store(tmp_path / "missing" / "x.db").open()
    store = Store(tmp_path / "twice.db")
    await store.open()
    with pytest.raises(StoreError, match="already open"):
        await store.open()
    await store.close()
    a = Store(tmp_path / "run.db", exclusive=True)
    await a.open()
    with pytest.raises(StoreError, match="another running bot"):
        await Store(tmp_path / "run.db", exclusive=True).open()
    await a.close()
    (tmp_path / "junk.db").write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError, match="not a usable SQLite"):
        await Store(tmp_path / "junk.db").open()


async def test_locked_database_is_clear(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    async with Store(path) as store:
        await store.add_turn(1, "user", "x")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        store = Store(path)
        store_open = False
        with pytest.raises(StoreError, match="locked"):
            await store.open()
            store_open = True
            await store.add_turn(1, "user", "y")
        if store_open:
            await store.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
