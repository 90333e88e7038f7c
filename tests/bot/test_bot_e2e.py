"""`parley run`'s Application end to end over real HTTP against the fake Bot API (echo backend)."""

from __future__ import annotations

import sqlite3

import pytest

from bot_harness import FAST_PRIVATE, MODERATOR_CHAT, SettingsFactory, bot_running, wait_settled
from fake_telegram import FakeTelegram

from bot.handlers import NEW_TEXT, NOT_ALLOWED, QUOTA_TEXT, TEXT_ONLY, UNKNOWN_COMMAND
from bot.splitting import utf16_len
from pipeline.store import Store
from pipeline.types import StoreError


async def test_twenty_chats_three_messages_each_in_order_no_duplicates(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    chats = list(range(1001, 1021))
    async with bot_running(make_settings()) as runner:
        for n in range(3):
            for chat in chats:
                fake.inject_message(chat, f"chat {chat} message {n}")
        for chat in chats:
            await fake.wait_sent(chat, 3, timeout=30)
        await wait_settled(runner)
        for chat in chats:
            assert fake.texts(chat) == [f"chat {chat} message {n}" for n in range(3)]
        assert fake.limits.violations == {"private": 0, "group": 0, "overall": 0}


async def test_offset_confirms_only_committed_updates(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    settings = make_settings()
    problems: list[str] = []

    def check(offset: int | None) -> None:
        if not isinstance(offset, int) or offset <= 1:
            return
        with sqlite3.connect(settings.storage.path) as db:
            stored = {row[0] for row in db.execute("SELECT update_id FROM updates")}
        missing = [u["update_id"] for u in fake.updates if u["update_id"] < offset and u["update_id"] not in stored]
        if missing:
            problems.append(f"offset {offset} sent before updates {missing} were stored")

    fake.on_get_updates = check
    async with bot_running(settings, rate_limits=FAST_PRIVATE) as runner:
        for i in range(30):
            fake.inject_message(2000 + i % 5, f"m{i}")
        for chat in range(2000, 2005):
            await fake.wait_sent(chat, 6, timeout=30)
        await wait_settled(runner)
    assert problems == []
    assert fake.confirmed_offset == 31


async def test_ten_thousand_character_reply_is_split(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    words = ["hello", "wörld", "😀👍🏽", "漢字かな", "sentence.", "end!\n", "para\n\n", "x" * 12]
    text = " ".join(words[i % len(words)] for i in range(2000))[:10_000].strip()
    assert len(text) == 10_000
    settings = make_settings(max_user_chars=0, generation={"context_tokens": 100_000})
    async with bot_running(settings) as runner:
        fake.inject_message(3001, text)
        await fake.wait_sent(3001, 3, timeout=30)
        await wait_settled(runner)
    parts = fake.texts(3001)
    assert len(parts) >= 3
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert " ".join(parts).split() == text.split()
    assert "".join("".join(parts).split()) == "".join(text.split())


async def test_first_send_answered_429_still_arrives_once(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    fake.fail_next_send(4001, 1, status=429, retry_after=1)
    async with bot_running(make_settings()) as runner:
        fake.inject_message(4001, "flood me")
        await fake.wait_sent(4001, 1, timeout=15)
        await wait_settled(runner)
    assert fake.texts(4001) == ["flood me"]
    assert sum(1 for method, p in fake.calls if method == "sendMessage" and p.get("chat_id") == 4001) == 2


async def test_5xx_is_retried_and_undelivered_replies_wait_in_the_outbox(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    fake.fail_next_send(4101, 2, status=500)
    fake.fail_next_send(4102, 3, status=502)  # more than send_retries=1 allows: the periodic retry sends it
    async with bot_running(make_settings(send_retries=1)) as runner:
        fake.inject_message(4101, "five hundred")
        fake.inject_message(4102, "first")
        fake.inject_message(4102, "second")
        await fake.wait_sent(4102, 2, timeout=20)
        await fake.wait_sent(4101, 1, timeout=20)
        await wait_settled(runner)
    assert fake.texts(4101) == ["five hundred"]
    assert fake.texts(4102) == ["first", "second"]  # order kept although "first" failed for a while


async def test_group_needs_mention_or_reply(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    group = -2001
    async with bot_running(make_settings()) as runner:
        fake.inject_message(group, "just chatting", user_id=7, chat_type="group")
        mentioned = fake.inject_message(group, f"{fake.mention} what is up?", user_id=7, chat_type="group")
        [first] = await fake.wait_sent(group, 1)
        assert first.text == "what is up?"
        assert first.reply_to_message_id == mentioned["message_id"]
        fake.inject_message(group, "plain again", user_id=8)
        fake.inject_message(group, "replying to you", user_id=8, reply_to_bot_message_id=first.message_id)
        sent = await fake.wait_sent(group, 2)
        fake.inject_message(group, "hey @Parley_Test_Bot, loud", user_id=9, entities=[])  # text-only mention
        sent = await fake.wait_sent(group, 3)
        await wait_settled(runner)
    assert [m.text for m in sent] == ["what is up?", "replying to you", "hey, loud"]


async def test_non_text_edits_commands_and_limits(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    settings = make_settings(max_user_chars=20, quota_messages=3, quota_window_s=3600)
    async with bot_running(settings, rate_limits=FAST_PRIVATE) as runner:
        fake.inject_non_text(5001, "sticker")
        first = fake.inject_message(5001, "hi")
        fake.inject_edited(5001, first["message_id"], "hi, edited")  # ignored
        fake.inject_message(5001, "x" * 21)
        fake.inject_message(5001, "/bogus")
        fake.inject_message(5001, "/new")
        fake.inject_message(5001, "two")
        fake.inject_message(5001, "three")
        fake.inject_message(5001, "four")  # over quota: told once
        fake.inject_message(5001, "five")  # over quota: silent
        fake.inject_message(5001, "/start")
        await fake.wait_sent(5001, 8, timeout=20)
        await wait_settled(runner)
    texts = fake.texts(5001)
    assert texts[:7] == [TEXT_ONLY, "hi", texts[2], UNKNOWN_COMMAND, NEW_TEXT, "two", "three"]
    assert "too long" in texts[2] and "20" in texts[2]
    assert texts[7] == QUOTA_TEXT
    assert texts[8].startswith("Hi!") and len(texts) == 9
    everyone = [c for c in fake.commands if "scope" not in c]
    moderators = [c for c in fake.commands if c.get("scope", {}).get("chat_id") == MODERATOR_CHAT]
    assert [x["command"] for x in everyone[0]["commands"]] == ["start", "help", "new", "retry"]
    assert [x["command"] for x in moderators[0]["commands"]][-1] == "queue"


async def test_retry_and_access_control(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    settings = make_settings(allowed_user_ids=[6001], allow_system_command=True)
    async with bot_running(settings, rate_limits=FAST_PRIVATE) as runner:
        fake.inject_message(6001, "/retry")
        fake.inject_message(6001, "echo me")
        fake.inject_message(6001, "/retry")
        fake.inject_message(6001, "/system Be terse.")
        fake.inject_message(6002, "let me in")
        fake.inject_message(6002, "please")
        await fake.wait_sent(6001, 4)
        await fake.wait_sent(6002, 1)
        await wait_settled(runner)
        assert await runner.s.store.get_system_prompt(6001) == "Be terse."
    assert fake.texts(6001) == ["There is nothing to retry yet.", "echo me", "echo me", "System prompt set for this chat."]
    assert fake.texts(6002) == [NOT_ALLOWED]
    assert "system" in [c["command"] for c in fake.commands[0]["commands"]]


async def test_markdown_parse_error_falls_back_to_plain_text(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    fake.fail_next_send(7001, parse_errors=True)
    async with bot_running(make_settings(parse_mode="markdown")) as runner:
        fake.inject_message(7001, "**bold** 1.5!")
        fake.inject_message(7001, "**fine** 2.5")
        await fake.wait_sent(7001, 2)
        await wait_settled(runner)
    first, second = fake.sent[7001]
    assert (first.text, first.parse_mode) == ("**bold** 1.5!", None)
    assert (second.text, second.parse_mode) == (r"*fine* 2\.5", "MarkdownV2")


async def test_stored_updates_and_replies_are_resumed_and_duplicates_ignored(
    fake: FakeTelegram, make_settings: SettingsFactory,
) -> None:
    settings = make_settings()
    left_over = fake.inject_message(8001, "stored before a crash")
    raw = fake.updates.pop()  # Telegram never got the offset for it, but the bot had stored it
    async with Store(settings.storage.path) as store:
        assert await store.save_update(raw["update_id"], raw)
        await store.enqueue_outbox(8002, "undelivered reply from last run")
    fake.inject_update(dict(raw))  # Telegram sends it again (not confirmed): a duplicate
    async with bot_running(settings) as runner:
        await fake.wait_sent(8001, 1)
        await fake.wait_sent(8002, 1)
        fake.inject_message(8001, "after restart")
        await fake.wait_sent(8001, 2)
        await wait_settled(runner)
        assert runner.s.ingest.duplicates == 1
    assert fake.texts(8001) == ["stored before a crash", "after restart"]
    assert fake.texts(8002) == ["undelivered reply from last run"]
    assert left_over["message_id"] == 1


async def test_malformed_updates_do_not_stop_the_bot(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    async with bot_running(make_settings()) as runner:
        fake.inject_update({"message": {"message_id": "x", "chat": 5}})
        fake.inject_update({"poll": {"id": 1}})
        fake.inject_update({"update_id": "nope"})
        fake.inject_update({"callback_query": {"id": "1", "from": {"id": 1, "is_bot": False, "first_name": "a"},
                                               "chat_instance": "c", "data": "mod:a:1"}})
        fake.inject_message(9001, "still alive \ud800 with a lone surrogate")
        await fake.wait_sent(9001, 1)
        await wait_settled(runner)
        states = await runner.s.store.db.execute_fetchall("SELECT state FROM updates ORDER BY update_id")
    assert fake.texts(9001) == ["still alive \ufffd with a lone surrogate"]
    assert [s[0] for s in states][-1] == "done" and "error" in [s[0] for s in states]


async def test_second_bot_on_the_same_store_is_refused(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    settings = make_settings()
    async with bot_running(settings):
        with pytest.raises(StoreError, match="already used by another running bot"):
            async with bot_running(settings):
                pass
