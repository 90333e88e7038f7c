"""Moderator bans over real HTTP: /ban (by id or as a reply to a held reply), /unban, /bans."""

from __future__ import annotations

from bot_harness import FAST_PRIVATE, HOLD_TERM, MODERATOR_CHAT, MODERATOR_ID, SettingsFactory, bot_running, wait_settled
from fake_telegram import FakeTelegram

from bot.bans import BAN_USAGE, ONLY_MODERATORS
from bot.handlers import NOT_ALLOWED
from moderation.config import ModerationTexts

TEXTS = ModerationTexts()


async def test_reply_ban_to_a_held_reply_then_unban(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    user = 3001
    async with bot_running(make_settings(), rate_limits=FAST_PRIVATE) as runner:
        fake.inject_message(user, f"say {HOLD_TERM}")
        [announcement] = await fake.wait_sent(MODERATOR_CHAT, 1)
        fake.inject_message(MODERATOR_CHAT, "/ban keeps asking for it", user_id=MODERATOR_ID,
                            reply_to_bot_message_id=announcement.message_id)
        banned = (await fake.wait_sent(MODERATOR_CHAT, 2))[1]
        assert banned.text.startswith(f"Banned {user}:") and "keeps asking for it" in banned.text

        fake.inject_message(user, "hello?")
        fake.inject_message(user, "anyone?")
        await fake.wait_sent(user, 2)
        await wait_settled(runner)
        assert fake.texts(user) == [TEXTS.held, NOT_ALLOWED]  # told once, then ignored; nothing generated
        assert [t.text for t in await runner.s.store.history(user)] == [f"say {HOLD_TERM}"]
        [row] = await runner.s.store.audit_rows("ban")
        assert row["chat_id"] == user and row["actor"] == f"@user{MODERATOR_ID} ({MODERATOR_ID})"
        assert row["detail"] == {"reason": "keeps asking for it"}

        fake.inject_message(MODERATOR_CHAT, "/bans", user_id=MODERATOR_ID)
        listing = (await fake.wait_sent(MODERATOR_CHAT, 3))[2]
        assert listing.text.startswith("Banned (1):") and f"{user} ·" in listing.text

        fake.inject_message(MODERATOR_CHAT, f"/unban {user}", user_id=MODERATOR_ID)
        assert (await fake.wait_sent(MODERATOR_CHAT, 4))[3].text == f"Unbanned {user}."
        fake.inject_message(user, "back again")
        assert (await fake.wait_sent(user, 3))[2].text == "back again"  # echo backend


async def test_only_moderators_ban_and_moderators_cannot_be_banned(
    fake: FakeTelegram, make_settings: SettingsFactory,
) -> None:
    async with bot_running(make_settings(), rate_limits=FAST_PRIVATE) as runner:
        fake.inject_message(4001, f"/ban {MODERATOR_ID}")  # a user tries to ban the moderator
        assert (await fake.wait_sent(4001, 1))[0].text == ONLY_MODERATORS
        fake.inject_message(MODERATOR_CHAT, f"/ban {MODERATOR_ID}", user_id=MODERATOR_ID)
        fake.inject_message(MODERATOR_CHAT, "/ban", user_id=MODERATOR_ID)
        fake.inject_message(MODERATOR_CHAT, "/ban 4002", user_id=MODERATOR_ID)
        fake.inject_message(MODERATOR_CHAT, "/ban 4002", user_id=MODERATOR_ID)
        fake.inject_message(MODERATOR_CHAT, "/unban 999", user_id=MODERATOR_ID)
        sent = await fake.wait_sent(MODERATOR_CHAT, 5)
        assert [m.text for m in sent] == [
            f"{MODERATOR_ID} is a moderator and cannot be banned.", BAN_USAGE,
            "Banned 4002: the bot ignores its messages from now on.", "4002 is already banned.", "999 is not banned.",
        ]
        await wait_settled(runner)
        assert [r["actor"] for r in await runner.s.store.audit_rows("ban_denied")] == ["@user4001 (4001)"]
        assert not await runner.s.store.is_banned(MODERATOR_ID)


async def test_a_banned_group_is_ignored_silently(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    group = -200300
    async with bot_running(make_settings(), rate_limits=FAST_PRIVATE) as runner:
        fake.inject_message(group, f"{fake.mention} before", user_id=5001, chat_type="supergroup")
        assert (await fake.wait_sent(group, 1))[0].text == "before"
        fake.inject_message(MODERATOR_CHAT, f"/ban {group} raid", user_id=MODERATOR_ID)
        await fake.wait_sent(MODERATOR_CHAT, 1)
        fake.inject_message(group, f"{fake.mention} after", user_id=5001, chat_type="supergroup")
        fake.inject_message(5001, "and in private?")  # the user is not banned, only that group
        assert (await fake.wait_sent(5001, 1))[0].text == "and in private?"
        await wait_settled(runner)
        assert fake.texts(group) == ["before"]


async def test_reject_and_ban_button(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    user = 3101
    async with bot_running(make_settings(), rate_limits=FAST_PRIVATE) as runner:
        fake.inject_message(user, f"say {HOLD_TERM}")
        [announcement] = await fake.wait_sent(MODERATOR_CHAT, 1)
        labels = [b["text"] for b in announcement.buttons]
        assert labels == ["Approve", "Reject", "Reject + ban user"]
        ban_data = announcement.buttons[2]["callback_data"]

        fake.inject_callback(user, announcement, ban_data)  # not a moderator: nothing happens
        fake.inject_callback(MODERATOR_ID, announcement, ban_data)
        await fake.wait_sent(user, 2)
        await wait_settled(runner)
        assert fake.texts(user) == [TEXTS.held, TEXTS.rejected]
        [ban] = await runner.s.store.bans()
        assert ban.target_id == user and ban.reason == "held reply #1"
        assert [r["detail"] for r in await runner.s.store.audit_rows("review_denied")] == [
            {"approve": False, "ban": True}]

        fake.inject_message(user, "hello again")
        await fake.wait_sent(user, 3)
        assert fake.texts(user)[2] == NOT_ALLOWED


async def test_no_ban_button_for_a_group(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    group = -100777
    async with bot_running(make_settings(), rate_limits=FAST_PRIVATE):
        fake.inject_message(group, f"{fake.mention} say {HOLD_TERM}", user_id=3201)
        [announcement] = await fake.wait_sent(MODERATOR_CHAT, 1)
        assert [b["text"] for b in announcement.buttons] == ["Approve", "Reject"]


async def test_a_late_ban_press_bans_nobody(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    user = 3301
    async with bot_running(make_settings(), rate_limits=FAST_PRIVATE) as runner:
        fake.inject_message(user, f"say {HOLD_TERM}")
        [announcement] = await fake.wait_sent(MODERATOR_CHAT, 1)
        approve, _, ban = (b["callback_data"] for b in announcement.buttons)
        fake.inject_callback(MODERATOR_ID, announcement, approve)
        await fake.wait_sent(user, 2)
        fake.inject_callback(MODERATOR_ID, announcement, ban)  # a second moderator's press, too late
        await wait_settled(runner)
        await fake.wait_for(lambda: len(fake.callback_answers) >= 2, what="two button answers")
        assert await runner.s.store.bans() == []
        assert fake.callback_answers[-1]["text"].endswith("Nobody was banned.")
        assert fake.texts(user) == [TEXTS.held, f"say {HOLD_TERM}"]
