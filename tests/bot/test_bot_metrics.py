"""`parley run` with metrics on: /metrics counts what went through the bot, /healthz follows the lifespan."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import aiohttp
from bot_harness import FAST_PRIVATE, SettingsFactory, bot_running, wait_settled
from fake_telegram import FakeTelegram
from prometheus_client.parser import text_string_to_metric_families


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


async def test_metrics_of_a_run_with_the_tiny_model(
    fake: FakeTelegram, make_settings: SettingsFactory, tiny_gpt2: Path,
) -> None:
    port = _free_port()
    settings = make_settings(generation={"backend": "transformers", "model": str(tiny_gpt2), "device": "cpu",
                                         "max_new_tokens": 4, "dtype": "float32"})
    settings.metrics.enabled, settings.metrics.port = True, port
    async with bot_running(settings, rate_limits=FAST_PRIVATE) as runner, aiohttp.ClientSession() as http:
        assert runner.metrics_server is not None and runner.metrics_server.port == port
        fake.fail_next_send(102, 1, status=500)  # one Bot API error, then a re-send
        for chat in (101, 102):
            fake.inject_message(chat, "hello there")
        fake.inject_message(101, "and again")
        fake.inject_message(103, "/help")  # a command is not a user message for the model
        await fake.wait_sent(101, 2, timeout=30)
        await fake.wait_sent(102, 1, timeout=30)
        await fake.wait_sent(103, 1, timeout=30)
        await wait_settled(runner)
        async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
            assert resp.status == 200
            assert (await resp.json())["ready"] is True
        async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
            assert resp.status == 200
            samples = _samples(await resp.text())
    assert samples[("parley_messages_received_total", (("source", "telegram"),))] == 3
    replies = sum(v for (name, _labels), v in samples.items() if name == "parley_replies_total")
    assert replies == 3
    assert samples[("parley_generation_batch_size_count", ())] >= 1  # engine hook wired
    assert samples[("parley_backend_ready", ())] == 1
    assert samples[("parley_outbox_pending", ())] == 0
    errors = sum(v for (name, _labels), v in samples.items() if name == "parley_telegram_errors_total")
    assert errors == 1 and samples[("parley_telegram_retries_total", ())] == 1


async def test_healthz_is_503_before_the_bot_is_up_and_port_closes_after(
    fake: FakeTelegram, make_settings: SettingsFactory,
) -> None:
    """The metrics port listens from before the model loads; after shutdown it is gone."""
    port = _free_port()
    settings = make_settings()
    settings.metrics.enabled, settings.metrics.port = True, port
    seen: dict[str, int] = {}
    get_me = fake._m_getme

    async def health() -> int:
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/healthz") as resp:
            return resp.status

    async def probing_get_me(params: dict[str, Any]) -> Any:  # start-up: store open, bot not up yet
        seen.setdefault("getMe", await health())
        return await get_me(params)

    async def probe(offset: int | None) -> None:  # polling: the bot is up
        seen.setdefault("getUpdates", await health())

    fake._m_getme = probing_get_me  # type: ignore[method-assign]
    fake.on_get_updates = probe
    async with bot_running(settings):
        fake.inject_message(201, "hi")
        await fake.wait_sent(201, 1)
    fake.on_get_updates = None
    assert seen == {"getMe": 503, "getUpdates": 200}
    async with aiohttp.ClientSession() as http:
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                raise AssertionError(f"metrics port still open after shutdown ({resp.status})")
        except aiohttp.ClientConnectionError:
            pass
