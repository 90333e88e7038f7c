"""Records and flood-limit accounting of the fake Bot API (see fake_telegram.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

DEFAULT_TOKEN = "123456789:TESTtokenTESTtokenTESTtokenTESTtoken"
JSON_FIELDS = {"reply_markup", "reply_parameters", "entities", "allowed_updates", "commands", "scope",
                "link_preview_options", "caption_entities"}
INT_FIELDS = {"offset", "limit", "timeout", "message_id", "reply_to_message_id", "max_connections"}
BOOL_FIELDS = {"show_alert", "drop_pending_updates", "disable_notification", "allow_sending_without_reply"}


def utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


@dataclass
class SentMessage:
    """A message the bot sent (its current state: edits change text and markup)."""

    chat_id: int
    message_id: int
    text: str
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    at: float = 0.0
    edits: list[dict[str, Any]] = field(default_factory=list)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]


@dataclass
class Fault:
    status: int
    description: str
    retry_after: int | None = None
    only_with_parse_mode: bool = False


class TokenBucket:
    """Tolerant flood check: `capacity` messages at once, refilled at `rate` per second."""

    def __init__(self, capacity: float, rate: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = capacity
        self.last: float | None = None

    def take(self, now: float) -> bool:
        if self.last is not None:
            self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1.0 - 1e-9:
            self.tokens -= 1.0
            return True
        self.tokens = 0.0
        return False


class LimitChecker:
    """Counts sends beyond Telegram's limits: >1/s per private chat, >20/min per group, >30/s overall."""

    def __init__(self, *, private_burst: float = 3, group_burst: float = 22, overall_burst: float = 35) -> None:
        self._private: dict[int, TokenBucket] = defaultdict(lambda: TokenBucket(private_burst, 1.0))
        self._group: dict[int, TokenBucket] = defaultdict(lambda: TokenBucket(group_burst, 20 / 60))
        self._overall = TokenBucket(overall_burst, 30.0)
        self.violations: dict[str, int] = {"private": 0, "group": 0, "overall": 0}

    def record(self, chat_id: int, private: bool, now: float) -> None:
        bucket = self._private[chat_id] if private else self._group[chat_id]
        if not bucket.take(now):
            self.violations["private" if private else "group"] += 1
        if not self._overall.take(now):
            self.violations["overall"] += 1

    @property
    def total(self) -> int:
        return sum(self.violations.values())



def ok_response(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def error_response(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)
