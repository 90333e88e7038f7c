"""Security of `parley run`: moderators only, owner-only files, no secrets in its output.

(The webhook secret header is tested in test_bot_webhook.py; forged button data in test_bot_review.py.)
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w
from bot_harness import (
    FAST_PRIVATE,
    HOLD_TERM,
    MODERATOR_CHAT,
    MODERATOR_ID,
    SettingsFactory,
    bot_running,
    settings_dict,
    wait_settled,
)
from fake_telegram import FakeTelegram

from moderation.config import ModerationTexts

TEXTS = ModerationTexts()
DENIED_QUEUE = "Only moderators can see the review queue."


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: owner-only modes must come from parley, not from the environment."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


async def test_store_files_are_owner_only(fake: FakeTelegram, make_settings: SettingsFactory, open_umask: None) -> None:
    settings = make_settings()
    db = Path(settings.storage.path)
    async with bot_running(settings) as runner:
        fake.inject_message(1001, "write something")
        await fake.wait_sent(1001, 1)
        await wait_settled(runner)
        files = [db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}.lock")]
        modes = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files if p.exists()}
    assert set(modes) == {p.name for p in files}, modes
    assert set(modes.values()) == {"0o600"}, modes


async def test_only_moderators_decide_or_see_the_queue(fake: FakeTelegram, make_settings: SettingsFactory) -> None:
    outsider, user = 777, 2001
    async with bot_running(make_settings(), rate_limits=FAST_PRIVATE) as runner:
        fake.inject_message(user, f"keep {HOLD_TERM}")
        [post] = await fake.wait_sent(MODERATOR_CHAT, 1)
        approve, reject, _ = (b["callback_data"] for b in post.buttons)
        [reply] = await fake.wait_sent(user, 1)

        # not moderators: a user pressing Reject, an outsider in the moderator chat pressing Approve
        fake.inject_callback(user, post, reject)
        fake.inject_callback(outsider, post, approve)
        # a moderator pressing genuine data under a message that is not its announcement
        fake.inject_callback(MODERATOR_ID, reply, approve)
        # the item's data without any message (an inline button elsewhere)
        query = {"id": "x1", "from": fake.user(MODERATOR_ID), "chat_instance": "c", "data": approve}
        fake.inject_update({"callback_query": query})
        await fake.wait_for(lambda: len(fake.callback_answers) == 4)
        assert all(a.get("show_alert") for a in fake.callback_answers)

        # /queue: an outsider in the moderator chat and in a private chat is refused; a moderator is served
        fake.inject_message(MODERATOR_CHAT, "/queue", user_id=outsider)
        fake.inject_message(outsider, "/queue")
        fake.inject_message(MODERATOR_ID, "/queue")
        await fake.wait_sent(outsider, 1)
        await fake.wait_sent(MODERATOR_ID, 1)
        await fake.wait_sent(MODERATOR_CHAT, 2)
        await wait_settled(runner)

        store = runner.s.store
        [held] = await store.list_held("pending")
        assert held.decided_by is None
        assert len(await store.audit_rows("review_denied")) == 2
        assert len(await store.audit_rows("review_invalid")) == 2
        assert len(await store.audit_rows("queue_denied")) == 2
    assert fake.texts(user) == [TEXTS.held]
    assert fake.texts(outsider) == [DENIED_QUEUE]
    assert fake.sent[MODERATOR_CHAT][1].text == DENIED_QUEUE
    assert f"#{held.id}" in fake.texts(MODERATOR_ID)[0]
    assert post.buttons and not post.edits


def _env(config: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env.update({"PARLEY_CONFIG_FILE": str(config), **extra})
    return env


async def _parley_run(config: Path, *args: str, **env: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, "run", env=_env(config, **env), cwd=config.parent,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


def _assert_no_secret(text: str, token: str) -> None:
    secret_part = token.split(":", 1)[1]
    assert token not in text and secret_part not in text


async def test_parley_run_debug_json_logs_never_contain_the_token(fake: FakeTelegram, tmp_path: Path) -> None:
    config = tmp_path / "parley.toml"
    config.write_text(tomli_w.dumps(settings_dict(fake, tmp_path / "p.db")))
    proc = await _parley_run(config, "--log-format", "json", PARLEY_LOGGING__LEVEL="DEBUG")
    try:
        fake.inject_message(3001, "hello with debug logs")
        await fake.wait_sent(3001, 1, timeout=90)
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0
    logs = err.decode(errors="replace")
    lines = [json.loads(line) for line in logs.splitlines() if line.strip()]
    assert any("api.telegram.org" not in line.get("message", "") and "/bot" in line.get("message", "")
               for line in lines), "expected httpx debug lines with Bot API URLs (where the token would show)"
    assert any(line.get("request_id", "").startswith("upd-") for line in lines)
    _assert_no_secret(logs + out.decode(errors="replace"), fake.token)


async def test_a_rejected_token_is_reported_without_showing_it(fake: FakeTelegram, tmp_path: Path) -> None:
    wrong = "987654321:WRONGtokenWRONGtokenWRONGtokenWRONG"
    data = settings_dict(fake, tmp_path / "p.db")
    data["telegram"]["token"] = wrong
    config = tmp_path / "parley.toml"
    config.write_text(tomli_w.dumps(data))
    proc = await _parley_run(config, PARLEY_LOGGING__LEVEL="DEBUG")
    out, err = await asyncio.wait_for(proc.communicate(), 90)
    text = (out + err).decode(errors="replace")
    assert proc.returncode == 2, text
    assert "telegram.token was rejected" in text
    assert "parley bot stopped" not in text  # a bot that never started does not report stopping
    _assert_no_secret(text, wrong)


async def test_an_existing_readable_store_is_made_owner_only(tmp_path: Path) -> None:
    from pipeline.store import Store

    db = tmp_path / "old.db"
    async with Store(db):
        pass
    os.chmod(db, 0o644)
    async with Store(db, exclusive=True):
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
