"""`parley check` and `parley eval`: moderation from the command line.

bot/cli.py calls `register(app)`; the commands build a ModerationEngine from the
effective settings (no hot reload: they are one-shot).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from pipeline.types import ConfigError


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _moderation_settings() -> Any:
    """Moderation settings (ConfigError: message on stderr, exit 2); logging set up like other commands."""
    from pipeline.settings import load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        _fail(str(exc))
    try:
        from bot.cli import _State, setup_logging

        setup_logging(settings, _State.log_format)
    except ImportError:
        pass
    # Relative paths stay relative to the working directory, as everywhere else in parley.
    return settings.moderation, None


def _engine(settings: Any, base_dir: Path | None) -> Any:
    from moderation.engine import ModerationEngine

    try:
        # offline: a classifier that cannot load is a config error here, not a "hold" for every text
        return ModerationEngine.from_settings(settings, base_dir=base_dir, watch=False, offline=True)
    except ConfigError as exc:
        _fail(str(exc))


def check(
    texts: Annotated[list[str] | None, typer.Argument(help="Texts to check; none: one text per stdin line.")] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help='Each line is a JSON string or {"text": ...}.')] = False,
    source: Annotated[str, typer.Option(help="Policy to apply: output (replies) or input (user messages).")] = "output",
) -> None:
    """Moderation verdicts: one JSON object per text, in input order."""
    from moderation.check import run_check

    if source not in ("output", "input"):
        _fail("--source must be 'output' or 'input'")
    settings, base_dir = _moderation_settings()
    if source == "input":  # asked for explicitly: judge with the input policy even if input moderation is off
        settings = settings.model_copy(update={"input": settings.input.model_copy(update={"enabled": True})})
    engine = _engine(settings, base_dir)
    from bot.stdin import stdin_lines

    # not sys.stdin.buffer: its lock, held by the waiting reader thread, aborts the shutdown after a Ctrl-C
    stream: Any = list(texts) if texts else (stdin_lines() or getattr(sys.stdin, "buffer", sys.stdin))

    async def main() -> None:
        await engine.start()
        try:
            await run_check(engine, stream, jsonl=jsonl, out=sys.stdout, source=source)
        finally:
            await engine.aclose()

    try:
        asyncio.run(main())
    except ConfigError as exc:  # the classifier did not load: before any verdict is written
        _fail(str(exc))
    except KeyboardInterrupt:
        sys.stdout.flush()
        raise typer.Exit(130) from None
    except BrokenPipeError:  # `parley check | head`: the reader left; stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None


def evaluate(
    file: Annotated[Path, typer.Argument(help="Labeled CSV file.")],
    text_col: Annotated[str, typer.Option("--text-col", help="Column holding the text.")],
    label_col: Annotated[str, typer.Option("--label-col", help="Column holding the label.")],
    positive: Annotated[str | None, typer.Option(
        "--positive", help="Label value(s) meaning toxic, comma-separated (default 1/true/yes/toxic).")] = None,
    negative: Annotated[str | None, typer.Option(
        "--negative", help="Label value(s) meaning clean (default 0/false/no/clean/approved/…); "
                           "other values count as clean with a warning.")] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write a PR-curve and comparison PNG here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON report.")] = False,
) -> None:
    """Precision, recall, F1 and a classifier threshold sweep of the current config on a labeled CSV."""
    from moderation.evaluate import EvalError, run_eval

    if plot is not None:
        plot = _plot_path(plot)
    settings, base_dir = _moderation_settings()
    engine = _engine(settings, base_dir)  # built now so config errors surface before reading the file
    try:
        asyncio.run(run_eval(lambda: engine, file, text_col, label_col, positive=positive, plot=plot,
                             as_json=as_json, out=sys.stdout, err=sys.stderr, negative=negative))
    except EvalError as exc:
        _fail(f"eval error: {exc}")
    except ConfigError as exc:  # the classifier did not load: the scores would mean nothing
        _fail(str(exc))
    except OSError as exc:  # the plot's folder vanished or filled up after the check
        _fail(f"eval error: cannot write {exc.filename or plot}: {exc.strerror or exc}")


def _plot_path(plot: Path) -> Path:
    """--plot checked before the eval runs: a format matplotlib writes (none given: .png, which
    matplotlib would append anyway) and a writable place."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from bot.cli_output import check_output_file

    if not plot.suffix and not plot.is_dir():
        plot = plot.with_name(plot.name + ".png")
    check_output_file(plot, "--plot", suffixes=FigureCanvasAgg.get_supported_filetypes(), create_parents=True)
    return plot


def register(app: typer.Typer) -> None:
    """Add `check` and `eval` to the main `parley` app."""
    app.command("check")(check)
    app.command("eval")(evaluate)
