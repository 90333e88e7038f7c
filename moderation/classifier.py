"""Toxicity classifier stage: Detoxify checkpoints or local HF classifiers, micro-batched.

The model loads in `start()` (never in the constructor), once, on the stage's single
worker thread; every forward pass runs there too, off the event loop. Texts longer
than the model window are scored in overlapping chunks and the maximum over chunks
is kept, so a toxic tail after 3,000 harmless tokens still counts.
If the model cannot load or run, every result carries `error`: the policy then holds
the text (fail closed); only a model path that does not exist is a ConfigError at build.
With `runtime = "onnx"` only the forward pass moves to ONNX Runtime on the CPU
(moderation.onnx_runtime); everything around it is shared.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from moderation.batcher import MicroBatcher
from moderation.config import ClassifierSettings
from moderation.types import StageResult
from pipeline.types import ConfigError

log = logging.getLogger(__name__)

DETOXIFY_NAMES = ("original", "unbiased", "multilingual", "original-small", "unbiased-small")
# Detoxify's own renaming, so every model reports the same category names.
_RENAME = {"toxic": "toxicity", "identity_hate": "identity_attack", "severe_toxic": "severe_toxicity"}


class ClassifierError(RuntimeError):
    """The classifier cannot load or run; str() is one line for the verdict's reasons, starting with
    the setting at fault (`moderation.classifier.<name>`) where one is."""


def config_error(settings: ClassifierSettings, message: str) -> str:
    """A load failure as one config-error line naming the setting and the fix (for the commands that
    stop on it: check, eval, config check; the bot holds instead)."""
    match = re.match(r"moderation\.classifier\.(\w+)", message)
    if match is None:
        message = f"moderation.classifier.model={settings.model}: cannot load it ({message})"
    setting = match.group(1) if match else "model"
    return (f"config error: {message}; fix PARLEY_MODERATION__CLASSIFIER__{setting.upper()} "
            "or set moderation.classifier.enabled = false")


def resolve_device(device: str) -> torch.device:
    """`auto` means the first GPU when there is one, else the CPU; a CUDA device must exist."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):  # torch lists its 20 device types: name ours instead
        raise ClassifierError(f"moderation.classifier.device={device!r} is not a device; "
                              "use auto, cpu, cuda or cuda:N") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ClassifierError(f"moderation.classifier.device={device} but no CUDA device is available")
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise ClassifierError(f"moderation.classifier.device={device} but this machine has "
                              f"{torch.cuda.device_count()} CUDA device(s)")
    return dev


def resolve_dtype(dtype: str, device: torch.device) -> torch.dtype:
    """`auto`: fp16 on GPU (BERT-sized models score fine in half precision), fp32 on CPU."""
    if dtype == "auto":
        return torch.float16 if device.type == "cuda" else torch.float32
    try:
        return {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[dtype]
    except KeyError:
        raise ClassifierError(f"moderation.classifier.dtype={dtype!r}: use auto, float32, float16 or bfloat16") from None


def local_path(value: str, base_dir: Path | None) -> Path:
    path = Path(value).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return path


def _normalize_labels(labels: Sequence[str]) -> list[str]:
    out = []
    for label in labels:
        name = str(label).strip().lower().replace(" ", "_").replace("-", "_")
        out.append(_RENAME.get(name, name))
    return out


def load_checkpoint_file(path: Path) -> dict[str, Any]:
    """A Detoxify .ckpt: a dict with `config` and `state_dict` (plain tensors first, then pickle)."""
    try:
        try:
            loaded = torch.load(path, map_location="cpu", weights_only=True)
        except Exception:  # noqa: BLE001 - older checkpoints pickle more than tensors, as Detoxify allows
            loaded = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as exc:  # noqa: BLE001 - a CSV, a truncated file: say what it is not
        first = (str(exc).strip().splitlines() or [""])[0][:120]
        raise ClassifierError(f"moderation.classifier.model={path}: not a Detoxify checkpoint "
                              f"({type(exc).__name__}: {first})") from None
    if not isinstance(loaded, dict) or "config" not in loaded or "state_dict" not in loaded:
        raise ClassifierError(f"moderation.classifier.model={path}: not a Detoxify checkpoint "
                              "(needs 'config' and 'state_dict')")
    return loaded


def _detoxify_from_checkpoint(loaded: dict[str, Any], config_dir: Path | None) -> Any:
    """A real `detoxify.Detoxify` object built from a loaded checkpoint, offline if possible.

    Detoxify asks the hub for the config of `config.arch.args.model_type`; pointing
    model_type at a local directory with the HF config and tokenizer avoids that.
    """
    from detoxify import Detoxify
    from detoxify.detoxify import get_model_and_tokenizer

    try:
        args = dict(loaded["config"]["arch"]["args"])
        classes = list(loaded["config"]["dataset"]["args"]["classes"])
    except (KeyError, TypeError) as exc:
        raise ClassifierError(f"moderation.classifier.model: the Detoxify checkpoint config lacks {exc}") from None
    if config_dir is not None:
        if not config_dir.is_dir():
            raise ClassifierError(f"moderation.classifier.config_dir={config_dir} is not a directory")
        args["model_type"] = str(config_dir)
    model, tokenizer = get_model_and_tokenizer(**args, state_dict=loaded["state_dict"])
    detox = Detoxify.__new__(Detoxify)  # its __init__ would load again, from the hub
    detox.model, detox.tokenizer = model, tokenizer
    detox.class_names = _normalize_labels(classes)
    detox.device = "cpu"
    return detox


@dataclass
class LoadedModel:
    """What scoring needs, whatever the source."""

    model: Any
    tokenizer: Any
    labels: list[str]
    multi_label: bool
    source: str
    detoxify: Any = None  # the Detoxify object when the model came from Detoxify


def missing_model(settings: ClassifierSettings, base_dir: Path | None = None) -> str | None:
    """A config-error line when model (or config_dir) names a local path that does not exist: it can
    never load, so every front end refuses it at start rather than holding every reply."""
    spec = settings.model.strip()
    if spec not in DETOXIFY_NAMES and not local_path(spec, base_dir).exists():
        return config_error(settings, f"moderation.classifier.model={spec}: not found; use one of "
                            f"{', '.join(DETOXIFY_NAMES[:3])}, a Detoxify .ckpt file or a local HF "
                            "sequence-classification folder")
    if settings.config_dir and not local_path(settings.config_dir, base_dir).is_dir():
        return config_error(settings, f"moderation.classifier.config_dir={settings.config_dir} is not a directory")
    return None


@contextlib.contextmanager
def progress_bars(enabled: bool) -> Iterator[None]:
    """transformers' loading bars on or off for a block (off where only a verdict should print)."""
    from transformers.utils import logging as hf_logging

    before = hf_logging.is_progress_bar_enabled()
    (hf_logging.enable_progress_bar if enabled else hf_logging.disable_progress_bar)()
    try:
        yield
    finally:
        (hf_logging.enable_progress_bar if before else hf_logging.disable_progress_bar)()


def load_model(settings: ClassifierSettings, base_dir: Path | None = None) -> LoadedModel:
    """Load per settings.model: Detoxify name, .ckpt file, or local HF classifier directory."""
    spec = settings.model.strip()
    config_dir = local_path(settings.config_dir, base_dir) if settings.config_dir else None
    path = local_path(spec, base_dir)
    if path.is_dir():
        if (path / "config.json").is_file():
            return _load_hf_dir(path)
        raise ClassifierError(f"moderation.classifier.model={spec}: directory has no config.json")
    if path.is_file():
        detox = _detoxify_from_checkpoint(load_checkpoint_file(path), config_dir)
    elif spec in DETOXIFY_NAMES:
        from detoxify import Detoxify
        from detoxify.detoxify import MODEL_URLS

        if config_dir is None:
            detox = Detoxify(model_type=spec, device="cpu")  # Detoxify's normal download
        else:
            loaded = torch.hub.load_state_dict_from_url(MODEL_URLS[spec], map_location="cpu", weights_only=False)
            detox = _detoxify_from_checkpoint(loaded, config_dir)
    else:
        raise ClassifierError(
            f"moderation.classifier.model={spec}: not found; use one of {', '.join(DETOXIFY_NAMES[:3])}, "
            "a Detoxify .ckpt file or a local HF sequence-classification directory")
    return LoadedModel(detox.model, detox.tokenizer, list(detox.class_names), True, spec, detox)


def _load_hf_dir(path: Path) -> LoadedModel:
    """A fine-tuned classifier folder; one without trained head weights (a causal or masked LM) is
    refused: transformers would initialise the head randomly and every score would be noise."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # its multi-line LOAD REPORT: the check below says what matters
    try:
        model, info = AutoModelForSequenceClassification.from_pretrained(path, local_files_only=True,
                                                                         output_loading_info=True)
    finally:
        hf_logging.set_verbosity(verbosity)
    missing = sorted(info.get("missing_keys") or (), key=lambda k: (k.count("."), k))  # the head first
    if missing:
        arch = ", ".join(getattr(model.config, "architectures", None) or []) or model.config.model_type
        raise ClassifierError(f"moderation.classifier.model={path}: not a trained sequence classifier ({arch}; "
                              f"no weights for {', '.join(missing[:3])}), so its scores would be random; "
                              "use a fine-tuned classification model")
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    cfg = model.config
    id2label = getattr(cfg, "id2label", None) or {i: f"label_{i}" for i in range(cfg.num_labels)}
    labels = _normalize_labels([id2label[i] for i in sorted(id2label, key=int)])
    multi = getattr(cfg, "problem_type", None) == "multi_label_classification" or len(labels) == 1
    return LoadedModel(model, tokenizer, labels, multi, str(path))


class ClassifierModel:
    """A loaded classifier on its device; `score` is blocking (call it from the worker)."""

    def __init__(self, loaded: LoadedModel, *, device: torch.device, dtype: torch.dtype,
                 max_tokens: int = 512, stride: int = 128, batch_size: int = 64) -> None:
        self.loaded = loaded
        self.labels = loaded.labels
        self.device = device
        self.model = loaded.model.to(device=device, dtype=dtype).eval()
        self.tokenizer = loaded.tokenizer
        limits = [max_tokens, getattr(self.tokenizer, "model_max_length", max_tokens) or max_tokens]
        positions = getattr(self.model.config, "max_position_embeddings", None)
        if isinstance(positions, int) and positions > 0:
            limits.append(positions - (2 if getattr(self.model.config, "model_type", "") in ("roberta", "xlm-roberta") else 0))
        self.max_tokens = int(min(limits))
        specials = self.tokenizer.num_special_tokens_to_add(pair=False)
        self.stride = max(0, min(stride, (self.max_tokens - specials) // 2))
        self.batch_size = batch_size
        self.pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        self.runtime = "torch"
        self.runner: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = self._torch_forward

    def chunk(self, texts: Sequence[str]) -> tuple[list[list[int]], list[int]]:
        """Token-id windows (with special tokens) and, per window, the index of its text."""
        enc = self.tokenizer(list(texts), truncation=True, max_length=self.max_tokens, stride=self.stride,
                             return_overflowing_tokens=True, padding=False)
        mapping = enc.get("overflow_to_sample_mapping")
        if mapping is None:  # tokenizer without overflow support: first window only
            log.warning("classifier tokenizer cannot chunk long texts; scoring the first %d tokens", self.max_tokens)
            mapping = list(range(len(texts)))
        return [list(ids) for ids in enc["input_ids"]], [int(m) for m in mapping]

    def _torch_forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits

    def forward_logits(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """One forward pass (torch or ONNX runner); tests replace this hook to make chosen windows toxic."""
        return self.runner(input_ids, attention_mask)

    def use_onnx(self, settings: ClassifierSettings, base_dir: Path | None = None) -> None:
        """Run forward passes through ONNX Runtime (CPU, float32): export once, or reuse the cached file."""
        from moderation.onnx_runtime import model_sources, onnx_dir, onnx_forward

        if self.device.type != "cpu" or next(self.model.parameters()).dtype != torch.float32:
            raise ClassifierError("moderation.classifier.runtime = \"onnx\" needs the model on the CPU in float32")
        self.runner = onnx_forward(self.model, sources=model_sources(settings, base_dir), labels=self.labels,
                                   onnx_dir=onnx_dir(settings, base_dir), threads=settings.onnx_threads)
        self.runtime = "onnx"

    def _probabilities(self, windows: list[list[int]]) -> torch.Tensor:
        width = max(len(w) for w in windows)
        ids = torch.full((len(windows), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(windows), width), dtype=torch.long)
        for row, window in enumerate(windows):
            ids[row, :len(window)] = torch.tensor(window, dtype=torch.long)
            mask[row, :len(window)] = 1
        logits = self.forward_logits(ids.to(self.device), mask.to(self.device)).float()
        probs = torch.sigmoid(logits) if self.loaded.multi_label else torch.softmax(logits, dim=-1)
        return probs.cpu()

    @torch.inference_mode()
    def score(self, texts: Sequence[str]) -> list[tuple[dict[str, float], int]]:
        """Per text: {category: probability} (max over windows) and the number of windows."""
        if not texts:
            return []
        windows, owner = self.chunk(texts)
        best = torch.zeros((len(texts), len(self.labels)))
        counts = [0] * len(texts)
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))  # little padding per batch
        for start in range(0, len(order), self.batch_size):
            part = order[start:start + self.batch_size]
            probs = self._probabilities([windows[i] for i in part])
            for row, i in enumerate(part):
                best[owner[i]] = torch.maximum(best[owner[i]], probs[row])
                counts[owner[i]] += 1
        return [({label: float(best[t, j]) for j, label in enumerate(self.labels)}, counts[t])
                for t in range(len(texts))]


def build_model(settings: ClassifierSettings, base_dir: Path | None = None) -> ClassifierModel:
    """Load and place the model per settings; blocking (the stage calls it on its worker thread)."""
    onnx = settings.runtime == "onnx"
    device = torch.device("cpu") if onnx else resolve_device(settings.device)
    dtype = torch.float32 if onnx else resolve_dtype(settings.dtype, device)
    model = ClassifierModel(load_model(settings, base_dir), device=device, dtype=dtype,
                            max_tokens=settings.max_tokens, stride=settings.chunk_stride,
                            batch_size=settings.batch_size)
    if onnx:
        model.use_onnx(settings, base_dir)
        model.model.to("meta")  # the session holds its own weights: free torch's copy (440 MB for BERT-base)
    return model


@dataclass
class ClassifierStage:
    """Stage "classifier": scores per category, flagged where a score reaches its threshold."""

    settings: ClassifierSettings
    thresholds: Mapping[str, float] = field(default_factory=dict)
    base_dir: Path | None = None
    strict: bool = False  # one-shot commands: the engine raises a load failure (ConfigError) instead of holding
    name: str = "classifier"
    model: ClassifierModel | None = field(default=None, init=False)
    load_error: str | None = field(default=None, init=False)
    _batcher: MicroBatcher[str, tuple[dict[str, float], int]] | None = field(default=None, init=False)
    _lock: asyncio.Lock | None = field(default=None, init=False)
    _started: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        """Wrong runtime settings and a model path that does not exist stop startup here (ConfigError)
        rather than holding every reply."""
        missing = missing_model(self.settings, self.base_dir)
        if missing is not None:
            raise ConfigError(missing)
        if self.settings.runtime == "onnx":
            from moderation.onnx_runtime import check_runtime, onnx_dir

            check_runtime(self.settings.device, self.settings.dtype, onnx_dir(self.settings, self.base_dir))

    async def start(self) -> None:
        """Load the model once. Never raises: a failure is kept and reported per text."""
        if self._started:
            return
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._started:
                return
            self._batcher = MicroBatcher(self._score, max_batch=self.settings.batch_size,
                                         max_wait_s=self.settings.max_wait_ms / 1000.0, name="classifier")
            try:
                self.model = await self._batcher.run_blocking(self._load)
                log.info("classifier %s loaded on %s, %s runtime (%s)", self.settings.model, self.model.device,
                         self.model.runtime, ", ".join(self.model.labels))
            except Exception as exc:  # noqa: BLE001 - fail closed: reported in every verdict
                self.load_error = one_line(exc)
                if not self.strict:
                    log.error("moderation classifier failed to load, replies will be held: %s", self.load_error)
            self._started = True

    def load_problem(self) -> str | None:
        """The load failure as a one-line config error, for the commands that stop on it."""
        return None if self.load_error is None else config_error(self.settings, self.load_error)

    def _load(self) -> ClassifierModel:
        with progress_bars(not self.strict or sys.stderr.isatty()):  # one-shot: bars only at a terminal
            return build_model(self.settings, self.base_dir)

    def _score(self, texts: list[str]) -> list[tuple[dict[str, float], int]]:
        if self.model is None:
            raise ClassifierError(self.load_error or "classifier not loaded")
        return self.model.score(texts)

    async def check(self, texts: Sequence[str]) -> list[StageResult]:
        if not texts:
            return []
        try:
            await self.start()
            if self.load_error is not None or self._batcher is None:
                raise ClassifierError(self.load_error or "classifier not started")
            todo = [i for i, text in enumerate(texts) if text.strip()]
            scored = await self._batcher.submit([texts[i] for i in todo])
        except Exception as exc:  # noqa: BLE001 - fail closed
            message = one_line(exc)
            return [StageResult(self.name, error=message) for _ in texts]
        labels = self.model.labels if self.model is not None else []
        results = [StageResult(self.name, scores={label: 0.0 for label in labels}, details={"chunks": 0})
                   for _ in texts]
        thresholds = dict(self.thresholds)
        for i, (scores, chunks) in zip(todo, scored):
            hits = [{"category": cat, "score": score, "threshold": thresholds[cat]}
                    for cat, score in scores.items() if cat in thresholds and score >= thresholds[cat]]
            results[i] = StageResult(self.name, flagged=bool(hits), scores=scores,
                                     details={"chunks": chunks, "hits": hits})
        return results

    async def aclose(self) -> None:
        if self._batcher is not None:
            await self._batcher.aclose()
        self.model = None


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if not isinstance(exc, ClassifierError):
        text = f"{type(exc).__name__}: {text}"
    return text if len(text) <= 300 else text[:297] + "..."
