"""The Telegram front end (the only package that imports `telegram`) and the `parley` CLI.

Public names are loaded lazily so that `import bot` (and the CLI) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "build_application": "bot.app",
    "BotRunner": "bot.runner",
    "run_bot": "bot.runner",
    "PerChatUpdateProcessor": "bot.processor",
    "Outbox": "bot.outbox",
    "RateLimits": "bot.ratelimit",
    "ReviewDesk": "bot.review",
    "parse_callback": "bot.review_text",
    "encode_callback": "bot.review_text",
    "split_message": "bot.splitting",
    "utf16_len": "bot.splitting",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from bot.app import build_application
    from bot.outbox import Outbox
    from bot.processor import PerChatUpdateProcessor
    from bot.ratelimit import RateLimits
    from bot.review import ReviewDesk
    from bot.review_text import encode_callback, parse_callback
    from bot.runner import BotRunner, run_bot
    from bot.splitting import split_message, utf16_len


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'bot' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
