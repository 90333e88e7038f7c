"""Lifecycle of `parley run`: start-up, long polling or webhook, graceful shutdown.

Start-up order: connect (getMe, retried while Telegram is unreachable) → setMyCommands →
deliver replies left in the outbox → resume stored, unfinished updates → announce/deliver
held items → poll (or serve the webhook). setMyCommands and deleteWebhook are optional
(bot.optional): a Bot API server without them gets a warning, not a failed start; a rejected
token (getMe answered 401/404) stays a one-line config error.

Shutdown (SIGTERM/SIGINT): stop intake, let in-flight updates finish for up to
SHUTDOWN_GRACE_S (unfinished ones stay pending in the store and are resumed next time), then
close Telegram connections; the caller closes the store.

Metrics (`metrics.enabled`): /metrics and /healthz listen from before the model loads (/healthz
answers 503 until the bot is up), the process is marked ready once polling/webhook runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import signal
from collections.abc import Callable
from typing import Any

from telegram.error import BadRequest, InvalidToken, NetworkError
from telegram.ext import Application

from bot.app import build_application, set_commands
from bot.ingest import ALLOWED_UPDATES, TOKEN_REJECTED
from bot.optional import describe
from bot.ratelimit import RateLimits
from bot.services import services_of
from bot.webhook import WebhookServer
from pipeline.metrics import Metrics
from pipeline.settings import Settings, webhook_secret_problem
from pipeline.types import ConfigError

log = logging.getLogger("parley.bot")

SHUTDOWN_GRACE_S = 15.0
BACKGROUND_GRACE_S = 10.0


class BotRunner:
    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], *, metrics: Metrics | None = None) -> None:
        self.app = app
        self.s = services_of(app)
        self.metrics = metrics
        self.metrics_server: Any = None  # pipeline.health.MetricsServer, when metrics are enabled
        self.s.outbox.metrics = self.s.ingest.metrics = metrics
        self.webhook: WebhookServer | None = None
        self._intake: asyncio.Task[None] | None = None
        self._background: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._app_started = False

    @property
    def mode(self) -> str:
        return "webhook" if self.s.settings.telegram.webhook_url else "polling"

    async def start(self, stop: asyncio.Event) -> bool:
        """Bring the bot up; False if `stop` was set while waiting for Telegram."""
        if not await self._connect(stop):
            return False
        await self.app.start()
        self._app_started = True
        await self.s.optional.call("setMyCommands", lambda: set_commands(self.app, self.s.settings))
        flushed = await self.s.outbox.flush(everything=True)
        if flushed:
            log.info("delivered %d reply(ies) left undelivered by the previous run", flushed)
        await self.s.ingest.resume()
        retry_s = self.s.settings.telegram.outbox_retry_s
        self._background = [
            asyncio.create_task(self.s.review.run(retry_s), name="review-sync"),
            asyncio.create_task(self._retry_outbox(retry_s), name="outbox-retry"),
        ]
        self.s.review.kick()
        await self._start_intake()
        log.info("parley bot @%s running (%s)", self.s.bot.username, self.mode)
        return True

    async def _connect(self, stop: asyncio.Event) -> bool:
        delay = 1.0
        while not stop.is_set():
            try:
                await self.app.initialize()
                return True
            except InvalidToken:
                raise ConfigError(TOKEN_REJECTED) from None
            except NetworkError as err:
                log.warning("cannot reach the Bot API at telegram.api_base_url (%s); retrying in %.0fs", err, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay * random.uniform(0.8, 1.2))
            delay = min(delay * 2, 30.0)
        return False

    async def _start_intake(self) -> None:
        t = self.s.settings.telegram
        bot = self.s.bot
        if t.webhook_url:
            secret = t.webhook_secret.get_secret_value() if t.webhook_secret else None
            problem = webhook_secret_problem(t)
            if problem is not None:
                raise ConfigError(problem)
            if secret is None:
                log.warning("webhook mode without telegram.webhook_secret: anyone who can reach "
                            "the webhook port can inject updates")
            self.webhook = WebhookServer(self.s.ingest, url=t.webhook_url, listen=t.webhook_listen,
                                         port=t.webhook_port, secret=secret)
            await self.webhook.start()
            try:
                await bot.set_webhook(t.webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
            except (InvalidToken, BadRequest) as err:  # getMe passed: the server lacks or refuses setWebhook
                raise ConfigError(f"config error: the Bot API refused setWebhook for telegram.webhook_url "
                                  f"({describe(err)}); fix PARLEY_TELEGRAM__WEBHOOK_URL, or unset it to use "
                                  "long polling") from None
        else:
            # only needed when a webhook was registered earlier (getUpdates answers 409 Conflict then)
            async def delete_webhook(after_conflict: bool = False) -> None:
                deleted = await self.s.optional.call(
                    "deleteWebhook", lambda: bot.delete_webhook(drop_pending_updates=False))
                if not deleted and after_conflict and not self.s.optional.available("deleteWebhook"):
                    raise ConfigError("config error: a webhook is registered for this bot and the Bot API at "
                                      "telegram.api_base_url cannot delete it (no deleteWebhook), so long polling "
                                      "cannot start: delete the webhook there, or set PARLEY_TELEGRAM__WEBHOOK_URL")

            await delete_webhook()
            # a failed first try is retried when getUpdates answers 409 "webhook is active"
            self.s.ingest.on_webhook_conflict = lambda: delete_webhook(after_conflict=True)
            self._intake = asyncio.create_task(self.s.ingest.poll(), name="polling")

    async def _retry_outbox(self, interval_s: float) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), interval_s)
            if self._stopping.is_set():
                return
            try:
                await self.s.outbox.flush()
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise
            except Exception:
                log.exception("outbox retry failed")

    async def wait(self, stop: asyncio.Event) -> None:
        """Until `stop` is set; a fatal polling error (e.g. token revoked) is raised."""
        waiter = asyncio.create_task(stop.wait())
        watched: set[asyncio.Future[Any]] = {waiter}
        if self._intake is not None:
            watched.add(self._intake)
        try:
            await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
        if self._intake is not None and self._intake.done() and not self._intake.cancelled():
            self._intake.result()

    async def stop(self, *, failed: bool = False) -> None:
        """Graceful shutdown; `failed`: an error ends the run and is reported as its one line, so no
        "stopped" line goes before it."""
        if self._intake is not None:
            self._intake.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._intake
        if self.webhook is not None:
            await self.webhook.stop()  # the webhook stays registered: Telegram queues updates meanwhile
        await self.s.ingest.drain(SHUTDOWN_GRACE_S)
        # background loops finish the round in progress (no send is cut between Telegram's
        # confirmation and the store's record of it), then they are cancelled if still busy
        self._stopping.set()
        self.s.review.request_stop()
        if self._background:
            _done, busy = await asyncio.wait(self._background, timeout=BACKGROUND_GRACE_S)
            for task in busy:
                task.cancel()
        for task in self._background:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.s.outbox.drain(5.0)
        if self._app_started:
            await self.app.stop()
            self._app_started = False
        await self.app.shutdown()  # a no-op when initialize() never succeeded
        if not failed:
            log.info("parley bot stopped")


async def run_bot(
    settings: Settings, *, stop: asyncio.Event | None = None, install_signals: bool = True,
    on_started: Callable[[BotRunner], None] | None = None, rate_limits: RateLimits | None = None,
) -> None:
    """`parley run`: the whole bot until SIGTERM/SIGINT (or `stop`); the store is held exclusively."""
    from bot.compose import build_core
    from pipeline.health import MetricsServer, health_check
    from pipeline.metrics import build_metrics

    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    if install_signals:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    server: MetricsServer | None = None
    try:
        metrics = build_metrics(settings)
        core = build_core(settings, exclusive=True, observer=metrics)
        if metrics is not None:
            server = MetricsServer(metrics, settings.metrics.host, settings.metrics.port,
                                   health=health_check(core.store, lambda: metrics.ready),
                                   refresh=lambda: metrics.refresh_from_store(core.store))
            await server.start()  # before the model loads: /healthz answers 503 meanwhile
        async with core:
            if metrics is not None:
                _observe_batches(core.backend, metrics)
            runner = BotRunner(build_application(settings, core, rate_limits=rate_limits), metrics=metrics)
            runner.metrics_server = server
            failed = False
            try:
                if await runner.start(stop):
                    if metrics is not None:
                        metrics.set_ready(True)
                    if on_started is not None:
                        on_started(runner)
                    await runner.wait(stop)
            except Exception:  # reported by the caller (a config or store error is one line)
                failed = True
                raise
            finally:
                if metrics is not None:
                    metrics.set_ready(False)
                await runner.stop(failed=failed)
    finally:
        if server is not None:
            await server.aclose()
        for sig in installed:
            loop.remove_signal_handler(sig)


def _observe_batches(backend: object, metrics: Metrics) -> None:
    """Generation batch sizes from the local engine (remote and echo backends have none)."""
    engine = getattr(backend, "engine", None)
    if engine is not None and hasattr(engine, "on_batch"):
        engine.on_batch = metrics.batch_size
