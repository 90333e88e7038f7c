"""What the Telegram handlers share, built once by bot.app.build_application."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.optional import OptionalCalls
from pipeline.settings import Settings

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.bans import BanDesk
    from bot.compose import Core
    from bot.ingest import ParleyBot, UpdateIngest
    from bot.outbox import Outbox
    from bot.processor import PerChatUpdateProcessor
    from bot.review import ReviewDesk
    from pipeline.pipeline import Pipeline
    from pipeline.store import Store

SERVICES_KEY = "parley"


@dataclass
class Services:
    settings: Settings
    core: "Core"
    bot: "ParleyBot"
    outbox: "Outbox"
    review: "ReviewDesk"
    bans: "BanDesk"
    ingest: "UpdateIngest"
    processor: "PerChatUpdateProcessor"
    generation_slots: asyncio.Semaphore
    optional: OptionalCalls = field(default_factory=OptionalCalls)  # calls the bot can do without

    @property
    def store(self) -> "Store":
        return self.core.store

    @property
    def pipeline(self) -> "Pipeline":
        assert self.core.pipeline is not None, "core not started"
        return self.core.pipeline


def services_of(app: "Application[Any, Any, Any, Any, Any, Any]") -> Services:
    services = app.bot_data.get(SERVICES_KEY)
    if not isinstance(services, Services):
        raise RuntimeError("this Application was not built by bot.app.build_application")
    return services
