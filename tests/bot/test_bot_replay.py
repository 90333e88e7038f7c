"""An update cut short by a crash is processed again without duplicating what its first attempt stored."""

from __future__ import annotations

from typing import Any

from bot_harness import HOLD_TERM, MODERATOR_CHAT, SettingsFactory, bot_running, wait_settled
from fake_telegram import FakeTelegram

from moderation.config import ModerationTexts
from pipeline.store import OutboxDraft, Store


async def _stored_not_confirmed(fake: FakeTelegram, store: Store, chat: int, text: str) -> dict[str, Any]:
    """A message the previous run saved (so Telegram never resends it) but did not finish."""
    message = fake.inject_message(chat, text)
    raw = fake.updates.pop()
    assert await store.save_update(raw["update_id"], raw)
    return message


async def test_replayed_updates_keep_history_and_held_items_single(
    fake: FakeTelegram, make_settings: SettingsFactory,
) -> None:
    settings = make_settings()
    async with Store(settings.storage.path) as store:
        # chat 1: the crash came after the reply was generated (user + assistant turns stored)
        m1 = await _stored_not_confirmed(fake, store, 1, "answered before the crash")
        await store.add_turn(1, "user", "answered before the crash", message_id=int(m1["message_id"]))
        await store.add_turn(1, "assistant", "answered before the crash")
        # chat 2: the crash came after the reply was held (and maybe announced)
        text2 = f"held {HOLD_TERM} before the crash"
        m2 = await _stored_not_confirmed(fake, store, 2, text2)
        turn = await store.add_turn(2, "user", text2, message_id=int(m2["message_id"]))
        await store.hold(chat_id=2, user_text=text2, reply_text=text2, verdict={"action": "hold", "reasons": ["x"]},
                         user_turn_id=turn.id, user_message_id=int(m2["message_id"]))
        # chat 3: only the update was stored
        await _stored_not_confirmed(fake, store, 3, "nothing done yet")
    async with bot_running(settings) as runner:
        await fake.wait_sent(1, 1)
        await fake.wait_sent(2, 1)
        await fake.wait_sent(3, 1)
        await fake.wait_sent(MODERATOR_CHAT, 1)
        fake.inject_message(1, "next one")
        await fake.wait_sent(1, 2)
        await wait_settled(runner)
        store = runner.s.store
        assert [(t.role, t.text) for t in await store.history(1)] == [
            ("user", "answered before the crash"), ("assistant", "answered before the crash"),
            ("user", "next one"), ("assistant", "next one")]
        assert [t.role for t in await store.history(2)] == ["user"]
        assert len(await store.list_held(None)) == 1
        assert [t.role for t in await store.history(3)] == ["user", "assistant"]
    assert fake.texts(1) == ["answered before the crash", "next one"]
    assert fake.texts(2) == [ModerationTexts().held]
    assert len(fake.sent[MODERATOR_CHAT]) == 1


async def test_reply_and_done_mark_are_one_transaction(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    settings = make_settings()
    async with Store(settings.storage.path) as store:
        assert await store.save_update(7, {"update_id": 7})
        [oid] = await store.complete_update(7, [OutboxDraft(5, "reply")])
        assert await store.pending_updates() == []
        assert [i.id for i in await store.pending_outbox(5)] == [oid]
        assert await store.save_update(8, {"update_id": 8})

        def broken(conn: object) -> None:
            raise RuntimeError("crash in the middle")

        real = store._insert_drafts
        store._insert_drafts = lambda conn, drafts, now: [*real(conn, drafts, now), broken(conn)]  # type: ignore[assignment, func-returns-value]
        try:
            await store.complete_update(8, [OutboxDraft(5, "never")])
        except RuntimeError:
            pass
        else:
            raise AssertionError("expected the failure")
        assert [u for u, _ in await store.pending_updates()] == [8]  # rolled back: nothing enqueued
        assert [i.text for i in await store.pending_outbox(5)] == ["reply"]
