"""The bot against a Bot API server that implements only the core methods.

Some servers (test doubles, proxies) answer every method they lack with HTTP 404, which
python-telegram-bot raises as InvalidToken. The optional calls (deleteWebhook, setMyCommands,
sendChatAction, editMessageText, answerCallbackQuery) must not stop the bot: messages are still
answered, held replies are still announced, decided and delivered, and the moderators see the
outcome as a new message when the announcement cannot be edited. A bad token stays a config error.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from bot_harness import HOLD_TERM, MODERATOR_CHAT, MODERATOR_ID, bot_running, settings_dict, wait_settled
from fake_telegram import FakeTelegram

from bot.handlers import TEXT_ONLY, typing
from moderation.config import ModerationTexts
from pipeline.settings import Settings
from pipeline.types import ConfigError

TEXTS = ModerationTexts()
OPTIONAL = {"deleteWebhook", "setMyCommands", "deleteMyCommands", "sendChatAction", "editMessageText",
            "editMessageReplyMarkup", "answerCallbackQuery", "getWebhookInfo", "setWebhook", "close", "logOut"}
CORE = {"getMe", "getUpdates", "sendMessage"}


@pytest.fixture
async def minimal() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(missing_methods=OPTIONAL)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _settings(fake: FakeTelegram, tmp_path: Path, **telegram: Any) -> Settings:
    return Settings(**settings_dict(fake, tmp_path / "parley.db", **telegram))


def _called(fake: FakeTelegram, method: str) -> int:
    return sum(1 for name, _ in fake.calls if name == method)


async def test_messages_are_answered_without_optional_methods(minimal: FakeTelegram, tmp_path: Path) -> None:
    async with bot_running(_settings(minimal, tmp_path)) as runner:
        minimal.inject_message(1001, "hello there")
        [reply] = await minimal.wait_sent(1001, 1)
        assert reply.text == "hello there"
        minimal.inject_message(1001, "/help")
        help_text = (await minimal.wait_sent(1001, 2))[1]
        assert help_text.text.startswith("Send me a message")
        await wait_settled(runner)
        assert not runner.s.optional.available("setMyCommands")
        assert not runner.s.optional.available("deleteWebhook")
    assert {name for name, _ in minimal.calls} - CORE <= OPTIONAL  # tried, answered 404, and the bot went on
    assert _called(minimal, "setMyCommands") == 1  # not tried again once found missing


async def test_typing_stops_for_good_when_send_chat_action_is_missing(minimal: FakeTelegram, tmp_path: Path) -> None:
    async with bot_running(_settings(minimal, tmp_path)) as runner:
        async with typing(runner.s.bot, 1101, delay_s=0, optional=runner.s.optional):
            await minimal.wait_for(lambda: _called(minimal, "sendChatAction"), timeout=5, what="sendChatAction")
            await asyncio.sleep(0)
        assert not runner.s.optional.available("sendChatAction")
        async with typing(runner.s.bot, 1101, delay_s=0, optional=runner.s.optional):
            await asyncio.sleep(0.05)
    assert _called(minimal, "sendChatAction") == 1


async def test_held_reply_is_approved_and_delivered(minimal: FakeTelegram, tmp_path: Path) -> None:
    user = 2001
    async with bot_running(_settings(minimal, tmp_path)) as runner:
        question = minimal.inject_message(user, f"please {HOLD_TERM} this")
        [pending] = await minimal.wait_sent(user, 1)
        assert pending.text == TEXTS.held
        [post] = await minimal.wait_sent(MODERATOR_CHAT, 1)
        assert [b["text"] for b in post.buttons] == ["Approve", "Reject", "Reject + ban user"]

        minimal.inject_callback(MODERATOR_ID, post, post.buttons[0]["callback_data"])
        sent = await minimal.wait_sent(user, 2)
        assert sent[1].text == f"please {HOLD_TERM} this"
        assert sent[1].reply_to_message_id == question["message_id"]
        # the announcement cannot be edited: the outcome is posted as a new message instead
        notice = (await minimal.wait_sent(MODERATOR_CHAT, 2))[1]
        assert notice.text.startswith("Decision on held reply #")
        assert f"✅ Approved by @user{MODERATOR_ID} ({MODERATOR_ID})" in notice.text
        await wait_settled(runner)
        [held] = await runner.s.store.list_held("approved")
        assert held.delivered_at is not None
        minimal.inject_callback(MODERATOR_ID, post, post.buttons[0]["callback_data"])  # pressed again
        minimal.inject_callback(MODERATOR_ID, post, post.buttons[1]["callback_data"])
        await wait_settled(runner)
        await asyncio.sleep(0.3)
    assert not post.edits
    assert minimal.texts(user) == [TEXTS.held, f"please {HOLD_TERM} this"]
    assert len(minimal.texts(MODERATOR_CHAT)) == 2  # the outcome is posted once, not per press
    assert _called(minimal, "editMessageText") == 1 and _called(minimal, "answerCallbackQuery") == 1


async def test_a_webhook_left_registered_is_deleted_when_polling_meets_it(tmp_path: Path) -> None:
    """deleteWebhook fails at start-up (500): getUpdates then answers 409 "webhook is active", and
    the bot deletes the webhook again instead of retrying getUpdates forever."""
    async with FakeTelegram() as fake:
        fake.webhook = {"url": "https://old.example/hook"}
        fake.fail_methods["deletewebhook"] = 1
        async with bot_running(_settings(fake, tmp_path)):
            fake.inject_message(1001, "anyone home?")
            [reply] = await fake.wait_sent(1001, 1, timeout=30)
        assert reply.text == "anyone home?"
        assert _called(fake, "deleteWebhook") == 2 and fake.webhook is None


async def test_held_reply_is_rejected(minimal: FakeTelegram, tmp_path: Path) -> None:
    user = 3001
    async with bot_running(_settings(minimal, tmp_path)) as runner:
        minimal.inject_message(user, f"no {HOLD_TERM}")
        [post] = await minimal.wait_sent(MODERATOR_CHAT, 1)
        minimal.inject_callback(MODERATOR_ID, post, post.buttons[1]["callback_data"])
        sent = await minimal.wait_sent(user, 2)
        assert sent[1].text == TEXTS.rejected
        notice = (await minimal.wait_sent(MODERATOR_CHAT, 2))[1]
        assert f"❌ Rejected by @user{MODERATOR_ID}" in notice.text
        await wait_settled(runner)


async def test_unhandled_update_kinds_are_skipped(minimal: FakeTelegram, tmp_path: Path) -> None:
    """Kinds the bot does not ask for (a server may send them anyway), unknown fields and a
    captioned photo: nothing crashes, every update is finished and the offset moves past them."""
    now = int(time.time())
    user = minimal.user(4001)
    chat = minimal.chat(4001)
    channel = {"id": -1004242, "type": "channel", "title": "news"}
    member = {"status": "member", "user": minimal.bot_user}
    ids = [
        minimal.inject_update({"my_chat_member": {"chat": chat, "from": user, "date": now,
                                                  "old_chat_member": {"status": "left", "user": minimal.bot_user},
                                                  "new_chat_member": member}}),
        minimal.inject_update({"channel_post": {"message_id": 1, "date": now, "chat": channel, "text": "post",
                                                "sender_chat": channel}}),
        minimal.inject_update({"message_reaction": {"chat": chat, "message_id": 1, "user": user, "date": now,
                                                    "old_reaction": [], "new_reaction": [{"type": "emoji", "emoji": "👍"}]}}),
        minimal.inject_update({"update_kind_from_the_future": {"chat": chat, "anything": [1, 2]}}),
    ]
    async with bot_running(_settings(minimal, tmp_path)) as runner:
        photo = [{"file_id": "p1", "file_unique_id": "p1u", "width": 90, "height": 90}]
        minimal.inject_message(4001, None, extra={"photo": photo, "caption": "what is this?"})
        minimal.inject_message(4001, "new fields too", extra={"field_from_the_future": {"x": 1}})
        sent = await minimal.wait_sent(4001, 2)
        assert [m.text for m in sent] == [TEXT_ONLY, "new fields too"]
        await wait_settled(runner)
        rows = await runner.s.store.db.execute_fetchall(
            f"SELECT update_id, state FROM updates WHERE update_id IN ({', '.join(map(str, ids))})")
        assert sorted((r[0], r[1]) for r in rows) == [(i, "done") for i in ids]
        last = await runner.s.store.max_update_id()
        assert last is not None
        await minimal.wait_confirmed(last)
    assert minimal.texts(-1004242) == []


async def test_bad_token_is_still_a_config_error(minimal: FakeTelegram, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="telegram.token was rejected"):
        async with bot_running(_settings(minimal, tmp_path, token="123:not-the-right-token")):
            pass


async def test_webhook_mode_without_set_webhook_is_a_config_error(minimal: FakeTelegram, tmp_path: Path) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = int(free.getsockname()[1])
    settings = _settings(minimal, tmp_path, webhook_url=f"http://127.0.0.1:{port}/hook", webhook_port=port)
    with pytest.raises(ConfigError, match="refused setWebhook"):
        async with bot_running(settings):
            pass


async def test_a_webhook_this_server_cannot_delete_is_a_config_error(tmp_path: Path) -> None:
    """A webhook is registered and the server has no deleteWebhook: polling can never work, so
    the bot stops with one line saying so instead of retrying getUpdates forever."""
    from bot.runner import run_bot

    async with FakeTelegram(missing_methods={"deleteWebhook"}) as fake:
        fake.webhook = {"url": "https://old.example/hook"}
        with pytest.raises(ConfigError, match="cannot delete it"):
            await asyncio.wait_for(run_bot(_settings(fake, tmp_path), stop=asyncio.Event(), install_signals=False), 60)
