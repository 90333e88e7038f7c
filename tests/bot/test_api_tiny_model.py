"""The HTTP API with real generation: the transformers backend on the tiny GPT-2 fixture, on the CPU."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Iterator

import openai
import pytest

from bot.api import ApiServer, create_api
from bot.compose import build_core
from pipeline.settings import Settings
from pipeline.store import Store

KEY = "sk-tiny-model"
BLOCKED = "BLOCKED by the catch-all rule."


def tiny_settings(tmp_path: Path, model: Path, **moderation: object) -> Settings:
    return Settings(
        generation={"backend": "transformers", "model": str(model), "device": "cpu", "dtype": "float32",
                    "max_new_tokens": 12, "context_tokens": 256, "temperature": 0.0},
        storage={"path": str(tmp_path / "tiny.db")},
        api={"api_keys": [KEY]},
        moderation={"use_default_list": False, "hot_reload": False, **moderation},
    )


@pytest.fixture(scope="module")
def tiny_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    model = Path(__file__).resolve().parents[2].parent / "shared" / "models" / "tiny-gpt2"
    settings = tiny_settings(tmp_path_factory.mktemp("tiny"), model)
    with ApiServer(create_api(build_core(settings), settings)) as srv:
        yield srv


@pytest.fixture
def client(tiny_server: ApiServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=tiny_server.base_url + "/v1", api_key=KEY, max_retries=0) as c:
        yield c


def test_tiny_model_completion_plain_and_streamed_agree(client: openai.OpenAI, tiny_gpt2: Path) -> None:
    messages = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say something."}]
    completion = client.chat.completions.create(model=str(tiny_gpt2), messages=messages,  # type: ignore[arg-type]
                                                temperature=0, max_tokens=8)
    choice = completion.choices[0]
    assert completion.model == str(tiny_gpt2)
    assert isinstance(choice.message.content, str)
    assert choice.finish_reason in ("stop", "length")
    assert completion.usage is not None
    assert 1 <= completion.usage.completion_tokens <= 8 and completion.usage.prompt_tokens > 0
    streamed = ""
    for chunk in client.chat.completions.create(model="tiny", messages=messages, temperature=0,  # type: ignore[arg-type]
                                                max_tokens=8, stream=True):
        for c in chunk.choices:
            streamed += c.delta.content or ""
    assert streamed == choice.message.content  # greedy: the same moderated text, streamed after the fact


async def test_tiny_model_concurrent_requests(tiny_server: ApiServer) -> None:
    async with openai.AsyncOpenAI(base_url=tiny_server.base_url + "/v1", api_key=KEY, max_retries=0) as c:
        replies = await asyncio.gather(*(c.chat.completions.create(
            model="tiny", messages=[{"role": "user", "content": f"Question number {i}?"}], max_tokens=6)
            for i in range(6)))
    assert all(r.choices[0].finish_reason in ("stop", "length") for r in replies)
    assert all(r.usage is not None and r.usage.completion_tokens <= 6 for r in replies)


def test_tiny_model_output_is_moderated(tmp_path: Path, tiny_gpt2: Path) -> None:
    """A catch-all regex blocks every draft: the model's words never reach the client, only the refusal."""
    settings = tiny_settings(tmp_path, tiny_gpt2, regexes=[{"pattern": r"[\s\S]", "category": "anything"}],
                             actions={"anything": "block"}, texts={"blocked": BLOCKED})
    with ApiServer(create_api(build_core(settings), settings)) as srv:
        with openai.OpenAI(base_url=srv.base_url + "/v1", api_key=KEY, max_retries=0) as c:
            completion = c.chat.completions.create(model="tiny", messages=[{"role": "user", "content": "Hi"}],
                                                   max_tokens=8)
            streamed = "".join(ch.choices[0].delta.content or "" for ch in c.chat.completions.create(
                model="tiny", messages=[{"role": "user", "content": "Hi"}], max_tokens=8, stream=True) if ch.choices)
    assert completion.choices[0].message.content == BLOCKED == streamed
    assert completion.choices[0].finish_reason == "content_filter"

    async def drafts() -> list[str]:
        async with Store(tmp_path / "tiny.db") as store:
            return [row["detail"]["draft"] for row in await store.audit_rows("blocked")]

    assert len(asyncio.run(drafts())) == 2  # the model did write something; it was kept for the audit only
