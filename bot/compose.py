"""Composition root: the one place that builds store, backend, moderation and pipeline from Settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from moderation.types import Moderator
from pipeline.pipeline import Pipeline
from pipeline.settings import Settings
from pipeline.store import Store
from pipeline.types import Backend, SamplingParams

log = logging.getLogger("parley")


def sampling_from(settings: Settings) -> SamplingParams:
    g = settings.generation
    return SamplingParams(
        max_new_tokens=g.max_new_tokens, temperature=g.temperature, top_p=g.top_p, top_k=g.top_k,
        repetition_penalty=g.repetition_penalty, stop=tuple(g.stop),
    )


def build_backend(settings: Settings) -> Backend:
    from pipeline.backends import build_backend as _build

    return _build(settings.generation)


def build_moderator(settings: Settings) -> Moderator:
    from moderation.engine import ModerationEngine

    return ModerationEngine.from_settings(settings.moderation)


def build_context(settings: Settings, backend: Backend) -> Any:
    from pipeline.context import ContextBuilder

    g = settings.generation
    budget = g.context_tokens
    window = getattr(backend, "context_window", None)
    if isinstance(window, int) and window > 0:
        # leave room for the reply inside the model's position limit
        budget = max(16, min(budget, window - g.max_new_tokens))
    return ContextBuilder(getattr(backend, "tokenizer", None), system_prompt=g.system_prompt, budget_tokens=budget)


@dataclass
class Core:
    """Everything a front end needs; one lifespan (`async with core`)."""

    settings: Settings
    store: Store
    backend: Backend
    moderator: Moderator
    pipeline: Pipeline | None = None
    observer: Any = None
    _started: list[Any] = field(default_factory=list)

    async def start(self) -> "Core":
        await self.store.open()
        self._started.append(self.store)
        try:
            await self.moderator.start()
            self._started.append(self.moderator)
            await self.backend.start()
            self._started.append(self.backend)
        except BaseException:
            await self.aclose()
            raise
        s = self.settings
        self.pipeline = Pipeline(
            store=self.store, backend=self.backend, moderator=self.moderator,
            context=build_context(s, self.backend), sampling=sampling_from(s), texts=s.moderation.texts,
            input_moderation=s.moderation.input.enabled, observer=self.observer,
        )
        return self

    async def aclose(self) -> None:
        while self._started:
            part = self._started.pop()
            try:
                if isinstance(part, Store):
                    await part.close()
                else:
                    await part.aclose()
            except Exception:
                log.exception("error while closing %s", type(part).__name__)

    async def __aenter__(self) -> "Core":
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


def build_core(settings: Settings, *, exclusive: bool = False, observer: Any = None) -> Core:
    """The Core of one front end; its settings' secrets join the redactor that masks logs and stored errors."""
    from pipeline.logs import add_secrets, settings_secrets

    add_secrets(*settings_secrets(settings))
    return Core(
        settings=settings,
        store=Store(settings.storage.path, exclusive=exclusive),
        backend=build_backend(settings),
        moderator=build_moderator(settings),
        observer=observer,
    )
