"""Prompts and sampling settings shared by the generation engine tests."""

from __future__ import annotations

import asyncio
from typing import Any

import torch

from pipeline.types import SamplingParams

GREEDY = SamplingParams(max_new_tokens=12, temperature=0.0, repetition_penalty=1.0)


def prompts(n: int, seed: int = 5) -> list[list[int]]:
    gen = torch.Generator().manual_seed(seed)
    lengths = torch.randint(1, 48, (n,), generator=gen).tolist()
    return [torch.randint(0, 50000, (k,), generator=gen).tolist() for k in lengths]


def mixed_params(n: int) -> list[SamplingParams]:
    """Different lengths and penalties per row, all greedy."""
    return [SamplingParams(max_new_tokens=4 + (i * 5) % 17, temperature=0.0, repetition_penalty=(1.0, 1.3)[i % 2])
            for i in range(n)]


async def alone(engine: Any, ps: list[list[int]], params: list[SamplingParams]) -> list[Any]:
    return [await engine.submit(p, sp, ignore_eos=True) for p, sp in zip(ps, params)]


async def joining_mid_decode(engine: Any) -> tuple[list[list[int]], list[SamplingParams], list[Any]]:
    """Six long requests start; six short ones arrive while they decode and join between steps."""
    ps = prompts(12, seed=9)
    params = [SamplingParams(max_new_tokens=40 if i < 6 else 6, temperature=0.0, repetition_penalty=1.5)
              for i in range(12)]
    first = [asyncio.ensure_future(engine.submit(p, sp, ignore_eos=True)) for p, sp in zip(ps[:6], params[:6])]
    await asyncio.sleep(0.1)
    late = [asyncio.ensure_future(engine.submit(p, sp, ignore_eos=True)) for p, sp in zip(ps[6:], params[6:])]
    return ps, params, list(await asyncio.gather(*first, *late))
