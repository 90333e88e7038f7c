"""runtime = "onnx": same scores as torch, export cached, clear config errors, fail closed (correctness only)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from moderation import onnx_runtime
from moderation.classifier import ClassifierStage, build_model
from moderation.config import ClassifierSettings, ModerationSettings
from moderation.engine import ModerationEngine
from moderation.testing import make_detoxify_checkpoint
from moderation.types import Action
from pipeline.types import ConfigError

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

TEXTS = ["have a nice day", "you are a clown and an idiot", "ok", "the weather is nice today " * 5,
         "numbers 1 2 3 4 5 6 7 8 9 10 11 12", "the weather is nice today " * 600]  # last: ~3,000 tokens


@pytest.fixture(scope="module")
def spread_ckpt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny checkpoint with unit-scale layer weights, so scores differ between texts (its random
    init scores every text ~0.5, which would make any comparison pass)."""
    ckpt, _ = make_detoxify_checkpoint(tmp_path_factory.mktemp("detoxify-onnx"))
    data = torch.load(ckpt, weights_only=True)
    state = data["state_dict"]
    gen = torch.Generator().manual_seed(1)
    for name, value in state.items():
        if value.dim() == 2 and "embeddings" not in name:
            state[name] = torch.randn(value.shape, generator=gen)
    torch.save(data, ckpt)
    return ckpt


def settings_for(ckpt: Path, onnx_dir: Path | None, **kw: Any) -> ClassifierSettings:
    runtime = "onnx" if onnx_dir is not None else "torch"
    return ClassifierSettings(enabled=True, model=str(ckpt), device="cpu", runtime=runtime,
                              onnx_dir=str(onnx_dir) if onnx_dir else None, **kw)


async def test_onnx_scores_match_torch_including_chunked_text(spread_ckpt: Path, tmp_path: Path) -> None:
    thresholds = {"toxicity": 0.5, "insult": 0.5, "threat": 0.5}
    torch_stage = ClassifierStage(settings_for(spread_ckpt, None, batch_size=4), thresholds)
    onnx_stage = ClassifierStage(settings_for(spread_ckpt, tmp_path / "onnx", batch_size=4), thresholds)
    try:
        expected = await torch_stage.check(TEXTS)
        got = await onnx_stage.check(TEXTS)
        assert onnx_stage.model is not None and onnx_stage.model.runtime == "onnx"
        assert onnx_stage.model.labels == torch_stage.model.labels  # type: ignore[union-attr]
    finally:
        await torch_stage.aclose()
        await onnx_stage.aclose()
    assert expected[-1].details["chunks"] >= 6  # the long text really was chunked
    spread = max(r.scores["toxicity"] for r in expected) - min(r.scores["toxicity"] for r in expected)
    assert spread > 0.05  # the comparison below means something
    for want, have in zip(expected, got):
        assert have.error is None, have.error
        assert have.details["chunks"] == want.details["chunks"]
        assert set(have.scores) == set(want.scores)
        for label, score in want.scores.items():
            assert have.scores[label] == pytest.approx(score, abs=1e-4), label
        assert have.flagged == want.flagged


def test_onnx_logits_match_torch_on_padded_batch(spread_ckpt: Path, tmp_path: Path) -> None:
    torch_model = build_model(settings_for(spread_ckpt, None))
    onnx_model = build_model(settings_for(spread_ckpt, tmp_path))
    gen = torch.Generator().manual_seed(0)
    ids = torch.randint(1000, 5000, (3, 40), generator=gen)
    mask = torch.ones_like(ids)
    mask[1, 25:] = 0
    mask[2, 3:] = 0
    with torch.inference_mode():
        want = torch_model.forward_logits(ids, mask)
        have = onnx_model.forward_logits(ids, mask)
    assert have.shape == want.shape and torch.allclose(have, want, atol=1e-4)


def test_export_is_reused_and_redone_when_the_checkpoint_changes(spread_ckpt: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    ckpt = tmp_path / "model.ckpt"
    ckpt.write_bytes(spread_ckpt.read_bytes())
    cache = tmp_path / "cache"
    build_model(settings_for(ckpt, cache))
    [first] = list(cache.glob("*.onnx"))
    before = first.stat().st_mtime_ns

    def no_export(model: Any, path: Path) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_runtime, "export_model", no_export)
    again = build_model(settings_for(ckpt, cache))
    assert again.runner.path == first  # type: ignore[attr-defined]
    assert first.stat().st_mtime_ns == before and list(cache.glob("*.onnx")) == [first]
    monkeypatch.undo()

    os.utime(ckpt, ns=(before, before + 10**9))  # a changed checkpoint (new mtime) gets its own export
    build_model(settings_for(ckpt, cache))
    assert len(list(cache.glob("*.onnx"))) == 2


def test_corrupt_cached_file_is_exported_again(spread_ckpt: Path, tmp_path: Path) -> None:
    model = build_model(settings_for(spread_ckpt, tmp_path))
    path: Path = model.runner.path  # type: ignore[attr-defined]
    path.write_bytes(b"truncated")
    again = build_model(settings_for(spread_ckpt, tmp_path))
    assert again.runner.path == path and path.stat().st_size > 1000  # type: ignore[attr-defined]
    assert again.score(["hello"])[0][1] == 1


@pytest.mark.parametrize("missing", ["onnxruntime", "onnx"])
def test_missing_package_is_a_one_line_config_error(spread_ckpt: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # `import onnxruntime` now raises ImportError
    with pytest.raises(ConfigError) as err:
        ClassifierStage(settings_for(spread_ckpt, tmp_path), {})
    assert str(err.value) == ('config error: moderation.classifier.runtime = "onnx" needs onnxruntime and onnx: '
                              "pip install -e '.[onnx]', or set it to \"torch\"")
    settings = ModerationSettings(classifier=settings_for(spread_ckpt, tmp_path), hot_reload=False,
                                  use_default_list=False)
    with pytest.raises(ConfigError, match="needs onnxruntime"):
        ModerationEngine.from_settings(settings)


@pytest.mark.parametrize("update, words", [
    ({"device": "cuda"}, ["device = \"cuda\"", "runtime = \"torch\""]),
    ({"device": "cuda:1"}, ["device = \"cuda:1\""]),
    ({"dtype": "bfloat16"}, ["dtype = \"bfloat16\"", "float32"]),
])
def test_gpu_device_or_half_dtype_is_a_config_error(spread_ckpt: Path, tmp_path: Path, update: dict[str, str],
                                                    words: list[str]) -> None:
    settings = settings_for(spread_ckpt, tmp_path).model_copy(update=update)
    with pytest.raises(ConfigError) as err:
        ClassifierStage(settings, {})
    message = str(err.value)
    assert "\n" not in message and message.startswith("config error: moderation.classifier.runtime")
    assert all(w in message for w in words), message


def test_unwritable_cache_dir_is_a_config_error(spread_ckpt: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError) as err:
        ClassifierStage(settings_for(spread_ckpt, blocker / "onnx"), {})
    message = str(err.value)
    assert "\n" not in message and "moderation.classifier.onnx_dir" in message and "writable" in message


def test_unknown_runtime_is_rejected() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="runtime"):
        ClassifierSettings(runtime="tensorrt")  # type: ignore[arg-type]


async def test_engine_holds_when_the_onnx_session_fails(spread_ckpt: Path, tmp_path: Path) -> None:
    settings = ModerationSettings(classifier=settings_for(spread_ckpt, tmp_path), hot_reload=False,
                                  use_default_list=False, flagged_action="allow")
    async with ModerationEngine(settings) as engine:
        stage = next(s for s in engine.stages if isinstance(s, ClassifierStage))
        assert stage.model is not None and stage.model.runtime == "onnx"
        assert [v.action for v in await engine.moderate(["hello"])] == [Action.ALLOW]

        class BrokenSession:
            def run(self, *args: Any, **kw: Any) -> Any:
                raise RuntimeError("[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : Non-zero status code")

        stage.model.runner.session = BrokenSession()  # type: ignore[attr-defined]
        verdicts = await engine.moderate(["hello", "world"])
    assert [v.action for v in verdicts] == [Action.HOLD, Action.HOLD]
    assert "ONNXRuntimeError" in verdicts[0].reasons[0]


async def test_engine_holds_when_the_export_fails(spread_ckpt: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_export(*args: Any, **kw: Any) -> None:
        raise RuntimeError("Unsupported: ONNX export of operator foo\nsecond line")

    monkeypatch.setattr(torch.onnx, "export", broken_export)
    settings = ModerationSettings(classifier=settings_for(spread_ckpt, tmp_path), hot_reload=False,
                                  use_default_list=False, flagged_action="allow")
    async with ModerationEngine(settings) as engine:
        stage = next(s for s in engine.stages if isinstance(s, ClassifierStage))
        [verdict] = await engine.moderate(["a perfectly friendly reply"])
    assert stage.load_error is not None and "\n" not in stage.load_error
    assert stage.load_error.startswith('moderation.classifier.runtime = "onnx": exporting the model')
    assert stage.load_error.endswith('set runtime = "torch"')
    assert verdict.action is Action.HOLD
    assert list(tmp_path.iterdir()) == []  # no half-written file left behind


async def test_bench_reports_onnx_next_to_torch() -> None:
    from moderation.bench import run_moderation_bench
    from pipeline.bench import BenchOptions
    from pipeline.settings import Settings

    opts = BenchOptions(mode="moderation", classifier="tiny", prompt_tokens=32, extra={"min_s": 0.05, "texts": 200})
    result = await run_moderation_bench(opts, Settings())
    rates, clf = result["texts_per_s"], result["classifier"]
    assert rates["classifier_batched"] > 0 and rates["classifier_onnx_batched"] > 0
    onnx = clf["onnx"]
    assert onnx["batch_size"] == clf["batch_size"] and onnx["forward_only"]["tokens"] == 32
    assert onnx["device"] == "cpu" and "classifier_onnx" not in result["notes"]


def test_bench_notes_a_missing_onnxruntime(monkeypatch: pytest.MonkeyPatch) -> None:
    from moderation.bench import _onnx_rates

    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    settings = ClassifierSettings(enabled=True, device="cpu")
    onnx, note = _onnx_rates(None, settings, [], [], 1.0, 0.0)
    assert onnx is None and note is not None and "pip install -e '.[onnx]'" in note
