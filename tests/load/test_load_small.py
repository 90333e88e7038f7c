"""The load script, small: 100 users x 3 messages through the real `parley run` process."""

from __future__ import annotations

from pathlib import Path

from load_test import LoadConfig, run_load


async def test_hundred_users_three_messages(tmp_path: Path) -> None:
    cfg = LoadConfig(users=100, messages=3, hold_every=50, timeout_s=240, workdir=tmp_path)
    result = await run_load(cfg)
    summary = {k: result[k] for k in ("lost", "duplicated", "order_violations", "limit_violations", "unexpected_replies")}
    assert summary == {"lost": 0, "duplicated": 0, "order_violations": 0, "limit_violations": 0,
                       "unexpected_replies": 0}, result
    assert result["settled"] and result["exit_code"] == 0
    assert result["messages"] == 300 and result["held_messages"] == 6
    assert result["moderator_posts"] == 6
    store = result["store"]
    assert store["integrity"] == "ok"
    assert store["user_turns"] == 300 and store["user_turns_duplicated"] == 0
    assert store["assistant_turns"] == 294 and store["held_rows"] == store["held_audit_rows"] == 6
    assert store["updates_not_done"] == 0 and store["outbox_pending"] == 0
