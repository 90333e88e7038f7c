"""Real generation on tiny models: batching across chats, batched == alone, failures stay per request."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from typing import Any, AsyncIterator, Callable

import pytest
import torch

from pipeline.backends import build_backend
from pipeline.backends.decode import Forward, model_forward
from pipeline.backends.engine import BatchEngine
from pipeline.backends.transformers_backend import TransformersBackend
from pipeline.context import FALLBACK_STOPS
from pipeline.settings import GenerationSettings
from pipeline.types import ConfigError, GenerationRequest, SamplingParams, generate_one
from tests.pipeline.generation_helpers import GREEDY, alone, joining_mid_decode, mixed_params, prompts


def make_engine(model: Any, tokenizer: Any, forward: Forward | None = None, **kw: Any) -> BatchEngine:
    engine = BatchEngine(
        forward or model_forward(model), tokenizer=tokenizer, eos_ids=[50256], pad_id=50256, vocab_size=50257,
        max_positions=256, seed=0, **{"max_batch_size": 16, "batch_wait_ms": 20.0, **kw},
    )
    engine.start()
    return engine


@pytest.fixture
async def engine(small_model: tuple[Any, Any]) -> AsyncIterator[BatchEngine]:
    eng = make_engine(*small_model)
    yield eng
    await eng.aclose()


async def test_real_generation_on_tiny_gpt2(tiny_gpt2: Path) -> None:
    backend = build_backend(GenerationSettings(model=str(tiny_gpt2), max_new_tokens=8))
    await backend.start()
    try:
        assert isinstance(backend, TransformersBackend) and backend.tokenizer is not None
        msgs = [{"role": "system", "content": "Be nice."}, {"role": "user", "content": "Hello there"}]
        result = await generate_one(backend, GenerationRequest("r1", msgs, SamplingParams(max_new_tokens=8)))
        assert result.ok and 1 <= result.tokens <= 8 and result.prompt_tokens > 5
        assert result.finish_reason in ("stop", "length") and isinstance(result.text, str)
        assert set(FALLBACK_STOPS) <= set(backend._stops(GenerationRequest("r2", msgs)))
    finally:
        await backend.aclose()


async def test_context_builder_and_backend_use_the_same_prompt(tiny_gpt2: Path) -> None:
    from pipeline.context import ContextBuilder
    from pipeline.types import Turn

    backend = build_backend(GenerationSettings(model=str(tiny_gpt2)))
    await backend.start()
    try:
        assert isinstance(backend, TransformersBackend) and backend.context_window == 1024
        builder = ContextBuilder(backend.tokenizer, system_prompt="Be nice.", budget_tokens=40)
        turns = [Turn(1, "user" if i % 2 == 0 else "assistant", f"turn {i} " * 4) for i in range(9)]
        built = builder.build(turns)
        assert built.prompt_ids == backend.prompt_ids(GenerationRequest("x", built.messages))
        assert built.tokens <= 40
    finally:
        await backend.aclose()


async def test_closed_engine_answers_with_an_error(small_model: tuple[Any, Any]) -> None:
    eng = make_engine(*small_model)
    await eng.aclose()
    out = await eng.submit([1, 2, 3], GREEDY)
    assert out.finish_reason == "error" and out.error is not None and "not running" in out.error


async def test_sixteen_concurrent_requests_are_batched(tiny_gpt2: Path) -> None:
    backend = build_backend(GenerationSettings(model=str(tiny_gpt2), batch_wait_ms=50))
    await backend.start()
    try:
        reqs = [GenerationRequest(f"c{i}", [{"role": "user", "content": f"message number {i}"}],
                                  SamplingParams(max_new_tokens=10, temperature=0.8)) for i in range(16)]
        results = await asyncio.gather(*(generate_one(backend, r) for r in reqs))
        assert sorted(r.request_id for r in results) == sorted(r.request_id for r in reqs)
        assert all(r.ok and r.tokens >= 1 for r in results)
        assert isinstance(backend, TransformersBackend) and backend.engine is not None
        assert backend.engine.stats["max_batch"] > 1  # they really shared decode steps
        # generate() with many requests yields every result once, in completion order.
        got = [r.request_id async for r in backend.generate(reqs[:5])]
        assert sorted(got) == sorted(r.request_id for r in reqs[:5])
    finally:
        await backend.aclose()


async def test_batched_equals_alone_token_for_token(engine: BatchEngine) -> None:
    ps, params = prompts(16), mixed_params(16)
    batched = await asyncio.gather(*(engine.submit(p, sp, ignore_eos=True) for p, sp in zip(ps, params)))
    assert engine.stats["max_batch"] >= 8
    single = await alone(engine, ps, params)
    assert sum(len(set(b.token_ids)) > 3 for b in batched) >= 6  # not a degenerate repeat of one token
    for b, a, sp in zip(batched, single, params):
        assert b.error is None and len(b.token_ids) == sp.max_new_tokens
        assert b.token_ids == a.token_ids
        assert b.text == a.text


async def test_rows_joining_a_running_batch_match_alone(engine: BatchEngine) -> None:
    ps, params, batched = await joining_mid_decode(engine)
    single = await alone(engine, ps, params)
    assert [b.token_ids for b in batched] == [a.token_ids for a in single]
    assert all(len(set(b.token_ids)) >= 5 for b in batched)  # varied output: positions really matter


async def test_cuda_oom_shrinks_the_batch_instead_of_failing(small_model: tuple[Any, Any]) -> None:
    model, tok = small_model
    real = model_forward(model)
    ran: list[int] = []

    def forward(ids: torch.Tensor, mask: torch.Tensor, pos: torch.Tensor, cache: Any) -> torch.Tensor:
        if ids.shape[0] > 4:  # pretend only four rows fit on the GPU
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        ran.append(ids.shape[0])
        return real(ids, mask, pos, cache)

    eng = make_engine(model, tok, forward)
    ref = make_engine(model, tok)
    try:
        ps, params = prompts(16, seed=3), mixed_params(16)
        batched = await asyncio.gather(*(eng.submit(p, sp, ignore_eos=True) for p, sp in zip(ps, params)))
        assert eng.stats["oom_splits"] > 0 and max(ran) == 4
        single = await alone(ref, ps, params)
        assert [b.error for b in batched] == [None] * 16
        assert [b.token_ids for b in batched] == [a.token_ids for a in single]
    finally:
        await eng.aclose()
        await ref.aclose()


async def test_oom_during_decode_requeues_rows(small_model: tuple[Any, Any]) -> None:
    model, tok = small_model
    real = model_forward(model)
    calls = {"steps": 0}

    def forward(ids: torch.Tensor, mask: torch.Tensor, pos: torch.Tensor, cache: Any) -> torch.Tensor:
        if ids.shape[1] == 1 and ids.shape[0] > 2:
            calls["steps"] += 1
            if calls["steps"] == 3:  # the KV cache grew too big mid-reply
                raise torch.OutOfMemoryError("CUDA out of memory")
        return real(ids, mask, pos, cache)

    eng = make_engine(model, tok, forward)
    try:
        ps = prompts(6, seed=11)
        params = [SamplingParams(max_new_tokens=10, temperature=0.0)] * 6
        batched = await asyncio.gather(*(eng.submit(p, sp, ignore_eos=True) for p, sp in zip(ps, params)))
        single = await alone(eng, ps, params)
        assert eng.stats["oom_splits"] == 1
        assert [b.token_ids for b in batched] == [a.token_ids for a in single]
    finally:
        await eng.aclose()


async def test_one_bad_request_fails_alone(small_model: tuple[Any, Any]) -> None:
    model, tok = small_model
    real = model_forward(model)
    poison = 49999

    def forward(ids: torch.Tensor, mask: torch.Tensor, pos: torch.Tensor, cache: Any) -> torch.Tensor:
        if bool((ids == poison).any()):
            raise RuntimeError("kernel failure on this input")
        return real(ids, mask, pos, cache)

    eng = make_engine(model, tok, forward)
    try:
        ps = prompts(6, seed=2)
        ps[2] = ps[2] + [poison]  # fails inside the model
        ps[4] = [1, 2, 60000]  # outside the vocabulary
        outs = await asyncio.gather(*(eng.submit(p, GREEDY) for p in ps))
        assert outs[2].error is not None and "kernel failure" in outs[2].error
        assert outs[4].error is not None and "vocabulary" in outs[4].error
        assert all(o.error is None and o.token_ids for i, o in enumerate(outs) if i not in (2, 4))
        assert outs[2].finish_reason == "error"
    finally:
        await eng.aclose()


async def test_cancelled_request_leaves_the_batch(engine: BatchEngine) -> None:
    ps = prompts(4, seed=4)
    long = SamplingParams(max_new_tokens=200, temperature=0.0)
    victim = asyncio.ensure_future(engine.submit(ps[0], long, ignore_eos=True))
    others = [asyncio.ensure_future(engine.submit(p, GREEDY, ignore_eos=True)) for p in ps[1:]]
    await asyncio.sleep(0.05)
    victim.cancel()
    outs = await asyncio.gather(*others)
    assert all(o.error is None for o in outs)
    with pytest.raises(asyncio.CancelledError):
        await victim


async def test_stop_string_cuts_the_reply(engine: BatchEngine) -> None:
    p = prompts(1, seed=21)[0]
    params = SamplingParams(max_new_tokens=30, temperature=0.0)
    full = await engine.submit(p, params, ignore_eos=True)
    letters = [i for i in range(4, len(full.text) - 3) if full.text[i:i + 3].isascii() and full.text[i:i + 3].isalpha()]
    if not letters:
        pytest.skip("no ascii run in this random model's output")
    stop = full.text[letters[0]:letters[0] + 3]
    cut = await engine.submit(p, params, stop=[stop], ignore_eos=True)
    assert cut.text == full.text[: full.text.find(stop)]
    assert cut.finish_reason == "stop" and len(cut.token_ids) < len(full.token_ids)


async def test_sampling_settings_run(engine: BatchEngine) -> None:
    ps = prompts(3, seed=8)
    params = [SamplingParams(max_new_tokens=6, temperature=0.9, top_p=0.8, top_k=20, repetition_penalty=1.1),
              SamplingParams(max_new_tokens=6, temperature=1.2, top_p=1.0, top_k=0),
              SamplingParams(max_new_tokens=6, temperature=0.0)]
    outs = await asyncio.gather(*(engine.submit(p, sp, ignore_eos=True) for p, sp in zip(ps, params)))
    assert [len(o.token_ids) for o in outs] == [6, 6, 6]
    assert all(0 <= t < 50257 for o in outs for t in o.token_ids)


async def test_static_engine_matches_continuous(small_model: tuple[Any, Any]) -> None:
    model, tok = small_model
    settings = GenerationSettings(max_batch_size=8, batch_wait_ms=20)
    static = TransformersBackend.from_model(model, tok, settings, engine="static", ignore_eos=True)
    cont = TransformersBackend.from_model(model, tok, settings, engine="continuous", ignore_eos=True)
    await static.start()
    await cont.start()
    try:
        reqs = [GenerationRequest(f"s{i}", [], GREEDY, prompt_ids=p) for i, p in enumerate(prompts(6, seed=13))]
        a = await asyncio.gather(*(generate_one(static, r) for r in reqs))
        b = [await generate_one(cont, r) for r in reqs]
        assert [r.text for r in a] == [r.text for r in b]
        assert all(r.ok and r.tokens == 12 for r in a)
    finally:
        await static.aclose()
        await cont.aclose()


def _one_line_config_error(make: Callable[[], Any]) -> str:
    with pytest.raises(ConfigError) as info:
        asyncio.run(make())
    text = str(info.value)
    assert "\n" not in text and text.startswith("generation.")
    return text


def test_missing_model_path_is_one_line(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-model")
    text = _one_line_config_error(lambda: build_backend(GenerationSettings(model=missing)).start())
    assert "not found" in text and "--backend echo" in text


def test_hub_unreachable_is_one_line() -> None:
    text = _one_line_config_error(lambda: build_backend(GenerationSettings(model="nobody/no-model")).start())
    assert "unreachable" in text


def test_not_a_causal_lm_is_one_line(tiny_bert: Path) -> None:
    text = _one_line_config_error(lambda: build_backend(GenerationSettings(model=str(tiny_bert))).start())
    assert "not a causal language model" in text


def test_tokenizer_mismatch_is_one_line(tiny_gpt2: Path, tmp_path: Path) -> None:
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

    GPT2LMHeadModel(GPT2Config(n_layer=1, n_embd=8, n_head=1, vocab_size=100)).save_pretrained(tmp_path)
    AutoTokenizer.from_pretrained(str(tiny_gpt2)).save_pretrained(tmp_path)
    text = _one_line_config_error(lambda: build_backend(GenerationSettings(model=str(tmp_path))).start())
    assert "does not belong" in text


@pytest.mark.skipif(importlib.util.find_spec("bitsandbytes") is not None, reason="bitsandbytes installed")
def test_quantization_without_bitsandbytes_is_one_line(tiny_gpt2: Path) -> None:
    s = GenerationSettings(model=str(tiny_gpt2), quantization="8bit")
    text = _one_line_config_error(lambda: build_backend(s).start())
    assert "bitsandbytes" in text


async def test_long_prompt_bursts_are_admitted_in_bounded_slices(small_model: tuple[Any, Any]) -> None:
    admitted: list[int] = []
    ps = [list(range(1000 + i, 1040 + i)) for i in range(8)]
    params = [SamplingParams(max_new_tokens=60 if i < 2 else 5, temperature=0.0) for i in range(8)]
    burst: list[Any] = []

    class Recording(BatchEngine):
        def _admit(self, batch: Any, rows: list[Any], admit: list[Any]) -> Any:
            if rows:  # only while other rows are decoding
                admitted.append(sum(len(job.input_ids) for job in admit))
            return super()._admit(batch, rows, admit)

    def on_batch(rows: int) -> None:  # after the first decode step, six 40-token prompts arrive at once
        if not burst:
            burst.extend(eng.submit_nowait(p, sp, ignore_eos=True) for p, sp in zip(ps[2:], params[2:]))

    model, tok = small_model
    eng = Recording(model_forward(model), tokenizer=tok, eos_ids=[50256], pad_id=50256, vocab_size=50257,
                    max_positions=256, seed=0, max_batch_size=16, batch_wait_ms=5.0, max_prefill_tokens=100,
                    on_batch=on_batch)
    eng.start()
    try:
        first = await asyncio.gather(*(eng.submit(p, sp, ignore_eos=True) for p, sp in zip(ps[:2], params[:2])))
        got = first + [await asyncio.wrap_future(f) for f in burst]
        assert admitted and max(admitted) <= 100 and sum(admitted) == 6 * 40
        eng.on_batch = None
        assert [g.token_ids for g in got] == [a.token_ids for a in await alone(eng, ps, params)]
    finally:
        await eng.aclose()
