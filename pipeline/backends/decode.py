"""A running batch of sequences sharing one KV cache, with rows that join and leave between decode steps.

Rows are left-padded: every row's newest token sits in the last cache column, so one decode step feeds
one token per row. Padding is masked out by the 2-D attention mask and every row carries its own
position ids, so a row's logits do not depend on the other rows (checked token for token in tests).
Joining pads the shorter of two batches on the left; leaving drops rows and then any leading columns
that are padding for every remaining row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import torch
from transformers import DynamicCache

from pipeline.backends.sampling import choose_next
from pipeline.types import SamplingParams

# forward(input_ids, attention_mask, position_ids, cache) -> logits of the last position, (batch, vocab)
Forward = Callable[[torch.Tensor, torch.Tensor, torch.Tensor, Any], torch.Tensor]


def model_forward(model: Any) -> Forward:
    """The plain eager forward of a transformers causal LM, computing logits for the last position only."""

    def forward(ids: torch.Tensor, mask: torch.Tensor, pos: torch.Tensor, cache: Any) -> torch.Tensor:
        out = model(
            input_ids=ids, attention_mask=mask, position_ids=pos, past_key_values=cache,
            use_cache=True, logits_to_keep=1,
        )
        logits: torch.Tensor = out.logits[:, -1, :].float()
        return logits

    return forward


def _layers(cache: Any) -> list[Any]:
    layers = list(getattr(cache, "layers", []))
    for layer in layers:
        keys = getattr(layer, "keys", None)
        if not isinstance(keys, torch.Tensor) or keys.dim() != 4 or getattr(layer, "is_sliding", False):
            raise TypeError(f"unsupported KV cache layer {type(layer).__name__} for continuous batching")
    return layers


def _pad_left(t: torch.Tensor, n: int, dim: int, value: float = 0) -> torch.Tensor:
    if n == 0:
        return t
    shape = list(t.shape)
    shape[dim] = n
    return torch.cat([t.new_full(shape, value), t], dim=dim)


@dataclass
class DecodeBatch:
    cache: Any  # transformers DynamicCache, keys/values (batch, heads, columns, head_dim)
    mask: torch.Tensor  # (batch, columns) 1 = real token
    seen: torch.Tensor  # (batch, columns) token ids under the mask (repetition penalty)
    positions: torch.Tensor  # (batch,) position id of the next token fed
    last: torch.Tensor  # (batch,) the token chosen last, fed at the next step
    params: list[SamplingParams]

    @property
    def size(self) -> int:
        return int(self.mask.shape[0])

    @property
    def columns(self) -> int:
        return int(self.mask.shape[1])


def prefill(
    forward: Forward,
    prompts: Sequence[Sequence[int]],
    params: Sequence[SamplingParams],
    *,
    device: torch.device,
    pad_id: int,
    generator: torch.Generator | None = None,
) -> DecodeBatch:
    """Run the prompts (left-padded together) and choose each row's first new token."""
    width = max(len(p) for p in prompts)
    ids = torch.full((len(prompts), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(prompts), width), dtype=torch.long)
    for row, prompt in enumerate(prompts):
        ids[row, width - len(prompt):] = torch.tensor(list(prompt), dtype=torch.long)
        mask[row, width - len(prompt):] = 1
    ids, mask = ids.to(device), mask.to(device)
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    cache = DynamicCache()
    with torch.inference_mode():
        logits = forward(ids, mask, pos, cache)
        _layers(cache)
        nxt = choose_next(logits, params, ids, mask, generator)
    return DecodeBatch(cache, mask, ids, mask.sum(-1), nxt, list(params))


def step(forward: Forward, batch: DecodeBatch, generator: torch.Generator | None = None) -> torch.Tensor:
    """Feed every row its last token and choose the next one; returns the new tokens (batch,)."""
    ones = torch.ones((batch.size, 1), dtype=batch.mask.dtype, device=batch.mask.device)
    batch.mask = torch.cat([batch.mask, ones], dim=1)
    batch.seen = torch.cat([batch.seen, batch.last.unsqueeze(1)], dim=1)
    with torch.inference_mode():
        logits = forward(batch.last.unsqueeze(1), batch.mask, batch.positions.unsqueeze(1), batch.cache)
        nxt = choose_next(logits, batch.params, batch.seen, batch.mask, generator)
    batch.positions = batch.positions + 1
    batch.last = nxt
    return nxt


def merge(a: DecodeBatch, b: DecodeBatch) -> DecodeBatch:
    """One batch holding a's rows then b's rows; the shorter is padded on the left."""
    cols = max(a.columns, b.columns)
    pa, pb = cols - a.columns, cols - b.columns
    for la, lb in zip(_layers(a.cache), _layers(b.cache)):
        la.keys = torch.cat([_pad_left(la.keys, pa, 2), _pad_left(lb.keys, pb, 2)], dim=0)
        la.values = torch.cat([_pad_left(la.values, pa, 2), _pad_left(lb.values, pb, 2)], dim=0)
    a.mask = torch.cat([_pad_left(a.mask, pa, 1), _pad_left(b.mask, pb, 1)], dim=0)
    a.seen = torch.cat([_pad_left(a.seen, pa, 1), _pad_left(b.seen, pb, 1)], dim=0)
    a.positions = torch.cat([a.positions, b.positions])
    a.last = torch.cat([a.last, b.last])
    a.params = a.params + b.params
    return a


def select(batch: DecodeBatch, keep: Sequence[int]) -> DecodeBatch:
    """Keep only the rows `keep` (in that order), then drop columns that are now padding for all rows."""
    index = torch.tensor(list(keep), dtype=torch.long, device=batch.mask.device)
    mask = batch.mask.index_select(0, index)
    used = mask.any(dim=0).nonzero()
    start = int(used[0]) if used.numel() else mask.shape[1]
    for layer in _layers(batch.cache):
        layer.keys = layer.keys.index_select(0, index)[:, :, start:, :]
        layer.values = layer.values.index_select(0, index)[:, :, start:, :]
    batch.mask = mask[:, start:]
    batch.seen = batch.seen.index_select(0, index)[:, start:]
    batch.positions = batch.positions.index_select(0, index)
    batch.last = batch.last.index_select(0, index)
    batch.params = [batch.params[i] for i in keep]
    return batch
