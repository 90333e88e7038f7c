"""`parley serve`: the OpenAI-compatible moderated HTTP API on api.host:api.port."""

from __future__ import annotations

import logging
import signal
from types import FrameType
from typing import Optional

import typer
from pydantic import ValidationError

from pipeline.settings import Settings

log = logging.getLogger("parley.api")


def with_api_address(settings: Settings, host: str | None, port: int | None) -> Settings:
    """Settings with --host/--port applied to the api group (validated like the file values)."""
    update = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    if not update:
        return settings
    api = type(settings.api).model_validate({**settings.api.model_dump(), **update})
    return settings.model_copy(update={"api": api})


async def run_server(settings: Settings) -> None:
    """Check exposure, bind, load the Core (models), then serve until SIGINT/SIGTERM."""
    from bot.api import bind_socket, create_api, serve
    from bot.api.security import KeyRing, check_exposure
    from bot.compose import build_core

    check_exposure(settings.api.host, KeyRing(settings.api.api_keys))  # before any model loads
    sock = bind_socket(settings.api.host, settings.api.port)
    metrics = None
    if settings.metrics.enabled:
        from pipeline.metrics import build_metrics

        metrics = build_metrics(settings)
    try:
        async with build_core(settings, observer=metrics) as core:
            app = create_api(core, settings)
            keys = len(settings.api.api_keys)
            log.info("parley API on http://%s:%d/v1 (backend %s, %s)", settings.api.host, settings.api.port,
                     settings.generation.backend, f"{keys} API key(s)" if keys else "no API key: loopback only")
            await serve(app, sock)
    finally:
        sock.close()


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_command(
        host: Optional[str] = typer.Option(None, help="listen address (default api.host, 127.0.0.1)"),
        port: Optional[int] = typer.Option(None, help="listen port (default api.port, 8080)"),
        backend: Optional[str] = typer.Option(None, help="transformers | openai | echo"),
        model: Optional[str] = typer.Option(None, help="hub id or local path of the model"),
    ) -> None:
        """Serve the OpenAI-compatible HTTP API (/v1/chat/completions, /v1/moderations), moderated."""
        from bot.cli import _State, fail, option_error, run_async, settings_or_exit, setup_logging

        if port is not None and not 1 <= port <= 65535:
            fail(f"config error: --port must be between 1 and 65535 (got {port})")
        settings = settings_or_exit(backend=backend, model=model)
        try:
            settings = with_api_address(settings, host, port)
        except ValidationError as err:
            fail(option_error(err, "api"))
        setup_logging(settings, _State.log_format)
        # uvicorn re-raises the SIGTERM it handled after a graceful shutdown; exit 0 instead of dying by signal.
        previous = signal.signal(signal.SIGTERM, _exit_cleanly)
        try:
            run_async(run_server(settings))
        finally:
            signal.signal(signal.SIGTERM, previous)


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)
