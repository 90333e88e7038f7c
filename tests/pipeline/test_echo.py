"""The echo diagnostics backend replies with the user's last message."""

from __future__ import annotations

from pipeline.backends import build_backend
from pipeline.backends.echo import EchoBackend
from pipeline.settings import GenerationSettings
from pipeline.types import Backend, GenerationRequest, generate_one


async def test_echo_returns_last_user_message() -> None:
    backend = build_backend(GenerationSettings(backend="echo"))
    assert isinstance(backend, EchoBackend) and isinstance(backend, Backend)
    await backend.start()
    msgs = [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "reply"},
        {"role": "user", "content": "second message"},
    ]
    result = await generate_one(backend, GenerationRequest("a", msgs))
    assert result.ok and result.text == "second message" and result.tokens == 2
    many = [r async for r in backend.generate([GenerationRequest(str(i), msgs[:2]) for i in range(3)])]
    assert [r.request_id for r in many] == ["0", "1", "2"] and {r.text for r in many} == {"first"}
    empty = await generate_one(backend, GenerationRequest("b", [{"role": "system", "content": "only"}]))
    assert empty.ok and empty.text == ""
    await backend.aclose()
