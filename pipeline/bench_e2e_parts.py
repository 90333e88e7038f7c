"""Pieces of `parley bench --e2e`: loading the language model, the chats' messages, moderation settings."""

from __future__ import annotations

import asyncio
import importlib.metadata
import importlib.util
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.bench import BenchOptions, random_model
from pipeline.bench_assets import sample_texts, synthetic_tokenizer, words_text
from pipeline.settings import Settings


@dataclass
class LoadedLM:
    model: Any
    tokenizer: Any
    device: Any
    dtype: Any
    tokenizer_source: str


async def load_lm(plan: Any, options: BenchOptions, work: Path) -> LoadedLM:
    """The model of --model / generation.model, or a random-init architecture with a synthetic tokenizer.

    A quantized random-init model is saved and loaded back through the real loader, so bitsandbytes
    quantizes it exactly as it would a downloaded checkpoint.
    """
    from pipeline.backends.loading import load_causal_lm, resolve_device, resolve_dtype

    g = plan.generation
    if not options.random_init:
        name = options.model or g.model
        loaded = await asyncio.to_thread(load_causal_lm, name, revision=g.revision, device=g.device, dtype=g.dtype,
                                         quantization=g.quantization)
        return LoadedLM(loaded.model, loaded.tokenizer, loaded.device, loaded.dtype, name)
    device = resolve_device(g.device)
    dtype = resolve_dtype(g.dtype, device)
    if g.quantization != "none":
        from pipeline.backends.loading import _quantization_config

        _quantization_config(g.quantization, dtype, device)  # fails early, with the one-line reason
    model = await asyncio.to_thread(random_model, options.random_init, device, dtype, options.seed)
    tokenizer = await asyncio.to_thread(synthetic_tokenizer, model.get_input_embeddings().num_embeddings)
    if g.quantization == "none":
        return LoadedLM(model, tokenizer, device, dtype, "synthetic word-level")
    folder = work / "random-lm"
    await asyncio.to_thread(_save, model, tokenizer, folder)
    del model
    _free(device)
    loaded = await asyncio.to_thread(load_causal_lm, str(folder), device=str(device), dtype=g.dtype,
                                     quantization=g.quantization)
    return LoadedLM(loaded.model, loaded.tokenizer, loaded.device, loaded.dtype, "synthetic word-level")


def _save(model: Any, tokenizer: Any, folder: Path) -> None:
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


def _free(device: Any) -> None:
    import gc

    import torch

    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()


def make_conversations(plan: Any, options: BenchOptions, lm: LoadedLM | None) -> tuple[list[list[str]], str]:
    """Each chat's messages. Echo: chat-length texts. A model: messages that make a prompt of about
    --prompt-tokens tokens (system prompt and template included), so every request has the bench's shape."""
    n = plan.chats * plan.messages
    if lm is None:  # generated chat texts: clean replies, as most are, and the same on every machine
        texts, source = sample_texts(n, seed=options.seed), "generated chat texts"
    else:
        rng = random.Random(options.seed)
        words = _words_for(lm.tokenizer, plan.generation.system_prompt, options.prompt_tokens)
        texts, source = [words_text(words, rng) for _ in range(n)], f"generated, {words} words a message"
    return [texts[i * plan.messages:(i + 1) * plan.messages] for i in range(plan.chats)], source


def _words_for(tokenizer: Any, system_prompt: str, prompt_tokens: int) -> int:
    """How many chat words make the whole prompt about `prompt_tokens` tokens with this tokenizer."""
    from pipeline.context import encode_messages

    rng = random.Random(1)

    def tokens(n: int) -> int:
        msgs = ([{"role": "system", "content": system_prompt}] if system_prompt else []) + \
            [{"role": "user", "content": words_text(n, rng)}]
        return len(encode_messages(tokenizer, msgs))

    small, large = tokens(16), tokens(96)
    per_word = max((large - small) / 80, 1e-3)
    base = small - 16 * per_word
    return max(1, math.floor((prompt_tokens - base) / per_word))


def moderation_settings(settings: Settings, plan: Any, clf: tuple[str, str, str] | None, *, batched: bool,
                        device: Any) -> Any:
    """The operator's moderation settings, no hot reload; the bench classifier batched or not."""
    m = settings.moderation
    c = m.classifier
    if plan.classifier == "none":
        classifier = c.model_copy(update={"enabled": False})
    elif plan.classifier == "config":
        classifier = c if batched else c.model_copy(update={"batch_size": 1, "max_wait_ms": 0.0})
    else:
        assert clf is not None
        classifier = c.model_copy(update={
            "enabled": True, "model": clf[0], "config_dir": clf[1], "device": str(device),
            "batch_size": max(c.batch_size, 2) if batched else 1, "max_wait_ms": c.max_wait_ms if batched else 0.0,
        })
    return m.model_copy(update={"enabled": True, "hot_reload": False, "classifier": classifier})


def quantization_report(mode: str) -> dict[str, Any]:
    """Which quantization modes this machine can run; the bench measures the one in `mode`."""
    import torch

    have_bnb = importlib.util.find_spec("bitsandbytes") is not None
    bnb = importlib.metadata.version("bitsandbytes") if have_bnb else "unavailable"
    cuda = torch.cuda.is_available()
    why = None if have_bnb and cuda else ("bitsandbytes not installed" if not have_bnb else "needs a CUDA GPU")
    options = {"none": "available", "8bit": why or "available", "4bit": why or "available"}
    return {"mode": mode, "bitsandbytes": bnb, "options": options}
