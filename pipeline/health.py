"""The metrics port: GET /metrics (Prometheus text) and GET /healthz (JSON), in the bot's event loop.

A deliberately tiny HTTP/1.1 server on asyncio streams (one request per connection), so the
bot needs no web framework for it and it starts and stops with the bot's lifespan:

    server = MetricsServer(metrics, settings.metrics.host, settings.metrics.port,
                           health=health_check(core.store, lambda: metrics.ready),
                           refresh=lambda: metrics.refresh_from_store(core.store))
    await server.start()   # server.port is the bound port (0 = pick a free one)
    ...
    await server.aclose()

/healthz answers 200 when the store answers a query and warm-up is done (metrics.set_ready(True)),
503 otherwise; the JSON body says which part is missing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from pipeline.metrics import Metrics
from pipeline.types import ConfigError

if TYPE_CHECKING:
    from pipeline.store import Store

log = logging.getLogger("parley.metrics")

HealthFn = Callable[[], Awaitable[dict[str, Any]]]
RefreshFn = Callable[[], Awaitable[None]]
REQUEST_TIMEOUT_S = 5.0
MAX_HEAD_BYTES = 16 * 1024
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
            408: "Request Timeout", 431: "Request Header Fields Too Large", 503: "Service Unavailable"}


def health_check(store: Store | None, ready: Callable[[], bool]) -> HealthFn:
    """A /healthz function: process up, store reachable, backend warmed up."""
    started = time.monotonic()

    async def check() -> dict[str, Any]:
        store_ok = bool(store is not None and store.is_open and await store.ping())
        backend_ok = bool(ready())
        healthy = store_ok and backend_ok
        status = "ok" if healthy else ("starting" if store_ok else "unavailable")
        return {"status": status, "process": True, "store": store_ok, "backend": backend_ok,
                "ready": healthy, "uptime_s": round(time.monotonic() - started, 3)}

    return check


async def _always_up() -> dict[str, Any]:
    return {"status": "ok", "process": True, "ready": True}


class MetricsServer:
    """Serves /metrics and /healthz on host:port until aclose()."""

    def __init__(self, metrics: Metrics, host: str = "127.0.0.1", port: int = 9108,
                 health: HealthFn | None = None, *, refresh: RefreshFn | None = None) -> None:
        self.metrics = metrics
        self.host = host
        self._port = port
        self.health = health or _always_up
        self.refresh = refresh
        self._server: asyncio.Server | None = None
        self._conns: set[asyncio.Task[Any]] = set()

    @property
    def port(self) -> int:
        """The bound port once started (the configured one before)."""
        if self._server is not None and self._server.sockets:
            return int(self._server.sockets[0].getsockname()[1])
        return self._port

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        if self._server is not None:
            return
        try:
            self._server = await asyncio.start_server(self._serve, self.host, self._port, limit=MAX_HEAD_BYTES)
        except OSError as err:
            raise ConfigError(
                f"config error: metrics.port: cannot listen on {self.host}:{self._port}: {err.strerror}; "
                "set PARLEY_METRICS__PORT to a free port"
            ) from None
        log.info("metrics and health on %s (/metrics, /healthz)", self.url)

    async def aclose(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for task in list(self._conns):
            task.cancel()
        if self._conns:
            await asyncio.gather(*self._conns, return_exceptions=True)
        await server.wait_closed()

    async def __aenter__(self) -> MetricsServer:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()

    # -- one connection, one request ---------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._conns.add(task)
        try:
            status, ctype, body, head_only = await self._respond(reader)
            head = (f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\nContent-Type: {ctype}\r\n"
                    f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n")
            if status == 405:
                head += "Allow: GET, HEAD\r\n"
            writer.write(head.encode("ascii") + b"\r\n" + (b"" if head_only else body))
            await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        except Exception:
            log.exception("metrics server: request failed")
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, asyncio.CancelledError):
                pass
            if task is not None:
                self._conns.discard(task)

    async def _respond(self, reader: asyncio.StreamReader) -> tuple[int, str, bytes, bool]:
        try:
            raw = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), REQUEST_TIMEOUT_S)
        except asyncio.TimeoutError:
            return _text(408, "request timeout")
        except asyncio.LimitOverrunError:
            return _text(431, "request head too large")
        except asyncio.IncompleteReadError:
            return _text(400, "incomplete request")
        parts = raw.split(b"\r\n", 1)[0].decode("latin-1").split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            return _text(400, "bad request line")
        method, target = parts[0], parts[1].split("?", 1)[0]
        if method not in ("GET", "HEAD"):
            return _text(405, "only GET and HEAD")
        head_only = method == "HEAD"
        if target == "/metrics":
            if self.refresh is not None:
                try:
                    await asyncio.wait_for(self.refresh(), REQUEST_TIMEOUT_S)
                except Exception:
                    log.warning("metrics refresh failed", exc_info=True)
            body, ctype = self.metrics.exposition()
            return 200, ctype, body, head_only
        if target == "/healthz":
            try:
                data = await asyncio.wait_for(self.health(), REQUEST_TIMEOUT_S)
            except Exception as err:
                data = {"status": "error", "process": True, "ready": False, "error": type(err).__name__}
            status = 200 if data.get("ready") else 503
            return status, "application/json", json.dumps(data).encode() + b"\n", head_only
        if target == "/":
            return _text(200, "parley metrics: /metrics /healthz", head_only)
        return _text(404, "not found", head_only)


def _text(status: int, message: str, head_only: bool = False) -> tuple[int, str, bytes, bool]:
    return status, "text/plain; charset=utf-8", (message + "\n").encode(), head_only
