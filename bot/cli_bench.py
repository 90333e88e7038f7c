"""`parley bench`: one command, several modes chosen by flags; each mode is a runner returning the JSON dict.

Modes: generate (default), --e2e, --moderation, --api. A mode's runner lives in its own module and is
looked up in MODE_RUNNERS as "module:function" with signature `async (BenchOptions, Settings) -> dict`;
a mode whose module does not exist yet reports "not implemented yet" and exits 1.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

if TYPE_CHECKING:  # torch loads only when a benchmark runs, so `parley --help` stays fast
    from pipeline.bench import BenchOptions

MODE_RUNNERS: dict[str, str] = {
    "generate": "bot.cli_bench:run_generate",
    "e2e": "bot.bench_e2e:run_e2e_bench",
    "moderation": "moderation.bench:run_moderation_bench",
    "api": "bot.api.bench:run_api_bench",
}


async def run_generate(options: BenchOptions, settings: Any) -> dict[str, Any]:
    from pipeline.bench import run_generate_bench

    if options.backend not in (None, "transformers"):
        raise _UsageError("parley bench: generate mode measures the local transformers engine; "
                          f"--backend {options.backend} applies to --e2e")
    return await run_generate_bench(options, settings.generation)


class _UsageError(Exception):
    pass


def resolve_runner(mode: str) -> Any | None:
    """The runner for `mode`, or None when that mode is not implemented (its module is missing)."""
    module_name, _, func = MODE_RUNNERS[mode].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name is not None and module_name.startswith(err.name):
            return None
        raise
    return getattr(module, func, None)


def pick_mode(e2e: bool, moderation: bool, api: bool) -> str:
    chosen = [name for name, on in (("e2e", e2e), ("moderation", moderation), ("api", api)) if on]
    if len(chosen) > 1:
        raise _UsageError("parley bench: choose one of --e2e, --moderation, --api")
    return chosen[0] if chosen else "generate"


def register(app: typer.Typer) -> None:
    @app.command("bench")
    def bench(
        chats: int = typer.Option(16, min=1, help="concurrent chats (requests)"),
        prompt_tokens: int = typer.Option(128, min=1, help="prompt length in tokens (random token ids)"),
        new_tokens: int = typer.Option(64, min=1, help="tokens generated per request (EOS ignored)"),
        model: Optional[str] = typer.Option(None, help="hub id or local path (default: generation.model)"),
        random_init: Optional[str] = typer.Option(None, help="random weights with real shapes: qwen2-0.5b, qwen2-1.5b, ..."),
        device: Optional[str] = typer.Option(None, help="auto | cpu | cuda | cuda:N"),
        dtype: Optional[str] = typer.Option(None, help="auto | float32 | float16 | bfloat16"),
        backend: Optional[str] = typer.Option(None, help="transformers | openai | echo (for --e2e)"),
        compile: Optional[bool] = typer.Option(None, "--compile/--no-compile", help="static cache + torch.compile (CUDA)"),
        engine: str = typer.Option("auto", help="auto | continuous | slots | static"),
        sequential_chats: Optional[int] = typer.Option(None, min=1, help="requests in the sequential baseline (default: all)"),
        seed: int = typer.Option(0, help="seed for prompts, weights and sampling"),
        messages: int = typer.Option(4, min=1, help="--e2e: messages each chat sends, one after the other"),
        classifier: str = typer.Option("auto", help="--e2e/--moderation: none | tiny | bert-base | config | auto "
                                                    "(random-init Detoxify-format classifier shapes)"),
        quantization: Optional[str] = typer.Option(None, help="--e2e: none | 8bit | 4bit (bitsandbytes, CUDA)"),
        json_out: Optional[Path] = typer.Option(None, help="also write the JSON to this file"),
        e2e: bool = typer.Option(False, "--e2e", help="whole pipeline minus Telegram"),
        moderation: bool = typer.Option(False, "--moderation", help="moderation stages alone"),
        api: bool = typer.Option(False, "--api", help="the HTTP API"),
    ) -> None:
        """Throughput and latency benchmark; prints one JSON object (keys in DESIGN.md)."""
        from bot.cli import fail, run_async, settings_or_exit, setup_logging
        from bot.cli_output import check_output_file, write_output

        try:
            mode = pick_mode(e2e, moderation, api)
        except _UsageError as err:
            fail(str(err))
        if engine not in ("auto", "continuous", "slots", "static"):
            fail("parley bench: --engine must be auto, continuous, slots or static")
        runner = resolve_runner(mode)
        if runner is None:
            fail(f"parley bench --{mode}: not implemented yet", code=1)
        if json_out is not None:
            check_output_file(json_out, "--json-out")
        settings = settings_or_exit(backend=backend, model=model)
        setup_logging(settings)
        from pipeline.bench import BenchOptions

        options = BenchOptions(
            mode=mode, chats=chats, prompt_tokens=prompt_tokens, new_tokens=new_tokens, model=model,
            random_init=random_init, device=device, dtype=dtype, backend=backend, compile=compile, engine=engine,
            sequential_chats=sequential_chats, seed=seed, messages=messages, classifier=classifier,
            quantization=quantization,
        )
        try:
            result = run_async(runner(options, settings))
        except _UsageError as err:
            fail(str(err))
        text = json.dumps(result, indent=2)
        typer.echo(text)
        if json_out is not None:
            write_output(json_out, "--json-out", lambda fh: fh.write(text + "\n"))
