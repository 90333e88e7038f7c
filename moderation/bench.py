"""`parley bench --moderation`: texts/s of each moderation stage alone, and of the whole engine.

Texts are chat-length (100-200 characters): the labeled surge data set when ../shared has it, else
generated. The text stages (normalize, keywords, regex) are timed as the stage's own batch call
(`scan_many` / a list of `normalize` calls) on one thread, CPU time, best of several passes, so the
figure is the stage's cost and not the harness's. The classifier (random-init Detoxify-format,
shape tiny or bert-base, or the configured one) is timed unbatched (one text per forward pass) and
batched, end to end (tokenize + forward) and as forward passes alone on windows of exactly
`--prompt-tokens` tokens (128 by default). `sequential` / `batched` are the whole ModerationEngine,
one text per call with the classifier unbatched versus batches of texts. When onnxruntime is
installed and the classifier runs on the CPU in float32, the same model exported to ONNX is timed
batched too (same texts, same batch size): `texts_per_s.classifier_onnx_batched`, `classifier.onnx`.
"""

from __future__ import annotations

import asyncio
import platform
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from moderation.config import ModerationSettings
from pipeline.bench import BenchOptions, percentile
from pipeline.bench_assets import chat_texts, classifier_checkpoint
from pipeline.types import ConfigError

SHAPES = ("auto", "none", "tiny", "bert-base", "config")
_TEXTS = 2000
_MIN_S = 1.0  # time budget per classifier/engine measurement (at least one pass); options.extra["min_s"]


def cpu_rate(fn: Callable[[list[str]], Any], texts: list[str], *, repeat: int = 5) -> float:
    """Texts/s of one batch call on one thread: CPU time, best of `repeat` passes."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn(texts)
        best = min(best, time.process_time() - start)
    return round(len(texts) / max(best, 1e-9), 1)


def timed_rate(fn: Callable[[list[str]], Any], texts: list[str], batch: int, *, min_s: float,
               repeat: int = 3) -> float:
    """Texts/s of `fn` on consecutive slices of `batch` texts: the best of `repeat` windows of at least
    `min_s` seconds each (one window when a single call already takes longer than that)."""
    best, i = 0.0, 0
    for _ in range(repeat):
        done = 0
        start = time.perf_counter()
        while True:
            part = texts[i:i + batch] or texts[:batch]
            i = i + batch if i + batch < len(texts) else 0
            fn(part)
            done += len(part)
            if time.perf_counter() - start >= min_s:
                break
        elapsed = time.perf_counter() - start
        best = max(best, done / elapsed)
        if elapsed >= 3 * min_s:
            break
    return round(best, 1)


async def run_moderation_bench(options: BenchOptions, settings: Any) -> dict[str, Any]:
    """Per-stage texts/s and the engine unbatched vs batched; the DESIGN bench JSON with mode "moderation"."""
    from moderation.classifier import resolve_device
    from moderation.keywords import KeywordStage, RegexStage, build_text_stages
    from moderation.normalize import normalize
    from moderation.phrases import PhraseStage

    m: ModerationSettings = settings.moderation
    if options.classifier not in SHAPES:
        raise ConfigError(f"parley bench --moderation: --classifier must be one of {', '.join(SHAPES)}")
    device = resolve_device(options.device or m.classifier.device)
    shape = options.classifier
    if shape == "config" and not m.classifier.enabled:
        raise ConfigError("parley bench --moderation: --classifier config needs moderation.classifier.enabled = true")
    if shape == "auto":
        shape = "config" if m.classifier.enabled else ("bert-base" if device.type == "cuda" else "tiny")
    min_s = float(options.extra.get("min_s", _MIN_S))
    texts, source = chat_texts(int(options.extra.get("texts", _TEXTS)), seed=options.seed, min_chars=100,
                               max_chars=200)
    stages = await asyncio.to_thread(build_text_stages, m)
    rates: dict[str, float | None] = {"normalize": cpu_rate(lambda ts: [normalize(t) for t in ts], texts)}
    keyword = next((s for s in stages if isinstance(s, KeywordStage)), None)
    phrases = next((s for s in stages if isinstance(s, PhraseStage)), None)
    regex = next((s for s in stages if isinstance(s, RegexStage) and not isinstance(s, PhraseStage)), None)
    rates["keywords"] = cpu_rate(keyword.scan_many, texts) if keyword is not None else None
    rates["keywords_check"] = cpu_rate(keyword.check_sync, texts) if keyword is not None else None
    rates["phrases"] = cpu_rate(phrases.check_sync, texts) if phrases is not None else None
    rates["regex"] = cpu_rate(regex.check_sync, texts) if regex is not None else None
    notes = {"regex": None if regex is not None else "no moderation.regexes configured"}
    with tempfile.TemporaryDirectory(prefix="parley-bench-moderation-") as tmp:
        clf_settings, vocab = await _classifier_settings(m, shape, Path(tmp), options, device)
        classifier: dict[str, Any] | None = None
        if clf_settings is not None:
            classifier = await asyncio.to_thread(_classifier_rates, clf_settings, texts, options.prompt_tokens, min_s)
            rates["classifier_unbatched"] = classifier["unbatched_texts_per_s"]
            rates["classifier_batched"] = classifier["batched_texts_per_s"]
            onnx = classifier.get("onnx") or {}
            rates["classifier_onnx_batched"] = onnx.get("batched_texts_per_s")
            notes["classifier_onnx"] = classifier.pop("onnx_note", None)
            classifier["vocab"] = vocab
        engine_settings = m.model_copy(update={"hot_reload": False, **({"classifier": clf_settings} if clf_settings
                                                                         else {})})
        sequential, batched = await _engine_rounds(engine_settings, texts, min_s)
    rates["engine_unbatched"] = sequential["texts_per_s"]
    rates["engine"] = batched["texts_per_s"]
    result: dict[str, Any] = {
        "mode": "moderation",
        "config": {"texts": source, "n_texts": len(texts), "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
                   "stages": [s.name for s in stages] + (["classifier"] if clf_settings else []),
                   "classifier": shape, "device": str(device), "seed": options.seed},
        "texts_per_s": rates,
        "sequential": sequential,
        "batched": batched,
        "speedup": round(batched["texts_per_s"] / max(sequential["texts_per_s"], 1e-9), 2),
        "classifier": classifier,
        "notes": {k: v for k, v in notes.items() if v},
        "device": _device_name(device),
        "versions": {"python": platform.python_version()},
    }
    return result


async def _classifier_settings(m: ModerationSettings, shape: str, work: Path, options: BenchOptions,
                               device: Any) -> tuple[Any, str | None]:
    if shape == "none":
        return None, None
    if shape == "config":
        return m.classifier.model_copy(update={"device": str(device)}), None
    ckpt, config_dir, vocab = await asyncio.to_thread(classifier_checkpoint, work, shape, seed=options.seed)
    return m.classifier.model_copy(update={"enabled": True, "model": ckpt, "config_dir": config_dir,
                                           "device": str(device), "onnx_dir": str(work / "onnx")}), vocab


def _classifier_rates(settings: Any, texts: list[str], window: int, min_s: float) -> dict[str, Any]:
    """The classifier model alone (no asyncio): unbatched, batched, and forward passes at `window` tokens."""
    import torch

    from moderation.classifier import ClassifierModel, load_model, resolve_dtype

    device = torch.device(settings.device)
    dtype = resolve_dtype(settings.dtype, device)
    loaded = load_model(settings)
    model = ClassifierModel(loaded, device=device, dtype=dtype, max_tokens=settings.max_tokens,
                            stride=settings.chunk_stride, batch_size=settings.batch_size)
    batch = settings.batch_size
    model.score(texts[:batch])  # warm-up: kernels, allocator, tokenizer
    model.score(texts[:1])
    unbatched = timed_rate(model.score, texts, 1, min_s=min_s)
    batched = timed_rate(model.score, texts, batch, min_s=min_s)
    windows = _windows(model, max(3, min(window, model.max_tokens)), 4 * batch)
    with torch.inference_mode():  # as in score(): no autograd bookkeeping in the figure
        model._probabilities(windows[:batch])
        forward = timed_rate(lambda part: model._probabilities(part), windows, batch, min_s=min_s)  # type: ignore[arg-type]
    tokens = [len(w) for w in model.chunk(texts[:256])[0]]
    onnx, note = _onnx_rates(loaded, settings, texts, windows, batched, min_s)
    return {
        "unbatched_texts_per_s": unbatched, "batched_texts_per_s": batched, "batch_size": batch,
        "forward_only": {"tokens": len(windows[0]), "texts_per_s": forward},
        "mean_tokens": round(sum(tokens) / len(tokens), 1), "dtype": str(dtype).replace("torch.", ""),
        "device": str(device), "layers": getattr(model.model.config, "num_hidden_layers", None),
        "hidden_size": getattr(model.model.config, "hidden_size", None),
        "onnx": onnx, "onnx_note": note,
    }


def _onnx_rates(loaded: Any, settings: Any, texts: list[str], windows: list[list[int]], torch_batched: float,
                min_s: float) -> tuple[dict[str, Any] | None, str | None]:
    """The same model through ONNX Runtime on the CPU: batched and forward-only texts/s, or why not."""
    import torch

    from moderation.classifier import ClassifierModel, resolve_dtype

    device = torch.device(settings.device)
    if device.type != "cpu" or resolve_dtype(settings.dtype, device) != torch.float32:
        return None, "ONNX classifier not timed: it runs on the CPU in float32 only"
    try:
        import onnx  # noqa: F401
        import onnxruntime
    except ImportError:
        return None, "ONNX classifier not timed: pip install -e '.[onnx]' to compare"
    onnx_settings = settings.model_copy(update={"runtime": "onnx"})
    model = ClassifierModel(loaded, device=device, dtype=torch.float32, max_tokens=settings.max_tokens,
                            stride=settings.chunk_stride, batch_size=settings.batch_size)
    start = time.perf_counter()
    try:
        model.use_onnx(onnx_settings)
    except Exception as exc:  # noqa: BLE001 - the torch figures still stand
        return None, f"ONNX classifier not timed: {' '.join(str(exc).split())[:200]}"
    load_s = time.perf_counter() - start
    batch = settings.batch_size
    model.score(texts[:batch])  # warm-up
    batched = timed_rate(model.score, texts, batch, min_s=min_s)
    with torch.inference_mode():  # as in score(): no autograd bookkeeping in the figure
        model._probabilities(windows[:batch])
        forward = timed_rate(lambda part: model._probabilities(part), windows, batch, min_s=min_s)  # type: ignore[arg-type]
    return {
        "batched_texts_per_s": batched, "batch_size": batch,
        "forward_only": {"tokens": len(windows[0]), "texts_per_s": forward},
        "speedup_vs_torch_batched": round(batched / max(torch_batched, 1e-9), 2),
        "threads": getattr(model.runner, "threads", None), "export_or_load_s": round(load_s, 2),
        "onnxruntime": onnxruntime.__version__, "device": "cpu", "dtype": "float32",
    }, None


def _windows(model: Any, length: int, n: int) -> list[list[int]]:
    """`n` token windows of exactly `length` ids: [CLS] + ordinary ids + [SEP] (token ids, no text)."""
    import torch

    tok = model.tokenizer
    special = set(tok.all_special_ids)
    vocab = len(tok)
    gen = torch.Generator().manual_seed(0)
    body = torch.randint(1000, max(1001, vocab), (n, length - 2), generator=gen).tolist()
    cls = tok.cls_token_id if tok.cls_token_id is not None else 101
    sep = tok.sep_token_id if tok.sep_token_id is not None else 102
    return [[cls] + [t if t not in special else 1000 for t in row] + [sep] for row in body]


async def _engine_rounds(settings: ModerationSettings, texts: list[str],
                         min_s: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """The whole engine: one text per moderate() call (classifier batch 1) vs batches of texts."""
    from moderation.engine import ModerationEngine

    clf = settings.classifier
    unbatched = settings.model_copy(update={"classifier": clf.model_copy(update={"batch_size": 1, "max_wait_ms": 0.0})})
    batch = max(clf.batch_size, 2) if clf.enabled else 64
    out = []
    for s, size in ((unbatched, 1), (settings, batch)):
        engine = ModerationEngine.from_settings(s, watch=False)
        await engine.start()
        try:
            await engine.moderate(texts[:size])  # warm-up
            out.append(await _engine_round(engine, texts, size, min_s))
        finally:
            await engine.aclose()
        out[-1]["batch_size"] = size
    return out[0], out[1]


async def _engine_round(engine: Any, texts: Sequence[str], size: int, min_s: float) -> dict[str, Any]:
    latencies: list[float] = []
    done, i = 0, 0
    start = time.perf_counter()
    while True:
        part = list(texts[i:i + size]) or list(texts[:size])
        i = i + size if i + size < len(texts) else 0
        t = time.perf_counter()
        await engine.moderate(part, source="output")
        latencies.append(time.perf_counter() - t)
        done += len(part)
        if time.perf_counter() - start >= min_s and done >= min(len(texts), 256 * size):
            break
        if time.perf_counter() - start >= 10 * min_s:
            break
    wall = time.perf_counter() - start
    return {
        "tokens_per_s": None,  # no generation in this mode
        "texts_per_s": round(done / wall, 1),
        "requests_per_s": round(len(latencies) / wall, 2),
        "latency_s": {"p50": round(percentile(latencies, 50), 5), "p95": round(percentile(latencies, 95), 5)},
        "texts": done,
        "wall_s": round(wall, 3),
    }


def _device_name(device: Any) -> str:
    import os

    import torch

    if device.type == "cuda":
        return str(torch.cuda.get_device_name(device))
    return f"cpu ({platform.machine()}, {os.cpu_count()} cores, {torch.get_num_threads()} torch threads)"
