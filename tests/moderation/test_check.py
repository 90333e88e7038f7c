"""`parley check`: one verdict per line, in order, streaming, per-line errors, never a crash."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.cli_moderation import register
from moderation.check import run_check
from moderation.config import ModerationSettings
from moderation.engine import ModerationEngine
from moderation.testing import FakeKeywordStage
from moderation.types import Verdict

TERMS = {"fuck": ("profanity", "medium")}


def make_engine() -> ModerationEngine:
    return ModerationEngine(ModerationSettings(hot_reload=False, actions={"profanity": "redact"}),
                            stages=[FakeKeywordStage(TERMS)])


def app() -> typer.Typer:
    cli = typer.Typer()
    register(cli)
    return cli


async def check_bytes(data: bytes, *, jsonl: bool, engine: ModerationEngine | None = None) -> list[dict]:
    out = io.StringIO()
    await run_check(engine or make_engine(), io.BytesIO(data), jsonl=jsonl, out=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def test_ten_thousand_jsonl_lines_in_order() -> None:
    texts = [f"message {i}" + (" fuck" if i % 7 == 0 else "") for i in range(10_000)]
    data = "\n".join(json.dumps({"text": t}) if i % 2 else json.dumps(t) for i, t in enumerate(texts)).encode()
    engine = make_engine()
    rows = await check_bytes(data, jsonl=True, engine=engine)
    assert len(rows) == 10_000
    for i, row in enumerate(rows):
        if i % 7 == 0:
            assert row["action"] == "redact" and row["text"] == f"message {i} f***"
        else:
            assert row["action"] == "allow" and row["text"] == texts[i]
    stage = engine.stages[0]
    assert isinstance(stage, FakeKeywordStage) and stage.calls < 10_000 / 8  # judged in chunks, not one by one


async def test_bad_lines_get_per_line_errors() -> None:
    lines = [
        b'"fine"',
        b"{not json",
        b'{"text": "caf\xc3\xa9 fuck"}',
        b'"\xff\xfe broken utf-8"',
        b"",
        b"   ",
        b"42",
        b'{"txt": "wrong key"}',
        b'{"text": "with id", "id": 7}',
        b'"\\ud800 lone surrogate"',
        b"[" * 100_000,
        b'"crlf"\r',
    ]
    rows = await check_bytes(b"\n".join(lines) + b"\n", jsonl=True)
    assert len(rows) == len(lines)
    assert rows[0]["action"] == "allow"
    assert rows[1]["line"] == 2 and rows[1]["error"].startswith("invalid JSON")
    assert rows[2]["text"] == "café f***"
    assert rows[3] == {"error": "invalid UTF-8 at byte 1", "line": 4}
    assert rows[4]["action"] == "allow" and rows[4]["text"] == ""
    assert rows[5]["text"] == ""
    assert rows[6]["line"] == 7 and "text" in rows[6]["error"]
    assert rows[7]["line"] == 8
    assert rows[8]["id"] == 7 and rows[8]["text"] == "with id"
    assert rows[9]["action"] == "allow"
    assert rows[10]["line"] == 11 and "error" in rows[10]
    assert rows[11]["text"] == "crlf"


async def test_plain_lines_keep_spaces_and_handle_huge_text() -> None:
    huge = ("x" * 999_995) + " fuck"
    data = b"  padded  \r\n\nfuck you\n" + huge.encode() + b"\n\xc3\n"
    rows = await check_bytes(data, jsonl=False)
    assert [r.get("text") for r in rows[:3]] == ["  padded  ", "", "f*** you"]
    assert len(rows[3]["text"]) == len(huge) and rows[3]["text"].endswith(" f***")
    assert rows[4]["line"] == 5 and "UTF-8" in rows[4]["error"]


async def test_output_starts_before_input_ends() -> None:
    first_written = threading.Event()

    class Out(io.StringIO):
        def write(self, s: str) -> int:
            first_written.set()
            return super().write(s)

    def slow_lines() -> Iterator[bytes]:
        yield b"hello\n"
        # Input stays open until the first verdict is out (bounded: fail instead of hanging).
        assert first_written.wait(timeout=30), "no output before the input ended"
        yield b"fuck\n"

    out = Out()
    assert await run_check(make_engine(), slow_lines(), jsonl=False, out=out) == 2
    assert [json.loads(x)["action"] for x in out.getvalue().splitlines()] == ["allow", "redact"]


async def test_engine_failure_becomes_error_objects() -> None:
    class Broken:
        async def start(self) -> None: ...
        async def aclose(self) -> None: ...

        async def moderate(self, texts: Sequence[str], *, source: str = "output") -> list[Verdict]:
            raise RuntimeError("database is on fire")

    out = io.StringIO()
    await run_check(Broken(), ["a", "b"], jsonl=False, out=out)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert rows == [{"error": "moderation failed: database is on fire", "line": 1},
                    {"error": "moderation failed: database is on fire", "line": 2}]


def test_cli_texts_from_arguments() -> None:
    result = CliRunner().invoke(app(), ["check", "hello there", "second text"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["hello there", "second text"]
    assert set(rows[0]) == {"action", "text", "scores", "matches", "reasons"}


def test_cli_jsonl_stdin_ten_thousand_lines() -> None:
    data = "".join(json.dumps({"text": f"line {i}"}) + "\n" for i in range(10_000))
    result = CliRunner().invoke(app(), ["check", "--jsonl"], input=data.encode())
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(rows) == 10_000
    assert all(r["text"] == f"line {i}" for i, r in enumerate(rows))


def test_cli_source_input_uses_input_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "parley.toml"
    config.write_text('[moderation]\nuse_default_list = false\nactions = {profanity = "redact"}\n'
                      'terms = [{term = "heck", category = "profanity"}]\n'
                      '[moderation.input]\nflagged_action = "block"\n')
    monkeypatch.setenv("PARLEY_CONFIG_FILE", str(config))
    out = CliRunner().invoke(app(), ["check", "oh heck"])
    inp = CliRunner().invoke(app(), ["check", "--source", "input", "oh heck"])
    if "keywords" not in json.dumps(json.loads(out.stdout)):
        pytest.skip("moderation.keywords not installed yet")
    assert json.loads(out.stdout)["action"] == "redact"
    assert json.loads(inp.stdout)["action"] == "block"


def test_cli_bad_utf8_on_stdin_does_not_crash() -> None:
    result = CliRunner().invoke(app(), ["check"], input=b"ok\n\xff\xfe\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert rows[0]["text"] == "ok" and rows[1]["line"] == 2


def test_cli_config_error_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_CONFIG_FILE", str(tmp_path / "missing.toml"))
    result = CliRunner().invoke(app(), ["check", "hi"])
    assert result.exit_code == 2
    assert "missing.toml" in result.stderr
