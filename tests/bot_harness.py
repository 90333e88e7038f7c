"""Helpers for bot tests: settings that point at the fake Bot API, and the bot running in-process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from fake_telegram import FakeTelegram

from bot.ratelimit import RateLimits
from bot.runner import BotRunner, run_bot
from pipeline.settings import Settings

MODERATOR_ID = 42
MODERATOR_CHAT = -100500
HOLD_TERM = "holdme"

SettingsFactory = Callable[..., Settings]
# Tests that send many messages to one chat loosen only the ~1/s per-private-chat pace;
# the overall and group limits stay as in production.
FAST_PRIVATE = RateLimits(private_per_s=50.0)


def settings_dict(
    fake: FakeTelegram, db: Path, *, generation: dict[str, Any] | None = None,
    moderation: dict[str, Any] | None = None, **telegram: Any,
) -> dict[str, Any]:
    """Plain settings data (also written as TOML for the subprocess tests): echo backend,
    an inline moderation term that holds, fast polling and retries, no quota."""
    tg: dict[str, Any] = {
        "token": fake.token,
        "api_base_url": fake.base_url,
        "moderator_chat_id": MODERATOR_CHAT,
        "moderator_ids": [MODERATOR_ID],
        "poll_timeout_s": 1,
        "outbox_retry_s": 1.0,
        "send_retries": 3,
        "quota_messages": 0,
    }
    tg.update(telegram)
    return {
        "telegram": tg,
        "storage": {"path": str(db)},
        "generation": {"backend": "echo", **(generation or {})},
        "moderation": {
            "use_default_list": False,
            "hot_reload": False,
            "terms": [{"term": HOLD_TERM, "category": "test"}],
            "flagged_action": "hold",
            **(moderation or {}),
        },
    }


@asynccontextmanager
async def bot_running(settings: Settings, *, rate_limits: RateLimits | None = None) -> AsyncIterator[BotRunner]:
    """`parley run`'s code path (run_bot) as a task of this event loop; stopped like SIGTERM would."""
    stop = asyncio.Event()
    started: asyncio.Future[BotRunner] = asyncio.get_running_loop().create_future()

    def on_started(runner: BotRunner) -> None:
        if not started.done():
            started.set_result(runner)

    task = asyncio.create_task(run_bot(settings, stop=stop, install_signals=False, on_started=on_started,
                                       rate_limits=rate_limits))
    watched: set[asyncio.Future[Any]] = {task, started}
    done, _ = await asyncio.wait(watched, timeout=60, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()  # raises the start-up error
        raise AssertionError("the bot stopped during start-up")
    if not done:
        stop.set()
        task.cancel()
        raise AssertionError("the bot did not start within 60s")
    try:
        yield started.result()
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)


async def wait_settled(runner: BotRunner, timeout: float = 20.0) -> None:
    """Until every stored update is processed and the outbox is empty (bounded polling of the store)."""
    store = runner.s.store
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        pending = await store.pending_updates(limit=1)
        unsent = await store.count_outbox("pending")
        if not pending and unsent == 0 and runner.s.ingest.in_flight == 0:
            return
        if loop.time() > deadline:
            raise AssertionError(f"not settled after {timeout}s: {len(pending)} update(s), {unsent} reply(ies) pending")
        await asyncio.sleep(0.05)


@contextmanager
def api_server(settings: Settings) -> Iterator[Any]:
    """`parley serve`'s app on 127.0.0.1 (random port) in a background thread."""
    from bot.api import ApiServer, create_api
    from bot.compose import build_core

    with ApiServer(create_api(build_core(settings), settings)) as srv:
        yield srv


@contextmanager
def api_client(server: Any, key: str) -> Iterator[Any]:
    """The official openai client pointed at a test server; no client-side retries."""
    import openai

    with openai.OpenAI(base_url=server.base_url + "/v1", api_key=key, max_retries=0) as client:
        yield client
