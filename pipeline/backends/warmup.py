"""Start-up warm-up of the generation engine, before the bot accepts messages.

On CUDA the first forward passes pay for kernel selection, allocator growth and, with
`generation.compile`, graph compilation and capture for every batch shape. Paying that at start-up
(with a log line per step) keeps it out of the first users' replies. The static compiled engine pads
rows to powers of two, so each row bucket up to `max_batch_size` is generated once; the continuous
engine needs one request alone and one full batch.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from pipeline.types import SamplingParams

log = logging.getLogger("parley.backend")


def warmup_batches(engine: Any, compiled: bool) -> list[int]:
    """Row counts to generate once: every power-of-two bucket when compiled, else 1 and the maximum."""
    top = max(1, int(engine.max_batch_size))
    if not compiled:
        return sorted({1, top})
    sizes, n = [], 1
    while n < top:
        sizes.append(n)
        n *= 2
    return sizes + [top]


async def warm_up(engine: Any, *, compiled: bool, prompt_len: int = 32, new_tokens: int = 2) -> float:
    """Generate dummy batches through `engine` (token ids only, EOS ignored); returns the seconds spent."""
    sizes = warmup_batches(engine, compiled)
    pad = int(getattr(engine, "pad_id", 0))
    vocab = int(getattr(engine, "vocab_size", None) or 1000)
    prompt = [(pad + 1 + i) % vocab for i in range(prompt_len)]
    params = SamplingParams(max_new_tokens=new_tokens, temperature=0.0)
    log.info("warming up the generation engine: %d batch shape(s) %s%s; replies start after this",
             len(sizes), sizes, " (compiling)" if compiled else "")
    start = time.perf_counter()
    for i, rows in enumerate(sizes, 1):
        t = time.perf_counter()
        outs = await asyncio.gather(*(engine.submit(prompt, params, ignore_eos=True) for _ in range(rows)))
        failed = [o.error for o in outs if o.error]
        if failed:
            log.warning("warm-up batch of %d rows failed: %s", rows, failed[0])
        log.info("warm-up %d/%d: %d row(s) in %.1f s", i, len(sizes), rows, time.perf_counter() - t)
    total = time.perf_counter() - start
    log.info("generation engine warm after %.1f s", total)
    return total
