"""The pipeline end to end with real parts: echo backend, SQLite store, moderation engine."""

from __future__ import annotations

from pathlib import Path

from bot.compose import build_core
from moderation.config import TermSpec
from pipeline.settings import load_settings


def _settings(tmp_path: Path, **moderation: object):  # type: ignore[no-untyped-def]
    s = load_settings()
    s.storage.path = tmp_path / "parley.db"
    s.generation.backend = "echo"
    for key, value in moderation.items():
        setattr(s.moderation, key, value)
    return s


async def test_history_persists_across_two_pipeline_instances(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    async with build_core(settings) as core:
        assert core.pipeline is not None
        assert (await core.pipeline.handle(5, "hello")).text == "hello"
        assert (await core.pipeline.handle(5, "how are you")).text == "how are you"
    async with build_core(settings) as core:
        assert core.pipeline is not None
        await core.pipeline.handle(5, "third")
        turns = await core.store.history(5)
        assert [t.role for t in turns] == ["user", "assistant"] * 3
        assert [t.text for t in turns if t.role == "user"] == ["hello", "how are you", "third"]
        await core.pipeline.reset(5)
        assert await core.store.history(5) == []


async def test_hold_block_and_decide(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        terms=[TermSpec(term="holdword", category="test"), TermSpec(term="blockword", category="danger")],
        actions={"danger": "block"},
    )
    async with build_core(settings) as core:
        p = core.pipeline
        assert p is not None
        held = await p.handle(1, "say holdword please")
        assert held.action == "hold" and held.held_id is not None
        assert held.text == settings.moderation.texts.held and "holdword" not in held.text
        blocked = await p.handle(1, "blockword")
        assert blocked.action == "block" and blocked.text == settings.moderation.texts.blocked
        assert [t.role for t in await core.store.history(1)] == ["user", "user"]  # nothing unmoderated stored as a reply
        decided = await p.decide(held.held_id, approve=True, decided_by="tester")
        assert decided is not None and decided.state == "approved"
        assert await p.decide(held.held_id, approve=False, decided_by="other") is None
        events = [row["event"] for row in await core.store.audit_rows()]
        assert events.count("held") == 1 and events.count("blocked") == 1 and events.count("approved") == 1
        assert (await core.store.history(1))[-1].text == "say holdword please"


async def test_retry_regenerates(tmp_path: Path) -> None:
    async with build_core(_settings(tmp_path)) as core:
        p = core.pipeline
        assert p is not None
        assert await p.retry(9) is None
        await p.handle(9, "again")
        reply = await p.retry(9)
        assert reply is not None and reply.text == "again"
        assert [t.role for t in await core.store.history(9)] == ["user", "assistant"]


async def test_lone_surrogates_are_repaired_not_fatal(tmp_path: Path) -> None:
    async with build_core(_settings(tmp_path)) as core:
        assert core.pipeline is not None
        reply = await core.pipeline.handle(3, "bad \ud800 text")
        assert reply.action == "allow" and reply.text == "bad \ufffd text"
        assert (await core.store.history(3))[0].text == "bad \ufffd text"
