"""Domain records of a conversation and of generation; no Telegram types here."""

from __future__ import annotations

import asyncio

from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Awaitable, Callable, Literal, Protocol, Sequence, runtime_checkable

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class Turn:
    chat_id: int
    role: Role
    text: str
    created_at: float = 0.0
    tokens: int | None = None
    id: int | None = None
    conversation_id: int | None = None


@dataclass(frozen=True, slots=True)
class SamplingParams:
    max_new_tokens: int = 256
    temperature: float = 0.7
    top_p: float = 0.9
    top_k: int = 50
    repetition_penalty: float = 1.05
    stop: tuple[str, ...] = ()

    @property
    def greedy(self) -> bool:
        return self.temperature <= 0.0


@dataclass(slots=True)
class GenerationRequest:
    """messages are OpenAI-style dicts ({"role", "content"}), system prompt first."""

    request_id: str
    messages: list[dict[str, str]]
    params: SamplingParams = field(default_factory=SamplingParams)
    prompt_ids: list[int] | None = None  # pre-tokenized input (benchmarks); skips templating


@dataclass(slots=True)
class GenerationResult:
    request_id: str
    text: str = ""
    tokens: int = 0
    prompt_tokens: int = 0
    finish_reason: str = "stop"  # stop | length | error
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@runtime_checkable
class Backend(Protocol):
    """A generation backend. generate() yields results as they finish, in any order."""

    name: str

    async def start(self) -> None: ...

    def generate(self, requests: Sequence[GenerationRequest]) -> AsyncIterator[GenerationResult]: ...

    async def aclose(self) -> None: ...


async def fan_out(
    one: Callable[[GenerationRequest], Awaitable[GenerationResult]], requests: Sequence[GenerationRequest]
) -> AsyncIterator[GenerationResult]:
    """Run one coroutine per request and yield results as they finish; cancel the rest if the caller stops."""
    tasks = [asyncio.ensure_future(one(r)) for r in requests]
    try:
        for next_done in asyncio.as_completed(tasks):
            yield await next_done
    finally:
        for task in tasks:
            task.cancel()


async def generate_one(backend: Backend, request: GenerationRequest) -> GenerationResult:
    async for result in backend.generate([request]):
        return result
    return GenerationResult(request.request_id, error="backend returned no result", finish_reason="error")


class ConfigError(Exception):
    """Bad operator input; str() is one line naming the setting and the fix."""


class StoreError(Exception):
    """The SQLite store cannot be used; str() is one line saying why and what to do."""


@dataclass(slots=True)
class Reply:
    """What the front end delivers for one user turn."""

    chat_id: int
    text: str  # what the user should see (redacted / pending / refusal text)
    action: str  # allow | redact | hold | block | error
    verdict: dict[str, Any] | None = None
    turn_id: int | None = None
    held_id: int | None = None
    draft: str = ""  # the raw model output (never shown to users unless approved)
    extra: dict[str, Any] = field(default_factory=dict)
