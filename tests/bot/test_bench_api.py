"""`parley bench --api` on a tiny random-init Detoxify classifier: both rounds run and report the DESIGN keys."""

from __future__ import annotations

from pipeline.bench import BenchOptions
from bot.api.loadbench import run_api_bench, sample_texts
from pipeline.settings import Settings


def test_sample_texts_are_deterministic() -> None:
    assert sample_texts(5, seed=3) == sample_texts(5, seed=3)
    assert all(8 <= len(t.split()) <= 48 for t in sample_texts(20))


async def test_api_bench_reports_batched_and_unbatched() -> None:
    settings = Settings(moderation={"use_default_list": False})
    result = await run_api_bench(settings, clients=4, requests=16, device="cpu", batch_size=8)
    assert result["mode"] == "api"
    assert result["config"]["classifier"].startswith("random-init")
    for name in ("sequential", "batched"):
        part = result[name]
        assert part["requests"] == 16 and part["errors"] == 0
        assert part["requests_per_s"] > 0
        assert 0 < part["latency_s"]["p50"] <= part["latency_s"]["p95"]
    assert result["sequential"]["batch_size"] == 1 and result["batched"]["batch_size"] == 8
    assert result["speedup"] > 0


async def test_bench_cli_adapter() -> None:
    from bot.api.bench import run_api_bench as adapter

    options = BenchOptions(mode="api", chats=2, device="cpu", extra={"requests": 4})
    result = await adapter(options, Settings(moderation={"use_default_list": False}))
    assert result["config"]["clients"] == 2 and result["batched"]["requests"] == 4
