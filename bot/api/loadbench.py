"""`parley bench --api`: requests/s and latency of POST /v1/moderations under N concurrent clients.

The API runs in-process (its own thread and event loop) on 127.0.0.1 with the echo backend; the
clients run on the caller's loop over real HTTP. Two rounds in the same run, same texts:
`sequential` = the classifier unbatched (batch_size 1), `batched` = micro-batched (batch_size N), so
`speedup` shows what sharing forward passes across concurrent requests buys. With no classifier
model given, a Detoxify-format checkpoint is built locally (moderation.testing; shape "tiny" or
"bert-base", random weights: timings are real, scores are not).
"""

from __future__ import annotations

import asyncio
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

import httpx

from pipeline.bench_assets import WORDS, sample_texts  # noqa: F401  (re-exported)

from pipeline.bench import percentile
from pipeline.settings import Settings

def bench_settings(base: Settings, *, db: Path, key: str, model: str, config_dir: str | None, device: str,
                   batch_size: int, max_wait_ms: float) -> Settings:
    """The operator's moderation settings with the benchmark classifier; echo backend; no rate limit."""
    moderation = base.moderation.model_copy(update={
        "enabled": True, "hot_reload": False,
        "classifier": base.moderation.classifier.model_copy(update={
            "enabled": True, "model": model, "config_dir": config_dir, "device": device,
            "batch_size": batch_size, "max_wait_ms": max_wait_ms}),
    })
    return base.model_copy(update={
        "generation": base.generation.model_copy(update={"backend": "echo"}),
        "storage": base.storage.model_copy(update={"path": db}),
        "moderation": moderation,
        "metrics": base.metrics.model_copy(update={"enabled": False}),
        "api": type(base.api).model_validate({**base.api.model_dump(), "host": "127.0.0.1", "port": 8080,
                                              "api_keys": [key], "rate_limit_per_minute": 0}),
    })


async def _load(base_url: str, key: str, texts: Sequence[str], clients: int) -> tuple[list[float], float, int]:
    """`clients` connections each sending one request at a time until every text was sent."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for text in texts:
        queue.put_nowait(text)
    latencies: list[float] = []
    errors = 0

    async def client() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {key}"},
                                     timeout=120.0) as http:
            while True:
                try:
                    text = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t = time.perf_counter()
                response = await http.post("/v1/moderations", json={"input": text})
                latencies.append(time.perf_counter() - t)
                if response.status_code != 200:
                    errors += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, time.perf_counter() - t0, errors


async def _round(settings: Settings, key: str, texts: Sequence[str], warmup: Sequence[str], clients: int) -> dict[str, Any]:
    from bot.api import ApiServer, create_api
    from bot.compose import build_core

    server = ApiServer(create_api(build_core(settings), settings))
    await asyncio.to_thread(server.start)
    try:
        await _load(server.base_url, key, warmup, clients)  # model warm-up, connection setup
        latencies, wall, errors = await _load(server.base_url, key, texts, clients)
    finally:
        await asyncio.to_thread(server.stop)
    wall = max(wall, 1e-9)
    return {
        "tokens_per_s": None,  # no generation in this mode
        "requests_per_s": round(len(latencies) / wall, 3),
        "texts_per_s": round(len(latencies) / wall, 3),
        "latency_s": {"p50": round(percentile(latencies, 50), 4), "p95": round(percentile(latencies, 95), 4)},
        "requests": len(latencies),
        "errors": errors,
        "wall_s": round(wall, 3),
        "batch_size": settings.moderation.classifier.batch_size,
    }


async def run_api_bench(
    settings: Settings | None = None,
    *,
    clients: int = 16,
    requests: int = 256,
    model: str | None = None,
    config_dir: str | None = None,
    shape: str = "tiny",
    device: str = "auto",
    batch_size: int | None = None,
    max_wait_ms: float | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Unbatched vs batched classifier behind /v1/moderations; the DESIGN bench JSON with mode "api"."""
    base = settings or Settings()
    batch = batch_size or max(base.moderation.classifier.batch_size, 2)
    wait_ms = base.moderation.classifier.max_wait_ms if max_wait_ms is None else max_wait_ms
    texts = sample_texts(requests, seed=seed)
    warmup = sample_texts(max(clients, 8), seed=seed + 1)
    key = "bench-" + secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="parley-bench-api-") as tmp:
        work = Path(tmp)
        generated = model is None
        if model is None:
            from moderation.testing import make_detoxify_checkpoint

            ckpt, cfg = await asyncio.to_thread(make_detoxify_checkpoint, work, shape=shape, seed=seed)
            model, config_dir = str(ckpt), str(cfg)
        unbatched = bench_settings(base, db=work / "unbatched.db", key=key, model=model, config_dir=config_dir,
                                   device=device, batch_size=1, max_wait_ms=0.0)
        batched = bench_settings(base, db=work / "batched.db", key=key, model=model, config_dir=config_dir,
                                 device=device, batch_size=batch, max_wait_ms=wait_ms)
        sequential = await _round(unbatched, key, texts, warmup, clients)
        fast = await _round(batched, key, texts, warmup, clients)
    return {
        "mode": "api",
        "config": {
            "endpoint": "/v1/moderations", "clients": clients, "requests": requests,
            "classifier": f"random-init detoxify ({shape})" if generated else model,
            "device": device, "batch_size": batch, "max_wait_ms": wait_ms, "seed": seed,
        },
        "sequential": sequential,
        "batched": fast,
        "speedup": round(fast["requests_per_s"] / max(sequential["requests_per_s"], 1e-9), 3),
    }
