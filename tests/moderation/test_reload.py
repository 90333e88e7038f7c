"""Hot reload: word-list and TOML edits take effect; broken edits keep the previous config."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from pathlib import Path

import pytest

from moderation.config import ModerationSettings
from moderation.engine import ModerationEngine
from moderation.reload import ConfigWatcher
from moderation.testing import FakeKeywordStage
from moderation.types import Action
from pipeline.types import ConfigError


def list_builder(settings: ModerationSettings) -> list[FakeKeywordStage]:
    """Stand-in for moderation.keywords: one `term,category,severity` per line; errors like the real one."""
    terms: dict[str, tuple[str, str]] = {spec.term: (spec.category, str(spec.severity)) for spec in settings.terms}
    for path in settings.lists:
        if not Path(path).is_file():
            raise ConfigError(f"config error: moderation.lists: file {path} not found")
        for n, line in enumerate(Path(path).read_text().splitlines(), 1):
            if line.strip():
                parts = line.split(",")
                if len(parts) != 3:
                    raise ConfigError(f"config error: {path}:{n}: expected term,category,severity")
                terms[parts[0]] = (parts[1], parts[2])
    return [FakeKeywordStage(terms)]


@pytest.fixture(autouse=True)
def fake_keywords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("moderation.engine.build_text_stages", list_builder)


def touch(path: Path, text: str) -> None:
    """Write and move the mtime forward, so the change is seen even on coarse-mtime filesystems."""
    old = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    os.utime(path, ns=(old + 2_000_000_000, old + 2_000_000_000))


async def action(engine: ModerationEngine, text: str) -> Action:
    [verdict] = await engine.moderate([text])
    return verdict.action


async def test_word_list_edit_takes_effect_and_broken_edit_is_ignored(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    words = tmp_path / "words.csv"
    touch(words, "darn,mild,low\n")
    settings = ModerationSettings(lists=[words], reload_interval_s=3600, actions={})
    engine = ModerationEngine.from_settings(settings, loader=lambda: settings, watch=True)
    async with engine:
        watcher = engine._watcher
        assert isinstance(watcher, ConfigWatcher)
        assert await action(engine, "heck") is Action.ALLOW
        assert not await watcher.poll_once()  # nothing changed yet

        touch(words, "darn,mild,low\nheck,mild,low\n")
        assert await watcher.poll_once()
        assert await action(engine, "heck") is Action.HOLD
        assert engine.reloads == 1

        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="moderation.engine"):
            touch(words, "this line is broken\n")
            assert await watcher.poll_once()
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1
        assert "keeping the previous config" in errors[0].getMessage()
        assert "words.csv:1" in errors[0].getMessage()
        assert await action(engine, "heck") is Action.HOLD  # previous good config still in force
        assert not await watcher.poll_once()  # the bad edit is not retried every interval

        words.unlink()
        assert await watcher.poll_once()  # a missing file is a change, and a failed reload
        assert await action(engine, "heck") is Action.HOLD
        touch(words, "gosh,mild,low\n")
        assert await watcher.poll_once()
        assert await action(engine, "gosh") is Action.HOLD
        assert await action(engine, "heck") is Action.ALLOW
        assert engine.reloads == 2


async def test_toml_edit_reloads_through_load_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    from pipeline.settings import load_settings

    config = tmp_path / "parley.toml"
    touch(config, '[moderation]\nterms = [{term = "heck", category = "mild", severity = "medium"}]\n')
    monkeypatch.setenv("PARLEY_CONFIG_FILE", str(config))
    engine = ModerationEngine.from_settings(load_settings().moderation, watch=True)  # default loader
    async with engine:
        watcher = engine._watcher
        assert config in engine.watched_paths()
        assert await action(engine, "heck") is Action.HOLD

        touch(config, '[moderation]\nflagged_action = "block"\n'
                      'terms = [{term = "heck", category = "mild", severity = "medium"}]\n')
        assert await watcher.poll_once()
        assert await action(engine, "heck") is Action.BLOCK

        with caplog.at_level(logging.ERROR, logger="moderation.engine"):
            touch(config, '[moderation\nflagged_action = "allow"\n')  # TOML syntax error
            assert await watcher.poll_once()
            touch(config, '[moderation]\nflagged_action = "sometimes"\n')  # invalid value
            assert await watcher.poll_once()
        assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 2
        assert await action(engine, "heck") is Action.BLOCK

        touch(config, '[moderation]\nterms = [{term = "gosh", category = "mild", severity = "medium"}]\n')
        assert await watcher.poll_once()
        assert await action(engine, "gosh") is Action.HOLD
        assert await action(engine, "heck") is Action.ALLOW


async def test_background_polling_picks_up_a_change(tmp_path: Path) -> None:
    words = tmp_path / "words.csv"
    touch(words, "darn,mild,low\n")
    settings = ModerationSettings(lists=[words], reload_interval_s=0.05, actions={})
    new = settings.model_copy(update={"flagged_action": Action.BLOCK})
    current = [settings]
    async with ModerationEngine.from_settings(settings, loader=lambda: current[0]) as engine:
        current[0] = new
        touch(words, "darn,mild,low\nheck,mild,low\n")
        for _ in range(200):  # bounded wait for the watcher task; no timing asserted
            if engine.reloads:
                break
            await asyncio.sleep(0.05)
        assert engine.reloads >= 1
        assert await action(engine, "heck") is Action.BLOCK


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this platform")
async def test_sighup_forces_a_reload(tmp_path: Path) -> None:
    settings = ModerationSettings(reload_interval_s=3600)
    new = ModerationSettings(reload_interval_s=3600, terms=[{"term": "heck", "category": "mild"}])
    current = [settings]
    async with ModerationEngine.from_settings(settings, loader=lambda: current[0], watch=True) as engine:
        if not engine._watcher._signal_installed:
            pytest.skip("SIGHUP handler not installable here")
        current[0] = new
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(200):
            if engine.reloads:
                break
            await asyncio.sleep(0.05)
        assert await action(engine, "heck") is Action.HOLD


async def test_no_watcher_when_hot_reload_off() -> None:
    async with ModerationEngine.from_settings(ModerationSettings(hot_reload=False)) as engine:
        assert engine._watcher is None
