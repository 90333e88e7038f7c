"""The HTTP API over real HTTP on 127.0.0.1 (echo backend): the official openai client, access control, errors."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import openai
import pytest

from bot.api import ApiServer, create_api
from bot.compose import build_core
from pipeline.settings import Settings
from pipeline.types import ConfigError
from bot_harness import api_client, api_server

KEY = "sk-test-key-one"
OTHER_KEY = "sk-test-key-two"


def make_settings(tmp_path: Path, **api: Any) -> Settings:
    return Settings(
        generation={"backend": "echo"},
        storage={"path": str(tmp_path / "api.db")},
        moderation={"use_default_list": False, "hot_reload": False},
        api={"api_keys": [KEY, OTHER_KEY], **api},
        metrics={"enabled": True},
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ApiServer]:
    with api_server(make_settings(tmp_path)) as srv:
        yield srv


@pytest.fixture
def client(server: ApiServer) -> Iterator[openai.OpenAI]:
    with api_client(server, KEY) as c:
        yield c


def auth(key: str = KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_openai_client_chat_completion(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="anything", messages=[{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello there"}],
        temperature=0.2, max_tokens=20,
    )
    assert completion.object == "chat.completion"
    assert completion.model == "echo"
    choice = completion.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content == "hello there"
    assert choice.finish_reason == "stop"
    assert completion.usage is not None and completion.usage.completion_tokens == 2
    assert completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens
    parley = completion.model_extra["parley"]  # type: ignore[index]
    assert parley["action"] == "allow" and parley["held_id"] is None


def test_openai_client_streamed_completion(client: openai.OpenAI) -> None:
    text = "streaming works in small pieces of approved text, word after word after word"
    stream = client.chat.completions.create(model="echo", messages=[{"role": "user", "content": text}], stream=True,
                                            stream_options={"include_usage": True})
    pieces, finish, usage, roles = [], None, None, []
    for chunk in stream:
        if chunk.usage is not None:
            usage = chunk.usage
        for choice in chunk.choices:
            if choice.delta.role:
                roles.append(choice.delta.role)
            if choice.delta.content:
                pieces.append(choice.delta.content)
            if choice.finish_reason:
                finish = choice.finish_reason
    assert "".join(pieces) == text
    assert len(pieces) > 2  # streamed in chunks, not one blob
    assert roles == ["assistant"] and finish == "stop"
    assert usage is not None and usage.completion_tokens == len(text.split())


def test_openai_client_moderation(client: openai.OpenAI) -> None:
    result = client.moderations.create(input=["a friendly sentence", "another one"])
    assert result.model == "parley-moderation"
    assert len(result.results) == 2
    first = result.results[0]
    assert first.flagged is False
    assert first.categories.harassment is False and first.category_scores.harassment == 0.0
    parley = first.model_extra["parley"]  # type: ignore[index]
    assert parley["action"] == "allow" and parley["text"] == "a friendly sentence"
    single = client.moderations.create(input="just one")
    assert len(single.results) == 1


def test_models_and_health(server: ApiServer) -> None:
    models = httpx.get(server.base_url + "/v1/models", headers=auth()).json()
    assert [m["id"] for m in models["data"]] == ["echo", "parley-moderation"]
    assert httpx.get(server.base_url + "/v1/models/echo", headers=auth()).json()["id"] == "echo"
    missing = httpx.get(server.base_url + "/v1/models/gpt-9", headers=auth())
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "model_not_found"
    health = httpx.get(server.base_url + "/healthz")  # no key needed (container health checks)
    assert health.status_code == 200 and health.json()["ready"] is True
    assert httpx.head(server.base_url + "/healthz").status_code == 200
    uptimes = [httpx.get(server.base_url + "/healthz").json()["uptime_s"] for _ in range(2)]
    assert uptimes[0] > 0 and uptimes[1] >= uptimes[0]  # counted from start-up, not from each request
    broken = httpx.post(server.base_url + "/v1/chat/completions", headers={**auth(), "Content-Type": "application/json"},
                        content=b'{"model": "echo", "messages": [\xff]}')
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "invalid_request"


def test_metrics_endpoint_counts_api_traffic(server: ApiServer, client: openai.OpenAI) -> None:
    client.chat.completions.create(model="echo", messages=[{"role": "user", "content": "count me"}])
    client.moderations.create(input="and me")
    text = httpx.get(server.base_url + "/metrics").text
    assert 'parley_messages_received_total{source="api"} 1.0' in text
    assert 'parley_replies_total{action="allow"} 1.0' in text
    assert 'parley_verdicts_total{action="allow",direction="output"}' in text


def test_metrics_can_require_a_key(tmp_path: Path) -> None:
    with api_server(make_settings(tmp_path, metrics_need_key=True)) as srv:
        assert httpx.get(srv.base_url + "/metrics").status_code == 401
        assert httpx.get(srv.base_url + "/metrics", headers=auth("sk-wrong")).status_code == 401
        scraped = httpx.get(srv.base_url + "/metrics", headers=auth())
        assert scraped.status_code == 200 and "parley_" in scraped.text
        assert httpx.get(srv.base_url + "/healthz").status_code == 200  # health checks stay open


@pytest.mark.parametrize("headers", [{}, auth("sk-wrong"), {"Authorization": KEY}, {"Authorization": "Basic " + KEY}])
def test_missing_or_wrong_key_is_401(server: ApiServer, headers: dict[str, str]) -> None:
    for path, body in (("/v1/chat/completions", {"model": "x", "messages": [{"role": "user", "content": "hi"}]}),
                       ("/v1/moderations", {"input": "hi"})):
        response = httpx.post(server.base_url + path, headers=headers, json=body)
        assert response.status_code == 401
        error = response.json()["error"]
        assert set(error) == {"message", "type", "param", "code"}
        assert error["code"] in ("missing_api_key", "invalid_api_key")
        assert KEY not in response.text and "sk-wrong" not in response.text
    assert httpx.get(server.base_url + "/v1/models", headers=headers).status_code == 401


def test_openai_client_with_wrong_key_raises_authentication_error(server: ApiServer) -> None:
    with openai.OpenAI(base_url=server.base_url + "/v1", api_key="sk-wrong", max_retries=0) as bad:
        with pytest.raises(openai.AuthenticationError):
            bad.moderations.create(input="hi")


def test_second_key_works(server: ApiServer) -> None:
    response = httpx.post(server.base_url + "/v1/moderations", headers=auth(OTHER_KEY), json={"input": "hi"})
    assert response.status_code == 200


def test_rate_limit_is_per_key_with_retry_after(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, rate_limit_per_minute=3)
    with ApiServer(create_api(build_core(settings), settings)) as srv:
        url = srv.base_url + "/v1/moderations"
        codes = [httpx.post(url, headers=auth(), json={"input": "x"}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = httpx.post(url, headers=auth(), json={"input": "x"})
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) >= 1
        assert limited.json()["error"]["code"] == "rate_limit_exceeded"
        assert httpx.post(url, headers=auth(OTHER_KEY), json={"input": "x"}).status_code == 200  # own bucket
        with openai.OpenAI(base_url=srv.base_url + "/v1", api_key=KEY, max_retries=0) as c:
            with pytest.raises(openai.RateLimitError):
                c.moderations.create(input="x")


def test_oversized_body_is_413(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, max_body_bytes=4096)
    with ApiServer(create_api(build_core(settings), settings)) as srv:
        big = {"model": "echo", "messages": [{"role": "user", "content": "x" * 10_000}]}
        response = httpx.post(srv.base_url + "/v1/chat/completions", headers=auth(), json=big)
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "request_too_large"

        def chunked() -> Iterator[bytes]:  # no Content-Length: counted while reading
            yield b'{"input": "'
            for _ in range(10):
                yield b"y" * 1000
            yield b'"}'

        response = httpx.post(srv.base_url + "/v1/moderations", headers={**auth(), "Content-Type": "application/json"},
                              content=chunked())
        assert response.status_code == 413
        ok = httpx.post(srv.base_url + "/v1/moderations", headers=auth(), json={"input": "y" * 1000})
        assert ok.status_code == 200


@pytest.mark.parametrize(("body", "needle"), [
    (b"{not json", "not valid JSON"),
    (b"", "body is missing"),
    (b"[1, 2]", "must be a JSON object"),
    (b'{"input": 5}', "input"),
    (b'{"input": []}', "between 1 and"),
    (b'{"inputs": "typo"}', "input: Field required"),
])
def test_malformed_moderation_request_is_400(server: ApiServer, body: bytes, needle: str) -> None:
    response = httpx.post(server.base_url + "/v1/moderations",
                          headers={**auth(), "Content-Type": "application/json"}, content=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert needle in error["message"]


@pytest.mark.parametrize(("body", "param"), [
    ({"model": "echo"}, "messages"),
    ({"model": "echo", "messages": []}, "messages"),
    ({"model": "echo", "messages": [{"role": "tool", "content": "x"}]}, "messages.0.role"),
    ({"model": "echo", "messages": [{"role": "user", "content": "x"}], "n": 2}, "n"),
    ({"model": "echo", "messages": [{"role": "user", "content": "x"}], "temperature": 9}, "temperature"),
    ({"model": "echo", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}]},
     "messages.0.content"),
    ({"model": "echo", "messages": [{"role": "system", "content": "only a system prompt"}]}, "messages"),
])
def test_invalid_chat_request_is_400(server: ApiServer, body: dict[str, Any], param: str) -> None:
    response = httpx.post(server.base_url + "/v1/chat/completions", headers=auth(), json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] is not None and error["param"].startswith(param)


def test_openai_client_bad_request_error(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="n=1"):
        client.chat.completions.create(model="echo", messages=[{"role": "user", "content": "x"}], n=3)


def test_text_parts_and_unknown_fields_are_accepted(server: ApiServer) -> None:
    body = {"model": "echo", "messages": [{"role": "user", "content": [{"type": "text", "text": "part one "},
                                                                       {"type": "text", "text": "part two"}]}],
            "presence_penalty": 0.5, "seed": 7, "user": "abc", "stop": ["\n\n"]}
    response = httpx.post(server.base_url + "/v1/chat/completions", headers=auth(), json=body)
    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["content"] == "part one part two"


def test_unknown_route_is_404_in_openai_shape(server: ApiServer) -> None:
    response = httpx.get(server.base_url + "/v1/embeddings", headers=auth())
    assert response.status_code in (404, 405)
    assert "error" in response.json()


def test_keyless_mode_only_on_loopback(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, api_keys=[])
    with ApiServer(create_api(build_core(settings), settings)) as srv:
        response = httpx.post(srv.base_url + "/v1/moderations", json={"input": "no key needed on loopback"})
        assert response.status_code == 200
    exposed = make_settings(tmp_path, api_keys=[], host="0.0.0.0")
    with pytest.raises(ConfigError, match="api.api_keys"):
        create_api(build_core(exposed), exposed)
    with pytest.raises(ConfigError, match=r"api_keys\[0\]"):
        blank = make_settings(tmp_path, api_keys=[" "])
        create_api(build_core(blank), blank)


def test_startup_failure_is_reported(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    settings = settings.model_copy(update={"storage": type(settings.storage)(path=tmp_path / "missing" / "x.db")})
    with pytest.raises(RuntimeError, match="failed to start"):
        ApiServer(create_api(build_core(settings), settings)).start()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_parley_serve_command(tmp_path: Path) -> None:
    """The console script end to end: starts, answers with a key from the environment, stops on SIGTERM."""
    port = _free_port()
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1",
           "PARLEY_API__API_KEYS": f"{KEY},{OTHER_KEY}", "PARLEY_STORAGE__PATH": str(tmp_path / "serve.db"),
           "PARLEY_MODERATION__HOT_RELOAD": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--backend", "echo", "--port", str(port)],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(600):  # readiness poll, not a timing assert
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                pytest.fail(f"parley serve exited: {proc.communicate()[0]}")
            time.sleep(0.1)
        else:
            pytest.fail("parley serve did not come up")
        reply = httpx.post(f"http://127.0.0.1:{port}/v1/chat/completions", headers=auth(OTHER_KEY),
                           json={"model": "echo", "messages": [{"role": "user", "content": "served"}]})
        assert reply.json()["choices"][0]["message"]["content"] == "served"
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert KEY not in out and OTHER_KEY not in out


def test_parley_serve_refuses_public_host_without_keys(tmp_path: Path) -> None:
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path), "PARLEY_STORAGE__PATH": str(tmp_path / "s.db")}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "serve", "--backend", "echo", "--host", "0.0.0.0"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "api.api_keys" in done.stderr and "Traceback" not in done.stderr


class FailingBackend:
    """A backend whose generation breaks: the API answers 503 and audits, nothing else leaks."""

    name = "failing"
    tokenizer = None

    async def start(self) -> None:
        return None

    async def generate(self, requests: Any) -> Any:
        raise RuntimeError("GPU on fire: secret-internal-detail")
        yield  # pragma: no cover

    async def aclose(self) -> None:
        return None


def test_backend_failure_is_503_without_details(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    core = build_core(settings)
    core.backend = FailingBackend()
    with ApiServer(create_api(core, settings)) as srv:
        for stream in (False, True):
            response = httpx.post(srv.base_url + "/v1/chat/completions", headers=auth(),
                                  json={"model": "x", "stream": stream, "messages": [{"role": "user", "content": "hi"}]})
            assert response.status_code == 503
            assert response.json()["error"]["code"] == "backend_error"
            assert "secret-internal-detail" not in response.text


def test_serve_rejects_bad_port_option() -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    for port in ("0", "70000", "-1"):
        result = CliRunner().invoke(app, ["serve", "--backend", "echo", "--port", port])
        assert result.exit_code == 2
        assert result.output == f"config error: --port must be between 1 and 65535 (got {port})\n"


def test_held_status_with_an_id_sqlite_cannot_hold_is_404(server: ApiServer) -> None:
    for held_id in ("99999999999999999999999", "-99999999999999999999999"):
        response = httpx.get(f"{server.base_url}/v1/parley/held/{held_id}", headers=auth())
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("stream", [False, True])
def test_lone_surrogates_are_repaired_as_on_telegram(server: ApiServer, stream: bool) -> None:
    """A JSON escape like \\ud800 decodes to a lone surrogate, which neither SQLite nor the JSON
    response can encode: it becomes U+FFFD (was HTTP 500)."""
    body = ('{"model": "echo", "stream": %s, "stop": ["\\udfff"], "messages": [{"role": "user", '
            '"content": "a \\ud800 b"}, {"role": "user", "content": [{"type": "text", "text": "\\udc00"}]}]}'
            % ("true" if stream else "false"))
    response = httpx.post(server.base_url + "/v1/chat/completions", headers=auth() | {"content-type": "application/json"},
                          content=body)
    assert response.status_code == 200, response.text
    if stream:
        assert "\ufffd" in response.text and response.text.rstrip().endswith("data: [DONE]")
    else:
        assert response.json()["choices"][0]["message"]["content"] == "\ufffd"
    moderation = httpx.post(server.base_url + "/v1/moderations", headers=auth() | {"content-type": "application/json"},
                            content='{"input": ["\\ud800 lone", "fine"]}')
    assert moderation.status_code == 200 and len(moderation.json()["results"]) == 2


def test_repeated_failed_keys_from_one_address_are_slowed_down(tmp_path: Path) -> None:
    """Key guessing: after api.FAILED_AUTH_PER_MINUTE failures an address gets 429 with
    Retry-After instead of another 401, while a valid key keeps working."""
    from bot.api.app import FAILED_AUTH_PER_MINUTE

    with api_server(make_settings(tmp_path)) as srv:
        body = {"input": "hi"}
        codes = [httpx.post(srv.base_url + "/v1/moderations", headers=auth(f"sk-guess-{i}"), json=body).status_code
                 for i in range(FAILED_AUTH_PER_MINUTE + 3)]
        assert codes[:FAILED_AUTH_PER_MINUTE] == [401] * FAILED_AUTH_PER_MINUTE
        limited = httpx.post(srv.base_url + "/v1/moderations", headers=auth("sk-guess-x"), json=body)
        assert limited.status_code == 429 and limited.json()["error"]["code"] == "auth_rate_limited"
        assert int(limited.headers["Retry-After"]) >= 1
        assert httpx.post(srv.base_url + "/v1/moderations", headers=auth(), json=body).status_code == 200

