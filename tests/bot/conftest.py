"""Fixtures for bot tests: the fake Bot API server, settings pointing at it, the bot running in-process."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ for fake_telegram

from bot_harness import SettingsFactory, settings_dict  # noqa: E402
from fake_telegram import FakeTelegram  # noqa: E402

from pipeline.settings import Settings  # noqa: E402


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def make_settings(fake: FakeTelegram, tmp_path: Path) -> SettingsFactory:
    def make(**overrides: Any) -> Settings:
        return Settings(**settings_dict(fake, tmp_path / "parley.db", **overrides))

    return make
