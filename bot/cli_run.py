"""`parley run`: the Telegram bot."""

from __future__ import annotations

from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run(
        ctx: typer.Context,
        backend: Optional[str] = typer.Option(None, help="transformers | openai | echo (overrides generation.backend)"),
        model: Optional[str] = typer.Option(None, help="hub id or local path of the model"),
    ) -> None:
        """Run the Telegram bot (long polling; webhook when telegram.webhook_url is set)."""
        from bot.cli import _State, fail, run_async, settings_or_exit, setup_logging

        settings = settings_or_exit(backend=backend, model=model)
        token = settings.telegram.token
        if token is None or not token.get_secret_value().strip():
            fail("config error: telegram.token is not set; set PARLEY_TELEGRAM__TOKEN", 2)
        # the global --log-format, read from the command line itself: under `python -m bot.cli` the
        # callback set it on the __main__ module's _State, not on bot.cli's
        fmt = ctx.find_root().params.get("log_format") or _State.log_format
        setup_logging(settings, fmt)
        from bot.runner import run_bot

        run_async(run_bot(settings))
