"""The real `parley run` process: a reply held before a restart is approved after it."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import tomli_w
from bot_harness import HOLD_TERM, MODERATOR_CHAT, MODERATOR_ID, settings_dict
from fake_telegram import FakeTelegram

from moderation.config import ModerationTexts


def _env(config: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env.update({"PARLEY_CONFIG_FILE": str(config), **extra})
    return env


@asynccontextmanager
async def parley_run(config: Path, log: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", env=_env(config),
                                                    cwd=config.parent, stdout=out, stderr=out)
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def _terminate(proc: asyncio.subprocess.Process, log: Path) -> None:
    proc.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(proc.wait(), 60)
    assert code == 0, log.read_text(errors="replace")[-3000:]


async def test_held_reply_is_approved_after_a_restart(fake: FakeTelegram, tmp_path: Path) -> None:
    db = tmp_path / "parley.db"
    config = tmp_path / "parley.toml"
    config.write_text(tomli_w.dumps(settings_dict(fake, db)))
    log = tmp_path / "bot.log"
    user, text = 1001, f"restart {HOLD_TERM} please"

    async with parley_run(config, log) as first:
        question = fake.inject_message(user, text)
        await fake.wait_sent(user, 1, timeout=90)
        [post] = await fake.wait_sent(MODERATOR_CHAT, 1, timeout=30)
        await _terminate(first, log)

    async with parley_run(config, log) as second:
        fake.inject_callback(MODERATOR_ID, post, post.buttons[0]["callback_data"])
        sent = await fake.wait_sent(user, 2, timeout=90)
        await fake.wait_for(lambda: "Approved by" in post.text and not post.buttons, timeout=30)
        await _terminate(second, log)

    assert [m.text for m in sent] == [ModerationTexts().held, text]
    assert sent[1].reply_to_message_id == question["message_id"]
    assert len(fake.sent[MODERATOR_CHAT]) == 1  # announced once, not again after the restart
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        state, delivered = conn.execute("SELECT state, delivered_at FROM held_replies").fetchone()
        assert state == "approved" and delivered is not None
        assert conn.execute("SELECT COUNT(*) FROM updates WHERE state != 'done'").fetchone()[0] == 0
    logs = log.read_text(errors="replace")
    assert "parley bot stopped" in logs or logs == ""  # INFO may be filtered by the log level
    assert fake.token not in logs and fake.token.split(":")[1] not in logs


async def test_run_without_token_fails_with_one_line(tmp_path: Path) -> None:
    config = tmp_path / "parley.toml"
    config.write_text(tomli_w.dumps({"generation": {"backend": "echo"}, "storage": {"path": str(tmp_path / "p.db")}}))
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", env=_env(config),
                                                cwd=tmp_path, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert err.decode().strip() == "config error: telegram.token is not set; set PARLEY_TELEGRAM__TOKEN"
    assert out == b""
