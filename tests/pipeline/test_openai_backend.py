"""The openai backend against a fake OpenAI-compatible server on 127.0.0.1 (real HTTP, random port)."""

from __future__ import annotations

import asyncio
import json
from typing import Any, AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from pipeline.backends import build_backend
from pipeline.backends.openai_backend import OpenAIBackend
from pipeline.settings import GenerationSettings
from pipeline.types import GenerationRequest, GenerationResult, SamplingParams, generate_one

MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi!"}]


class FakeServer:
    """Scripted replies: each entry of `script` is a status code or 'slow'; then 200 for ever."""

    def __init__(self) -> None:
        self.script: list[int | str] = []
        self.calls: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []

    async def completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append(body)
        self.headers.append(dict(request.headers))
        step = self.script.pop(0) if self.script else 200
        if step == "slow":
            await asyncio.sleep(5)
        if isinstance(step, int) and step != 200:
            return web.json_response({"error": {"message": f"scripted {step}"}}, status=step)
        last = body["messages"][-1]["content"]
        return web.json_response({
            "id": "cmpl-1", "object": "chat.completion", "model": body["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": f" You said: {last} "},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 4, "total_tokens": 15},
        })


@pytest.fixture
async def server() -> AsyncIterator[tuple[FakeServer, str]]:
    fake = FakeServer()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.completions)
    test_server = TestServer(app, host="127.0.0.1", port=0)
    await test_server.start_server()
    try:
        yield fake, f"http://127.0.0.1:{test_server.port}/v1"
    finally:
        await test_server.close()


def backend_for(base: str, **kw: Any) -> OpenAIBackend:
    settings = GenerationSettings(
        backend="openai", openai_base_url=base, openai_api_key="sk-test-123", openai_model="served-model",
        **{"timeout_s": 2.0, "max_retries": 2, **kw},
    )
    backend = build_backend(settings)
    assert isinstance(backend, OpenAIBackend)
    backend.backoff_s = 0.01
    return backend


async def ask_once(base: str, **kw: Any) -> GenerationResult:
    """One request through a freshly started backend, closed afterwards."""
    backend = backend_for(base, **kw)
    await backend.start()
    try:
        return await generate_one(backend, request())
    finally:
        await backend.aclose()


def request(rid: str = "r1") -> GenerationRequest:
    return GenerationRequest(rid, MESSAGES, SamplingParams(max_new_tokens=32, temperature=0.5, stop=("\nUser:",)))


async def test_normal_reply_sends_messages(server: tuple[FakeServer, str]) -> None:
    fake, base = server
    result = await ask_once(base)
    assert result.ok and result.text == "You said: Hi!"
    assert (result.tokens, result.prompt_tokens, result.finish_reason) == (4, 11, "stop")
    body = fake.calls[0]
    assert body["messages"] == MESSAGES  # messages, not a pre-templated string
    assert body["model"] == "served-model" and body["max_tokens"] == 32 and body["stop"] == ["\nUser:"]
    assert fake.headers[0]["Authorization"] == "Bearer sk-test-123"


async def test_500_then_success_is_retried(server: tuple[FakeServer, str]) -> None:
    fake, base = server
    fake.script = [500, 429]
    result = await ask_once(base)
    assert result.ok and result.text == "You said: Hi!"
    assert len(fake.calls) == 3


async def test_timeout_gives_an_error_result_after_retries(server: tuple[FakeServer, str]) -> None:
    fake, base = server
    fake.script = ["slow", "slow"]
    result = await ask_once(base, timeout_s=0.2, max_retries=1)
    assert not result.ok and result.finish_reason == "error"
    assert result.error is not None and "timed out" in result.error and "2 attempt" in result.error
    assert len(fake.calls) == 2


async def test_client_error_is_not_retried(server: tuple[FakeServer, str]) -> None:
    fake, base = server
    fake.script = [400]
    result = await ask_once(base)
    assert result.error is not None and "HTTP 400" in result.error and "scripted 400" in result.error
    assert len(fake.calls) == 1


async def test_concurrent_requests_and_unreachable_server(server: tuple[FakeServer, str]) -> None:
    fake, base = server
    backend = backend_for(base)
    await backend.start()
    try:
        results = [r async for r in backend.generate([request(f"r{i}") for i in range(8)])]
    finally:
        await backend.aclose()
    assert sorted(r.request_id for r in results) == sorted(f"r{i}" for i in range(8))
    assert all(r.ok for r in results)

    closed = backend_for("http://127.0.0.1:9/v1", max_retries=1)  # nothing listens on the discard port
    await closed.start()
    try:
        result = await generate_one(closed, request())
    finally:
        await closed.aclose()
    assert result.error is not None and "cannot connect" in result.error


def test_api_key_never_in_payload_or_repr() -> None:
    backend = backend_for("http://127.0.0.1:1/v1")
    assert "sk-test-123" not in json.dumps(backend.payload(request()))
    assert "sk-test-123" not in repr(backend.settings)
