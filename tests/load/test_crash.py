"""kill -9 of the real `parley run` in the middle of the load, then a restart: nothing is lost.

Every message is answered once (a duplicate only for a send in flight at the kill: the
documented window), per-chat order holds, each message is stored once in the history, held
items survive and are approved after the restart, the audit log has every hold, and the
SQLite file passes PRAGMA integrity_check.
"""

from __future__ import annotations

from pathlib import Path

from load_test import LoadConfig, run_load


async def test_kill_9_in_the_middle_of_the_load(tmp_path: Path) -> None:
    cfg = LoadConfig(users=60, messages=3, hold_every=15, crash_at=0.4, approve_held=True, timeout_s=240,
                     workdir=tmp_path)
    result = await run_load(cfg)
    crash = result["crash"]
    assert crash["exit_code"] == -9 and crash["killed_after_answers"] < result["messages"]
    assert result["lost"] == 0 and result["order_violations"] == 0 and result["unexpected_replies"] == 0, result
    assert crash["duplicates_outside_window"] == 0, result
    assert result["duplicated"] == crash["duplicates_in_window"]
    assert result["limit_violations"] == 0
    assert result["settled"] and result["exit_code"] == 0
    held = result["held_messages"]
    assert held == 12 and result["approved_deliveries"] == held
    store = result["store"]
    assert store["integrity"] == "ok"
    assert store["user_turns"] == 180 and store["user_turns_duplicated"] == 0
    assert store["held_rows"] == store["held_rows_distinct"] == store["held_audit_rows"] == held
    assert store["held_pending"] == 0
    assert store["assistant_turns"] == 180  # 168 echoed + 12 approved
    assert store["updates_not_done"] == 0 and store["outbox_pending"] == 0
