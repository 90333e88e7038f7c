"""Flood control: PTB's AIORateLimiter (30/s overall, 20/min per group, 429 retries) plus ~1/s per private chat."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

_NOT_MESSAGES = {"sendChatAction"}


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Telegram's published limits; tests may loosen them, production keeps the defaults."""

    overall_per_s: float = 30.0
    group_per_min: float = 20.0
    private_per_s: float = 1.0
    max_retries: int = 3  # 429 answers waited out and retried inside the limiter


class ParleyRateLimiter(AIORateLimiter):
    """AIORateLimiter with an extra leaky bucket per private chat for message-sending endpoints."""

    def __init__(self, limits: RateLimits = RateLimits()) -> None:
        super().__init__(
            overall_max_rate=limits.overall_per_s,
            overall_time_period=1 if limits.overall_per_s else 0,
            group_max_rate=limits.group_per_min,
            group_time_period=60 if limits.group_per_min else 0,
            max_retries=limits.max_retries,
        )
        self.limits = limits
        self._private: dict[int, AsyncLimiter] = {}

    def _private_limiter(self, chat_id: int) -> AsyncLimiter:
        if len(self._private) > 1024:
            for key, limiter in list(self._private.items()):
                if key != chat_id and limiter.has_capacity(limiter.max_rate):
                    del self._private[key]
        if chat_id not in self._private:
            self._private[chat_id] = AsyncLimiter(max_rate=1, time_period=1 / self.limits.private_per_s)
        return self._private[chat_id]

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        if (
            self.limits.private_per_s
            and isinstance(chat_id, int)
            and chat_id > 0
            and endpoint.startswith(("send", "copy", "forward"))
            and endpoint not in _NOT_MESSAGES
        ):
            async with self._private_limiter(chat_id):
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
