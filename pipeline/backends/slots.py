"""Continuous batching over fixed KV slots, so that a decode step has one shape and can replay a CUDA graph.

The eager continuous engine (engine.py) grows and splices a DynamicCache every step: dozens of small
kernel launches per layer, which is what bounds a small model on a big GPU. Here the cache is
preallocated once: `max_batch_size` slots of `cache_len` columns per layer, and a row's token at
position p lives in column p of its slot. A decode step then always feeds (rows, 1) tokens against
(rows, cache_len) keys, whatever the rows' lengths, so on CUDA each row-count bucket is captured as
a CUDA graph once at start-up and replayed, instead of launching every kernel from Python.

Rows still join and leave between steps: a new request is prefilled eagerly (bucketed, as in the
continuous engine) and its keys copied into a free slot; a finished row's slot is filled by moving the
highest occupied slot into it, so the occupied slots stay 0..n-1 and the smallest bucket >= n runs.

Safety nets, because a model whose attention ignores 4-D masks or whose positions differ would decode
nonsense silently: at start-up the slot path is compared with the eager path on one prompt, and the
largest captured graph with the eager slot step; a mismatch or any failure logs why and falls back
(graphs off, or the plain continuous engine).
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Protocol

import torch

from pipeline.backends import decode
from pipeline.backends.decode import DecodeBatch
from pipeline.backends.engine import BatchEngine, Job, _one_line
from pipeline.backends.sampling import choose_next
from pipeline.backends.slot_cache import (
    GROUPED_DECODE, SlotCache, attention_implementation, left_align, register_attention,
)
from pipeline.types import SamplingParams

log = logging.getLogger("parley.engine")


def slots_unsupported(model: Any) -> str | None:
    """Why the slot engine cannot run this model, or None."""
    config = model.config
    impl = getattr(config, "_attn_implementation", None)
    if impl not in ("sdpa", "eager"):
        return f"attention implementation {impl!r} takes no 4-D mask"
    if any(t != "full_attention" for t in getattr(config, "layer_types", None) or ()):
        return "the model has sliding-window or linear-attention layers"
    if getattr(config, "is_encoder_decoder", False):
        return "encoder-decoder model"
    return None


# Two decodes of the same input agree when every row's logits have at least this cosine similarity:
# bf16 noise between kernels stays above 0.999 (0.9999 measured on a random Qwen2-0.5B), while a
# mask or position mistake drops it far below (0.05 when the mask is ignored).
MIN_AGREEMENT = 0.99


def agreement(a: torch.Tensor, b: torch.Tensor) -> float:
    """The lowest per-row cosine similarity of two (rows, vocab) logit tensors."""
    return float(torch.nn.functional.cosine_similarity(a.float(), b.float(), dim=-1).min())


def graph_sizes(max_rows: int) -> list[int]:
    """Row buckets to capture: 1, 2, 4, then every multiple of 8, up to max_rows (as vLLM does)."""
    sizes = {n for n in (1, 2, 4) if n < max_rows} | set(range(8, max_rows, 8)) | {max_rows}
    return sorted(sizes)


class GraphRunner(Protocol):
    def warm(self, fn: Callable[[], Any]) -> None: ...
    def capture(self, fn: Callable[[], Any]) -> Any: ...  # returns an object with replay()


class CudaGraphs:
    """torch.cuda graphs: warm-up launches on a side stream, then captures sharing one memory pool."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.pool: Any = None

    def warm(self, fn: Callable[[], Any]) -> None:
        stream = torch.cuda.Stream(device=self.device)
        stream.wait_stream(torch.cuda.current_stream(self.device))
        with torch.cuda.stream(stream):  # cuBLAS workspaces and lazy inits happen before capture
            fn()
        torch.cuda.current_stream(self.device).wait_stream(stream)

    def capture(self, fn: Callable[[], Any]) -> Any:
        graph = torch.cuda.CUDAGraph()
        # thread_local: another thread's CUDA work (the classifier's micro-batches) does not void the capture
        with torch.cuda.graph(graph, pool=self.pool, capture_error_mode="thread_local"):
            fn()
        self.pool = graph.pool()
        return graph


class SlotEngine(BatchEngine):
    """Same submit()/aclose() contract as BatchEngine; the model is a transformers causal LM."""

    def __init__(
        self, model: Any, *, cache_len: int, cuda_graphs: bool = True, graph_runner: GraphRunner | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(decode.model_forward(model), **kwargs)
        self.model = model
        self.cache_len = cache_len
        slots, dev = self.max_batch_size, self.device
        self.cache = SlotCache(slots, cache_len, dev)
        self.positions = self.cache.positions  # (slots,) position (= column) of the token fed next
        self.tokens = torch.full((slots, 1), self.pad_id, dtype=torch.long, device=dev)
        self.seen = torch.full((slots, cache_len), self.pad_id, dtype=torch.long, device=dev)
        self.columns = torch.arange(cache_len, device=dev)
        self.logits: torch.Tensor | None = None  # (slots, vocab) float32: written by every step (graph output)
        config = model.config
        self.float_mask = getattr(config, "_attn_implementation", "sdpa") == "eager"
        grouped = getattr(config, "num_key_value_heads", None) not in (None, getattr(config, "num_attention_heads", None))
        # GQA models on SDPA decode through grouped_decode_attention (no repeated KV heads)
        self.decode_attention = GROUPED_DECODE if grouped and not self.float_mask and register_attention() else None
        if graph_runner is None and cuda_graphs and self.device.type == "cuda":
            graph_runner = CudaGraphs(self.device)
        self.graph_runner = graph_runner  # None: eager steps (CPU, or cuda_graphs off)
        self.sizes = graph_sizes(slots)
        self.graphs: dict[int, Any] = {}
        self.prepare_s: float | None = None
        self.fallback: str | None = None  # why this engine runs as the plain continuous engine

    # ---- start-up (worker thread) ----------------------------------------------------------------

    def _run(self) -> None:
        with torch.inference_mode():  # the whole worker thread: the slot tensors are inference tensors
            start = time.perf_counter()
            try:
                self._prepare()
            except Exception as err:
                log.exception("slot engine start-up failed")
                self._fall_back(f"slot engine start-up failed: {_one_line(err)}")
            self.prepare_s = time.perf_counter() - start
            super()._run()

    def _prepare(self) -> None:
        self._forward_into_logits(self.max_batch_size)  # sizes the cache and the logits buffer
        problem = self._compare_with_eager()
        if problem:
            self._fall_back(problem)
            return
        if self.graph_runner is not None:
            log.info("capturing CUDA graphs for %d row buckets %s", len(self.sizes), self.sizes)
            try:
                self._capture()
            except Exception as err:
                self.graphs.clear()
                log.warning("CUDA graph capture failed (%s); decoding eagerly in fixed slots", _one_line(err))
                log.debug("capture failure", exc_info=True)
        self.positions.zero_()
        log.info("slot engine ready: %d slots x %d columns, %s", self.max_batch_size, self.cache_len,
                 f"CUDA graphs for {sorted(self.graphs)} rows" if self.graphs else "eager steps")

    def _fall_back(self, why: str) -> None:
        log.warning("%s; using the plain continuous engine", why)
        self.fallback = why
        self.graphs.clear()
        self.cache.layers.clear()
        self.logits = None

    def _compare_with_eager(self) -> str | None:
        """One prompt through the eager DynamicCache path and through the slots: the logits must agree."""
        vocab = self.vocab_size or 1000
        prompt = [(self.pad_id + 7 + 31 * i) % vocab for i in range(12)]
        greedy = SamplingParams(max_new_tokens=2, temperature=0.0, repetition_penalty=1.0)
        ref = decode.prefill(self.forward, [prompt], [greedy], device=self.device, pad_id=self.pad_id)
        ref.last[0] = prompt[0]  # feed a fixed token next, so both paths see the same input
        self._place(ref, [0], 0)  # before the eager step below extends ref's cache
        expected = self.forward(ref.last.unsqueeze(1), torch.cat([ref.mask, ref.mask[:, :1]], dim=1),
                                ref.positions.unsqueeze(1), ref.cache)
        got = self._forward_into_logits(1)
        similarity = agreement(expected, got)
        if similarity < MIN_AGREEMENT:
            return f"the slot decode differs from the eager decode (logit cosine similarity {similarity:.4f})"
        return None

    def _capture(self) -> None:
        """Capture one graph per row bucket (largest first, sharing memory), then check the largest one."""
        runner = self.graph_runner
        assert runner is not None
        runner.warm(lambda: [self._forward_into_logits(rows) for rows in self.sizes])
        for rows in sorted(self.sizes, reverse=True):
            self.graphs[rows] = runner.capture(lambda rows=rows: self._forward_into_logits(rows))
        top, vocab = self.max_batch_size, self.vocab_size or 1000
        self.tokens[:, 0] = (torch.arange(top, device=self.device) * 97 + 13) % vocab
        eager = self._forward_into_logits(top).clone()
        self.graphs[top].replay()
        assert self.logits is not None
        similarity = agreement(eager, self.logits[:top])
        if similarity < MIN_AGREEMENT:
            self.graphs.clear()
            log.warning("a CUDA graph replay differs from the eager step (logit cosine similarity %.4f); "
                        "graphs off", similarity)
        self.tokens.fill_(self.pad_id)

    # ---- the fixed-shape step ---------------------------------------------------------------------

    def _forward_into_logits(self, rows: int) -> torch.Tensor:
        """The decode step over slots 0..rows-1: reads tokens/positions, writes self.logits[:rows]."""
        pos = self.positions[:rows]
        allowed = (self.columns.unsqueeze(0) <= pos.unsqueeze(1))[:, None, None, :]
        dtype = self.model.dtype
        mask = torch.zeros(allowed.shape, dtype=dtype, device=self.device).masked_fill(
            ~allowed, torch.finfo(dtype).min) if self.float_mask else allowed
        with attention_implementation(self.model.config, self.decode_attention):
            out = self.model(
                input_ids=self.tokens[:rows], attention_mask=mask, position_ids=pos.unsqueeze(1),
                past_key_values=self.cache, use_cache=True, logits_to_keep=1,
            )
        logits = out.logits[:, -1, :]
        if self.logits is None:
            self.logits = torch.zeros((self.max_batch_size, logits.shape[-1]), dtype=torch.float32,
                                      device=self.device)
        self.logits[:rows].copy_(logits)
        return self.logits[:rows]

    def _bucket(self, rows: int) -> int:
        return next(size for size in self.sizes if size >= rows)

    # ---- scheduling hooks of BatchEngine ----------------------------------------------------------

    def _validate(self, job: Job) -> bool:
        if not super()._validate(job):
            return False
        if self.fallback:
            return True
        n = len(job.input_ids)
        if n >= self.cache_len:
            self._finish(job, error=f"prompt of {n} tokens does not fit the engine's cache of {self.cache_len} "
                                    "(raise generation.context_tokens)")
            return False
        job.max_new = min(job.max_new, self.cache_len - n)
        return True

    def _admit(self, batch: Any, rows: list[Job], admit: list[Job]) -> tuple[Any, list[Job]]:
        if self.fallback:
            return super()._admit(batch, rows, admit)
        if batch is None:  # idle, or the running rows were dropped after an engine failure: start clean
            rows = []
            self.positions.zero_()
        valid = sorted((job for job in admit if self._validate(job)), key=lambda j: len(j.input_ids))
        for group in self._buckets(valid):
            for sub, prefilled in self._prefill(group):
                firsts = prefilled.last.tolist()
                keep = [i for i, job in enumerate(sub) if not self._accept(job, firsts[i])]
                if keep:
                    self._place(prefilled, keep, len(rows))
                    rows.extend(sub[i] for i in keep)
        self._running = len(rows)
        self.stats["max_batch"] = max(self.stats["max_batch"], len(rows))
        return (self if rows else None), rows

    def _place(self, prefilled: DecodeBatch, keep: list[int], first_slot: int) -> None:
        """Move the prefilled rows `keep` into slots first_slot, first_slot+1, ..."""
        dev = self.device
        rows = torch.tensor(keep, device=dev)
        slots = torch.arange(first_slot, first_slot + len(keep), device=dev)
        lengths = prefilled.mask.index_select(0, rows).sum(-1)
        shift = prefilled.columns - lengths
        self.cache.fill(slots, decode._layers(prefilled.cache), rows, shift)
        self.seen[slots, : prefilled.columns] = left_align(prefilled.seen.index_select(0, rows), shift)
        self.positions[slots] = lengths
        self.tokens[slots, 0] = prefilled.last.index_select(0, rows)

    def _step(self, batch: Any, rows: list[Job]) -> tuple[Any, list[Job]]:
        if self.fallback:
            return super()._step(batch, rows)
        n = len(rows)
        params = [job.params for job in rows]
        index, pos = self.cache.rows[:n], self.positions[:n]
        self.seen[index, pos] = self.tokens[:n, 0]
        bucket = self._bucket(n)
        graph = self.graphs.get(bucket)
        if graph is not None:
            graph.replay()
        else:
            self._forward_into_logits(bucket)
        assert self.logits is not None
        seen, seen_mask = self.seen[:n], self.columns.unsqueeze(0) <= pos.unsqueeze(1)
        if any(p.repetition_penalty != 1.0 for p in params):
            # choose_next expects padding to point at a real token: point it at the one just fed
            seen, seen_mask = torch.where(seen_mask, seen, self.tokens[:n]), torch.ones_like(seen_mask)
        nxt = choose_next(self.logits[:n], params, seen, seen_mask, self.generator)
        self.positions[:n] += 1
        self.tokens[:n, 0] = nxt
        tokens = nxt.tolist()
        self.stats["steps"] += 1
        self.stats["rows_stepped"] += n
        self._report_batch(n)
        done = {i for i, job in enumerate(rows) if self._accept(job, tokens[i])}
        rows = self._compact(rows, done) if done else rows
        self._running = len(rows)
        return (self if rows else None), rows

    def _compact(self, rows: list[Job], done: set[int]) -> list[Job]:
        """Fill the finished rows' slots with the highest occupied ones, so slots 0..k-1 stay in use."""
        k = len(rows) - len(done)
        holes = [i for i in sorted(done) if i < k]
        movers = [i for i in range(k, len(rows)) if i not in done]
        kept = list(rows[:k])
        if holes:
            src = torch.tensor(movers, device=self.device)
            dst = torch.tensor(holes, device=self.device)
            self.cache.move(src, dst)
            for buf in (self.tokens, self.positions, self.seen):
                buf[dst] = buf[src]
            for h, m in zip(holes, movers):
                kept[h] = rows[m]
        self.positions[k:] = 0  # free slots decode harmlessly at column 0 when a bucket covers them
        return kept
