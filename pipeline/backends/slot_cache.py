"""The pieces under the slot engine: a KV cache of fixed per-row slots, and a one-token attention for
grouped-query models that reads each KV head once (transformers' SDPA path repeats them when a mask is
given). Kept apart from the engine's scheduling so each can be read and tested alone.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import torch
from transformers import Cache

log = logging.getLogger("parley.engine")


class _SlotLayer:
    is_sliding = False
    is_compileable = True

    def __init__(self) -> None:
        self.keys: torch.Tensor | None = None  # (slots, kv_heads, cache_len, head_dim)
        self.values: torch.Tensor | None = None


class SlotCache(Cache):
    """Per-row KV slots: `update` writes each row's one new token at that row's own position."""

    def __init__(self, slots: int, length: int, device: torch.device) -> None:
        # Cache.__init__'s arguments change between transformers 5.x releases: set what the models read.
        self.layers: list[_SlotLayer] = []  # type: ignore[assignment]
        self.layer_class_to_replicate = None
        self.offloading = False
        self.length = length
        self.rows = torch.arange(slots, device=device)
        self.positions = torch.zeros(slots, dtype=torch.long, device=device)  # the column each row writes

    def update(  # type: ignore[override]
        self, key_states: torch.Tensor, value_states: torch.Tensor, layer_idx: int, *args: Any, **kwargs: Any
    ) -> tuple[torch.Tensor, torch.Tensor]:
        while len(self.layers) <= layer_idx:
            self.layers.append(_SlotLayer())
        layer = self.layers[layer_idx]
        if layer.keys is None or layer.values is None:  # first (eager) call sizes the slots from the model
            _, heads, _, dim = key_states.shape
            shape = (self.rows.numel(), heads, self.length, dim)
            layer.keys = key_states.new_zeros(shape)
            layer.values = value_states.new_zeros(shape)
        b = key_states.shape[0]
        rows, cols = self.rows[:b], self.positions[:b]
        layer.keys[rows, :, cols] = key_states[:, :, -1]
        layer.values[rows, :, cols] = value_states[:, :, -1]
        return layer.keys[:b], layer.values[:b]

    def get_seq_length(self, layer_idx: int = 0) -> int:
        return 0  # positions are always passed explicitly; only read by code paths we bypass

    def move(self, src: torch.Tensor, dst: torch.Tensor) -> None:
        for layer in self.layers:
            if layer.keys is not None and layer.values is not None:
                layer.keys[dst] = layer.keys[src]
                layer.values[dst] = layer.values[src]

    def fill(self, slots: torch.Tensor, layers: Sequence[Any], rows: torch.Tensor, shift: torch.Tensor) -> None:
        """Copy rows of a left-padded prefill cache into `slots`, each shifted left by its padding."""
        for mine, theirs in zip(self.layers, layers):
            assert mine.keys is not None and mine.values is not None
            mine.keys[slots, :, : theirs.keys.shape[2]] = left_align(theirs.keys[rows], shift)
            mine.values[slots, :, : theirs.values.shape[2]] = left_align(theirs.values[rows], shift)


def left_align(t: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Shift each row of t (rows, ..., columns on dim 2 or 1) left by shift[row]; the tail repeats the last
    column, which is harmless: a slot's columns past its position are masked, and overwritten before use."""
    dim = 2 if t.dim() == 4 else 1
    width = t.shape[dim]
    index = (torch.arange(width, device=t.device).unsqueeze(0) + shift.unsqueeze(1)).clamp(max=width - 1)
    if dim == 2:
        index = index[:, None, :, None].expand(-1, t.shape[1], -1, t.shape[3])
    return t.gather(dim, index)


GROUPED_DECODE = "parley_grouped_decode"


def grouped_decode_attention(
    module: Any, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, attention_mask: torch.Tensor | None,
    dropout: float = 0.0, scaling: float | None = None, **kwargs: Any,
) -> tuple[torch.Tensor, None]:
    """One-token attention for grouped-query models without repeating the KV heads.

    transformers' SDPA path copies every KV head once per query head when a mask is given (repeat_kv):
    at 64 rows x 600 columns that is several GB of memory traffic per decode step for a 0.5B model.
    Here the query heads sharing a KV head are stacked instead, so each key and value is read once.
    """
    rows, heads, q_len, dim = query.shape
    kv_heads = key.shape[1]
    if q_len != 1 or kwargs.get("softcap") is not None or kwargs.get("sliding_window") is not None:
        from transformers.integrations.sdpa_attention import sdpa_attention_forward

        return sdpa_attention_forward(module, query, key, value, attention_mask, dropout=dropout,  # type: ignore[no-any-return]
                                      scaling=scaling, **kwargs)
    groups = heads // kv_heads  # query head h reads KV head h // groups, as repeat_kv lays them out
    scores = torch.matmul(query.reshape(rows, kv_heads, groups, dim), key.transpose(-1, -2))
    scores = scores.float() * (scaling if scaling is not None else dim**-0.5)
    if attention_mask is not None:  # (rows, 1, 1, columns): broadcasts over KV heads and groups
        scores = scores.masked_fill(~attention_mask, float("-inf")) if attention_mask.dtype == torch.bool \
            else scores + attention_mask.float()
    out = torch.matmul(scores.softmax(-1).to(value.dtype), value)  # (rows, kv_heads, groups, dim)
    return out.reshape(rows, heads, 1, dim).transpose(1, 2).contiguous(), None


def register_attention() -> bool:
    try:
        from transformers import AttentionInterface

        AttentionInterface.register(GROUPED_DECODE, grouped_decode_attention)
        return True
    except Exception:  # an older transformers without the registry: keep the model's own attention
        log.debug("cannot register the grouped decode attention", exc_info=True)
        return False


@contextmanager
def attention_implementation(config: Any, name: str | None) -> Iterator[None]:
    """Switch the model's attention function for one call (modules read the config at every forward)."""
    if name is None:
        yield
        return
    previous = config._attn_implementation
    config._attn_implementation = name
    try:
        yield
    finally:
        config._attn_implementation = previous
