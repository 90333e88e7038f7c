"""Application factory: the PTB Application of `parley run`, wired to the core from bot.compose."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from telegram import BotCommand, BotCommandScopeChat
from telegram.ext import Application, CallbackQueryHandler
from telegram.request import HTTPXRequest

from bot.bans import BanDesk
from bot.handlers import ChatHandlers
from bot.ingest import ParleyBot, UpdateIngest
from bot.optional import OptionalCalls
from bot.outbox import Outbox
from bot.processor import PerChatUpdateProcessor
from bot.ratelimit import ParleyRateLimiter, RateLimits
from bot.review import ReviewDesk
from bot.services import SERVICES_KEY, Services
from pipeline.settings import Settings
from pipeline.types import ConfigError

if TYPE_CHECKING:
    from bot.compose import Core

TOKEN_MISSING = "config error: telegram.token is not set; set PARLEY_TELEGRAM__TOKEN"
CONNECTIONS = 128


def build_application(
    settings: Settings, core: "Core", *, rate_limits: RateLimits | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot's Application: durable ingest, per-chat ordering, rate limits, handlers, review desk.

    `core` must be started (its pipeline exists). Polling and start-up are driven by bot.runner.
    """
    t = settings.telegram
    if t.token is None or not t.token.get_secret_value().strip():
        raise ConfigError(TOKEN_MISSING)
    if core.pipeline is None:
        raise RuntimeError("start the core (async with build_core(...)) before building the application")
    bot = ParleyBot(
        t.token.get_secret_value().strip(),
        base_url=t.api_base_url,
        base_file_url=t.api_file_url or "https://api.telegram.org/file/bot",
        request=HTTPXRequest(connection_pool_size=CONNECTIONS, connect_timeout=10.0, read_timeout=20.0,
                             write_timeout=20.0, pool_timeout=30.0),
        get_updates_request=HTTPXRequest(connection_pool_size=2, connect_timeout=10.0, read_timeout=10.0,
                                         write_timeout=10.0, pool_timeout=10.0),
        rate_limiter=ParleyRateLimiter(rate_limits or RateLimits()),
    )
    processor = PerChatUpdateProcessor()
    app = Application.builder().bot(bot).updater(None).job_queue(None).concurrent_updates(processor).build()
    outbox = Outbox(bot, core.store, parse_mode=t.parse_mode, retries=t.send_retries, retry_s=t.outbox_retry_s)
    optional = OptionalCalls()
    review = ReviewDesk(store=core.store, pipeline=core.pipeline, outbox=outbox, settings=settings, optional=optional)
    ingest = UpdateIngest(app, core.store, processor, outbox, poll_timeout_s=t.poll_timeout_s)
    slots = max(64, 2 * settings.generation.max_batch_size)
    bans = BanDesk(store=core.store, outbox=outbox, review=review)
    services = Services(settings=settings, core=core, bot=bot, outbox=outbox, review=review, bans=bans,
                        ingest=ingest, processor=processor, generation_slots=asyncio.Semaphore(slots),
                        optional=optional)
    app.bot_data[SERVICES_KEY] = services
    ChatHandlers(services).register(app)
    app.add_handler(CallbackQueryHandler(review.on_callback))
    app.add_error_handler(ingest.on_error)
    return app


def bot_commands(settings: Settings) -> tuple[list[BotCommand], list[BotCommand]]:
    """(commands for everyone, commands in the moderator chat)."""
    common = [
        BotCommand("start", "About this bot"),
        BotCommand("help", "How to use this bot"),
        BotCommand("new", "Start a new conversation"),
        BotCommand("retry", "Write the last reply again"),
    ]
    if settings.telegram.allow_system_command:
        common.append(BotCommand("system", "Set this chat's system prompt"))
    moderators = [
        BotCommand("ban", "Ban a user or chat id, or reply to a held reply (moderators)"),
        BotCommand("unban", "Lift a ban (moderators)"),
        BotCommand("bans", "List bans (moderators)"),
        BotCommand("edit", "Reply to a held reply: approve it with your text (moderators)"),
        BotCommand("queue", "List held replies (moderators)"),
    ]
    return common, [*common, *moderators]


async def set_commands(app: Application[Any, Any, Any, Any, Any, Any], settings: Settings) -> None:
    """The command menus (cosmetic: the commands work without them; the runner treats it as optional)."""
    common, moderators = bot_commands(settings)
    await app.bot.set_my_commands(common)
    if settings.telegram.moderator_chat_id is not None:
        await app.bot.set_my_commands(moderators, scope=BotCommandScopeChat(settings.telegram.moderator_chat_id))
