"""Webhook mode: Telegram's POSTs are checked against the secret token and stored before the 200."""

from __future__ import annotations

import socket

import aiohttp
import pytest
from bot_harness import SettingsFactory, bot_running, wait_settled
from fake_telegram import FakeTelegram

from pipeline.types import ConfigError

SECRET = "s3cret-token_value"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_checks_secret_and_persists(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    settings = make_settings(webhook_url=url, webhook_secret=SECRET, webhook_listen="127.0.0.1", webhook_port=port)
    async with bot_running(settings) as runner, aiohttp.ClientSession() as http:
        assert fake.webhook is not None
        assert fake.webhook["url"] == url and fake.webhook["secret_token"] == SECRET
        fake.inject_message(1001, "via webhook")
        update = fake.updates.pop()
        header = "X-Telegram-Bot-Api-Secret-Token"

        for headers in ({}, {header: "wrong"}):
            async with http.post(url, json=update, headers=headers) as resp:
                assert resp.status == 403
        async with http.post(url, data=b"{not json", headers={header: SECRET}) as resp:
            assert resp.status == 400
        assert await runner.s.store.max_update_id() is None

        async with http.post(url, json=update, headers={header: SECRET}) as resp:
            assert resp.status == 200
        assert await runner.s.store.max_update_id() == update["update_id"]  # stored before the 200
        async with http.post(url, json=update, headers={header: SECRET}) as resp:
            assert resp.status == 200  # Telegram retrying: accepted, processed once
        await fake.wait_sent(1001, 1)
        await wait_settled(runner)
    assert fake.texts(1001) == ["via webhook"]
    assert not any(method == "getUpdates" for method, _ in fake.calls)


async def test_bad_token_and_bad_secret_are_config_errors(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    with pytest.raises(ConfigError, match="telegram.token was rejected"):
        async with bot_running(make_settings(token="123:not-the-right-token")):
            pass
    settings = make_settings(webhook_url="http://127.0.0.1:1/x", webhook_secret="has spaces", webhook_port=_free_port())
    with pytest.raises(ConfigError, match="webhook_secret"):
        async with bot_running(settings):
            pass
