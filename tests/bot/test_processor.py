"""PerChatUpdateProcessor: one chat strictly in order, different chats concurrently."""

from __future__ import annotations

import asyncio
import random

from telegram import Update

from bot.processor import PerChatUpdateProcessor, chat_key


def _update(update_id: int, chat_id: int) -> Update:
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "u"}, "text": "x"}}, None)


async def test_same_chat_in_order_other_chats_concurrently() -> None:
    processor = PerChatUpdateProcessor()
    log: list[tuple[int, int]] = []
    running: dict[int, int] = {}
    overlap_between_chats = 0
    rng = random.Random(1)

    async def work(chat: int, n: int) -> None:
        nonlocal overlap_between_chats
        assert running.get(chat, 0) == 0, "two updates of one chat ran at the same time"
        running[chat] = 1
        if any(v for c, v in running.items() if c != chat):
            overlap_between_chats += 1
        await asyncio.sleep(rng.uniform(0, 0.01))
        log.append((chat, n))
        running[chat] = 0

    async with processor:
        tasks = []
        uid = 0
        for n in range(5):
            for chat in range(1, 11):
                uid += 1
                tasks.append(asyncio.create_task(processor.process_update(_update(uid, chat), work(chat, n))))
        await asyncio.gather(*tasks)
    for chat in range(1, 11):
        assert [n for c, n in log if c == chat] == list(range(5))
    assert overlap_between_chats > 0
    assert processor.active_chats == 0


async def test_cancelled_waiter_keeps_the_order_and_closes_its_coroutine() -> None:
    processor = PerChatUpdateProcessor()
    gate = asyncio.Event()
    order: list[str] = []

    async def first() -> None:
        await gate.wait()
        order.append("first")

    async def never() -> None:
        order.append("never")

    async def third() -> None:
        order.append("third")

    t1 = asyncio.create_task(processor.process_update(_update(1, 5), first()))
    await asyncio.sleep(0)
    t2 = asyncio.create_task(processor.process_update(_update(2, 5), never()))
    t3 = asyncio.create_task(processor.process_update(_update(3, 5), third()))
    await asyncio.sleep(0.01)
    t2.cancel()
    await asyncio.sleep(0.01)
    assert order == []  # third still waits for first
    gate.set()
    await asyncio.gather(t1, t3)
    assert order == ["first", "third"]


def test_chat_key() -> None:
    assert chat_key(_update(1, 9)) == ("chat", 9)
    assert chat_key(object()) is None
    assert chat_key(Update(update_id=1)) is None
