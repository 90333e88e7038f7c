"""What the store writes about failures: secrets masked, huge ids harmless, a failed open cleaned up."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from pipeline.logs import add_secrets
from pipeline.store import OutboxDraft, Store
from pipeline.types import StoreError

SECRET = "configured-Secret-7c1e9f0a"  # not token- or key-shaped: masked because it is configured
KEY_SHAPED = "sk-live-ABCDEFGHIJKLMNOPqrstu"  # key-shaped: masked without being configured


async def test_every_stored_error_text_is_redacted(tmp_path: Path) -> None:
    add_secrets(SECRET)
    path = tmp_path / "r.db"
    quoted = f"HTTP 401: Incorrect API key provided: {SECRET}; also Bearer {KEY_SHAPED}"
    async with Store(path) as store:
        await store.audit("generation_error", chat_id=1, detail={"error": quoted, "nested": [{"why": quoted}]})
        await store.audit("classifier_failed", chat_id=1, verdict={"action": "hold", "reasons": [quoted]})
        await store.hold(chat_id=1, user_text="q", reply_text="draft", verdict={"action": "hold", "reasons": [quoted]},
                         audit_detail={"error": quoted})
        await store.add_turn(1, "assistant", "ok", audit_verdict={"action": "redact", "reasons": [quoted]})
        assert await store.save_update(5, {"update_id": 5})
        await store.mark_update(5, "failed", error=quoted)
        assert await store.save_update(6, {"update_id": 6})
        await store.complete_update(6, state="failed", error=quoted)
        (item,) = await store.complete_update(7, [OutboxDraft(chat_id=1, text="hi")])
        await store.mark_outbox_retry(item, quoted, 0.0)
        await store.mark_outbox_failed(item, quoted, chat_id=1, kind="reply")
        rows = await store.audit_rows()
    assert len(rows) == 5
    assert any("**********" in str(row["detail"]) for row in rows)
    for db_file in tmp_path.iterdir():
        data = db_file.read_bytes()
        assert SECRET.encode() not in data and KEY_SHAPED.encode() not in data, db_file.name


async def test_ids_sqlite_cannot_hold_find_nothing(tmp_path: Path) -> None:
    huge = 99999999999999999999999
    async with Store(tmp_path / "h.db") as store:
        assert await store.get_held(huge) is None
        assert await store.get_held(-huge) is None
        assert await store.decide_held(huge, approve=True, decided_by="t", record=True) is None


def _sqlite_workers() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if "_connection_worker_thread" in t.name and t.is_alive()}


@pytest.mark.parametrize("kind", ["directory", "junk"])
async def test_failed_open_leaves_no_aiosqlite_thread(tmp_path: Path, kind: str) -> None:
    """The worker thread of a connection that failed to open is joined before the error is raised:
    left running, it called into the closed event loop ("RuntimeError: Event loop is closed")."""
    before = _sqlite_workers()
    path = tmp_path / "adir"
    if kind == "directory":
        path.mkdir()
    else:
        path.write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError, match="storage.path"):
        await Store(path).open()
    assert _sqlite_workers() <= before
