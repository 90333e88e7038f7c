"""Access control for the HTTP API: bearer keys (constant-time), per-key rate limit, body size limit.

Keys are never logged: callers are known by a fingerprint (`key-<8 hex>` of the key's SHA-256).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import math
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, MutableMapping, Sequence

from pydantic import SecretStr

from pipeline.types import ConfigError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# API chat ids live above every Telegram id (Telegram ids have at most 52 significant bits; groups are
# negative), so a held API completion can never be delivered to, or mixed up with, a Telegram chat.
API_CHAT_BASE = 1 << 53
_CHAT_SPAN = (1 << 48) - 1


def is_api_chat_id(chat_id: int) -> bool:
    return API_CHAT_BASE <= chat_id <= API_CHAT_BASE + _CHAT_SPAN


def api_chat_id(key: str | None) -> int:
    """Stable, non-negative chat id for held items and audit rows of one API key (keyless: the base id)."""
    if not key:
        return API_CHAT_BASE
    digest = hashlib.sha256(b"parley-api-chat\0" + key.encode()).digest()
    return API_CHAT_BASE + 1 + int.from_bytes(digest[:6], "big") % _CHAT_SPAN


def key_fingerprint(key: str) -> str:
    return "key-" + hashlib.sha256(b"parley-api-key\0" + key.encode()).hexdigest()[:8]


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Caller:
    """Who made a request: the key's fingerprint (or `anonymous`/client address) and its API chat id."""

    key_id: str
    chat_id: int
    anonymous: bool = False

    @property
    def actor(self) -> str:
        return f"api:{self.key_id}"


class KeyRing:
    """The configured API keys; an empty ring means keyless access (allowed on loopback only)."""

    def __init__(self, keys: Sequence[SecretStr]) -> None:
        self._keys: list[tuple[bytes, Caller]] = []
        for i, secret in enumerate(keys):
            value = secret.get_secret_value().strip()
            if not value:
                raise ConfigError(f"config error: api.api_keys[{i}] is empty; remove it or set a real key")
            self._keys.append((hashlib.sha256(value.encode()).digest(),
                               Caller(key_fingerprint(value), api_chat_id(value))))

    @property
    def open(self) -> bool:
        return not self._keys

    def identify(self, token: str) -> Caller | None:
        """The caller whose key equals `token`; compares fixed-size digests against every key (constant time)."""
        probe = hashlib.sha256(token.encode()).digest()
        found: Caller | None = None
        for digest, caller in self._keys:
            if hmac.compare_digest(probe, digest):
                found = caller
        return found


def check_exposure(host: str, ring: KeyRing) -> None:
    """Refuse to serve without keys on anything but loopback."""
    if ring.open and not is_loopback(host):
        raise ConfigError(
            f"config error: api.api_keys is empty but api.host={host} is not loopback; set PARLEY_API__API_KEYS "
            "(comma-separated) or bind to 127.0.0.1"
        )


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class RateLimiter:
    """Token bucket per caller: `per_minute` requests a minute, bursts up to `per_minute`; 0 = unlimited."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic, max_callers: int = 10_000) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self.max_callers = max_callers
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill time)

    def acquire(self, key: str) -> float | None:
        """Take one request; None when allowed, else seconds until the next one is."""
        if self.capacity <= 0:
            return None
        now = self.clock()
        tokens, last = self._buckets.get(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            self._prune()
            return None
        self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / self.rate

    def _prune(self) -> None:
        if len(self._buckets) <= self.max_callers:
            return
        now = self.clock()
        for key, (tokens, last) in list(self._buckets.items()):
            if tokens + (now - last) * self.rate >= self.capacity:
                del self._buckets[key]


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


class BodyLimitMiddleware:
    """413 for request bodies over `max_bytes` (by Content-Length, or counted while reading a chunked body).

    The body is read here (bounded) and replayed to the app, so the limit holds however the route parses it.
    An oversized body is drained (up to `drain_bytes`) before answering, so clients get the 413 instead of a reset.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int, drain_bytes: int = 64 << 20) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.drain_bytes = drain_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await self._reply(send, 400, "invalid Content-Length header", "invalid_request")
                    return
        body = bytearray()
        too_big = declared is not None and declared > self.max_bytes
        seen = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # client went away
                return
            chunk = message.get("body", b"")
            seen += len(chunk)
            more = bool(message.get("more_body", False))
            if seen > self.max_bytes:
                too_big = True
            if too_big:
                body.clear()
                if seen > self.drain_bytes:
                    break
            else:
                body += chunk
        if too_big:
            size = declared if declared is not None else seen
            await self._reply(send, 413, f"request body of {size} bytes is over the limit of {self.max_bytes} bytes "
                              "(api.max_body_bytes)", "request_too_large")
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _reply(send: Send, status: int, message: str, code: str) -> None:
        payload = json.dumps({"error": {"message": message, "type": "invalid_request_error", "param": None,
                                        "code": code}}).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": payload})
