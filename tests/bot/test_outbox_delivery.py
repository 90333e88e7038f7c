"""Delivery edge cases: refused messages stay in the outbox (audited); the typing indicator."""

from __future__ import annotations

import asyncio

from bot_harness import SettingsFactory, bot_running
from fake_telegram import FakeTelegram

from bot.handlers import typing


async def test_refused_reply_is_audited_and_kept(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    fake.fail_next_send(1101, 1, status=403)
    async with bot_running(make_settings()) as runner:
        fake.inject_message(1101, "you blocked me")
        fake.inject_message(1102, "other chat unaffected")
        await fake.wait_sent(1102, 1)
        store = runner.s.store
        for _ in range(200):  # bounded: the refusal is recorded right after the 403
            if await store.audit_rows("delivery_refused"):
                break
            await asyncio.sleep(0.02)
        [row] = await store.audit_rows("delivery_refused")
        assert row["chat_id"] == 1101 and "blocked" in row["detail"]["error"]
        assert await store.count_outbox("pending") == 1
        assert runner.s.outbox.blocked_chats == 1
    assert 1101 not in fake.sent


async def test_typing_action_while_generating(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    async with bot_running(make_settings()) as runner:
        async with typing(runner.s.bot, 1201, delay_s=0):
            await fake.wait_for(lambda: fake.chat_actions, timeout=5, what="sendChatAction")
    assert fake.chat_actions[0] == {"chat_id": 1201, "action": "typing"}
