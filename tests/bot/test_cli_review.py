"""`parley review` on the console: list, show, approve, reject, export (no Telegram token)."""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from pipeline.store import Store


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "parley.db"
    monkeypatch.setenv("PARLEY_STORAGE__PATH", str(path))

    async def seed() -> None:
        async with Store(path) as store:
            for i, term in enumerate(["darn", "heck", "gosh"], start=1):
                await store.hold(chat_id=100 + i, user_text=f"question {i}", reply_text=f"reply with {term}, ok",
                                 verdict={"action": "hold", "reasons": [f"keyword: {term}"],
                                          "matches": [{"term": term, "category": "mild", "severity": "low",
                                                       "start": 11, "end": 15}]},
                                 user_message_id=10 + i)

    asyncio.run(seed())
    return path


def _state(db: Path, held_id: int) -> tuple[str, str | None, int]:
    async def read() -> tuple[str, str | None, int]:
        async with Store(db) as store:
            held = await store.get_held(held_id)
            assert held is not None
            return held.state, held.decided_by, await store.count_turns(held.chat_id)

    return asyncio.run(read())


def test_list_show_approve_reject_export(db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["review", "list"])
    assert listed.exit_code == 0, listed.output
    assert [line.split()[0] for line in listed.output.splitlines()] == ["#1", "#2", "#3"]
    assert runner.invoke(app, ["review"]).output == listed.output

    shown = runner.invoke(app, ["review", "show", "2"])
    assert shown.exit_code == 0 and "reply with heck, ok" in shown.output and "keyword: heck" in shown.output
    as_json = json.loads(runner.invoke(app, ["review", "show", "2", "--json"]).output)
    assert as_json["state"] == "pending" and as_json["user_message_id"] == 12

    ok = runner.invoke(app, ["review", "approve", "1", "--by", "alice"])
    assert ok.exit_code == 0 and "#1 approved" in ok.output
    assert _state(db, 1) == ("approved", "alice", 1)  # the approved reply joined the history
    again = runner.invoke(app, ["review", "reject", "1"])
    assert again.exit_code == 1 and "already approved" in again.output
    assert runner.invoke(app, ["review", "reject", "2"]).exit_code == 0
    state, by, turns = _state(db, 2)
    assert state == "rejected" and by is not None and by.startswith("console:") and turns == 0
    missing = runner.invoke(app, ["review", "approve", "99"])
    assert missing.exit_code == 1 and "no held reply #99" in missing.output

    assert [line.split()[0] for line in runner.invoke(app, ["review", "list"]).output.splitlines()] == ["#3"]
    all_json = [json.loads(x) for x in runner.invoke(app, ["review", "list", "--state", "all", "--json"]).output.splitlines()]
    assert [x["state"] for x in all_json] == ["approved", "rejected", "pending"]

    out = tmp_path / "decisions.csv"
    exported = runner.invoke(app, ["review", "--export", str(out)])
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["id"], r["text"], r["verdict"], r["decision"], r["label"]) for r in rows] == [
        ("1", "reply with darn, ok", "hold", "approved", "0"),
        ("2", "reply with heck, ok", "hold", "rejected", "1"),
    ]
    assert rows[0]["categories"] == "mild" and rows[1]["reasons"] == "keyword: heck"


def test_audit_rows_for_console_decisions(db: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["review", "reject", "3", "--by", "bob"]).exit_code == 0

    async def audit() -> list[dict[str, object]]:
        async with Store(db) as store:
            return await store.audit_rows("rejected")

    [row] = asyncio.run(audit())
    assert row["actor"] == "bob" and row["ref_id"] == 3


def test_bad_state_option(db: Path) -> None:
    result = CliRunner().invoke(app, ["review", "list", "--state", "weird"])
    assert result.exit_code == 2


def test_ban_unban_and_list_bans(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_TELEGRAM__MODERATOR_IDS", "42")
    runner = CliRunner()
    assert runner.invoke(app, ["review", "bans"]).output.strip() == "nobody is banned"
    banned = runner.invoke(app, ["review", "ban", "101", "--reason", "spam", "--by", "alice"])
    assert banned.exit_code == 0 and banned.output.strip() == "banned 101: the bot ignores its messages"
    assert runner.invoke(app, ["review", "ban", "--", "-100200"]).exit_code == 0  # a group chat id
    again = runner.invoke(app, ["review", "ban", "101"])
    assert again.exit_code == 1 and "already banned" in again.output
    moderator = runner.invoke(app, ["review", "ban", "42"])
    assert moderator.exit_code == 1 and "moderator" in moderator.output
    rows = [json.loads(line) for line in runner.invoke(app, ["review", "bans", "--json"]).output.splitlines()]
    assert [(r["id"], r["reason"]) for r in rows] == [(101, "spam"), (-100200, None)]
    assert rows[0]["banned_by"] == "alice"
    assert runner.invoke(app, ["review", "unban", "101"]).output.strip() == "unbanned 101"
    missing = runner.invoke(app, ["review", "unban", "101"])
    assert missing.exit_code == 1 and "not banned" in missing.output

    async def audit() -> list[str]:
        async with Store(db) as store:
            return [r["event"] for r in await store.audit_rows() if r["event"] in ("ban", "unban")]

    assert asyncio.run(audit()) == ["ban", "ban", "unban"]


def test_approve_with_an_edit(db: Path) -> None:
    runner = CliRunner()
    empty = runner.invoke(app, ["review", "approve", "2", "--text", "  "])
    assert empty.exit_code != 0 and "empty" in empty.output
    done = runner.invoke(app, ["review", "approve", "2", "--text", "a gentler reply", "--by", "bob"])
    assert done.exit_code == 0 and "approved with your edit" in done.output
    shown = json.loads(runner.invoke(app, ["review", "show", "2", "--json"]).output)
    assert shown["reply_text"] == "reply with heck, ok" and shown["final_text"] == "a gentler reply"
    assert "sent instead (moderator's edit):\na gentler reply" in runner.invoke(app, ["review", "show", "2"]).output

    async def last_turn() -> str:
        async with Store(db) as store:
            return (await store.history(102))[-1].text

    assert asyncio.run(last_turn()) == "a gentler reply"
