"""Next-token choice for a batch whose rows may use different sampling settings.

Order as in transformers' generate: repetition penalty, temperature, top-k, top-p. Greedy rows
(temperature 0) take the argmax of the penalised logits, so a row's choice never depends on its
neighbours in the batch.
"""

from __future__ import annotations

from typing import Sequence

import torch

from pipeline.types import SamplingParams


def apply_repetition_penalty(
    logits: torch.Tensor, seen_ids: torch.Tensor, seen_mask: torch.Tensor, penalties: Sequence[float]
) -> torch.Tensor:
    """HF-style penalty on every token already in the row (prompt included); padding is ignored. In place."""
    if all(p == 1.0 for p in penalties):
        return logits
    pen = torch.tensor(penalties, dtype=logits.dtype, device=logits.device).unsqueeze(1)
    # Point padding at the row's last real token: scatter writes the same value twice, which is harmless.
    fill = seen_ids[:, -1:].expand_as(seen_ids)
    ids = torch.where(seen_mask.bool(), seen_ids, fill)
    picked = logits.gather(1, ids)
    picked = torch.where(picked < 0, picked * pen, picked / pen)
    return logits.scatter_(1, ids, picked)


def _sample_group(
    logits: torch.Tensor, temperature: float, top_k: int, top_p: float, generator: torch.Generator | None
) -> torch.Tensor:
    logits = logits.float() / temperature
    vocab = logits.shape[-1]
    if 0 < top_k < vocab:
        vals, idx = logits.topk(top_k, dim=-1)  # sorted, descending
    else:
        vals, idx = logits.sort(dim=-1, descending=True)
    if top_p < 1.0:
        probs = vals.softmax(-1)
        before = probs.cumsum(-1) - probs  # probability mass strictly ahead of each token
        vals = vals.masked_fill(before >= top_p, float("-inf"))  # the first token always survives
    probs = vals.softmax(-1)
    choice = torch.multinomial(probs, 1, generator=generator)
    return idx.gather(1, choice).squeeze(1)


def choose_next(
    logits: torch.Tensor,
    params: Sequence[SamplingParams],
    seen_ids: torch.Tensor,
    seen_mask: torch.Tensor,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """One token id per row of `logits` (batch, vocab); `logits` may be modified in place."""
    logits = apply_repetition_penalty(logits, seen_ids, seen_mask, [p.repetition_penalty for p in params])
    if any(p.greedy for p in params):
        out = logits.argmax(-1)
    else:
        out = torch.empty(logits.shape[0], dtype=torch.long, device=logits.device)
    groups: dict[tuple[float, int, float], list[int]] = {}
    for row, p in enumerate(params):
        if not p.greedy:
            groups.setdefault((p.temperature, p.top_k, p.top_p), []).append(row)
    for (temperature, top_k, top_p), rows in groups.items():
        if len(rows) == len(params):
            out = _sample_group(logits, temperature, top_k, top_p, generator)
        else:
            index = torch.tensor(rows, device=logits.device)
            out[index] = _sample_group(logits.index_select(0, index), temperature, top_k, top_p, generator)
    return out
