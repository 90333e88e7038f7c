"""Diagnostics backend: replies with the user's own last message, so bot and moderation run without a model."""

from __future__ import annotations

from typing import AsyncIterator, Sequence

from pipeline.types import GenerationRequest, GenerationResult


class EchoBackend:
    name = "echo"
    tokenizer = None  # the context builder estimates tokens

    async def start(self) -> None:
        return None

    async def generate(self, requests: Sequence[GenerationRequest]) -> AsyncIterator[GenerationResult]:
        for req in requests:
            text = next((m["content"] for m in reversed(req.messages) if m.get("role") == "user"), "")
            yield GenerationResult(
                req.request_id,
                text=text,
                tokens=len(text.split()),
                prompt_tokens=sum(len(m.get("content", "").split()) for m in req.messages),
                finish_reason="stop",
            )

    async def aclose(self) -> None:
        return None
