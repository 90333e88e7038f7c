"""Micro-batching: concurrent callers share one blocking call run on one worker thread.

Why: a forward pass on 64 texts costs about as much as on one, so texts from many
chats arriving within a few milliseconds are scored together, off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Job(Generic[T, R]):
    items: list[T]
    future: asyncio.Future[list[R]]


class MicroBatcher(Generic[T, R]):
    """Collects items for up to `max_wait_s` or `max_batch` items, then calls `fn` once.

    `fn(items) -> results` (same length, same order) runs on a single worker thread, so
    a model is never used by two threads at once. One caller's items are never split.
    """

    def __init__(self, fn: Callable[[list[T]], list[R]], *, max_batch: int, max_wait_s: float,
                 executor: ThreadPoolExecutor | None = None, name: str = "batcher") -> None:
        self._fn = fn
        self.max_batch = max(1, max_batch)
        self.max_wait_s = max(0.0, max_wait_s)
        self._own_executor = executor is None
        self.executor = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._queue: asyncio.Queue[_Job[T, R] | None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self.batches = 0  # forward passes run (for tests and metrics)

    async def submit(self, items: Sequence[T]) -> list[R]:
        """Results for `items`, in order; raises what `fn` raised for the batch."""
        if self._closed:
            raise RuntimeError("batcher is closed")
        if not items:
            return []
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._loop is not loop:
            # (Re)start the collector on the caller's loop: a stage may outlive one asyncio.run().
            self._loop = loop
            self._queue = asyncio.Queue()
            self._task = loop.create_task(self._run(), name="micro-batcher")
        assert self._queue is not None
        future: asyncio.Future[list[R]] = loop.create_future()
        self._queue.put_nowait(_Job(list(items), future))
        return await future

    async def _collect(self, first: _Job[T, R]) -> tuple[list[_Job[T, R]], bool]:
        """Take more queued jobs until the batch is full or the wait is over."""
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        jobs, count, stop = [first], len(first.items), False
        deadline = loop.time() + self.max_wait_s
        while count < self.max_batch:
            try:
                job = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    job = await asyncio.wait_for(self._queue.get(), remaining)
                except TimeoutError:
                    break
            if job is None:
                stop = True
                break
            jobs.append(job)
            count += len(job.items)
        return jobs, stop

    async def _run(self) -> None:
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        stop = False
        while not stop:
            first = await self._queue.get()
            if first is None:
                break
            jobs, stop = await self._collect(first)
            jobs = [j for j in jobs if not j.future.done()]  # callers that gave up
            if not jobs:
                continue
            flat = [item for job in jobs for item in job.items]
            try:
                results = await loop.run_in_executor(self.executor, self._fn, flat)
                if len(results) != len(flat):
                    raise RuntimeError(f"batch function returned {len(results)} results for {len(flat)} items")
            except Exception as exc:  # noqa: BLE001 - handed to every caller of this batch
                for job in jobs:
                    if not job.future.done():
                        job.future.set_exception(exc)
                continue
            self.batches += 1
            offset = 0
            for job in jobs:
                part = results[offset:offset + len(job.items)]
                offset += len(job.items)
                if not job.future.done():
                    job.future.set_result(part)

    async def run_blocking(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run other blocking work (model loading) on the same worker thread."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def aclose(self) -> None:
        """Finish queued work, then stop the worker."""
        self._closed = True
        running = asyncio.get_running_loop()
        if self._task is not None and not self._task.done() and self._queue is not None and self._loop is running:
            self._queue.put_nowait(None)
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        if self._own_executor:
            self.executor.shutdown(wait=False, cancel_futures=True)
