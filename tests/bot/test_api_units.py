"""Unit tests of the API's pure parts: keys, rate limit, chat ids, streaming chunks, result mapping, errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings as hsettings, strategies as st
from pydantic import SecretStr

from bot.api.completions import public_verdict, sampling_for, split_messages, stream_pieces
from bot.api.errors import ApiError, describe_validation
from bot.api.moderations import known_categories, moderation_result
from bot.api.schemas import ChatCompletionRequest
from bot.api.security import (
    API_CHAT_BASE, KeyRing, RateLimiter, api_chat_id, bearer_token, check_exposure, is_api_chat_id, is_loopback,
    key_fingerprint, retry_after_header,
)
from moderation.config import ModerationSettings
from moderation.types import Action, Match, Verdict
from pipeline.settings import Settings
from pipeline.types import ConfigError


def test_keyring_identifies_each_key_and_rejects_others() -> None:
    ring = KeyRing([SecretStr("alpha-key"), SecretStr("beta-key")])
    assert not ring.open
    alpha, beta = ring.identify("alpha-key"), ring.identify("beta-key")
    assert alpha is not None and beta is not None and alpha != beta
    assert alpha.key_id == key_fingerprint("alpha-key") and "alpha" not in alpha.key_id
    assert ring.identify("alpha-ke") is None and ring.identify("") is None and ring.identify("alpha-key ") is None
    assert KeyRing([]).open


def test_blank_key_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"api.api_keys\[1\]"):
        KeyRing([SecretStr("ok"), SecretStr("  ")])


@pytest.mark.parametrize(("header", "token"), [
    (None, None), ("", None), ("Bearer", None), ("Bearer   ", None), ("Basic abc", None),
    ("Bearer abc", "abc"), ("bearer abc", "abc"), ("  Bearer  abc  ", "abc"),
])
def test_bearer_token(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token


@pytest.mark.parametrize(("host", "loop"), [("127.0.0.1", True), ("127.1.2.3", True), ("localhost", True),
                                             ("::1", True), ("[::1]", True), ("0.0.0.0", False),
                                             ("192.168.1.5", False), ("::", False), ("api.example.com", False)])
def test_loopback_and_exposure(host: str, loop: bool) -> None:
    assert is_loopback(host) is loop
    if loop:
        check_exposure(host, KeyRing([]))
    else:
        with pytest.raises(ConfigError, match="PARLEY_API__API_KEYS"):
            check_exposure(host, KeyRing([]))
    check_exposure(host, KeyRing([SecretStr("k")]))


@hsettings(max_examples=100)
@given(st.text(min_size=1, max_size=64))
def test_api_chat_ids_are_stable_positive_and_beyond_telegram(key: str) -> None:
    chat_id = api_chat_id(key)
    assert chat_id == api_chat_id(key)
    assert chat_id > API_CHAT_BASE and is_api_chat_id(chat_id)
    assert chat_id < 2**63  # fits SQLite INTEGER
    assert not is_api_chat_id(2**52) and not is_api_chat_id(-1001234567890)


def test_keyless_chat_id_is_the_base() -> None:
    assert api_chat_id(None) == API_CHAT_BASE and is_api_chat_id(API_CHAT_BASE)


def test_rate_limiter_token_bucket() -> None:
    now = [1000.0]
    limiter = RateLimiter(6, clock=lambda: now[0])  # one request every 10 s, bursts of 6
    assert all(limiter.acquire("a") is None for _ in range(6))
    wait = limiter.acquire("a")
    assert wait is not None and wait == pytest.approx(10.0)
    assert retry_after_header(wait) == "10"
    assert limiter.acquire("b") is None  # per key
    now[0] += 5
    wait = limiter.acquire("a")
    assert wait == pytest.approx(5.0)
    now[0] += 5
    assert limiter.acquire("a") is None
    assert RateLimiter(0).acquire("a") is None  # unlimited
    assert retry_after_header(0.01) == "1"


def test_rate_limiter_forgets_idle_callers() -> None:
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0], max_callers=3)
    for i in range(3):
        limiter.acquire(f"k{i}")
    now[0] += 120
    limiter.acquire("k3")
    assert len(limiter._buckets) <= 3


@hsettings(max_examples=100)
@given(st.text(max_size=300), st.integers(min_value=1, max_value=40))
def test_stream_pieces_join_back_exactly(text: str, size: int) -> None:
    pieces = list(stream_pieces(text, size))
    assert "".join(pieces) == text
    assert all(0 < len(p) <= size for p in pieces)


def test_public_verdict_drops_text_and_terms() -> None:
    verdict = Verdict(Action.HOLD, "the raw draft with badword", scores={"toxicity": 0.9},
                      matches=[Match("badword", "profanity", "high", 19, 26)], reasons=["keywords: 'b******'"])
    public = public_verdict(verdict.to_dict())
    assert "text" not in public
    assert public["matches"] == [{"category": "profanity", "severity": "high", "start": 19, "end": 26}]
    assert "badword" not in str(public) and public["action"] == "hold"


def test_moderation_result_mapping() -> None:
    settings = ModerationSettings(classifier={"enabled": True}, terms=[{"term": "x", "category": "slur"}])
    verdict = Verdict(Action.HOLD, "t", scores={"toxicity": 0.95, "insult": 0.1, "threat": 0.7},
                      matches=[Match("x", "slur", "high", 0, 1)], reasons=["r"])
    result = moderation_result(verdict, settings.thresholds, known_categories(settings))
    assert result.flagged
    assert result.categories["toxicity"] is True and result.categories["insult"] is False
    assert result.categories["threat"] is True  # 0.7 >= 0.5
    assert result.categories["slur"] is True and result.category_scores["slur"] == 1.0
    assert result.categories["harassment"] is True and result.category_scores["harassment"] == 0.95
    assert result.categories["violence"] is True and result.categories["hate"] is False
    assert result.categories["self-harm"] is False and result.category_scores["self-harm"] == 0.0
    assert result.category_applied_input_types["slur"] == ["text"]
    assert result.parley["text"] == "t" and result.parley["action"] == "hold"
    clean = moderation_result(Verdict(Action.ALLOW, "ok"), {}, ["slur"])
    assert not clean.flagged and clean.categories["slur"] is False


def test_known_categories_without_classifier() -> None:
    settings = ModerationSettings(terms=[{"term": "a", "category": "c1"}, {"term": "b", "category": "c1"}],
                                  regexes=[{"pattern": "z+", "category": "c2"}])
    assert known_categories(settings) == ["c1", "c2"]


def test_split_messages_and_sampling() -> None:
    req = ChatCompletionRequest.model_validate({"model": "m", "messages": [
        {"role": "system", "content": "sys"}, {"role": "developer", "content": "dev"},
        {"role": "user", "content": "u1"}, {"role": "assistant", "content": "a1"}, {"role": "user", "content": "u2"},
    ], "max_tokens": 10**6, "temperature": 0, "stop": "END"})
    system, turns, last = split_messages(req, 7)
    assert system == "sys\n\ndev" and last == "u2"
    assert [(t.role, t.text) for t in turns] == [("user", "u1"), ("assistant", "a1"), ("user", "u2")]
    base = Settings()
    params = sampling_for(req, base)
    assert params.max_new_tokens == base.generation.context_tokens  # capped
    assert params.temperature == 0 and params.greedy and params.stop == ("END",)
    assert params.top_p == base.generation.top_p
    plain = ChatCompletionRequest.model_validate({"messages": [{"role": "user", "content": "x"}]})
    assert sampling_for(plain, base).max_new_tokens == base.generation.max_new_tokens
    assert split_messages(plain, 1)[0] is None  # the configured system prompt applies
    with pytest.raises(ApiError) as err:
        split_messages(ChatCompletionRequest.model_validate({"messages": [{"role": "assistant", "content": "x"}]}), 1)
    assert err.value.status == 400


def test_describe_validation_messages() -> None:
    message, param = describe_validation([
        {"loc": ("body", "messages", 0, "role"), "msg": "Input should be 'user'", "type": "literal_error"},
        {"loc": ("body", "n"), "msg": "Value error, only n=1 is supported", "type": "value_error"},
    ])
    assert message == "messages.0.role: Input should be 'user'; n: only n=1 is supported"
    assert param == "messages.0.role"
    message, param = describe_validation([{"loc": ("body", 12), "msg": "JSON decode error", "type": "json_invalid",
                                           "ctx": {"error": "Expecting value"}}])
    assert message == "request body is not valid JSON (Expecting value)" and param is None
    # a field taking several types: pydantic names the branch it tried; the client wrote the field
    message, param = describe_validation([
        {"loc": ("body", "messages", 0, "content", "str"), "msg": "Input should be a valid string", "type": "x"},
        {"loc": ("body", "input", "list[str]", 0), "msg": "Input should be a valid string", "type": "x"},
        {"loc": ("body", "messages", 0, "content", "function-after[check(), list[ContentPart]]"),
         "msg": "bad part", "type": "x"},
    ])
    assert param == "messages.0.content"
    assert message.split("; ") == ["messages.0.content: Input should be a valid string",
                                   "input.0: Input should be a valid string", "messages.0.content: bad part"]


def test_a_store_that_cannot_write_is_a_retryable_503() -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from bot.api.errors import install_error_handlers
    from pipeline.types import StoreError

    app = FastAPI()
    install_error_handlers(app)

    @app.get("/full")
    async def full() -> None:
        raise StoreError("storage: cannot write parley.db: database or disk is full")

    res = TestClient(app, raise_server_exceptions=False).get("/full")
    assert res.status_code == 503 and res.headers["Retry-After"] == "5"
    assert res.json()["error"]["code"] == "storage_unavailable"


@pytest.mark.parametrize("body,param", [
    ({"stream": "yes"}, "stream"), ({"max_tokens": True}, "max_tokens"), ({"n": "1"}, "n"),
    ({"messages": [{"role": "user"}]}, "messages.0"), ({"messages": [{"role": "user", "content": None}]}, "messages.0"),
])
def test_chat_request_types_are_strict(body: dict[str, object], param: str) -> None:
    from pydantic import ValidationError

    data = {"model": "echo", "messages": [{"role": "user", "content": "hi"}], **body}
    with pytest.raises(ValidationError) as err:
        ChatCompletionRequest.model_validate(data)
    _, named = describe_validation(err.value.errors())
    assert named == param
    assistant_tool_turn = {"model": "echo", "messages": [{"role": "user", "content": "hi"},
                                                         {"role": "assistant", "content": None}]}
    ChatCompletionRequest.model_validate(assistant_tool_turn)  # an assistant turn may carry no text

