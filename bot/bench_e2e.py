"""`parley bench --e2e`: the whole pipeline minus Telegram, N simulated chats, naive baseline in the same run.

Each chat sends `messages` messages one after the other through the real Pipeline (SQLite store in a
temporary folder → context → generation → moderation: keyword stage, plus the classifier when on →
store). Two rounds on the same model and texts:
- `batched` (ours): every chat at once; the batching engine and the micro-batched classifier.
- `sequential` (what most bots do): one message at a time, one transformers `generate()` per reply,
  the classifier unbatched (batch size 1). With `--backend echo` both rounds use echo.
Replies always run to `new_tokens` (end-of-sequence ignored) so tokens/s compare like with like.
`pipeline_overhead_ms` is a reply's latency minus its generation time (store, context, moderation,
store), measured on messages sent alone through our pipeline right after the concurrent round;
`pipeline_overhead_ms_loaded` is the same in the concurrent round, where it also holds the queueing
behind the other chats' work on the one event loop and database thread.
"""

from __future__ import annotations

import asyncio
import logging
import platform
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Sequence

from pydantic import ValidationError

from pipeline.bench import BenchOptions, engine_choice, engine_stats, percentile, summarize
from pipeline.bench_assets import classifier_checkpoint
from pipeline.settings import GenerationSettings, Settings
from pipeline.types import ConfigError, GenerationRequest, GenerationResult

log = logging.getLogger("parley.bench")
CLASSIFIERS = ("auto", "none", "tiny", "bert-base", "config")
_CONTEXT_MARGIN = 8  # budget tokens beyond --prompt-tokens, so a full-size message is never cut
_PROBES = 8  # messages sent alone through our pipeline after the concurrent round


@dataclass
class Sample:
    latency_s: float
    overhead_s: float
    generate_s: float
    moderate_s: float
    store_s: float
    context_s: float
    tokens: int
    action: str


@dataclass
class Plan:
    """Everything resolved from options + settings before anything is loaded."""

    backend: str
    chats: int
    messages: int
    classifier: str
    sequential_chats: int
    generation: GenerationSettings
    model_name: str | None = None


def make_plan(options: BenchOptions, settings: Settings) -> Plan:
    backend = options.backend or (
        "transformers" if options.random_init or options.model else settings.generation.backend)
    if backend not in ("echo", "transformers"):
        raise ConfigError(f"parley bench --e2e: --backend {backend} is not measured here; use echo or transformers")
    if backend == "echo" and options.random_init:
        raise ConfigError("parley bench --e2e: --random-init needs --backend transformers")
    if options.classifier not in CLASSIFIERS:
        raise ConfigError(f"parley bench --e2e: --classifier must be one of {', '.join(CLASSIFIERS)}")
    g = settings.generation
    updates: dict[str, Any] = {"backend": backend, "max_new_tokens": options.new_tokens,
                               "max_batch_size": max(g.max_batch_size, options.chats)}
    for key in ("device", "dtype", "compile", "quantization"):
        if getattr(options, key) is not None:
            updates[key] = getattr(options, key)
    if backend == "transformers":
        updates["context_tokens"] = max(16, options.prompt_tokens + _CONTEXT_MARGIN)
    try:
        gen = GenerationSettings.model_validate({**g.model_dump(), **updates})
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        raise ConfigError(f"parley bench --e2e: --{first['loc'][0]}: {first['msg']}") from None
    classifier = options.classifier
    if classifier == "config" and not settings.moderation.classifier.enabled:
        raise ConfigError("parley bench --e2e: --classifier config needs moderation.classifier.enabled = true")
    if classifier == "auto":
        if settings.moderation.classifier.enabled:
            classifier = "config"
        elif backend == "echo":
            classifier = "none"  # the CPU figure: store + context + keyword stage + store
        else:
            classifier = "bert-base" if _is_cuda(gen.device) else "tiny"
    default_seq = options.chats if backend == "echo" else min(options.chats, 4)
    seq = min(options.sequential_chats or default_seq, options.chats)
    model_name = f"random-init:{options.random_init}" if options.random_init else (
        (options.model or gen.model) if backend == "transformers" else None)
    return Plan(backend, options.chats, options.messages, classifier, seq, gen, model_name)


def _is_cuda(device: str) -> bool:
    if device.startswith("cuda"):
        return True
    if device != "auto":
        return False
    import torch

    return bool(torch.cuda.is_available())


class GenerateEachBackend:
    """The naive bot: one transformers `generate()` per request, awaited alone (off the event loop)."""

    name = "generate-each"

    def __init__(self, model: Any, tokenizer: Any, *, ignore_eos: bool = True) -> None:
        self.model, self.tokenizer, self.ignore_eos = model, tokenizer, ignore_eos
        self.context_window: int | None = None

    async def start(self) -> None:
        from pipeline.backends.loading import max_positions

        self.context_window = max_positions(self.model.config)

    async def generate(self, requests: Sequence[GenerationRequest]) -> AsyncIterator[GenerationResult]:
        for request in requests:
            yield await asyncio.to_thread(self._one, request)

    def _one(self, request: GenerationRequest) -> GenerationResult:
        import torch

        from pipeline.context import encode_messages

        p = request.params
        ids = torch.tensor([encode_messages(self.tokenizer, request.messages)], device=self.model.device)
        kwargs: dict[str, Any] = dict(max_new_tokens=p.max_new_tokens, do_sample=not p.greedy,
                                      repetition_penalty=p.repetition_penalty, pad_token_id=self.tokenizer.pad_token_id)
        if self.ignore_eos:
            kwargs["min_new_tokens"] = p.max_new_tokens
        kwargs.update(dict(temperature=None, top_p=None, top_k=None) if p.greedy else
                      dict(temperature=p.temperature, top_p=p.top_p, top_k=p.top_k))
        with torch.inference_mode():
            out = self.model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), **kwargs)
        new = out[0, ids.shape[1]:].tolist()
        text = self.tokenizer.decode(new, skip_special_tokens=True, clean_up_tokenization_spaces=False)
        return GenerationResult(request.request_id, text=text.strip(), tokens=len(new), prompt_tokens=ids.shape[1],
                                finish_reason="length")

    async def aclose(self) -> None:
        return None


async def run_e2e_bench(options: BenchOptions, settings: Settings) -> dict[str, Any]:
    """Both rounds; returns the DESIGN.md bench JSON with mode "e2e"."""
    plan = make_plan(options, settings)
    with tempfile.TemporaryDirectory(prefix="parley-bench-e2e-") as tmp:
        return await _run(plan, options, settings, Path(tmp))


async def _run(plan: Plan, options: BenchOptions, settings: Settings, work: Path) -> dict[str, Any]:
    import torch

    from pipeline.bench_e2e_parts import load_lm, make_conversations, moderation_settings, quantization_report

    lm: Any = None
    load_s = 0.0
    if plan.backend == "transformers":
        t = time.perf_counter()
        lm = await load_lm(plan, options, work)
        load_s = time.perf_counter() - t
    clf: tuple[str, str, str] | None = None
    if plan.classifier in ("tiny", "bert-base"):
        clf = await asyncio.to_thread(classifier_checkpoint, work, plan.classifier, seed=options.seed)
    device = lm.device if lm is not None else torch.device("cpu")
    convs, text_source = make_conversations(plan, options, lm)
    cuda = device.type == "cuda"
    if cuda:
        torch.cuda.reset_peak_memory_stats(device)

    batched_settings = _round_settings(settings, plan, work / "batched.db",
                                       moderation_settings(settings, plan, clf, batched=True, device=device))
    backend = _backend(plan, lm, options, naive=False)
    t = time.perf_counter()
    core = await _start_core(batched_settings, backend)
    try:
        warm = convs[: max(1, min(len(convs), 4))] if not plan.generation.compile else convs
        await _closed_loop(core.pipeline, [c[:1] for c in warm], chat_base=1_000_000)
        warmup_s = time.perf_counter() - t
        engine = getattr(backend, "engine", None)
        engine_name = type(engine if engine is not None else backend).__name__
        before = dict(engine.stats) if engine is not None else {}
        batched = await _closed_loop(core.pipeline, convs, chat_base=0)
        round_stats = engine_stats(engine, before) if engine is not None else None
        # The same pipeline with one message in flight: its own cost per message, without queueing.
        probe = await _sequential(core.pipeline, [c[-1:] for c in convs[:_PROBES]], chat_base=0)
    finally:
        await core.aclose()
    peak_mb = round(torch.cuda.max_memory_allocated(device) / 2**20, 1) if cuda else None

    naive_settings = _round_settings(settings, plan, work / "sequential.db",
                                     moderation_settings(settings, plan, clf, batched=False, device=device))
    core = await _start_core(naive_settings, _backend(plan, lm, options, naive=True))
    try:
        await _sequential(core.pipeline, [c[:1] for c in convs[:1]], chat_base=2_000_000)  # warm-up
        sequential = await _sequential(core.pipeline, convs[: plan.sequential_chats], chat_base=3_000_000)
    finally:
        await core.aclose()

    seq_sum, bat_sum = _summary(sequential[0], sequential[1]), _summary(batched[0], batched[1])
    seq_sum["method"] = ("echo, one message at a time" if plan.backend == "echo" else
                         "one transformers generate() per reply, one message at a time") + \
        (", classifier unbatched (batch size 1)" if clf or plan.classifier == "config" else "")
    bat_sum["method"] = f"{engine_name}, all chats concurrently" + \
        (", classifier micro-batched" if clf or plan.classifier == "config" else "")
    base = seq_sum["tokens_per_s"] or seq_sum["requests_per_s"]
    ours = bat_sum["tokens_per_s"] if seq_sum["tokens_per_s"] else bat_sum["requests_per_s"]
    result: dict[str, Any] = {
        "mode": "e2e",
        "config": _config(plan, options, lm, clf, text_source, device),
        "sequential": seq_sum,
        "batched": bat_sum,
        "speedup": round(ours / max(base, 1e-9), 2),
        "pipeline_overhead_ms": _summary(probe[0], probe[1])["pipeline_overhead_ms"],
        "pipeline_overhead_ms_loaded": bat_sum["pipeline_overhead_ms"],
        "moderation_share": bat_sum["moderation_share"],
        "replies_per_s": bat_sum["requests_per_s"],
        "device": _device_name(device),
        "load_s": round(load_s, 3),
        "warmup_s": round(warmup_s, 3),
        "engine_warmup_s": getattr(backend, "warmup_s", None),
        "engine_stats": round_stats,
        "quantization": quantization_report(plan.generation.quantization),
        "versions": _versions(),
    }
    if peak_mb is not None:
        result["gpu_memory_peak_mb"] = peak_mb
    return result


def _round_settings(settings: Settings, plan: Plan, db: Path, moderation: Any) -> Settings:
    return settings.model_copy(update={
        "generation": plan.generation,
        "storage": settings.storage.model_copy(update={"path": db}),
        "moderation": moderation,
        "metrics": settings.metrics.model_copy(update={"enabled": False}),
    })


def _backend(plan: Plan, lm: Any, options: BenchOptions, *, naive: bool) -> Any:
    if plan.backend == "echo":
        from pipeline.backends.echo import EchoBackend

        return EchoBackend()
    if naive:
        return GenerateEachBackend(lm.model, lm.tokenizer)
    from pipeline.backends.transformers_backend import TransformersBackend

    return TransformersBackend.from_model(
        lm.model, lm.tokenizer, plan.generation, engine=engine_choice(options),
        ignore_eos=True, seed=options.seed)


async def _start_core(settings: Settings, backend: Any) -> Any:
    from bot.compose import Core, build_moderator
    from pipeline.store import Store

    core = Core(settings=settings, store=Store(settings.storage.path), backend=backend,
                moderator=build_moderator(settings))
    return await core.start()


async def _closed_loop(pipeline: Any, convs: list[list[str]], *, chat_base: int) -> tuple[list[Sample], float]:
    """Every chat at once, each sending its messages one after the other (a reply before the next)."""
    samples: list[Sample] = []

    async def chat(i: int, texts: list[str]) -> None:
        for text in texts:
            samples.append(await _one(pipeline, chat_base + i, text))

    t = time.perf_counter()
    await asyncio.gather(*(chat(i, texts) for i, texts in enumerate(convs)))
    return samples, time.perf_counter() - t


async def _sequential(pipeline: Any, convs: list[list[str]], *, chat_base: int) -> tuple[list[Sample], float]:
    samples: list[Sample] = []
    t = time.perf_counter()
    for i, texts in enumerate(convs):
        for text in texts:
            samples.append(await _one(pipeline, chat_base + i, text))
    return samples, time.perf_counter() - t


async def _one(pipeline: Any, chat_id: int, text: str) -> Sample:
    t = time.perf_counter()
    reply = await pipeline.handle(chat_id, text, source="bench")
    latency = time.perf_counter() - t
    tm = reply.extra["timings"]
    return Sample(latency, max(0.0, latency - tm.generate_s), tm.generate_s, tm.moderate_s, tm.store_s,
                  tm.context_s, int(reply.extra.get("tokens", 0)), reply.action)


def _summary(samples: list[Sample], wall_s: float) -> dict[str, Any]:
    tokens = sum(s.tokens for s in samples)
    lat = [s.latency_s for s in samples]
    actions: dict[str, int] = {}
    for s in samples:
        actions[s.action] = actions.get(s.action, 0) + 1

    def ms(values: list[float]) -> dict[str, float]:
        return {"p50": round(percentile(values, 50) * 1000, 3), "p95": round(percentile(values, 95) * 1000, 3)}

    return {
        **summarize(lat, tokens, wall_s),
        "pipeline_overhead_ms": ms([s.overhead_s for s in samples]),
        "moderation_share": round(sum(s.moderate_s for s in samples) / max(sum(lat), 1e-9), 4),
        "breakdown_ms": {"store": ms([s.store_s for s in samples]), "context": ms([s.context_s for s in samples]),
                         "moderate": ms([s.moderate_s for s in samples]),
                         "generate": ms([s.generate_s for s in samples])},
        "actions": actions,
        "errors": actions.get("error", 0),
    }


def _config(plan: Plan, options: BenchOptions, lm: Any, clf: tuple[str, str, str] | None, texts: str,
            device: Any) -> dict[str, Any]:
    g = plan.generation
    config: dict[str, Any] = {
        "backend": plan.backend, "chats": plan.chats, "messages": plan.messages,
        "sequential_chats": plan.sequential_chats, "model": plan.model_name, "device": str(device),
        "texts": texts, "classifier": plan.classifier, "seed": options.seed,
    }
    if plan.backend == "transformers":
        config.update({
            "prompt_tokens": options.prompt_tokens, "new_tokens": options.new_tokens,
            "dtype": str(lm.dtype).replace("torch.", ""), "engine": options.engine, "compile": g.compile,
            "quantization": g.quantization, "max_batch_size": g.max_batch_size, "batch_wait_ms": g.batch_wait_ms,
            "context_tokens": g.context_tokens, "tokenizer": lm.tokenizer_source,
            "sampling": {"temperature": g.temperature, "top_p": g.top_p, "top_k": g.top_k,
                         "repetition_penalty": g.repetition_penalty},
        })
    if clf is not None:
        config["classifier_vocab"] = clf[2]
    return config


def _device_name(device: Any) -> str:
    import torch

    if device.type == "cuda":
        return str(torch.cuda.get_device_name(device))
    import os

    return f"cpu ({platform.machine()}, {os.cpu_count()} cores, {torch.get_num_threads()} torch threads)"


def _versions() -> dict[str, str]:
    import torch
    import transformers

    return {"torch": torch.__version__, "transformers": str(transformers.__version__),
            "python": platform.python_version()}
