"""`parley bench --e2e`: small real runs through the whole pipeline; JSON keys and sanity, no timing asserts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.bench import BenchOptions
from pipeline.bench_assets import synthetic_bert_dir, synthetic_tokenizer, words_text
from bot.bench_e2e import make_plan, run_e2e_bench
from pipeline.settings import Settings
from pipeline.types import ConfigError

ROUND_KEYS = {"tokens_per_s", "requests_per_s", "latency_s", "requests", "tokens", "pipeline_overhead_ms",
              "moderation_share", "breakdown_ms", "actions", "errors", "method"}


def check_shape(result: dict[str, Any], *, chats: int, messages: int) -> None:
    assert result["mode"] == "e2e"
    for key in ("config", "sequential", "batched", "speedup", "pipeline_overhead_ms", "pipeline_overhead_ms_loaded",
                "moderation_share", "replies_per_s", "warmup_s", "device", "quantization", "versions"):
        assert key in result, key
    for name in ("sequential", "batched"):
        part = result[name]
        assert ROUND_KEYS <= set(part), name
        assert set(part["latency_s"]) == {"p50", "p95"} and set(part["pipeline_overhead_ms"]) == {"p50", "p95"}
        assert part["errors"] == 0 and 0.0 <= part["moderation_share"] <= 1.0
        assert part["latency_s"]["p50"] <= part["latency_s"]["p95"]
    assert result["batched"]["requests"] == chats * messages
    assert set(result["pipeline_overhead_ms"]) == {"p50", "p95"}
    assert result["config"]["chats"] == chats and result["config"]["messages"] == messages
    assert isinstance(result["speedup"], float)
    json.dumps(result)  # serialisable


async def test_echo_backend(tmp_path: Path) -> None:
    opts = BenchOptions(mode="e2e", backend="echo", chats=3, messages=2)
    result = await run_e2e_bench(opts, Settings())
    check_shape(result, chats=3, messages=2)
    assert result["config"]["classifier"] == "none"  # the CPU figure: keyword stage only
    assert result["sequential"]["requests"] == 6  # echo: the naive round sends every message too
    assert result["batched"]["actions"].get("allow", 0) > 0
    assert "gpu_memory_peak_mb" not in result


async def test_tiny_model_with_classifier(tiny_gpt2: Path) -> None:
    opts = BenchOptions(mode="e2e", model=str(tiny_gpt2), chats=3, messages=2, prompt_tokens=40, new_tokens=4,
                        classifier="tiny", device="cpu")
    result = await run_e2e_bench(opts, Settings())
    check_shape(result, chats=3, messages=2)
    assert result["config"]["classifier"] == "tiny" and result["config"]["backend"] == "transformers"
    assert 0 < result["batched"]["tokens"] <= 3 * 2 * 4  # a stop string may end a reply early
    assert result["sequential"]["tokens"] == result["sequential"]["requests"] * 4  # generate() ignores stops
    assert "generate()" in result["sequential"]["method"] and "unbatched" in result["sequential"]["method"]
    assert result["engine_stats"]["prefills"] >= 1


async def test_random_init_uses_a_synthetic_tokenizer() -> None:
    opts = BenchOptions(mode="e2e", random_init="qwen2-tiny", chats=2, messages=2, prompt_tokens=24, new_tokens=3,
                        classifier="none", device="cpu", sequential_chats=1)
    result = await run_e2e_bench(opts, Settings())
    check_shape(result, chats=2, messages=2)
    assert result["config"]["model"] == "random-init:qwen2-tiny"
    assert result["config"]["tokenizer"] == "synthetic word-level"
    assert result["batched"]["tokens"] == 2 * 2 * 3 and result["sequential"]["requests"] == 2


def test_plan_defaults_and_errors() -> None:
    s = Settings()
    plan = make_plan(BenchOptions(mode="e2e", backend="echo"), s)
    assert plan.classifier == "none" and plan.sequential_chats == 16
    plan = make_plan(BenchOptions(mode="e2e", random_init="qwen2-tiny", device="cpu", chats=80), s)
    assert plan.backend == "transformers" and plan.classifier == "tiny" and plan.generation.max_batch_size == 80
    assert plan.sequential_chats == 4
    with pytest.raises(ConfigError, match="--random-init needs --backend transformers"):
        make_plan(BenchOptions(mode="e2e", backend="echo", random_init="qwen2-tiny"), s)
    with pytest.raises(ConfigError, match="--classifier"):
        make_plan(BenchOptions(mode="e2e", backend="echo", classifier="huge"), s)
    with pytest.raises(ConfigError, match="classifier.enabled"):
        make_plan(BenchOptions(mode="e2e", backend="echo", classifier="config"), s)
    with pytest.raises(ConfigError, match="openai"):
        make_plan(BenchOptions(mode="e2e", backend="openai"), s)


async def test_quantization_without_bitsandbytes_is_one_clear_line() -> None:
    opts = BenchOptions(mode="e2e", random_init="qwen2-tiny", chats=1, quantization="8bit", device="cpu")
    with pytest.raises(ConfigError) as err:
        await run_e2e_bench(opts, Settings())
    assert "generation.quantization" in str(err.value) and "\n" not in str(err.value)


def test_synthetic_tokenizer_and_vocab(tmp_path: Path) -> None:
    import random

    tok = synthetic_tokenizer(1024)
    assert len(tok) == 1024
    text = words_text(12, random.Random(0))
    ids = tok(text, add_special_tokens=False)["input_ids"]
    assert len(ids) == 12 and tok.decode(ids) == text
    assert all(w for w in tok.decode(list(range(200, 260))).split())

    from moderation.classifier import ClassifierModel, load_model
    from moderation.config import ClassifierSettings
    from moderation.testing import make_detoxify_checkpoint

    base = synthetic_bert_dir(tmp_path / "vocab")  # what a machine without ../shared uses
    ckpt, config_dir = make_detoxify_checkpoint(tmp_path, base, shape="tiny")
    loaded = load_model(ClassifierSettings(enabled=True, model=str(ckpt), config_dir=str(config_dir)))
    import torch

    model = ClassifierModel(loaded, device=torch.device("cpu"), dtype=torch.float32)
    (scores, chunks), = model.score(["the quick brown fox bakomu"])
    assert chunks == 1 and set(scores) >= {"toxicity", "insult"}


def test_cli_e2e_echo(tmp_path: Path) -> None:
    from bot.cli import app

    out = tmp_path / "e2e.json"
    res = CliRunner().invoke(app, ["bench", "--e2e", "--backend", "echo", "--chats", "2", "--messages", "2",
                                   "--json-out", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    check_shape(data, chats=2, messages=2)
    assert json.loads(out.read_text()) == data
    res = CliRunner().invoke(app, ["bench", "--e2e", "--backend", "echo", "--classifier", "huge"])
    assert res.exit_code == 2 and "--classifier" in res.output
