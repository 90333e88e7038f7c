"""The slot engine (fixed KV slots, CUDA-graph ready) decodes exactly like the eager continuous engine.

CUDA graphs cannot run here; their plumbing is checked with a stand-in runner whose replay re-runs the
captured step, which is what a graph does: the same kernels reading the same static buffers.
"""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Callable

import pytest
import torch

from pipeline.backends.decode import model_forward
from pipeline.backends.engine import BatchEngine
from pipeline.backends.slot_cache import GROUPED_DECODE, grouped_decode_attention
from pipeline.backends.slots import SlotEngine, graph_sizes, slots_unsupported
from pipeline.backends.transformers_backend import TransformersBackend
from pipeline.settings import GenerationSettings
from pipeline.types import GenerationRequest, SamplingParams, generate_one
from tests.pipeline.generation_helpers import GREEDY, alone, joining_mid_decode, mixed_params, prompts

COMMON: dict[str, Any] = dict(eos_ids=[50256], pad_id=50256, vocab_size=50257, max_positions=256, seed=0,
                              max_batch_size=16, batch_wait_ms=20.0)


class RerunGraphs:
    """A graph runner for CPU: capture runs the step once, replay runs it again on the same buffers."""

    def __init__(self, replay_fault: Callable[[Any], None] | None = None, fail: bool = False) -> None:
        self.captured: list[int] = []
        self.replay_fault = replay_fault
        self.fail = fail
        # A real graph replays kernels on the addresses it captured: the engine must update its
        # buffers in place, never rebind them. Set to a function listing those addresses to check it.
        self.buffers: Callable[[], list[int]] | None = None
        self.replays = 0

    def warm(self, fn: Callable[[], Any]) -> None:
        fn()

    def capture(self, fn: Callable[[], Any]) -> Any:
        if self.fail:
            raise RuntimeError("operation not permitted when stream is capturing")
        fn()
        self.captured.append(1)
        runner = self
        captured = self.buffers() if self.buffers is not None else None

        class Graph:
            def replay(self) -> None:
                if captured is not None:
                    assert runner.buffers is not None and runner.buffers() == captured, "a buffer was rebound"
                runner.replays += 1
                out = fn()
                if runner.replay_fault is not None:
                    runner.replay_fault(out)

        return Graph()


def qwen2(attn: str = "sdpa") -> Any:
    """A tiny random Qwen2 (grouped-query attention, rotary positions), the family the GPU bench uses."""
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(1234)
    config = Qwen2Config(num_hidden_layers=2, hidden_size=64, intermediate_size=128, num_attention_heads=4,
                         num_key_value_heads=2, vocab_size=50257, max_position_embeddings=256,
                         initializer_range=0.3, attn_implementation=attn)
    return Qwen2ForCausalLM(config).eval()


async def started(engine: BatchEngine) -> BatchEngine:
    engine.start()
    return engine


@pytest.fixture
async def reference(small_model: tuple[Any, Any]) -> AsyncIterator[BatchEngine]:
    eng = await started(BatchEngine(model_forward(small_model[0]), tokenizer=small_model[1], **COMMON))
    yield eng
    await eng.aclose()


async def batched(engine: BatchEngine, ps: list[list[int]], params: list[SamplingParams]) -> list[Any]:
    return await asyncio.gather(*(engine.submit(p, sp, ignore_eos=True) for p, sp in zip(ps, params)))


async def test_slots_match_the_eager_engine_token_for_token(
    small_model: tuple[Any, Any], reference: BatchEngine
) -> None:
    model, tok = small_model
    slots = await started(SlotEngine(model, tokenizer=tok, cache_len=128, **COMMON))
    try:
        ps, params = prompts(16), mixed_params(16)  # rows finish at different steps: slots are compacted
        got = await batched(slots, ps, params)
        want = await alone(reference, ps, params)
        assert slots.fallback is None and slots.stats["max_batch"] >= 8
        assert [g.token_ids for g in got] == [w.token_ids for w in want]
        assert [g.text for g in got] == [w.text for w in want]
        assert sum(len(set(g.token_ids)) > 3 for g in got) >= 6
    finally:
        await slots.aclose()


@pytest.mark.parametrize("attn", ["sdpa", "eager"])
async def test_qwen2_rows_joining_mid_decode_match_alone(attn: str) -> None:
    model = qwen2(attn)
    ref = await started(BatchEngine(model_forward(model), **COMMON))
    slots = await started(SlotEngine(model, cache_len=128, **COMMON))
    try:
        ps, params, got = await joining_mid_decode(slots)
        want = await alone(ref, ps, params)
        assert slots.fallback is None
        assert slots.decode_attention == (GROUPED_DECODE if attn == "sdpa" else None)
        assert [g.token_ids for g in got] == [w.token_ids for w in want]
        assert all(len(set(g.token_ids)) >= 4 for g in got)
    finally:
        await slots.aclose()
        await ref.aclose()


async def test_graph_replays_decode_the_same(small_model: tuple[Any, Any], reference: BatchEngine) -> None:
    runner = RerunGraphs()
    engine = SlotEngine(small_model[0], cache_len=96, graph_runner=runner, **COMMON)

    def buffers() -> list[int]:
        tensors = [engine.tokens, engine.positions, engine.logits, engine.seen]
        tensors += [t for layer in engine.cache.layers for t in (layer.keys, layer.values)]
        return [t.data_ptr() if t is not None else 0 for t in tensors]

    runner.buffers = buffers
    slots = await started(engine)
    try:
        ps, params = prompts(11, seed=3), mixed_params(11)
        got = await batched(slots, ps, params)
        assert sorted(slots.graphs) == graph_sizes(16) == [1, 2, 4, 8, 16]
        assert len(runner.captured) == 5 and slots.prepare_s is not None
        assert runner.replays > 10  # the decode steps ran as replays, each on the captured buffers
        want = await alone(reference, ps, params)
        assert [g.token_ids for g in got] == [w.token_ids for w in want]
    finally:
        await slots.aclose()


@pytest.mark.parametrize("runner", [RerunGraphs(fail=True), RerunGraphs(replay_fault=lambda out: out.mul_(-1))],
                         ids=["capture-fails", "replay-differs"])
async def test_broken_graphs_are_turned_off_not_trusted(
    small_model: tuple[Any, Any], reference: BatchEngine, runner: RerunGraphs
) -> None:
    slots = await started(SlotEngine(small_model[0], cache_len=96, graph_runner=runner, **COMMON))
    try:
        ps, params = prompts(6, seed=4), mixed_params(6)
        got = await batched(slots, ps, params)
        assert slots.graphs == {} and slots.fallback is None  # eager fixed-shape steps instead
        assert [g.token_ids for g in got] == [w.token_ids for w in await alone(reference, ps, params)]
    finally:
        await slots.aclose()


async def test_a_model_the_slots_decode_wrongly_falls_back(
    small_model: tuple[Any, Any], reference: BatchEngine
) -> None:
    class Miscompares(SlotEngine):
        def _forward_into_logits(self, rows: int) -> torch.Tensor:
            return super()._forward_into_logits(rows).add_(5.0)  # as if the model ignored the 4-D mask

    slots = await started(Miscompares(small_model[0], cache_len=96, **COMMON))
    try:
        ps, params = prompts(5, seed=6), mixed_params(5)
        got = await batched(slots, ps, params)
        assert slots.fallback and "differs" in slots.fallback
        assert [g.token_ids for g in got] == [w.token_ids for w in await alone(reference, ps, params)]
    finally:
        await slots.aclose()


async def test_cache_length_bounds_each_request(small_model: tuple[Any, Any]) -> None:
    slots = await started(SlotEngine(small_model[0], cache_len=40, **COMMON))
    try:
        long_prompt, short_prompt = list(range(100, 140)), list(range(100, 130))
        params = SamplingParams(max_new_tokens=30, temperature=0.0)
        too_long, capped = await batched(slots, [long_prompt, short_prompt], [params, params])
        assert too_long.finish_reason == "error" and "cache of 40" in (too_long.error or "")
        assert capped.error is None and len(capped.token_ids) == 10 and capped.finish_reason == "length"
    finally:
        await slots.aclose()


async def test_sampling_and_cancellation_in_slots(small_model: tuple[Any, Any]) -> None:
    slots = await started(SlotEngine(small_model[0], tokenizer=small_model[1], cache_len=128, **COMMON))
    try:
        ps = prompts(4, seed=8)
        sampled = [SamplingParams(max_new_tokens=6, temperature=0.9, top_p=0.8, top_k=20, repetition_penalty=1.1),
                   SamplingParams(max_new_tokens=6, temperature=1.2, top_p=1.0, top_k=0),
                   SamplingParams(max_new_tokens=6, temperature=0.0)]
        slow = asyncio.ensure_future(slots.submit(ps[3], SamplingParams(max_new_tokens=100, temperature=0.0),
                                                  ignore_eos=True))
        outs = await batched(slots, ps[:3], sampled)
        slow.cancel()
        assert [len(o.token_ids) for o in outs] == [6, 6, 6]
        assert all(0 <= t < 50257 for o in outs for t in o.token_ids)
        after = await slots.submit(ps[0], GREEDY, ignore_eos=True)  # the cancelled row's slot was freed
        assert after.error is None and len(after.token_ids) == GREEDY.max_new_tokens
    finally:
        await slots.aclose()


@pytest.mark.parametrize("float_mask", [False, True])
def test_grouped_decode_attention_equals_sdpa_with_repeated_heads(float_mask: bool) -> None:
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    gen = torch.Generator().manual_seed(0)
    rows, heads, kv_heads, columns, dim = 5, 8, 2, 33, 16
    query = torch.randn(rows, heads, 1, dim, generator=gen)
    key, value = (torch.randn(rows, kv_heads, columns, dim, generator=gen) for _ in range(2))
    allowed = torch.arange(columns)[None, :] <= torch.tensor([0, 3, 10, 20, 32])[:, None]
    mask = allowed[:, None, None, :]
    if float_mask:
        mask = torch.zeros(mask.shape).masked_fill(~mask, torch.finfo(torch.float32).min)
    module = torch.nn.Module()
    module.num_key_value_groups = heads // kv_heads  # type: ignore[assignment]
    module.is_causal = True  # type: ignore[assignment]
    want, _ = sdpa_attention_forward(module, query, key, value, mask, scaling=0.3)
    got, _ = grouped_decode_attention(module, query, key, value, mask, scaling=0.3)
    assert got.shape == want.shape == (rows, 1, heads, dim)
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)


def test_graph_buckets() -> None:
    assert graph_sizes(1) == [1]
    assert graph_sizes(64) == [1, 2, 4, 8, 16, 24, 32, 40, 48, 56, 64]
    assert graph_sizes(20) == [1, 2, 4, 8, 16, 20]


def test_models_the_slots_cannot_run_are_named() -> None:
    model = qwen2()
    assert slots_unsupported(model) is None
    model.config.layer_types = ["full_attention", "sliding_attention"]
    assert "sliding" in (slots_unsupported(model) or "")


async def test_backend_picks_the_slot_engine_from_settings(small_model: tuple[Any, Any]) -> None:
    model, tok = small_model
    settings = GenerationSettings(engine="slots", max_batch_size=4, context_tokens=64, max_new_tokens=12)
    backend = TransformersBackend.from_model(model, tok, settings, ignore_eos=True)
    await backend.start()
    try:
        assert isinstance(backend.engine, SlotEngine) and backend.engine.cache_len == 64 + 12 + 64
        result = await generate_one(backend, GenerationRequest("r", [], GREEDY, prompt_ids=prompts(1)[0]))
        assert result.ok and result.tokens == 12
    finally:
        await backend.aclose()
    assert TransformersBackend(GenerationSettings()).engine_kind == "auto"


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_random_arrivals_and_cancellations_match_alone(
    small_model: tuple[Any, Any], reference: BatchEngine, seed: int
) -> None:
    """Twenty requests of random lengths arrive at random times into 8 slots; some are cancelled.
    Every one that finishes equals its run alone, token for token (slots fill, drain and compact)."""
    import random

    rng = random.Random(seed)
    slots = await started(SlotEngine(small_model[0], cache_len=100, graph_runner=RerunGraphs(),
                                     **{**COMMON, "max_batch_size": 8, "batch_wait_ms": 2.0}))
    try:
        ps = [[rng.randrange(50000) for _ in range(rng.randint(1, 60))] for _ in range(20)]
        params = [SamplingParams(max_new_tokens=rng.randint(1, 30), temperature=0.0,
                                 repetition_penalty=rng.choice([1.0, 1.2])) for _ in range(20)]
        futures = []
        for p, sp in zip(ps, params):
            futures.append(asyncio.ensure_future(slots.submit(p, sp, ignore_eos=True)))
            await asyncio.sleep(rng.choice([0, 0, 0.001, 0.005]))
        cancelled = set(rng.sample(range(20), 3))
        for i in cancelled:
            futures[i].cancel()
        done = await asyncio.gather(*futures, return_exceptions=True)
        want = await alone(reference, ps, params)
        for i, (got, w) in enumerate(zip(done, want)):
            if i in cancelled and isinstance(got, asyncio.CancelledError):
                continue
            assert not isinstance(got, BaseException) and got.error is None, (i, got)
            assert got.token_ids == w.token_ids, i
        assert slots.stats["max_batch"] <= 8
    finally:
        await slots.aclose()


@pytest.mark.parametrize("attn", ["sdpa", "eager"])
def test_the_decode_step_has_no_host_sync(attn: str) -> None:
    """CUDA graph capture fails on anything that waits for the GPU (.item(), data-dependent
    shapes, Python branches on tensor values). TorchDynamo breaks its graph on exactly those, so
    a step it traces as one graph with no break is one a graph can capture; checked on CPU."""
    import torch._dynamo as dynamo

    engine = SlotEngine(qwen2(attn), cache_len=64, cuda_graphs=False, **{**COMMON, "max_batch_size": 4})
    with torch.inference_mode():
        engine._forward_into_logits(4)  # sizes the buffers, as start-up does
        engine.positions.copy_(torch.tensor([0, 3, 7, 2]))
        explained = dynamo.explain(lambda: engine._forward_into_logits(4))()
    dynamo.reset()
    assert explained.graph_break_count == 0, [str(b.reason) for b in explained.break_reasons]
    assert explained.graph_count == 1
