"""Moderator review flow over real HTTP: hold → moderator chat → buttons → delivery."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys

from bot_harness import FAST_PRIVATE, HOLD_TERM, MODERATOR_CHAT, MODERATOR_ID, SettingsFactory, bot_running, wait_settled
from fake_telegram import FakeTelegram, SentMessage

from moderation.config import ModerationTexts
from pipeline.settings import Settings

TEXTS = ModerationTexts()


async def _held_announcement(fake: FakeTelegram, count: int = 1) -> SentMessage:
    sent = await fake.wait_sent(MODERATOR_CHAT, count)
    return sent[count - 1]


async def test_hold_then_moderator_approves(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    user = 1001
    async with bot_running(make_settings()) as runner:
        question = fake.inject_message(user, f"please {HOLD_TERM} this")
        [pending] = await fake.wait_sent(user, 1)
        assert pending.text == TEXTS.held
        post = await _held_announcement(fake)
        assert f"please {HOLD_TERM} this" in post.text and "Reasons:" in post.text and "Scores:" in post.text
        assert [b["text"] for b in post.buttons] == ["Approve", "Reject", "Reject + ban user"]
        approve = post.buttons[0]["callback_data"]
        assert len(approve.encode()) <= 64

        # a non-moderator's press: an alert, an audit row, nothing else
        fake.inject_callback(user, post, approve)
        await fake.wait_for(lambda: len(fake.callback_answers) == 1)
        assert fake.callback_answers[0]["show_alert"] is True
        await wait_settled(runner)
        [held] = await runner.s.store.list_held("pending")
        assert fake.texts(user) == [TEXTS.held] and post.buttons and not post.edits
        assert [r["actor"] for r in await runner.s.store.audit_rows("review_denied")] == [f"@user{user} ({user})"]

        # the moderator approves: the user gets the reply, as a reply to the original message
        fake.inject_callback(MODERATOR_ID, post, approve)
        sent = await fake.wait_sent(user, 2)
        assert sent[1].text == f"please {HOLD_TERM} this"
        assert sent[1].reply_to_message_id == question["message_id"]
        await fake.wait_for(lambda: post.edits and not post.buttons, what="moderator message edited")
        assert f"Approved by @user{MODERATOR_ID} ({MODERATOR_ID})" in post.text

        # a second press changes nothing
        fake.inject_callback(MODERATOR_ID, post, post.edits[0]["reply_markup"]["inline_keyboard"][0][1]["callback_data"])
        await fake.wait_for(lambda: len(fake.callback_answers) == 3)
        assert fake.callback_answers[2]["text"].startswith("Already approved")
        await wait_settled(runner)
        assert fake.texts(user) == [TEXTS.held, f"please {HOLD_TERM} this"]
        decided = await runner.s.store.get_held(held.id)
        assert decided is not None and decided.state == "approved" and decided.delivered_at is not None
        history = await runner.s.store.history(user)
        assert [t.role for t in history] == ["user", "assistant"]
        assert [r["event"] for r in await runner.s.store.audit_rows() if r["event"] in ("held", "approved")] == ["held", "approved"]


async def test_reject_forged_buttons_and_queue(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    async with bot_running(make_settings(), rate_limits=FAST_PRIVATE) as runner:
        fake.inject_message(2001, f"first {HOLD_TERM}")
        fake.inject_message(2002, f"second {HOLD_TERM}")
        await fake.wait_sent(MODERATOR_CHAT, 2)
        first, second = fake.sent[MODERATOR_CHAT]
        id_first = int(first.buttons[1]["callback_data"].rsplit(":", 1)[1])

        fake.inject_message(MODERATOR_CHAT, "/queue", user_id=MODERATOR_ID)
        queue = (await fake.wait_sent(MODERATOR_CHAT, 3))[2]
        assert "waiting (2)" in queue.text and f"#{id_first}" in queue.text
        fake.inject_message(MODERATOR_CHAT, "/queue", user_id=555)
        denied = (await fake.wait_sent(MODERATOR_CHAT, 4))[3]
        assert denied.text == "Only moderators can see the review queue."

        # forged: unknown id, another item's id under this message, oversized and garbage data
        for data in ("mod:a:999", f"mod:a:{id_first}", "mod:a:" + "1" * 70, "hello"):
            fake.inject_callback(MODERATOR_ID, second if data.endswith(f":{id_first}") else first, data)
        await fake.wait_for(lambda: len(fake.callback_answers) == 4)
        assert all(a["show_alert"] for a in fake.callback_answers)
        assert len(await runner.s.store.list_held("pending")) == 2

        fake.inject_callback(MODERATOR_ID, first, first.buttons[1]["callback_data"])
        refusal = (await fake.wait_sent(2001, 2))[1]
        assert refusal.text == TEXTS.rejected
        await fake.wait_for(lambda: "Rejected by" in first.text and not first.buttons)
        await wait_settled(runner)
        assert fake.texts(2002) == [TEXTS.held]
        assert len(await runner.s.store.audit_rows("review_invalid")) == 4


async def test_console_decision_is_delivered_by_the_running_bot(
    fake: FakeTelegram, make_settings: SettingsFactory,
) -> None:
    settings = make_settings()
    async with bot_running(settings) as runner:
        fake.inject_message(3001, f"console {HOLD_TERM}")
        post = await _held_announcement(fake)
        [held] = await runner.s.store.list_held("pending")
        code, out = await _parley(settings, "review", "approve", str(held.id), "--by", "console:alice")
        assert code == 0, out
        sent = await fake.wait_sent(3001, 2, timeout=15)
        assert sent[1].text == f"console {HOLD_TERM}"
        await fake.wait_for(lambda: "Approved by console:alice" in post.text and not post.buttons)
        code, out = await _parley(settings, "review", "reject", str(held.id))
        assert code == 1 and "already approved" in out
        await wait_settled(runner)
    assert fake.texts(3001) == [TEXTS.held, f"console {HOLD_TERM}"]


async def test_items_held_elsewhere_are_announced(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    """Held by the HTTP API (or while no moderator chat was configured): posted on start-up."""
    settings = make_settings()
    from pipeline.store import Store

    async with Store(settings.storage.path) as store:
        await store.hold(chat_id=0, user_text="api question", reply_text=f"api {HOLD_TERM}",
                         verdict={"action": "hold", "reasons": ["keyword"]}, source="api")
    async with bot_running(settings) as runner:
        post = await _held_announcement(fake)
        assert "api question" in post.text and "api" in post.text
        fake.inject_callback(MODERATOR_ID, post, post.buttons[0]["callback_data"])
        await fake.wait_for(lambda: "Approved by" in post.text)
        await wait_settled(runner)
        [held] = await runner.s.store.list_held("approved")
        assert held.delivered_at is None  # an API item is not delivered through Telegram
    assert 0 not in fake.sent


async def _parley(settings: Settings, *args: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env.update({"PARLEY_STORAGE__PATH": str(settings.storage.path), "PARLEY_GENERATION__BACKEND": "echo"})
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", *args, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode()


async def test_item_announced_twice_can_be_decided_from_either_message(
    fake: FakeTelegram, make_settings: SettingsFactory,
) -> None:
    """A crash between posting an item and recording the post makes the next start post it again."""
    settings = make_settings()
    async with bot_running(settings):
        fake.inject_message(4001, f"twice {HOLD_TERM}")
        old = await _held_announcement(fake)
    with sqlite3.connect(settings.storage.path) as db:  # as if the bot died before recording the post
        db.execute("UPDATE held_replies SET moderator_message_id = NULL")
    async with bot_running(settings) as runner:
        new = await _held_announcement(fake, 2)
        assert new.text == old.text
        fake.inject_callback(MODERATOR_ID, old, old.buttons[0]["callback_data"])
        await fake.wait_sent(4001, 2)
        await fake.wait_for(lambda: not old.buttons and not new.buttons, what="both posts edited")
        await wait_settled(runner)
    assert fake.texts(4001) == [TEXTS.held, f"twice {HOLD_TERM}"]
    assert "Approved by" in old.text and "Approved by" in new.text


async def test_moderator_edits_a_held_reply(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    user = 6001
    async with bot_running(make_settings(), rate_limits=FAST_PRIVATE) as runner:
        question = fake.inject_message(user, f"tell me {HOLD_TERM}")
        post = await _held_announcement(fake)
        held_id = int(post.buttons[0]["callback_data"].rsplit(":", 1)[1])

        fake.inject_message(user, f"/edit #{held_id} my own answer")  # not a moderator
        fake.inject_message(MODERATOR_CHAT, "/edit", user_id=MODERATOR_ID, reply_to_bot_message_id=post.message_id)
        fake.inject_message(MODERATOR_CHAT, "/edit A kinder answer.", user_id=MODERATOR_ID,
                            reply_to_bot_message_id=post.message_id)
        sent = await fake.wait_sent(user, 3)
        assert sent[1].text == "Only moderators can decide held replies."
        assert sent[2].text == "A kinder answer." and sent[2].reply_to_message_id == question["message_id"]
        notes = await fake.wait_sent(MODERATOR_CHAT, 3)
        assert notes[1].text.startswith("Usage: reply /edit")
        assert notes[2].text == f"#{held_id} approved with your edit: sending it to the user."
        await fake.wait_for(lambda: "Approved with edits by" in post.text and not post.buttons)
        assert "Sent instead:\nA kinder answer." in post.text and f"Draft reply:\ntell me {HOLD_TERM}" in post.text

        fake.inject_message(MODERATOR_CHAT, f"/edit #{held_id} again", user_id=MODERATOR_ID)
        assert "already approved" in (await fake.wait_sent(MODERATOR_CHAT, 4))[3].text
        await wait_settled(runner)
        held = await runner.s.store.get_held(held_id)
        assert held is not None and held.reply_text == f"tell me {HOLD_TERM}" and held.final_text == "A kinder answer."
        assert [t.text for t in await runner.s.store.history(user)][-1] == "A kinder answer."
        [row] = await runner.s.store.audit_rows("approved")
        assert row["detail"] == {"edited": True}
        assert fake.texts(user) == [TEXTS.held, "Only moderators can decide held replies.", "A kinder answer."]
