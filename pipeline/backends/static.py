"""Gathered static batches through transformers' `generate` with a static KV cache (`generation.compile`).

On CUDA, `generate` compiles the decode step of a static cache with CUDA graphs ("reduce-overhead"),
which removes the per-kernel launch overhead that dominates eager decoding of small models. Graphs
are specialised to shapes, so batches are padded to a few fixed sizes: rows to a power of two (up to
`max_batch_size`), prompts to a multiple of `length_bucket` and new tokens to a multiple of 32. Unlike
the continuous engine, requests arriving during a batch wait for the next one. Also used for models
whose KV cache the continuous engine cannot splice (e.g. linear-attention hybrids).
"""

from __future__ import annotations

import logging
from typing import Any

import torch

from pipeline.backends.engine import BatchEngine, Job, is_oom, _one_line
from pipeline.types import SamplingParams

log = logging.getLogger("parley.engine")


def _round_up(n: int, k: int) -> int:
    return -(-n // k) * k


class StaticBatchEngine(BatchEngine):
    """Same submit()/aclose() contract as BatchEngine; the model is a transformers causal LM."""

    def __init__(
        self, model: Any, *, compile: bool = False, length_bucket: int = 64, max_cache_len: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(lambda *a: None, **kwargs)  # type: ignore[arg-type]
        self.model = model
        self.compile = compile
        self.length_bucket = length_bucket
        # One preallocated StaticCache per row count, all of the same length: the compiled decode step then
        # sees the same shapes whatever the prompt length, so it compiles once per row bucket.
        self.max_cache_len = max_cache_len
        self._caches: dict[int, Any] = {}

    def _cache_for(self, rows: int) -> Any:
        cache = self._caches.get(rows)
        if cache is None:
            from transformers import StaticCache

            length = self.max_cache_len or 0  # only called when max_cache_len is set
            cache = self._caches[rows] = StaticCache(config=self.model.config, max_cache_len=length)
        cache.reset()
        return cache

    def _run(self) -> None:
        while True:
            admit = self._next_admissions(False)
            if admit is None:
                break
            try:
                valid = [job for job in admit if self._validate(job)]
                groups: dict[tuple[SamplingParams, bool], list[Job]] = {}
                for job in valid:
                    groups.setdefault((job.params, job.ignore_eos), []).append(job)
                for jobs in groups.values():
                    jobs.sort(key=lambda j: len(j.prompt_ids))
                    for bucket in self._buckets(jobs):
                        self._generate(bucket)
            except Exception as err:  # engine bug: fail this round, keep serving
                log.exception("generation engine failure")
                for job in admit:
                    self._finish(job, error=f"generation failed: {_one_line(err)}")
        for job in list(self._pending):
            self._finish(job, error="the generation backend was closed")
        self._pending.clear()

    def _shape(self, jobs: list[Job]) -> tuple[int, int, int]:
        rows, width, new = len(jobs), max(len(j.prompt_ids) for j in jobs), max(j.max_new for j in jobs)
        if self.compile:
            rows = min(self.max_batch_size, 1 << (rows - 1).bit_length())
            width = _round_up(width, self.length_bucket)
            new = _round_up(new, 32)
            if self.max_positions is not None:
                new = max(1, min(new, self.max_positions - width))
        return rows, width, new

    def _generate(self, jobs: list[Job]) -> None:
        """One generate() call; OOM halves the group, other errors retry the requests one by one."""
        try:
            outputs = self._call(jobs)
        except Exception as err:
            oom = is_oom(err)
            if oom:
                self._after_oom()
            if len(jobs) > 1:
                half = len(jobs) // 2
                parts = [jobs[:half], jobs[half:]] if oom else [[j] for j in jobs]
                for part in parts:
                    self._generate(part)
                return
            self._finish(jobs[0], error=f"generation failed: {_one_line(err)}")
            return
        for job, tokens in zip(jobs, outputs):
            reason = "length"
            for tok in tokens[: job.max_new]:
                job.generated.append(tok)
                if not job.ignore_eos and tok in self.eos_ids:
                    reason = "stop"
                    break
            self._finish(job, reason=reason)

    def _call(self, jobs: list[Job]) -> list[list[int]]:
        rows, width, new = self._shape(jobs)
        ids = torch.full((rows, width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((rows, width), dtype=torch.long)
        for r in range(rows):
            prompt = jobs[r].prompt_ids if r < len(jobs) else [self.pad_id]  # filler rows keep shapes fixed
            ids[r, width - len(prompt):] = torch.tensor(prompt, dtype=torch.long)
            mask[r, width - len(prompt):] = 1
        p = jobs[0].params
        kwargs: dict[str, Any] = {
            "max_new_tokens": new, "do_sample": not p.greedy, "repetition_penalty": p.repetition_penalty,
            "pad_token_id": self.pad_id, "eos_token_id": sorted(self.eos_ids) or None,
            "disable_compile": not self.compile,
        }
        if self.max_cache_len is None or width + new > self.max_cache_len:
            kwargs["cache_implementation"] = "static"
        if not p.greedy:
            kwargs.update(temperature=p.temperature, top_p=p.top_p, top_k=p.top_k)
        else:
            kwargs.update(temperature=None, top_p=None, top_k=None)
        if jobs[0].ignore_eos:
            kwargs["min_new_tokens"] = new
        self.stats["prefills"] += 1
        self.stats["max_batch"] = max(self.stats["max_batch"], len(jobs))
        with torch.inference_mode():  # the cache tensors are inference tensors: reset them in here too
            if "cache_implementation" not in kwargs:
                kwargs["past_key_values"] = self._cache_for(rows)
            out = self.model.generate(input_ids=ids.to(self.device), attention_mask=mask.to(self.device), **kwargs)
        self.stats["steps"] += out.shape[1] - width
        self.stats["rows_stepped"] += (out.shape[1] - width) * len(jobs)
        self._report_batch(len(jobs))
        return [out[r, width:].tolist() for r in range(len(jobs))]
