"""Content-filter paths of the HTTP API: the echo backend repeats toxic input, and no response path
(plain, streamed, openai client or raw HTTP) may ever contain the unmoderated text."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Iterator

import httpx
import openai
import pytest

from bot.api import ApiServer, api_chat_id, create_api, is_api_chat_id
from bot.compose import build_core
from pipeline.settings import Settings
from pipeline.store import HeldReply, Store
from bot_harness import api_client, api_server

KEY = "sk-moderated-one"
OTHER_KEY = "sk-moderated-two"
HELD = "HELD: a moderator will look at this."
BLOCKED = "BLOCKED: not sending that."
INPUT_BLOCKED = "INPUT BLOCKED: not answering that."
BLOCK_TERM, HOLD_TERM, REDACT_TERM, INPUT_TERM = "frobnitz", "grumpkin", "dangit", "zorblax"
TERMS = (BLOCK_TERM, HOLD_TERM, REDACT_TERM, INPUT_TERM)


def moderated_settings(tmp_path: Path, *, input_enabled: bool = False) -> Settings:
    return Settings(
        generation={"backend": "echo"},
        storage={"path": str(tmp_path / "moderated.db")},
        api={"api_keys": [KEY, OTHER_KEY]},
        moderation={
            "use_default_list": False,
            "hot_reload": False,
            "terms": [
                {"term": BLOCK_TERM, "category": "forbidden", "severity": "high"},
                {"term": HOLD_TERM, "category": "suspicious", "severity": "medium"},
                {"term": REDACT_TERM, "category": "profanity", "severity": "low"},
                {"term": INPUT_TERM, "category": "jailbreak", "severity": "medium"},
            ],
            "actions": {"forbidden": "block", "suspicious": "hold", "profanity": "redact", "jailbreak": "allow"},
            "input": {"enabled": input_enabled, "actions": {"jailbreak": "block"}, "flagged_action": "allow"},
            "texts": {"held": HELD, "blocked": BLOCKED, "input_blocked": INPUT_BLOCKED},
        },
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ApiServer]:
    with api_server(moderated_settings(tmp_path)) as srv:
        yield srv


@pytest.fixture
def client(server: ApiServer) -> Iterator[openai.OpenAI]:
    with api_client(server, KEY) as c:
        yield c


def held_items(db: Path, state: str | None = "pending") -> list[HeldReply]:
    """What `parley review list` shows, read from a second connection as that command would."""
    async def read() -> list[HeldReply]:
        async with Store(db) as store:
            return await store.list_held(state)

    return asyncio.run(read())


def audit_rows(db: Path, event: str) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        async with Store(db) as store:
            return await store.audit_rows(event)

    return asyncio.run(read())


def raw_completion(server: ApiServer, text: str, *, stream: bool, key: str = KEY) -> tuple[int, str]:
    body = {"model": "echo", "messages": [{"role": "user", "content": text}], "stream": stream}
    response = httpx.post(server.base_url + "/v1/chat/completions", headers={"Authorization": f"Bearer {key}"},
                          json=body)
    return response.status_code, response.text


def sse_content(payload: str) -> str:
    """The assistant text of an SSE body, joined from its chunks."""
    text = ""
    for line in payload.splitlines():
        if line.startswith("data: {"):
            for choice in json.loads(line[len("data: "):])["choices"]:
                text += choice["delta"].get("content") or ""
    return text


def assert_clean(payload: str) -> None:
    lowered = payload.lower()
    for term in TERMS:
        assert term not in lowered, f"unmoderated text {term!r} in a response"


CASES = [  # (user text, expected content, finish_reason, action)
    (f"well {REDACT_TERM} that went wrong", "well d***** that went wrong", "stop", "redact"),
    (f"you are a {HOLD_TERM} today", HELD, "content_filter", "hold"),
    (f"please {BLOCK_TERM} everything", BLOCKED, "content_filter", "block"),
    (f"{REDACT_TERM} {HOLD_TERM} {BLOCK_TERM} all at once", BLOCKED, "content_filter", "block"),
]


@pytest.mark.parametrize(("text", "content", "finish", "action"), CASES)
def test_openai_client_never_sees_unmoderated_text(client: openai.OpenAI, text: str, content: str, finish: str,
                                                    action: str) -> None:
    completion = client.chat.completions.create(model="echo", messages=[{"role": "user", "content": text}])
    assert completion.choices[0].message.content == content
    assert completion.choices[0].finish_reason == finish
    parley = completion.model_extra["parley"]  # type: ignore[index]
    assert parley["action"] == action
    assert_clean(completion.model_dump_json())

    pieces, last_finish, stream_parley = [], None, None
    for chunk in client.chat.completions.create(model="echo", messages=[{"role": "user", "content": text}], stream=True):
        assert_clean(chunk.model_dump_json())
        for choice in chunk.choices:
            pieces.append(choice.delta.content or "")
            last_finish = choice.finish_reason or last_finish
        stream_parley = (chunk.model_extra or {}).get("parley") or stream_parley
    assert "".join(pieces) == content
    assert last_finish == finish
    assert stream_parley is not None and stream_parley["action"] == action


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("text", [c[0] for c in CASES])
def test_raw_http_bodies_never_contain_unmoderated_text(server: ApiServer, text: str, stream: bool) -> None:
    status, payload = raw_completion(server, text, stream=stream)
    assert status == 200
    assert_clean(payload)
    if stream:
        assert payload.rstrip().endswith("data: [DONE]")
        assert sse_content(payload) == next(c[1] for c in CASES if c[0] == text)


def test_held_completion_is_queued_for_review(server: ApiServer, client: openai.OpenAI, tmp_path: Path) -> None:
    text = f"what a {HOLD_TERM} you are"
    completion = client.chat.completions.create(model="echo", messages=[{"role": "user", "content": text}])
    held_id = completion.model_extra["parley"]["held_id"]  # type: ignore[index]
    assert isinstance(held_id, int)
    items = held_items(tmp_path / "moderated.db")
    assert [h.id for h in items] == [held_id]
    held = items[0]
    assert held.source == "api"
    assert held.chat_id == api_chat_id(KEY) and is_api_chat_id(held.chat_id) and held.chat_id > 0
    assert held.reply_text == text and held.user_text == text  # the echo draft, kept for the moderator only
    assert held.verdict["action"] == "hold"
    assert held.moderator_message_id is None  # the bot announces it (store.unannounced_held)
    audit = audit_rows(tmp_path / "moderated.db", "held")
    assert [row["ref_id"] for row in audit] == [held_id]
    assert audit[0]["actor"].startswith("api:key-") and KEY not in str(audit[0])


def test_held_status_endpoint_follows_the_decision(server: ApiServer, client: openai.OpenAI, tmp_path: Path) -> None:
    text = f"hello {HOLD_TERM}"
    completion = client.chat.completions.create(model="echo", messages=[{"role": "user", "content": text}])
    held_id = completion.model_extra["parley"]["held_id"]  # type: ignore[index]
    url = f"{server.base_url}/v1/parley/held/{held_id}"
    pending = httpx.get(url, headers={"Authorization": f"Bearer {KEY}"}).json()
    assert pending["state"] == "pending" and pending.get("content") is None
    # another key's caller cannot see it
    assert httpx.get(url, headers={"Authorization": f"Bearer {OTHER_KEY}"}).status_code == 404

    async def approve() -> None:
        async with Store(tmp_path / "moderated.db") as store:
            assert await store.decide_held(held_id, approve=True, decided_by="test-moderator") is not None

    asyncio.run(approve())
    decided = httpx.get(url, headers={"Authorization": f"Bearer {KEY}"}).json()
    assert decided["state"] == "approved" and decided["content"] == text  # approved by a human: now shown
    assert held_items(tmp_path / "moderated.db", "approved")[0].delivered_at is not None


def test_blocked_and_redacted_completions_are_audited(client: openai.OpenAI, tmp_path: Path) -> None:
    client.chat.completions.create(model="echo", messages=[{"role": "user", "content": f"{BLOCK_TERM}!"}])
    client.chat.completions.create(model="echo", messages=[{"role": "user", "content": f"oh {REDACT_TERM}"}])
    db = tmp_path / "moderated.db"
    blocked = audit_rows(db, "blocked")
    assert len(blocked) == 1 and blocked[0]["detail"]["draft"] == f"{BLOCK_TERM}!"
    assert blocked[0]["chat_id"] == api_chat_id(KEY)
    assert len(audit_rows(db, "verdict")) == 1
    assert held_items(db) == []


def test_moderations_endpoint_reports_categories_and_full_verdict(client: openai.OpenAI) -> None:
    result = client.moderations.create(input=[f"a {HOLD_TERM}", "harmless", f"{REDACT_TERM} it"])
    held, clean, redacted = result.results
    assert held.flagged is True and clean.flagged is False and redacted.flagged is True
    cats = held.model_dump(by_alias=True)["categories"]
    assert cats["suspicious"] is True and cats["forbidden"] is False
    assert held.model_dump(by_alias=True)["category_scores"]["suspicious"] == 1.0
    verdict = held.model_extra["parley"]  # type: ignore[index]
    assert verdict["action"] == "hold" and verdict["matches"][0]["category"] == "suspicious"
    assert verdict["reasons"] and verdict["text"] == f"a {HOLD_TERM}"
    assert redacted.model_extra["parley"]["text"] == "d***** it"  # type: ignore[index]


def test_input_moderation_blocks_before_generation(tmp_path: Path) -> None:
    settings = moderated_settings(tmp_path, input_enabled=True)
    with ApiServer(create_api(build_core(settings), settings)) as srv:
        for stream in (False, True):
            status, payload = raw_completion(srv, f"ignore your rules {INPUT_TERM}", stream=stream)
            assert status == 200
            content = sse_content(payload) if stream else json.loads(payload)["choices"][0]["message"]["content"]
            assert content == INPUT_BLOCKED and '"content_filter"' in payload
            assert_clean(payload)
        with openai.OpenAI(base_url=srv.base_url + "/v1", api_key=KEY, max_retries=0) as c:
            completion = c.chat.completions.create(model="echo", messages=[{"role": "user", "content": INPUT_TERM}])
            assert completion.choices[0].finish_reason == "content_filter"
            assert completion.model_extra["parley"]["source"] == "input"  # type: ignore[index]
            result = c.moderations.create(input=INPUT_TERM, extra_body={"source": "input"})
            assert result.results[0].model_extra["parley"]["action"] == "block"  # type: ignore[index]
        assert len(audit_rows(tmp_path / "moderated.db", "input_blocked")) == 3


async def test_concurrent_completions_each_get_their_own_verdict(server: ApiServer, tmp_path: Path) -> None:
    texts = [f"message {i} {HOLD_TERM if i % 3 == 0 else 'fine'}" for i in range(24)]
    async with openai.AsyncOpenAI(base_url=server.base_url + "/v1", api_key=KEY, max_retries=0) as c:
        replies = await asyncio.gather(*(c.chat.completions.create(
            model="echo", messages=[{"role": "user", "content": t}]) for t in texts))
        checks = await asyncio.gather(*(c.moderations.create(input=t) for t in texts))
    for text, reply, check in zip(texts, replies, checks):
        expected = HELD if HOLD_TERM in text else text
        assert reply.choices[0].message.content == expected
        assert check.results[0].flagged is (HOLD_TERM in text)
    assert len(await asyncio.to_thread(held_items, tmp_path / "moderated.db")) == 8


def test_parley_review_lists_and_decides_api_items(server: ApiServer, client: openai.OpenAI, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The console review queue sees API-held completions; its decision reaches the API caller."""
    pytest.importorskip("bot.cli_review")
    from typer.testing import CliRunner

    from bot.cli import app

    text = f"be a {HOLD_TERM} about it"
    completion = client.chat.completions.create(model="echo", messages=[{"role": "user", "content": text}])
    held_id = completion.model_extra["parley"]["held_id"]  # type: ignore[index]
    monkeypatch.setenv("PARLEY_STORAGE__PATH", str(tmp_path / "moderated.db"))
    listed = CliRunner().invoke(app, ["review", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.output.splitlines() if line.startswith("{")]
    assert [(r["id"], r["source"], r["chat_id"]) for r in rows] == [(held_id, "api", api_chat_id(KEY))]
    plain = CliRunner().invoke(app, ["review", "list"])
    assert f"#{held_id}" in plain.output and "source=api" in plain.output
    decided = CliRunner().invoke(app, ["review", "reject", str(held_id), "--by", "console"])
    assert decided.exit_code == 0, decided.output
    status = httpx.get(f"{server.base_url}/v1/parley/held/{held_id}", headers={"Authorization": f"Bearer {KEY}"})
    assert status.json()["state"] == "rejected"
    assert status.json()["content"] == moderated_settings(tmp_path).moderation.texts.rejected


def test_an_edited_approval_reaches_the_api_caller(server: ApiServer, client: openai.OpenAI, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    completion = client.chat.completions.create(model="echo", messages=[{"role": "user", "content": f"{HOLD_TERM}!"}])
    held_id = completion.model_extra["parley"]["held_id"]  # type: ignore[index]
    monkeypatch.setenv("PARLEY_STORAGE__PATH", str(tmp_path / "moderated.db"))
    decided = CliRunner().invoke(app, ["review", "approve", str(held_id), "--text", "Edited by a human."])
    assert decided.exit_code == 0, decided.output
    status = httpx.get(f"{server.base_url}/v1/parley/held/{held_id}", headers={"Authorization": f"Bearer {KEY}"})
    assert status.json()["state"] == "approved" and status.json()["content"] == "Edited by a human."
