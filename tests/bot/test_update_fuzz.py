"""Fuzzing update handling: malformed or unexpected updates from the Bot API never stop the bot.

One bot (run_bot, the `parley run` code path) and the fake Bot API run on an event loop in a
background thread for the whole module; each hypothesis example injects a few broken updates
(missing fields, wrong types, huge texts, control characters, lone UTF-16 surrogates, empty
strings, unknown update kinds) followed by one valid message, which must still be answered.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import threading
import time
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from bot_harness import FAST_PRIVATE, settings_dict
from fake_telegram import FakeTelegram
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.runner import BotRunner, run_bot
from pipeline.settings import Settings

T = TypeVar("T")
SURROGATES = "\ud800\udbff\udc00\udfff"
CONTROL = "".join(chr(c) for c in range(32)) + "\x7f\u200b\u202e\ufeff\u2028"
FUZZ_TEXT = st.one_of(
    st.just(""),
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from(SURROGATES + CONTROL + "a /@😀"), max_size=40),
    st.builds(lambda piece, n: piece * n, st.text(min_size=1, max_size=5), st.integers(800, 3000)),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63) | st.floats(allow_nan=False, allow_infinity=False)
    | FUZZ_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
MESSAGE_KEYS = ["message_id", "date", "chat", "from", "text", "entities", "reply_to_message", "sticker"]
KINDS = ["message", "edited_message", "callback_query", "channel_post", "my_chat_member", "poll", "nonsense"]


class LoopThread:
    """An event loop in a thread: the sync hypothesis test submits coroutines to it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fuzz-loop", daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class BotUnderFuzz:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.fake = FakeTelegram()
        self.stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.runner: BotRunner | None = None
        self.chats = itertools.count(900_001)

    async def start(self) -> None:
        await self.fake.start()
        settings = Settings(**settings_dict(self.fake, self.tmp / "fuzz.db", max_user_chars=2000))
        started: asyncio.Future[BotRunner] = asyncio.get_running_loop().create_future()
        self.task = asyncio.create_task(run_bot(settings, stop=self.stop, install_signals=False,
                                                on_started=started.set_result, rate_limits=FAST_PRIVATE))
        done, _ = await asyncio.wait({self.task, started}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
        if self.task in done:
            self.task.result()
        self.runner = started.result()

    async def close(self) -> None:
        self.stop.set()
        if self.task is not None:
            await asyncio.wait_for(self.task, 60)
        await self.fake.stop()


@pytest.fixture(scope="module")
def fuzz_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LoopThread, BotUnderFuzz]]:
    loop = LoopThread()
    bot = BotUnderFuzz(tmp_path_factory.mktemp("fuzz"))
    try:
        loop.run(bot.start())
        yield loop, bot
        assert bot.task is not None and not bot.task.done(), "the bot stopped during fuzzing"
        loop.run(bot.close())
    finally:
        loop.close()


@st.composite
def broken_update(draw: st.DrawFn) -> dict[str, Any]:
    chat_id = draw(st.one_of(st.integers(1, 10**12), st.integers(-10**13, -1), JSON))
    message: dict[str, Any] = {
        "message_id": draw(st.integers(1, 10**6)), "date": int(time.time()),
        "chat": {"id": chat_id, "type": draw(st.sampled_from(["private", "group", "supergroup", "channel", "x"]))},
        "from": {"id": draw(st.integers(1, 10**9)), "is_bot": False, "first_name": draw(FUZZ_TEXT)},
        "text": draw(FUZZ_TEXT),
    }
    for key in draw(st.lists(st.sampled_from(MESSAGE_KEYS), max_size=3)):  # wrong types
        message[key] = draw(JSON)
    for key in draw(st.lists(st.sampled_from(MESSAGE_KEYS), max_size=2)):  # missing fields
        message.pop(key, None)
    kind = draw(st.sampled_from(KINDS))
    if kind == "callback_query":
        payload: Any = {"id": draw(FUZZ_TEXT), "from": message.get("from"), "chat_instance": "c",
                        "data": draw(st.one_of(FUZZ_TEXT, st.just("mod:a:1"), st.just("mod:r:" + "9" * 40))),
                        "message": message if draw(st.booleans()) else draw(JSON)}
    else:
        payload = message if draw(st.booleans()) else draw(JSON)
    update: dict[str, Any] = {kind: payload}
    if draw(st.integers(0, 9)) == 0:  # the id itself broken (the fake assigns a valid one otherwise)
        update["update_id"] = draw(st.one_of(st.none(), st.text(max_size=5), st.floats(allow_nan=False), st.booleans()))
    return update


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(broken_update(), min_size=1, max_size=4))
def test_broken_updates_never_stop_the_bot(fuzz_bot: tuple[LoopThread, BotUnderFuzz], updates: list[dict[str, Any]]) -> None:
    loop, bot = fuzz_bot

    async def scenario() -> None:
        for update in updates:
            bot.fake.inject_update(copy.deepcopy(update))
        chat = next(bot.chats)
        bot.fake.inject_message(chat, "still there?")
        await bot.fake.wait_sent(chat, 1, timeout=30)
        assert bot.fake.texts(chat) == ["still there?"]

    loop.run(scenario())
    assert bot.task is not None and not bot.task.done()


def test_fuzzed_updates_were_all_finished(fuzz_bot: tuple[LoopThread, BotUnderFuzz]) -> None:
    """Runs after the fuzz test (same module fixture): every stored update reached a final state."""
    loop, bot = fuzz_bot

    async def pending() -> int:
        assert bot.runner is not None
        for _ in range(400):  # bounded: at most a few seconds for the last replies
            if not await bot.runner.s.store.pending_updates(limit=1) and bot.runner.s.ingest.in_flight == 0:
                return 0
            await asyncio.sleep(0.02)
        return len(await bot.runner.s.store.pending_updates())

    assert loop.run(pending()) == 0


def test_found_by_fuzzing_unhashable_chat_id(fuzz_bot: tuple[LoopThread, BotUnderFuzz]) -> None:
    """PTB parses {"chat": {"id": {}}} without complaint; such an update used to stay pending forever."""
    loop, bot = fuzz_bot

    async def scenario() -> list[str]:
        assert bot.runner is not None
        ids = [bot.fake.inject_update({kind: {"message_id": 1, "date": 0, "chat": {"id": {}, "type": "private"},
                                              "from": {"id": 5, "is_bot": False, "first_name": "x"}, "text": "hi"}})
               for kind in ("message", "my_chat_member")]
        chat = next(bot.chats)
        bot.fake.inject_message(chat, "after")
        await bot.fake.wait_sent(chat, 1)
        rows = await bot.runner.s.store.db.execute_fetchall(
            f"SELECT state FROM updates WHERE update_id IN ({ids[0]}, {ids[1]})")
        return [r[0] for r in rows]

    assert loop.run(scenario()) == ["error", "error"]
