"""ModerationEngine with fake stages: ordering, sources, failures, snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

import moderation
from moderation.config import ClassifierSettings, InputModerationSettings, ModerationSettings
from moderation.engine import ModerationEngine
from moderation.testing import FakeKeywordStage, make_detoxify_checkpoint
from moderation.types import Action, Moderator, StageResult

TERMS = {"fuck": ("profanity", "medium"), "kill you": ("threat", "high"), "jerk": ("insult", "low")}


DEFAULT = object()


def engine_with(stages: object = DEFAULT, **settings: object) -> ModerationEngine:
    base = {"hot_reload": False, "actions": {"profanity": "redact", "high": "block"}}
    base.update(settings)
    chosen = [FakeKeywordStage(TERMS)] if stages is DEFAULT else stages
    return ModerationEngine(ModerationSettings(**base), stages=chosen)  # type: ignore[arg-type]


class Exploding:
    name = "exploding"

    async def check(self, texts: Sequence[str]) -> list[StageResult]:
        raise ValueError("stage bug")


class Miscounting:
    name = "miscounting"

    async def check(self, texts: Sequence[str]) -> list[StageResult]:
        return []


def test_engine_is_a_moderator_and_exported() -> None:
    if getattr(moderation, "__file__", None) is None:
        pytest.skip("tests/moderation shadows the package (pytest needs pythonpath = ['.'])")
    assert moderation.ModerationEngine is ModerationEngine
    assert isinstance(engine_with(), Moderator)


async def test_verdicts_in_order_with_actions() -> None:
    async with engine_with() as engine:
        verdicts = await engine.moderate(["hello", "oh fuck it", "I will kill you", "you jerk", ""])
    assert [v.action for v in verdicts] == [Action.ALLOW, Action.REDACT, Action.BLOCK, Action.HOLD, Action.ALLOW]
    assert verdicts[1].text == "oh f*** it"
    assert verdicts[2].text == "I will kill you"
    assert verdicts[2].to_dict()["matches"][0]["category"] == "threat"
    assert await engine.moderate([]) == []


async def test_disabled_allows_everything_but_still_returns_verdicts() -> None:
    async with engine_with(enabled=False, stages=None) as engine:
        assert engine.stages == ()
        verdicts = await engine.moderate(["fuck", "x"])
    assert [v.action for v in verdicts] == [Action.ALLOW, Action.ALLOW]
    assert verdicts[0].text == "fuck" and verdicts[0].reasons == []


async def test_input_source_uses_input_policy() -> None:
    async with engine_with() as engine:
        [off] = await engine.moderate(["fuck"], source="input")
    assert off.action is Action.ALLOW  # input moderation is off by default
    async with engine_with(input=InputModerationSettings(enabled=True)) as engine:
        [on] = await engine.moderate(["fuck"], source="input")
        [out] = await engine.moderate(["fuck"], source="output")
        with pytest.raises(ValueError):
            await engine.moderate(["x"], source="sideways")
    assert on.action is Action.BLOCK
    assert out.action is Action.REDACT


@pytest.mark.parametrize("bad", [Exploding(), Miscounting()])
async def test_failing_stage_fails_closed(bad: object) -> None:
    async with engine_with(stages=[FakeKeywordStage(TERMS), bad], flagged_action="allow") as engine:
        verdicts = await engine.moderate(["hello", "fuck"])
    assert [v.action for v in verdicts] == [Action.HOLD, Action.HOLD]
    assert "(fail closed)" in verdicts[0].reasons[-1]
    assert verdicts[1].matches  # the working stage still reports


async def test_from_settings_builds_text_stages_then_classifier(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    built: list[ModerationSettings] = []

    def fake_build(settings: ModerationSettings) -> list[FakeKeywordStage]:
        built.append(settings)
        return [FakeKeywordStage(TERMS)]

    monkeypatch.setattr("moderation.engine.build_text_stages", fake_build)
    ckpt, _ = make_detoxify_checkpoint(tmp_path)
    settings = ModerationSettings(hot_reload=False, lists=[Path("words.toml")],
                                  classifier=ClassifierSettings(enabled=True, model=str(ckpt)))
    engine = ModerationEngine.from_settings(settings, base_dir=tmp_path)
    assert [s.name for s in engine.stages] == ["keywords", "classifier"]
    assert built[0].lists == [tmp_path / "words.toml"]  # relative lists resolved against base_dir
    async with engine:
        [verdict] = await engine.moderate(["fuck"])
    assert {r.stage for r in verdict.stages} == {"keywords", "classifier"}
    assert "toxicity" in verdict.scores


async def test_reload_swaps_stages_and_reuses_unchanged_classifier(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    monkeypatch.setattr("moderation.engine.build_text_stages", lambda s: [FakeKeywordStage(TERMS)])
    ckpt, _ = make_detoxify_checkpoint(tmp_path)
    clf = ClassifierSettings(enabled=True, model=str(ckpt))
    engine = ModerationEngine.from_settings(ModerationSettings(hot_reload=False, classifier=clf))
    async with engine:
        old = engine.stages[-1]
        assert await engine.reload(ModerationSettings(hot_reload=False, classifier=clf,
                                                      thresholds={"toxicity": 0.0}))
        assert engine.stages[-1] is old  # the model was not reloaded
        [verdict] = await engine.moderate(["hi"])
        assert verdict.action is Action.HOLD  # new threshold in force
        # A broken classifier edit keeps the working one.
        bad = ClassifierSettings(enabled=True, model=str(tmp_path / "missing.ckpt"))
        assert not await engine.reload(ModerationSettings(hot_reload=False, classifier=bad))
        assert engine.stages[-1] is old
        assert engine.settings.classifier.model == str(ckpt)
        # Switching the classifier off drops it.
        assert await engine.reload(ModerationSettings(hot_reload=False))
        assert [s.name for s in engine.stages] == ["keywords"]
        assert engine.reloads == 2
