"""Delivery edge cases: refused messages are marked failed (audited); the typing indicator."""

from __future__ import annotations

import asyncio

from bot_harness import HOLD_TERM, MODERATOR_CHAT, MODERATOR_ID, SettingsFactory, bot_running, wait_settled
from fake_telegram import FakeTelegram

from bot.handlers import typing


async def test_refused_reply_is_marked_failed_and_audited(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    """A permanent refusal (the user blocked the bot) ends that message's delivery, audited; the
    chat is not blocked: once the user unblocks the bot, new replies go out."""
    fake.fail_next_send(1101, 1, status=403)
    async with bot_running(make_settings()) as runner:
        fake.inject_message(1101, "you blocked me")
        fake.inject_message(1102, "other chat unaffected")
        await fake.wait_sent(1102, 1)
        store = runner.s.store
        for _ in range(200):  # bounded: the refusal is recorded right after the 403
            if await store.audit_rows("delivery_failed"):
                break
            await asyncio.sleep(0.02)
        [row] = await store.audit_rows("delivery_failed")
        assert row["chat_id"] == 1101 and "blocked" in row["detail"]["error"] and row["detail"]["kind"] == "reply"
        assert await store.count_outbox("failed") == 1
        assert runner.s.outbox.blocked_chats == 0
        fake.inject_message(1101, "unblocked again")
        await fake.wait_sent(1101, 1)
        fake.inject_message(MODERATOR_CHAT, "/queue", user_id=MODERATOR_ID)
        [queue] = await fake.wait_sent(MODERATOR_CHAT, 1)
        await wait_settled(runner)
        assert await store.count_outbox("failed") == 1
    assert fake.texts(1101) == ["unblocked again"]
    assert "1 message(s) could not be delivered" in queue.text


async def test_refused_decision_is_not_retried(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    """An approved reply the user can no longer receive is marked failed, not re-sent forever."""
    async with bot_running(make_settings()) as runner:
        fake.inject_message(1201, f"hold {HOLD_TERM}")
        await fake.wait_sent(1201, 1)
        [post] = await fake.wait_sent(MODERATOR_CHAT, 1)
        fake.fail_next_send(1201, 1, status=403)
        fake.inject_callback(MODERATOR_ID, post, post.buttons[0]["callback_data"])
        await fake.wait_for(lambda: "Approved by" in post.text)
        await wait_settled(runner)
        [row] = await runner.s.store.audit_rows("delivery_failed")
        assert row["detail"]["kind"] == "approved"
        [held] = await runner.s.store.list_held("approved")
        assert held.delivered_at is not None
    assert len(fake.texts(1201)) == 1


async def test_typing_action_while_generating(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    async with bot_running(make_settings()) as runner:
        async with typing(runner.s.bot, 1201, delay_s=0):
            await fake.wait_for(lambda: fake.chat_actions, timeout=5, what="sendChatAction")
    assert fake.chat_actions[0] == {"chat_id": 1201, "action": "typing"}
