"""Classifier stage end to end on a tiny Detoxify checkpoint built from ../shared/models/tiny-bert."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
import torch

from moderation.classifier import ClassifierModel, ClassifierStage
from moderation.config import ClassifierSettings, ModerationSettings
from moderation.engine import ModerationEngine
from moderation.testing import make_detoxify_checkpoint
from moderation.types import Action
from pipeline.types import ConfigError

LABELS = ["toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack"]


@pytest.fixture(scope="module")
def tiny_ckpt(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_detoxify_checkpoint(tmp_path_factory.mktemp("detoxify"))


def stage_for(model: str, **kw: Any) -> ClassifierStage:
    thresholds = kw.pop("thresholds", {"toxicity": 0.8})
    return ClassifierStage(ClassifierSettings(enabled=True, model=model, device="cpu", **kw), thresholds)


def toxic_when(token_id: int) -> Any:
    """forward_logits hook: window toxic (toxicity logit +12) iff it contains token_id."""
    def forward(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        logits = torch.full((input_ids.shape[0], len(LABELS)), -12.0)
        logits[:, 0] = torch.where((input_ids == token_id).any(dim=1), 12.0, -12.0)
        return logits
    return forward


async def test_loads_checkpoint_offline_through_detoxify(tiny_ckpt: tuple[Path, Path]) -> None:
    from detoxify import Detoxify

    stage = stage_for(str(tiny_ckpt[0]))
    assert stage.model is None  # nothing loads before start()
    await stage.start()
    try:
        assert stage.load_error is None
        assert stage.model is not None
        assert isinstance(stage.model.loaded.detoxify, Detoxify)
        assert stage.model.labels == LABELS
        [result] = await stage.check(["have a nice day"])
        assert result.error is None and set(result.scores) == set(LABELS)
        assert all(0.0 <= v <= 1.0 for v in result.scores.values())
        assert result.details["chunks"] == 1
    finally:
        await stage.aclose()


async def test_config_dir_overrides_hub_model_type(tiny_ckpt: tuple[Path, Path], tmp_path: Path) -> None:
    """A real Detoxify checkpoint names `bert-base-uncased`; config_dir keeps loading offline."""
    loaded = torch.load(tiny_ckpt[0], weights_only=True)
    loaded["config"]["arch"]["args"]["model_type"] = "bert-base-uncased"
    ckpt = tmp_path / "hub-named.ckpt"
    torch.save(loaded, ckpt)
    stage = stage_for(str(ckpt), config_dir=str(tiny_ckpt[1]))
    [result] = await stage.check(["hello"])
    await stage.aclose()
    assert result.error is None, result.error
    assert set(result.scores) == set(LABELS)


async def test_local_hf_directory_with_own_labels(tiny_bert: Path, tmp_path: Path) -> None:
    from transformers import BertConfig, BertForSequenceClassification

    config = BertConfig.from_pretrained(tiny_bert, num_labels=2, id2label={0: "non-toxic", 1: "toxic"},
                                        label2id={"non-toxic": 0, "toxic": 1})
    BertForSequenceClassification(config).save_pretrained(tmp_path / "clf")
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(tiny_bert / name, tmp_path / "clf" / name)
    stage = stage_for(str(tmp_path / "clf"), thresholds={"toxicity": 0.0})
    [result] = await stage.check(["some text"])
    await stage.aclose()
    assert result.error is None, result.error
    assert set(result.scores) == {"non_toxic", "toxicity"}
    assert sum(result.scores.values()) == pytest.approx(1.0, abs=1e-5)  # single-label: softmax
    assert result.flagged


async def test_concurrent_calls_share_one_forward_pass(tiny_ckpt: tuple[Path, Path]) -> None:
    stage = stage_for(str(tiny_ckpt[0]), batch_size=20, max_wait_ms=2000)
    await stage.start()
    assert stage._batcher is not None
    results = await asyncio.gather(*(stage.check([f"message number {i}"]) for i in range(20)))
    assert stage._batcher.batches == 1  # the batch filled up: one pass, no waiting
    assert [len(r) for r in results] == [1] * 20
    batch = await stage.check([f"text {i}" for i in range(5)])
    assert len(batch) == 5 and all(r.error is None for r in batch)
    await stage.aclose()


async def test_long_text_is_chunked_and_toxic_tail_found(tiny_ckpt: tuple[Path, Path]) -> None:
    stage = stage_for(str(tiny_ckpt[0]))
    await stage.start()
    assert stage.model is not None
    idiot = stage.model.tokenizer.convert_tokens_to_ids("idiot")
    stage.model.forward_logits = toxic_when(idiot)  # type: ignore[method-assign]
    clean = "the weather is nice today " * 600  # ~3,000 tokens
    results = await stage.check([clean, clean + "you idiot", "idiot " + clean, "short idiot", ""])
    await stage.aclose()
    clean_r, tail_r, head_r, short_r, empty_r = results
    assert clean_r.details["chunks"] >= 6
    assert clean_r.scores["toxicity"] < 0.01 and not clean_r.flagged
    assert tail_r.scores["toxicity"] > 0.99 and tail_r.flagged
    assert head_r.scores["toxicity"] > 0.99
    assert short_r.flagged and short_r.details["chunks"] == 1
    assert not empty_r.flagged and empty_r.details["chunks"] == 0


def test_chunk_windows_overlap_and_cover_everything(tiny_ckpt: tuple[Path, Path]) -> None:
    from moderation.classifier import load_model

    settings = ClassifierSettings(enabled=True, model=str(tiny_ckpt[0]))
    model = ClassifierModel(load_model(settings), device=torch.device("cpu"), dtype=torch.float32,
                            max_tokens=32, stride=8)
    ids = model.tokenizer(" ".join(str(i) for i in range(200)), add_special_tokens=False)["input_ids"]
    windows, owner = model.chunk([" ".join(str(i) for i in range(200))])
    assert set(owner) == {0} and all(len(w) <= 32 for w in windows)
    body = [w[1:-1] for w in windows]  # strip [CLS] ... [SEP]
    assert [t for t in body[0]] == ids[:30]
    assert body[1][:8] == body[0][-8:]  # overlap by the stride
    assert body[-1][-1] == ids[-1]  # the tail is covered


@pytest.mark.parametrize("thresholds, actions, expected", [
    ({"toxicity": 0.0}, {}, Action.HOLD),
    ({"toxicity": 0.0}, {"toxicity": "block"}, Action.BLOCK),
    ({"toxicity": 0.0, "insult": 0.0}, {"insult": "redact", "toxicity": "redact"}, Action.REDACT),
    ({"toxicity": 1.0}, {}, Action.ALLOW),
])
async def test_thresholds_produce_actions(tiny_ckpt: tuple[Path, Path], thresholds: dict[str, float],
                                          actions: dict[str, str], expected: Action) -> None:
    settings = ModerationSettings(classifier=ClassifierSettings(enabled=True, model=str(tiny_ckpt[0])),
                                  thresholds=thresholds, actions=actions, hot_reload=False, use_default_list=False)
    async with ModerationEngine(settings, stages=None) as engine:
        engine_stages = [s for s in engine.stages if s.name == "classifier"]
        assert len(engine_stages) == 1
        [verdict] = await engine.moderate(["you are a clown"])
    assert verdict.action is expected
    assert set(verdict.scores) >= set(LABELS)
    if expected is not Action.ALLOW:
        assert any(r.startswith("classifier: toxicity") for r in verdict.reasons)


@pytest.mark.parametrize("kind", ["broken", "vanished", "causal_lm", "bad_device"])
async def test_classifier_failure_holds(tiny_ckpt: tuple[Path, Path], tiny_gpt2: Path, tmp_path: Path,
                                        kind: str) -> None:
    """A model that exists but cannot load (or is gone by start-up) holds every text: fail closed."""
    model, device = str(tiny_ckpt[0]), "auto"
    if kind in ("broken", "vanished"):
        model = str(tmp_path / "broken.ckpt")
        Path(model).write_bytes(b"not a checkpoint at all")
    elif kind == "causal_lm":  # would load as GPT2ForSequenceClassification with a random head: refused
        model = str(tiny_gpt2)
    else:
        device = "banana"
    settings = ModerationSettings(classifier=ClassifierSettings(enabled=True, model=model, device=device),
                                  hot_reload=False, use_default_list=False)
    engine = ModerationEngine(settings)
    if kind == "vanished":
        Path(model).unlink()
    async with engine:
        [verdict] = await engine.moderate(["a perfectly friendly reply"])
    assert verdict.action is Action.HOLD
    assert any(r.startswith("classifier error:") and r.endswith("→ hold (fail closed)") for r in verdict.reasons)


@pytest.mark.parametrize("model", ["/nonexistent/model.ckpt", "no-such-detoxify-model"])
def test_missing_model_path_is_a_config_error_at_build(model: str) -> None:
    """A path that does not exist can never load: every front end refuses it at start (one line)."""
    settings = ModerationSettings(classifier=ClassifierSettings(enabled=True, model=model), hot_reload=False)
    with pytest.raises(ConfigError) as info:
        ModerationEngine(settings)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"config error: moderation.classifier.model={model}: not found")
    assert "PARLEY_MODERATION__CLASSIFIER__MODEL" in message


async def test_runtime_failure_holds(tiny_ckpt: tuple[Path, Path]) -> None:
    settings = ModerationSettings(classifier=ClassifierSettings(enabled=True, model=str(tiny_ckpt[0])),
                                  hot_reload=False, use_default_list=False, flagged_action="allow")
    async with ModerationEngine(settings) as engine:
        stage = next(s for s in engine.stages if isinstance(s, ClassifierStage))
        assert stage.model is not None

        def boom(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            raise RuntimeError("CUDA error: device-side assert triggered")

        stage.model.forward_logits = boom  # type: ignore[method-assign]
        verdicts = await engine.moderate(["hello", "world"])
    assert [v.action for v in verdicts] == [Action.HOLD, Action.HOLD]
    assert "device-side assert" in verdicts[0].reasons[0]


async def test_bf16_dtype_setting_on_cpu(tiny_ckpt: tuple[Path, Path]) -> None:
    stage = stage_for(str(tiny_ckpt[0]), dtype="bfloat16")
    [result] = await stage.check(["hello"])
    await stage.aclose()
    assert result.error is None and set(result.scores) == set(LABELS)


def test_stage_survives_a_new_event_loop(tiny_ckpt: tuple[Path, Path]) -> None:
    """The CLI and tests may drive one stage from two asyncio.run() calls."""
    stage = stage_for(str(tiny_ckpt[0]))
    first = asyncio.run(stage.check(["one"]))
    second = asyncio.run(stage.check(["two", "three"]))
    asyncio.run(stage.aclose())
    assert first[0].error is None and [r.error for r in second] == [None, None]
