"""Store fast paths: one statement per hot call, and every write committed before the call returns."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.compose import build_core
from pipeline.settings import Settings
from pipeline.store import Store


def _count(path: Path, sql: str, *params: object) -> int:
    """Read with a second connection: sees only committed data."""
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    finally:
        conn.close()


async def test_add_turn_is_committed_on_return_and_creates_the_chat(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    async with Store(path) as store:
        turn = await store.add_turn(7, "user", "hi", message_id=3)
        assert turn.id is not None and turn.conversation_id == 1
        assert _count(path, "SELECT COUNT(*) FROM turns WHERE chat_id=7") == 1
        assert _count(path, "SELECT COUNT(*) FROM chats WHERE chat_id=7") == 1
        await store.new_conversation(7)
        second = await store.add_turn(7, "assistant", "hello")
        assert second.conversation_id == 2 and second.id is not None and second.id > turn.id
        held = await store.hold(chat_id=7, user_text="q", reply_text="r", verdict={"action": "hold"},
                                user_turn_id=turn.id)
        assert held.state == "pending" and held.user_turn_id == turn.id and held.verdict == {"action": "hold"}
        assert _count(path, "SELECT COUNT(*) FROM held_replies") == 1


async def test_history_and_prompt_matches_the_separate_calls(tmp_path: Path) -> None:
    async with Store(tmp_path / "h.db") as store:
        assert await store.history_and_prompt(1) == ([], None)
        assert await store.conversation_id(1) == 1  # the unknown chat now exists
        for i in range(5):
            await store.add_turn(1, "user" if i % 2 == 0 else "assistant", f"t{i}")
        await store.set_system_prompt(1, "be brief")
        turns, prompt = await store.history_and_prompt(1, limit=3)
        assert prompt == await store.get_system_prompt(1) == "be brief"
        assert turns == await store.history(1, limit=3)
        assert [t.text for t in turns] == ["t2", "t3", "t4"]
        await store.new_conversation(1)
        assert await store.history_and_prompt(1) == ([], "be brief")


async def test_a_reply_is_committed_before_handle_returns(tmp_path: Path) -> None:
    settings = Settings()
    settings.storage.path = tmp_path / "p.db"
    settings.generation.backend = "echo"
    settings.moderation.hot_reload = False
    async with build_core(settings) as core:
        assert core.pipeline is not None
        reply = await core.pipeline.handle(11, "good morning")
        assert reply.action == "allow"
        assert _count(settings.storage.path, "SELECT COUNT(*) FROM turns WHERE chat_id=11") == 2
        timings = reply.extra["timings"]
        assert timings.store_s > 0 and timings.total_s >= timings.store_s
