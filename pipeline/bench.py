"""`parley bench` (generate mode): one generate() per request versus the batched engine, in the same run.

Prompts are random token ids of a fixed length and every request generates exactly `new_tokens`
tokens (end-of-sequence ignored), so tokens/s compare like with like. `random_init` builds a real
architecture with random weights (no download, no tokenizer), for machines that cannot fetch weights.
"""

from __future__ import annotations

import asyncio
import math
import platform
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

import torch
from pydantic import ValidationError

from pipeline.settings import GenerationSettings
from pipeline.types import ConfigError, GenerationRequest, SamplingParams, generate_one

_QWEN2_COMMON = dict(vocab_size=151936, max_position_embeddings=32768, rope_theta=1000000.0, tie_word_embeddings=True,
                     hidden_act="silu", rms_norm_eps=1e-6, use_sliding_window=False)
# Real shapes of public checkpoints (their config.json), random weights.
ARCHS: dict[str, dict[str, Any]] = {
    "qwen2-0.5b": dict(_QWEN2_COMMON, hidden_size=896, intermediate_size=4864, num_hidden_layers=24,
                       num_attention_heads=14, num_key_value_heads=2),
    "qwen2-1.5b": dict(_QWEN2_COMMON, hidden_size=1536, intermediate_size=8960, num_hidden_layers=28,
                       num_attention_heads=12, num_key_value_heads=2),
    "qwen2-7b": dict(_QWEN2_COMMON, hidden_size=3584, intermediate_size=18944, num_hidden_layers=28,
                     num_attention_heads=28, num_key_value_heads=4, vocab_size=152064, tie_word_embeddings=False),
    # For tests and smoke runs.
    "qwen2-tiny": dict(_QWEN2_COMMON, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                       num_attention_heads=4, num_key_value_heads=2, vocab_size=1024, max_position_embeddings=2048),
}


@dataclass
class BenchOptions:
    """Every `parley bench` option; modes read the ones they need (other modes may add fields)."""

    mode: str = "generate"
    chats: int = 16
    prompt_tokens: int = 128
    new_tokens: int = 64
    model: str | None = None
    random_init: str | None = None
    device: str | None = None
    dtype: str | None = None
    backend: str | None = None
    compile: bool | None = None
    engine: str = "auto"  # auto (generation.engine) | continuous | slots | static
    sequential_chats: int | None = None  # how many requests the slow sequential loop runs (default: all)
    seed: int = 0
    messages: int = 4  # --e2e: messages each simulated chat sends, one after the other
    classifier: str = "auto"  # --e2e / --moderation: none | tiny | bert-base | config | auto
    quantization: str | None = None  # --e2e: none | 8bit | 4bit (default: generation.quantization)
    extra: dict[str, Any] = field(default_factory=dict)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summarize(latencies: Sequence[float], tokens: int, wall_s: float) -> dict[str, Any]:
    wall = max(wall_s, 1e-9)
    return {
        "tokens_per_s": round(tokens / wall, 2),
        "requests_per_s": round(len(latencies) / wall, 3),
        "latency_s": {"p50": round(percentile(latencies, 50), 4), "p95": round(percentile(latencies, 95), 4)},
        "requests": len(latencies),
        "tokens": tokens,
        "wall_s": round(wall_s, 3),
    }


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"cpu ({platform.machine()}, {torch.get_num_threads()} threads)"


def random_model(arch: str, device: torch.device, dtype: torch.dtype, seed: int = 0) -> Any:
    """A causal LM with the shapes of `arch` and random weights, built directly on `device`."""
    from transformers import AutoModelForCausalLM, Qwen2Config

    if arch not in ARCHS:
        raise ConfigError(f"bench: unknown --random-init '{arch}'; choose one of {', '.join(ARCHS)}")
    torch.manual_seed(seed)
    config = Qwen2Config(**ARCHS[arch])
    with torch.device(device):
        model = AutoModelForCausalLM.from_config(config, dtype=dtype)  # type: ignore[no-untyped-call]
    return model.eval()


def _prompts(n: int, length: int, vocab: int, avoid: Sequence[int], seed: int) -> list[list[int]]:
    gen = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, vocab, (n, length), generator=gen)
    for tok in avoid:
        ids[ids == tok] = 0 if tok != 0 else 1
    return ids.tolist()


def _hf_generate(model: Any, prompt: list[int], params: SamplingParams, new: int, pad_id: int, device: torch.device) -> int:
    """What most bots do per message: one transformers generate() call."""
    ids = torch.tensor([prompt], device=device)
    kwargs: dict[str, Any] = dict(max_new_tokens=new, min_new_tokens=new, pad_token_id=pad_id,
                                  repetition_penalty=params.repetition_penalty, do_sample=not params.greedy)
    if params.greedy:
        kwargs.update(temperature=None, top_p=None, top_k=None)
    else:
        kwargs.update(temperature=params.temperature, top_p=params.top_p, top_k=params.top_k)
    with torch.inference_mode():
        out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), **kwargs)
    return int(out.shape[1] - ids.shape[1])


async def run_generate_bench(options: BenchOptions, settings: GenerationSettings | None = None) -> dict[str, Any]:
    """Run both modes on the same model and prompts; returns the DESIGN.md bench JSON (mode 'generate')."""
    from pipeline.backends.loading import eos_ids, load_causal_lm, resolve_device, resolve_dtype
    from pipeline.backends.transformers_backend import TransformersBackend

    s = settings or GenerationSettings()
    # The engine (and the static cache of --compile) is sized for this run's shape.
    updates: dict[str, Any] = {"max_batch_size": max(s.max_batch_size, options.chats), "max_new_tokens": options.new_tokens,
                               "context_tokens": max(16, options.prompt_tokens)}
    for key in ("device", "dtype", "compile"):
        if getattr(options, key) is not None:
            updates[key] = getattr(options, key)
    try:
        s = GenerationSettings.model_validate({**s.model_dump(), **updates})
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        raise ConfigError(f"bench: --{first['loc'][0]}: {first['msg']}") from None
    t0 = time.perf_counter()
    if options.random_init:
        device = resolve_device(s.device)
        torch_dtype = resolve_dtype(s.dtype, device)
        model = await asyncio.to_thread(random_model, options.random_init, device, torch_dtype, options.seed)
        tokenizer, model_name = None, f"random-init:{options.random_init}"
    else:
        model_name = options.model or s.model
        loaded = await asyncio.to_thread(load_causal_lm, model_name, revision=s.revision, device=s.device,
                                         dtype=s.dtype, quantization=s.quantization)
        model, tokenizer, device, torch_dtype = loaded.model, loaded.tokenizer, loaded.device, loaded.dtype
    load_s = time.perf_counter() - t0
    eos = eos_ids(model, tokenizer)
    pad = getattr(tokenizer, "pad_token_id", None)
    pad_id = pad if pad is not None else (eos[0] if eos else 0)
    vocab = model.get_input_embeddings().num_embeddings
    if tokenizer is not None:
        vocab = min(vocab, len(tokenizer))
    prompts = _prompts(options.chats, options.prompt_tokens, vocab, eos, options.seed)
    params = SamplingParams(max_new_tokens=options.new_tokens, temperature=s.temperature, top_p=s.top_p,
                            top_k=s.top_k, repetition_penalty=s.repetition_penalty)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)

    # Batched: every chat at once through the engine (warm-up first: first-call and compile costs).
    backend = TransformersBackend.from_model(model, tokenizer, s, engine=engine_choice(options),
                                             ignore_eos=True, seed=options.seed)
    t = time.perf_counter()
    await backend.start()
    await _batched_round(backend, prompts[: max(1, min(4, len(prompts)))] if not s.compile else prompts, params)
    warmup_s = time.perf_counter() - t
    n_seq = min(options.sequential_chats or len(prompts), len(prompts))
    try:
        batched, engine_stats = await _batched_round(backend, prompts, params)
        # The same engine fed one request at a time: separates the batching gain from a leaner decode loop.
        seq_engine = await _one_at_a_time(backend, prompts[:n_seq], params)
    finally:
        await backend.aclose()

    # Sequential: one generate() per request, awaited one after the other.
    await asyncio.to_thread(_hf_generate, model, prompts[0], params, 2, pad_id, device)  # warm-up
    latencies, tokens = [], 0
    t = time.perf_counter()
    for prompt in prompts[:n_seq]:
        r0 = time.perf_counter()
        tokens += await asyncio.to_thread(_hf_generate, model, prompt, params, options.new_tokens, pad_id, device)
        latencies.append(time.perf_counter() - r0)
    sequential = summarize(latencies, tokens, time.perf_counter() - t)
    sequential["method"] = "transformers generate(), one request at a time"

    result: dict[str, Any] = {
        "mode": "generate",
        "config": {
            "chats": options.chats, "prompt_tokens": options.prompt_tokens, "new_tokens": options.new_tokens,
            "model": model_name, "random_init": options.random_init, "device": str(device),
            "dtype": str(torch_dtype).replace("torch.", ""), "engine": options.engine,
            "compile": s.compile, "max_batch_size": s.max_batch_size, "batch_wait_ms": s.batch_wait_ms,
            "sampling": asdict(params), "sequential_chats": n_seq, "seed": options.seed,
        },
        "sequential": sequential,
        "batched": batched,
        "speedup": round(batched["tokens_per_s"] / max(sequential["tokens_per_s"], 1e-9), 2),
        "sequential_engine": seq_engine,
        "speedup_vs_sequential_engine": round(batched["tokens_per_s"] / max(seq_engine["tokens_per_s"], 1e-9), 2),
        "device": device_name(device),
        "load_s": round(load_s, 3),
        "warmup_s": round(warmup_s, 3),
        "engine_stats": engine_stats,
        "versions": {"torch": torch.__version__, "transformers": _transformers_version(), "python": platform.python_version()},
    }
    if device.type == "cuda":
        result["gpu_memory_peak_mb"] = round(torch.cuda.max_memory_allocated(device) / 2**20, 1)
    return result


def engine_choice(options: BenchOptions) -> Any:
    """--engine auto leaves the choice to generation.engine."""
    return None if options.engine == "auto" else options.engine


async def _batched_round(
    backend: Any, prompts: list[list[int]], params: SamplingParams
) -> tuple[dict[str, Any], dict[str, Any]]:
    engine = backend.engine
    before = dict(engine.stats)

    async def one(i: int, prompt: list[int]) -> tuple[float, int, str | None]:
        r0 = time.perf_counter()
        res = await generate_one(backend, GenerationRequest(f"bench-{i}", [], params, prompt_ids=prompt))
        return time.perf_counter() - r0, res.tokens, res.error

    t = time.perf_counter()
    done = await asyncio.gather(*(one(i, p) for i, p in enumerate(prompts)))
    wall = time.perf_counter() - t
    errors = [e for _, _, e in done if e]
    if errors:
        raise RuntimeError(f"bench: {len(errors)} batched request(s) failed, first: {errors[0]}")
    out = summarize([d[0] for d in done], sum(d[1] for d in done), wall)
    out["method"] = f"{type(engine).__name__}, all chats concurrently"
    return out, engine_stats(engine, before)


def engine_stats(engine: Any, before: dict[str, int]) -> dict[str, Any]:
    """The engine's counters over one round, plus how the slot engine runs (graphs, fallback)."""
    stats: dict[str, Any] = {k: engine.stats[k] - before.get(k, 0)
                             for k in ("steps", "prefills", "rows_stepped", "oom_splits")}
    stats["max_batch"] = engine.stats["max_batch"]
    stats["mean_batch"] = round(stats["rows_stepped"] / max(stats["steps"], 1), 2)
    if hasattr(engine, "graphs"):
        stats["cuda_graph_rows"] = sorted(engine.graphs)
        stats["slots_prepare_s"] = None if engine.prepare_s is None else round(engine.prepare_s, 3)
        stats["slots_fallback"] = engine.fallback
    return stats


async def _one_at_a_time(backend: Any, prompts: list[list[int]], params: SamplingParams) -> dict[str, Any]:
    latencies, tokens = [], 0
    t = time.perf_counter()
    for i, prompt in enumerate(prompts):
        r0 = time.perf_counter()
        res = await generate_one(backend, GenerationRequest(f"seq-{i}", [], params, prompt_ids=prompt))
        latencies.append(time.perf_counter() - r0)
        tokens += res.tokens
    out = summarize(latencies, tokens, time.perf_counter() - t)
    out["method"] = f"{type(backend.engine).__name__}, one request at a time"
    return out


def _transformers_version() -> str:
    import transformers

    return str(transformers.__version__)
