"""`parley bench --moderation`: texts/s per stage; JSON keys and sanity only (no timing asserts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from moderation.bench import cpu_rate, run_moderation_bench, timed_rate
from moderation.config import RegexSpec
from pipeline.bench import BenchOptions
from pipeline.settings import Settings
from pipeline.types import ConfigError

QUICK = {"min_s": 0.05, "texts": 200}


async def test_stages_with_tiny_classifier() -> None:
    opts = BenchOptions(mode="moderation", classifier="tiny", prompt_tokens=32, extra=dict(QUICK))
    result = await run_moderation_bench(opts, Settings())
    assert result["mode"] == "moderation"
    rates = result["texts_per_s"]
    for stage in ("normalize", "keywords", "keywords_check", "phrases", "classifier_unbatched",
                  "classifier_batched", "engine_unbatched", "engine"):
        assert rates[stage] > 0, stage
    assert rates["regex"] is None and "regex" in result["notes"]
    assert result["config"]["stages"] == ["keywords", "phrases", "classifier"] and result["config"]["n_texts"] == 200
    assert 100 <= result["config"]["mean_chars"] <= 200
    clf = result["classifier"]
    assert clf["forward_only"]["tokens"] == 32 and clf["batch_size"] == 64 and clf["dtype"] == "float32"
    for name in ("sequential", "batched"):
        assert {"texts_per_s", "requests_per_s", "latency_s", "tokens_per_s"} <= set(result[name])
    assert result["sequential"]["batch_size"] == 1 and result["batched"]["batch_size"] == 64
    assert isinstance(result["speedup"], float)
    json.dumps(result)


async def test_regex_stage_is_measured_when_configured() -> None:
    settings = Settings()
    settings.moderation.regexes = [RegexSpec(pattern=r"\bfree\s+money\b", name="spam")]
    opts = BenchOptions(mode="moderation", classifier="none", extra=dict(QUICK))
    result = await run_moderation_bench(opts, settings)
    assert result["texts_per_s"]["regex"] > 0 and result["classifier"] is None
    assert result["config"]["stages"] == ["keywords", "phrases", "regex"]
    with pytest.raises(ConfigError, match="--classifier"):
        await run_moderation_bench(BenchOptions(classifier="huge"), settings)


def test_rate_helpers_count_texts() -> None:
    calls: list[int] = []
    texts = [str(i) for i in range(10)]
    assert cpu_rate(lambda ts: calls.append(len(ts)), texts, repeat=3) > 0 and calls == [10, 10, 10]
    calls.clear()
    assert timed_rate(lambda ts: calls.append(len(ts)), texts, 4, min_s=0.0, repeat=1) > 0 and calls == [4]


def test_cli_moderation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import app
    from moderation import bench

    monkeypatch.setattr(bench, "_MIN_S", 0.05)
    monkeypatch.setattr(bench, "_TEXTS", 200)
    res = CliRunner().invoke(app, ["bench", "--moderation", "--classifier", "none"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["mode"] == "moderation" and data["texts_per_s"]["keywords"] > 0
