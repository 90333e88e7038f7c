"""Start-up warm-up of the engine, and a finished reply's moderation overlapping other chats' decoding."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import torch

from bot.compose import Core, build_moderator
from pipeline.backends.transformers_backend import TransformersBackend
from pipeline.backends.warmup import warmup_batches
from pipeline.bench import random_model
from pipeline.bench_assets import synthetic_tokenizer
from pipeline.pipeline import Pipeline
from pipeline.settings import GenerationSettings, Settings
from pipeline.store import Store
from pipeline.types import SamplingParams


def tiny_lm() -> tuple[Any, Any]:
    """A random 2-layer Qwen2 and a word-level tokenizer: no EOS, and no stop string can appear."""
    model = random_model("qwen2-tiny", torch.device("cpu"), torch.float32, seed=0)
    return model, synthetic_tokenizer(model.get_input_embeddings().num_embeddings)


def test_warmup_batches() -> None:
    assert warmup_batches(SimpleNamespace(max_batch_size=64), True) == [1, 2, 4, 8, 16, 32, 64]
    assert warmup_batches(SimpleNamespace(max_batch_size=48), True) == [1, 2, 4, 8, 16, 32, 48]
    assert warmup_batches(SimpleNamespace(max_batch_size=64), False) == [1, 64]
    assert warmup_batches(SimpleNamespace(max_batch_size=1), True) == [1]


@pytest.mark.parametrize("engine", ["continuous", "static"])
async def test_warmup_runs_before_start_returns(engine: str, caplog: pytest.LogCaptureFixture) -> None:
    model, tok = tiny_lm()
    settings = GenerationSettings(device="cpu", max_batch_size=4, max_new_tokens=8, context_tokens=64)
    backend = TransformersBackend.from_model(model, tok, settings, engine=engine, warmup=True)  # type: ignore[arg-type]
    caplog.set_level(logging.INFO, logger="parley.backend")
    await backend.start()
    try:
        assert backend.engine is not None and backend.warmup_s is not None
        assert backend.engine.stats["max_batch"] == 4  # the full batch shape was generated
        assert any("warming up the generation engine" in r.getMessage() for r in caplog.records)
        assert any("generation engine warm after" in r.getMessage() for r in caplog.records)
    finally:
        await backend.aclose()
    cpu_default = TransformersBackend.from_model(model, tok, settings)
    await cpu_default.start()
    try:
        assert cpu_default.warmup_s is None  # on CPU the start-up warm-up is off unless asked for
    finally:
        await cpu_default.aclose()


async def test_short_reply_is_moderated_and_stored_while_a_long_one_decodes(tmp_path: Path, tiny_bert: Path) -> None:
    from moderation.testing import make_detoxify_checkpoint

    ckpt, config_dir = make_detoxify_checkpoint(tmp_path, tiny_bert, shape="tiny")
    settings = Settings()
    settings.storage.path = tmp_path / "o.db"
    settings.moderation.hot_reload = False
    settings.moderation.classifier = settings.moderation.classifier.model_copy(update={
        "enabled": True, "model": str(ckpt), "config_dir": str(config_dir), "device": "cpu"})
    settings.moderation.thresholds = {"toxicity": 1.0}
    model, tok = tiny_lm()
    gen = GenerationSettings(device="cpu", max_batch_size=8, max_new_tokens=400, context_tokens=256, temperature=0.0)
    backend = TransformersBackend.from_model(model, tok, gen, engine="continuous", ignore_eos=True)
    core = Core(settings=settings, store=Store(settings.storage.path), backend=backend,
                moderator=build_moderator(settings))
    async with core:
        assert core.pipeline is not None and backend.engine is not None
        long_pipe = core.pipeline
        long_pipe.sampling = SamplingParams(max_new_tokens=400, temperature=0.0)
        short_pipe = Pipeline(store=core.store, backend=backend, moderator=core.moderator,
                              context=long_pipe.context, sampling=SamplingParams(max_new_tokens=3, temperature=0.0),
                              texts=settings.moderation.texts)
        long_task = asyncio.create_task(long_pipe.handle(1, "tell me a long story please"))
        for _ in range(2000):  # until the long request is decoding
            if backend.engine.stats["steps"] > 0:
                break
            await asyncio.sleep(0.005)
        short = await short_pipe.handle(2, "hi there")
        assert short.action == "allow" and "toxicity" in (short.verdict or {}).get("scores", {})
        assert [t.role for t in await core.store.history(2)] == ["user", "assistant"]
        assert not long_task.done()  # generation, moderation and storage of the short reply overlapped the long one
        long = await long_task
        assert long.action == "allow" and long.extra["tokens"] == 400
        assert backend.engine.stats["max_batch"] == 2  # decoded in one batch
