"""A full disk (SQLite: "database or disk is full") loses nothing: the bot keeps running, what it
could not store is not confirmed to Telegram or is retried, and everything is answered once
space is back. The disk is "filled" with SQLite's max_page_count on the bot's own connection."""

from __future__ import annotations

import asyncio

from bot_harness import HOLD_TERM, MODERATOR_CHAT, SettingsFactory, bot_running, wait_settled
from fake_telegram import FakeTelegram

from bot.runner import BotRunner


async def _fill_disk(runner: BotRunner) -> None:
    db = runner.s.store.db
    await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = (await (await db.execute("PRAGMA page_count")).fetchone())[0]
    await db.execute(f"PRAGMA max_page_count = {int(pages)}")
    # use up the free pages and then the room left in them, down to rows of one byte
    for size in (2000, 200, 20, 1):
        try:
            for _ in range(10_000):
                await db.execute("INSERT INTO audit (at, event, detail_json) VALUES (0, 'filler', ?)", ("x" * size,))
        except Exception as err:  # sqlite3.OperationalError: database or disk is full
            assert "full" in str(err)
        else:
            raise AssertionError("max_page_count did not fill the database")


async def _free_disk(runner: BotRunner) -> None:
    db = runner.s.store.db
    await db.execute("PRAGMA max_page_count = 1073741823")
    await db.execute("DELETE FROM audit WHERE event = 'filler'")


async def test_a_full_disk_loses_no_message_and_the_bot_recovers(
        fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    settings = make_settings()
    texts = settings.moderation.texts
    async with bot_running(settings) as runner:
        fake.inject_message(1001, "before")
        await fake.wait_sent(1001, 1, timeout=20)
        await wait_settled(runner)

        await _fill_disk(runner)
        fake.inject_message(1001, "during one")
        fake.inject_message(1002, "during two")
        fake.inject_message(1003, f"held {HOLD_TERM} during")
        await asyncio.sleep(2.0)  # polls and writes fail meanwhile; whatever could not be stored is not confirmed
        await _free_disk(runner)

        # every message is answered exactly once: with its reply, or (when a write failed half-way
        # through the turn) with the error text that asks the user to try again, never silently
        await fake.wait_sent(1001, 2, timeout=30)
        await fake.wait_sent(1002, 1, timeout=30)
        await fake.wait_sent(1003, 1, timeout=30)
        await wait_settled(runner)
        assert fake.texts(1001)[0] == "before" and fake.texts(1001)[1] in ("during one", texts.error)
        assert fake.texts(1002) in (["during two"], [texts.error])
        [answer] = fake.texts(1003)
        assert answer in (texts.held, texts.error)
        announced = [] if answer == texts.error else [1003]
        assert [m.text.split("chat ")[1].split(",")[0] for m in fake.all_sent() if m.chat_id == MODERATOR_CHAT] == [
            str(c) for c in announced]
        # the held reply and its audit row are written together, or neither is
        store = runner.s.store
        held = await (await store.db.execute("SELECT COUNT(*) FROM held_replies")).fetchone()
        assert held[0] == len(announced) == len(await store.audit_rows("held"))

        fake.inject_message(1002, "after")  # and the bot goes on normally
        await fake.wait_sent(1002, 2, timeout=20)
        assert fake.texts(1002)[-1] == "after"
