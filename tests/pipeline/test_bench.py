"""`parley bench` generate mode: a small real run; only the JSON shape is checked (no timing asserts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.bench import ARCHS, BenchOptions, percentile, random_model, run_generate_bench
from pipeline.settings import GenerationSettings

MODE_KEYS = {"tokens_per_s", "requests_per_s", "latency_s"}


def check_shape(result: dict[str, Any], chats: int, new_tokens: int) -> None:
    assert result["mode"] == "generate"
    for key in ("config", "sequential", "batched", "speedup", "device"):
        assert key in result
    for mode in ("sequential", "batched"):
        assert MODE_KEYS <= set(result[mode])
        assert set(result[mode]["latency_s"]) == {"p50", "p95"}
    assert result["batched"]["tokens"] == chats * new_tokens
    assert result["config"]["chats"] == chats
    assert isinstance(result["speedup"], float)


async def test_bench_random_init() -> None:
    opts = BenchOptions(chats=4, prompt_tokens=8, new_tokens=3, random_init="qwen2-tiny", sequential_chats=2)
    result = await run_generate_bench(opts, GenerationSettings(device="cpu"))
    check_shape(result, 4, 3)
    assert result["sequential"]["requests"] == 2 and result["config"]["model"] == "random-init:qwen2-tiny"
    json.dumps(result)  # serialisable


async def test_bench_local_model(tiny_gpt2: Path) -> None:
    opts = BenchOptions(chats=3, prompt_tokens=6, new_tokens=4, model=str(tiny_gpt2))
    result = await run_generate_bench(opts, GenerationSettings(device="cpu"))
    check_shape(result, 3, 4)
    assert result["sequential"]["tokens"] == 12


def test_real_shapes_are_built() -> None:
    assert {"qwen2-0.5b", "qwen2-1.5b"} <= set(ARCHS)
    assert ARCHS["qwen2-0.5b"]["hidden_size"] == 896 and ARCHS["qwen2-1.5b"]["num_hidden_layers"] == 28
    import torch

    model = random_model("qwen2-tiny", torch.device("cpu"), torch.float32)
    assert model.config.hidden_size == 64


def test_percentile() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([float(i) for i in range(1, 101)], 95) == 95.0
    assert percentile([], 50) == 0.0


def test_cli_prints_json_and_unimplemented_modes_exit_1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bot import cli_bench
    from bot.cli import app

    runner = CliRunner()
    out = tmp_path / "bench.json"
    res = runner.invoke(app, ["bench", "--random-init", "qwen2-tiny", "--chats", "2", "--prompt-tokens", "4",
                              "--new-tokens", "2", "--device", "cpu", "--json-out", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    check_shape(data, 2, 2)
    assert json.loads(out.read_text()) == data

    monkeypatch.setitem(cli_bench.MODE_RUNNERS, "moderation", "no_such_module_for_parley:run")
    res = runner.invoke(app, ["bench", "--moderation"])
    assert res.exit_code == 1 and "not implemented yet" in res.output
    res = runner.invoke(app, ["bench", "--e2e", "--moderation"])
    assert res.exit_code == 2
