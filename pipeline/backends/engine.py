"""The batched generation engine: requests from many chats share one decode loop in one worker thread.

`submit()` is called from the event loop (any number of concurrent callers) and returns when that
request is done; the model only ever runs in the engine's worker thread, so the loop is never blocked.

Scheduling (continuous batching): when idle, the worker gathers requests for up to `batch_wait_ms`
(or until `max_batch_size` are waiting), prefills them together (bucketed by prompt length), then runs
decode steps over the whole running batch. Between two steps finished rows leave and waiting requests
join, so a long reply never holds back new chats; while rows are decoding, one admission prefills at
most `max_prefill_tokens`, so a burst of long prompts delays the running rows by a bounded amount.
CUDA out-of-memory during prefill splits the group in half and retries; during decode it moves the newest half of the rows back to the queue (they resume
from their prompt plus the tokens already generated) and lowers the batch cap. Any other failure of a
request fails that request only.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import torch

from pipeline.backends import decode
from pipeline.backends.decode import DecodeBatch, Forward
from pipeline.types import SamplingParams

log = logging.getLogger("parley.engine")


@dataclass(slots=True)
class EngineOutput:
    token_ids: list[int]
    text: str
    finish_reason: str  # stop | length | error
    prompt_tokens: int
    error: str | None = None


@dataclass(eq=False)
class Job:
    prompt_ids: list[int]
    params: SamplingParams
    stop: tuple[str, ...] = ()
    ignore_eos: bool = False
    future: concurrent.futures.Future[EngineOutput] = field(default_factory=concurrent.futures.Future)
    generated: list[int] = field(default_factory=list)
    max_new: int = 0
    submitted: float = field(default_factory=time.monotonic)

    @property
    def input_ids(self) -> list[int]:
        """What a (re-)prefill feeds: the prompt plus anything generated before an eviction."""
        return self.prompt_ids + self.generated


def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0]}" if text else type(err).__name__


def is_oom(err: BaseException) -> bool:
    return isinstance(err, torch.OutOfMemoryError)


class BatchEngine:
    """Continuous batching over a transformers causal LM (or any `Forward`)."""

    def __init__(
        self,
        forward: Forward,
        *,
        device: torch.device | str = "cpu",
        tokenizer: Any = None,
        max_batch_size: int = 64,
        batch_wait_ms: float = 5.0,
        eos_ids: Sequence[int] = (),
        pad_id: int = 0,
        vocab_size: int | None = None,
        max_positions: int | None = None,
        max_prefill_tokens: int = 16384,
        seed: int | None = None,
        name: str = "parley-generate",
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self.forward = forward
        self.on_batch = on_batch  # metrics hook: rows per decode step (called on the engine thread)
        self.device = torch.device(device)
        self.tokenizer = tokenizer
        self.max_batch_size = max_batch_size
        self.batch_wait_s = batch_wait_ms / 1000.0
        self.eos_ids = frozenset(int(i) for i in eos_ids)
        self.pad_id = pad_id
        self.vocab_size = vocab_size
        self.max_positions = max_positions
        self.max_prefill_tokens = max_prefill_tokens
        self.generator = torch.Generator(device=self.device)
        self.generator.manual_seed(seed if seed is not None else int(time.time_ns() % 2**31))
        self.name = name
        self.stats: dict[str, int] = {"steps": 0, "prefills": 0, "rows_stepped": 0, "max_batch": 0, "oom_splits": 0}
        self._cap = max_batch_size
        self._running = 0  # rows in the running batch (worker thread only)
        self._pending: deque[Job] = deque()
        self._cond = threading.Condition()
        self._closing = False
        self._thread: threading.Thread | None = None

    # ---- event-loop side -------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def submit_nowait(
        self, prompt_ids: Sequence[int], params: SamplingParams, *, stop: Sequence[str] = (), ignore_eos: bool = False
    ) -> concurrent.futures.Future[EngineOutput]:
        job = Job(list(prompt_ids), params, tuple(s for s in stop if s), ignore_eos)
        with self._cond:
            if self._closing or self._thread is None:
                job.future.set_result(self._error_output(job, "the generation engine is not running"))
                return job.future
            self._pending.append(job)
            self._cond.notify()
        return job.future

    async def submit(
        self, prompt_ids: Sequence[int], params: SamplingParams, *, stop: Sequence[str] = (), ignore_eos: bool = False
    ) -> EngineOutput:
        """Generate for one prompt; cancelling the caller drops the request from the batch."""
        return await asyncio.wrap_future(self.submit_nowait(prompt_ids, params, stop=stop, ignore_eos=ignore_eos))

    async def aclose(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join)
            self._thread = None

    # ---- worker thread ---------------------------------------------------------------------------

    def _run(self) -> None:
        batch: DecodeBatch | None = None
        rows: list[Job] = []
        while True:
            admit = self._next_admissions(bool(rows))
            if admit is None:
                break
            try:
                if admit:
                    batch, rows = self._admit(batch, rows, admit)
                if rows and batch is not None:
                    batch, rows = self._step(batch, rows)
            except Exception as err:  # an engine bug must not kill the thread or hang callers
                log.exception("generation engine failure")
                for job in rows + admit:
                    self._finish(job, error=f"generation failed: {_one_line(err)}")
                batch, rows = None, []
                self._running = 0
        for job in rows + list(self._pending):
            self._finish(job, error="the generation backend was closed")
        self._pending.clear()

    def _next_admissions(self, busy: bool) -> list[Job] | None:
        """Jobs to admit now; None when closing. Idle: wait for work, then gather for batch_wait_ms."""
        with self._cond:
            while not busy and not self._pending and not self._closing:
                self._cap = self.max_batch_size  # idle: after an OOM the next batch may try the full size again
                self._cond.wait()
            if self._closing:
                return None
            if not busy:
                deadline = self._pending[0].submitted + self.batch_wait_s
                while len(self._pending) < self._cap and not self._closing:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
            admit: list[Job] = []
            room = self._cap - (self._running if busy else 0)
            budget = self.max_prefill_tokens  # while rows decode, bound how long one admission stalls them
            while self._pending and len(admit) < room:
                if busy and admit and len(self._pending[0].input_ids) > budget:
                    break
                job = self._pending.popleft()
                if not job.future.cancelled():
                    admit.append(job)
                    budget -= len(job.input_ids)
            return admit

    def _admit(self, batch: DecodeBatch | None, rows: list[Job], admit: list[Job]) -> tuple[DecodeBatch | None, list[Job]]:
        valid = [job for job in admit if self._validate(job)]
        valid.sort(key=lambda j: len(j.input_ids))
        for group in self._buckets(valid):
            for sub, sub_batch in self._prefill(group):
                keep = [i for i, job in enumerate(sub) if not self._accept(job, int(sub_batch.last[i]))]
                if not keep:
                    continue
                if len(keep) < len(sub):
                    sub_batch = decode.select(sub_batch, keep)
                sub = [sub[i] for i in keep]
                batch = sub_batch if batch is None else decode.merge(batch, sub_batch)
                rows = rows + sub
        self._running = len(rows)
        self.stats["max_batch"] = max(self.stats["max_batch"], len(rows))
        return batch, rows

    def _buckets(self, jobs: list[Job]) -> list[list[Job]]:
        """Split length-sorted jobs so that padding stays small and a prefill stays under the token cap."""
        groups: list[list[Job]] = []
        for job in jobs:
            n = len(job.input_ids)
            if groups:
                g = groups[-1]
                shortest = len(g[0].input_ids)
                if n <= shortest * 1.25 + 16 and n * (len(g) + 1) <= self.max_prefill_tokens:
                    g.append(job)
                    continue
            groups.append([job])
        return groups

    def _prefill(self, group: list[Job]) -> list[tuple[list[Job], DecodeBatch]]:
        """Prefill a group; OOM halves it, any other error retries the rows one by one."""
        try:
            self.stats["prefills"] += 1
            batch = decode.prefill(
                self.forward, [j.input_ids for j in group], [j.params for j in group],
                device=self.device, pad_id=self.pad_id, generator=self.generator,
            )
            return [(group, batch)]
        except Exception as err:
            oom = is_oom(err)
            if oom:
                self._after_oom()
            if len(group) > 1:
                if oom:
                    log.warning("out of memory in the prefill of %d prompts; splitting", len(group))
                    half = len(group) // 2
                    return self._prefill(group[:half]) + self._prefill(group[half:])
                return [r for job in group for r in self._prefill([job])]
            log.warning("generation failed for one request: %s: %s", type(err).__name__, err)
            self._finish(group[0], error=f"generation failed: {_one_line(err)}")
            return []

    def _step(self, batch: DecodeBatch, rows: list[Job]) -> tuple[DecodeBatch | None, list[Job]]:
        try:
            tokens = decode.step(self.forward, batch, self.generator).tolist()
        except Exception as err:
            if not is_oom(err) or len(rows) == 1:
                raise
            # The cache may be half-updated: drop it; every row resumes by re-prefilling, at most half at once.
            self._after_oom()
            log.warning("out of memory at batch size %d; retrying with at most %d", len(rows), len(rows) // 2)
            with self._cond:
                self._cap = max(1, len(rows) // 2)
                self._pending.extendleft(reversed(rows))
            self._running = 0
            return None, []
        self.stats["steps"] += 1
        self.stats["rows_stepped"] += len(rows)
        self._report_batch(len(rows))
        keep = [i for i, job in enumerate(rows) if not self._accept(job, tokens[i])]
        self._running = len(keep)
        if not keep:
            return None, []
        if len(keep) < len(rows):
            batch = decode.select(batch, keep)
        return batch, [rows[i] for i in keep]

    def _report_batch(self, rows: int) -> None:
        if self.on_batch is not None:
            try:
                self.on_batch(rows)
            except Exception:  # metrics must never stop generation
                log.exception("on_batch hook failed")

    def _after_oom(self) -> None:
        self.stats["oom_splits"] += 1
        if self.device.type == "cuda":
            torch.cuda.empty_cache()

    def _validate(self, job: Job) -> bool:
        """Request-specific problems fail that request before it can disturb a batch."""
        n = len(job.prompt_ids)
        problem = None
        if n == 0:
            problem = "empty prompt"
        elif self.vocab_size is not None and any(not 0 <= t < self.vocab_size for t in job.prompt_ids):
            problem = f"prompt has token ids outside the vocabulary (size {self.vocab_size})"
        elif self.max_positions is not None and n >= self.max_positions:
            problem = f"prompt of {n} tokens does not fit the model's context of {self.max_positions}"
        if problem is not None:
            self._finish(job, error=problem)
            return False
        if not job.max_new:
            limit = job.params.max_new_tokens
            if self.max_positions is not None:
                limit = min(limit, self.max_positions - n)
            job.max_new = max(1, limit)
        return True

    def _accept(self, job: Job, token: int) -> bool:
        """Record a new token; True when the job is finished (and resolved) or was cancelled."""
        if job.future.cancelled():
            return True
        job.generated.append(token)
        if not job.ignore_eos and token in self.eos_ids:
            self._finish(job, reason="stop")
        elif len(job.generated) >= job.max_new:
            self._finish(job, reason="length")
        elif job.stop and self._tail_has_stop(job):
            self._finish(job, reason="stop")
        else:
            return False
        return True

    def _tail_has_stop(self, job: Job) -> bool:
        if self.tokenizer is None:
            return False
        window = max(len(s) for s in job.stop) + 4  # every token decodes to at least one character
        tail = self.tokenizer.decode(job.generated[-window:], skip_special_tokens=True, clean_up_tokenization_spaces=False)
        return any(s in tail for s in job.stop)

    def _finish(self, job: Job, *, reason: str = "stop", error: str | None = None) -> None:
        if error is not None:
            out = self._error_output(job, error)
        else:
            text = ""
            if self.tokenizer is not None:
                text = self.tokenizer.decode(job.generated, skip_special_tokens=True, clean_up_tokenization_spaces=False)
                cut = min((i for i in (text.find(s) for s in job.stop) if i >= 0), default=-1)
                if cut >= 0:
                    text, reason = text[:cut], "stop"
            out = EngineOutput(list(job.generated), text, reason, len(job.prompt_ids))
        if not job.future.done():
            try:
                job.future.set_result(out)
            except concurrent.futures.InvalidStateError:  # cancelled meanwhile
                pass

    @staticmethod
    def _error_output(job: Job, error: str) -> EngineOutput:
        return EngineOutput(list(job.generated), "", "error", len(job.prompt_ids), error)
