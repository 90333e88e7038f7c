"""Logging: secrets never reach the output (own and third-party loggers), JSON lines, request ids."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from pipeline.health import MetricsServer
from pipeline.logs import (
    MASK,
    NOISY_LOGGERS,
    bind_request_id,
    configure_logging,
    current_request_id,
)
from pipeline.metrics import Metrics
from pipeline.settings import Settings
from pipeline.types import ConfigError

TOKEN = "7123456789:AAH-secretTokenPart_0123456789abcdefXYZ"
OPENAI_KEY = "sk-proj-0123456789abcdefghijklmnop"
API_KEYS = ["client-key-one-4711", "client-key-two-0815"]
WEBHOOK = "hook-secret-value-99"
SECRETS = [TOKEN, OPENAI_KEY, *API_KEYS, WEBHOOK, "AAH-secretTokenPart_0123456789abcdefXYZ"]


@pytest.fixture
def settings() -> Settings:
    return Settings(
        telegram={"token": TOKEN, "webhook_secret": WEBHOOK},
        generation={"openai_api_key": OPENAI_KEY},
        api={"api_keys": API_KEYS},
        logging={"level": "DEBUG"},
    )


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    yield
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
    root.setLevel(level)
    for name, lvl in levels.items():
        logging.getLogger(name).setLevel(lvl)


def assert_clean(output: str) -> None:
    for secret in SECRETS:
        assert secret not in output
    assert "7123456789%3A" not in output


async def test_a_run_with_secrets_never_logs_them(settings: Settings) -> None:
    out = io.StringIO()
    configure_logging(settings, "text", stream=out)
    log = logging.getLogger("parley.bot")
    async with MetricsServer(Metrics(), "127.0.0.1", 0) as server:
        with bind_request_id("upd-1"):
            # a real httpx request: httpx itself logs the URL, which carries the token like the Bot API's
            async with httpx.AsyncClient() as client:
                await client.get(f"{server.url}/bot{TOKEN}/getUpdates",
                                 headers={"Authorization": f"Bearer {API_KEYS[0]}"})
            log.info("token is %s, key %s", TOKEN, OPENAI_KEY)
            log.warning("webhook %s url-encoded %s", WEBHOOK, "7123456789%3AAAH-secretTokenPart_0123456789abcdefXYZ")
            log.debug("api request", extra={"api_key": API_KEYS[1]})
            try:
                try:
                    raise httpx.ConnectError(f"cannot reach https://api.telegram.org/bot{TOKEN}/sendMessage")
                except httpx.ConnectError as err:
                    raise RuntimeError(f"send failed with key {API_KEYS[1]}") from err
            except RuntimeError:
                log.exception("delivery failed")
            log.info("stack", stack_info=True)
            logging.getLogger("telegram.ext.Updater").error("Bot %s unauthorized", TOKEN)
    text = out.getvalue()
    assert_clean(text)
    assert "HTTP Request: GET" in text and f"/bot{MASK}/getUpdates" in text
    assert "Traceback" in text and "ConnectError" in text and "delivery failed" in text
    assert "[upd-1]" in text
    assert text.count(MASK) >= 8


def test_json_lines_are_valid_and_carry_request_ids(settings: Settings) -> None:
    out = io.StringIO()
    configure_logging(settings, "json", stream=out)
    log = logging.getLogger("parley.test")
    with bind_request_id() as rid:
        log.info("hello %s", "world", extra={"chat_id": 42})
        try:
            raise ValueError(TOKEN)
        except ValueError:
            log.exception("oops")
    log.info("outside")
    lines = out.getvalue().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 3
    first, second, third = records
    assert first["message"] == "hello world" and first["chat_id"] == 42 and first["request_id"] == rid
    assert first["level"] == "INFO" and first["logger"] == "parley.test" and first["ts"].endswith("+00:00")
    assert second["request_id"] == rid and "ValueError" in second["exc"] and TOKEN not in second["exc"]
    assert "request_id" not in third
    assert_clean(out.getvalue())


async def test_request_id_follows_tasks_and_is_reset() -> None:
    async def inner() -> str | None:
        await asyncio.sleep(0)
        return current_request_id()

    with bind_request_id("abc") as rid:
        assert rid == "abc"
        task = asyncio.create_task(inner())
        with bind_request_id("nested"):
            assert current_request_id() == "nested"
        assert current_request_id() == "abc"
        in_thread = await asyncio.to_thread(current_request_id)
    assert await task == "abc"
    assert in_thread == "abc"
    assert current_request_id() is None


def test_token_shaped_strings_are_masked_without_settings() -> None:
    out = io.StringIO()
    configure_logging(None, stream=out)
    logging.getLogger("x").warning("GET /bot%s/getMe and key %s", "987654321:ZZabcdefghijklmnopqrstuvwxyz0123456", OPENAI_KEY)
    text = out.getvalue()
    assert "ZZabcdefghijklmnopqrstuvwxyz0123456" not in text and OPENAI_KEY not in text


def test_reconfigure_keeps_one_handler_and_level(settings: Settings) -> None:
    root = logging.getLogger()
    configure_logging(settings, stream=io.StringIO())
    configure_logging(settings, "json", stream=io.StringIO())
    assert sum(1 for h in root.handlers if getattr(h, "_parley", False)) == 1
    assert root.level == logging.DEBUG
    configure_logging(Settings(logging={"level": "warning"}), stream=io.StringIO())
    assert root.level == logging.WARNING and logging.getLogger("httpx").level == logging.WARNING


def test_bad_level_and_format_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="logging.level"):
        configure_logging(Settings(logging={"level": "LOUD"}), stream=io.StringIO())
    with pytest.raises(ConfigError, match="logging.format"):
        configure_logging(None, "xml", stream=io.StringIO())


def test_default_handler_writes_to_the_current_stderr(capsys: pytest.CaptureFixture[str], settings: Settings) -> None:
    configure_logging(settings)
    logging.getLogger("parley.x").error("token %s", TOKEN)
    err = capsys.readouterr().err
    assert "ERROR parley.x token " + MASK in err and TOKEN not in err
