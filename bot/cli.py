"""The `parley` command line. Subcommands of other areas register themselves via bot.cli_* modules."""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import sys
from typing import Any, NoReturn, Optional

import typer
from pydantic import ValidationError

from pipeline.settings import Settings, load_settings, masked_dump, webhook_secret_problem
from pipeline.types import ConfigError, StoreError

app = typer.Typer(
    name="parley",
    help="A Telegram chat bot whose replies come from a language model and never skip moderation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
config_app = typer.Typer(help="Show or validate the effective settings.", no_args_is_help=True)
app.add_typer(config_app, name="config")

# Command modules owned by their areas; each defines register(app). Missing ones get a stub.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "bot.cli_moderation": ("check", "eval"),
    "bot.cli_bench": ("bench",),
    "bot.cli_review": ("review",),
    "bot.cli_run": ("run",),
    "bot.cli_serve": ("serve",),
}
HELP = {
    "run": "Run the Telegram bot.",
    "check": "Print moderation verdicts as JSON.",
    "eval": "Evaluate moderation on a labeled CSV.",
    "review": "Review held replies on the console.",
    "bench": "Benchmark the pipeline; prints JSON.",
    "serve": "Serve the OpenAI-compatible HTTP API.",
}


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def sqlite_int(value: int, what: str) -> int:
    """`value`, or one line and exit 2 when SQLite cannot hold it (binding it would raise OverflowError)."""
    from pipeline.store_records import SQLITE_INT_MAX, SQLITE_INT_MIN, fits_sqlite_int

    if not fits_sqlite_int(value):
        fail(f"{what}: {value} is out of range; it must be between {SQLITE_INT_MIN} and {SQLITE_INT_MAX}")
    return value


def settings_or_exit(**overrides: Any) -> Settings:
    try:
        settings = load_settings()
    except ConfigError as err:
        fail(str(err))
    if overrides:
        data = {k: v for k, v in overrides.items() if v is not None}
        if data:
            try:
                gen = settings.generation.model_copy(update=data)
                settings = settings.model_copy(update={"generation": type(settings.generation).model_validate(gen.model_dump())})
            except ValidationError as err:
                fail(option_error(err, "generation"))
    return settings


def option_error(err: ValidationError, group: str) -> str:
    """One line for a bad command-line value: the option, the setting it overrides, what is allowed."""
    item = err.errors(include_url=False)[0]
    name = ".".join(str(p) for p in item.get("loc", ()))
    option = "--" + name.split(".")[0].replace("_", "-")
    return f"config error: {option} ({group}.{name}): {item.get('msg', 'invalid value')} (got {item.get('input')!r})"


def setup_logging(settings: Settings | None = None, fmt: str | None = None) -> None:
    try:
        from pipeline.logs import configure_logging
    except ImportError:
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
        return
    configure_logging(settings, fmt=fmt)


def run_async(coro: Any) -> Any:
    """Run a coroutine; operator errors become one line on stderr."""
    try:
        return asyncio.run(coro)
    except ConfigError as err:
        fail(str(err))
    except StoreError as err:
        fail(str(err))
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


@app.callback()
def _main(
    log_format: Optional[str] = typer.Option(None, "--log-format", help="text (default) or json"),
) -> None:
    if log_format is not None and log_format not in ("text", "json"):
        fail("config error: --log-format must be 'text' or 'json'")
    _State.log_format = log_format


class _State:
    log_format: str | None = None


@app.command()
def chat(
    backend: Optional[str] = typer.Option(None, help="transformers | openai | echo"),
    model: Optional[str] = typer.Option(None, help="hub id or local path of the model"),
    chat_id: int = typer.Option(0, help="conversation key in the store"),
) -> None:
    """Chat on the console through the same pipeline and moderation (no Telegram token needed)."""
    from bot.console import run_chat

    sqlite_int(chat_id, "--chat-id")
    settings = settings_or_exit(backend=backend, model=model)
    setup_logging(settings, _State.log_format)
    run_async(run_chat(settings, chat_id=chat_id))


@config_app.command("show")
def config_show(fmt: str = typer.Option("toml", "--format", help="toml or json")) -> None:
    """Print the effective settings, secrets masked."""
    settings = settings_or_exit()
    data = masked_dump(settings)
    if fmt == "json":
        typer.echo(json.dumps(data, indent=2))
        return
    if fmt != "toml":
        fail("config error: --format must be 'toml' or 'json'")
    import tomli_w

    typer.echo(tomli_w.dumps(_drop_none(data)))


@config_app.command("check")
def config_check() -> None:
    """Validate settings (including files and model paths); exit 2 with one line per problem."""
    settings = settings_or_exit()
    problems = deployment_problems(settings)
    if problems:
        fail("\n".join(problems))
    typer.echo("config OK")


def deployment_problems(settings: Settings) -> list[str]:
    """Checks beyond types: files and folders that must exist for this deployment."""
    from pathlib import Path

    problems = []
    parent = Path(settings.storage.path).resolve().parent
    if not parent.is_dir():
        problems.append(f"config error: storage.path: folder {parent} does not exist; create it")
    for i, path in enumerate(settings.moderation.lists):
        if not Path(path).is_file():
            problems.append(f"config error: moderation.lists[{i}]: file {path} not found; fix the path")
    model = settings.generation.model
    if settings.generation.backend == "transformers" and (model.startswith((".", "/", "~")) or Path(model).exists()):
        if not Path(model).expanduser().is_dir():
            problems.append(f"config error: generation.model: local model folder {model} not found")
    problems.extend(classifier_problems(settings))
    secret = webhook_secret_problem(settings.telegram)
    if secret is not None:
        problems.append(secret)
    try:
        from moderation.keywords import build_text_stages

        build_text_stages(settings.moderation)
    except ImportError:
        pass
    except ConfigError as err:
        problems.append(str(err))
    return problems


def classifier_problems(settings: Settings) -> list[str]:
    """What would make an enabled classifier hold every reply: a missing path, a file that is no
    checkpoint, a folder without a trained head, an unknown or absent device, a broken ONNX set-up."""
    clf = settings.moderation.classifier
    if not clf.enabled:
        return []
    from moderation.classifier import config_error, missing_model, one_line

    missing = missing_model(clf)
    if missing is not None:
        return [missing]
    if clf.runtime == "onnx":  # the checks start-up makes: packages, device, a writable onnx_dir
        from moderation.onnx_runtime import check_runtime, onnx_dir

        try:
            check_runtime(clf.device, clf.dtype, onnx_dir(clf))
        except ConfigError as err:
            return [str(err)]
    try:
        _probe_classifier(clf)
    except Exception as err:  # noqa: BLE001 - whatever loading raises is the problem to report
        return [config_error(clf, one_line(err))]
    return []


def _probe_classifier(clf: Any) -> None:
    """Offline: device and dtype, a checkpoint file's format, a local HF folder loaded in full (a
    causal LM's untrained head shows only there). A Detoxify name is not downloaded, and a checkpoint
    without config_dir is not built (that would fetch its base model from the hub)."""
    from pathlib import Path

    from moderation.classifier import load_checkpoint_file, load_model, progress_bars, resolve_device, resolve_dtype

    if clf.runtime != "onnx":
        resolve_dtype(clf.dtype, resolve_device(clf.device))
    path = Path(clf.model.strip()).expanduser()
    if path.is_file() and clf.config_dir is None:
        load_checkpoint_file(path)
    elif path.exists():
        with progress_bars(False):  # a check prints its verdict only
            load_model(clf)


def _drop_none(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _drop_none(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [_drop_none(v) for v in obj if v is not None]
    return obj


def _stub(name: str) -> None:
    def command() -> None:
        fail(f"parley {name}: not implemented yet", code=1)

    command.__doc__ = HELP.get(name, "") + " (not implemented yet)"
    app.command(name, context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(command)


def _register_all() -> None:
    for module_name, names in COMMAND_MODULES.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            if err.name != module_name:
                raise
            for name in names:
                _stub(name)
            continue
        module.register(app)


_register_all()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
