"""ONNX Runtime forward pass for the toxicity classifier on CPU (`moderation.classifier.runtime = "onnx"`).

Why: on CPU, ONNX Runtime's fused transformer kernels score faster than eager torch. Only the
forward pass changes: the already-loaded torch model is exported once into a cache folder (the
file name is a hash of the checkpoint's path, size, mtime and labels, so a changed checkpoint
re-exports) and reused on later starts. Tokenization, chunking, micro-batching, thresholds and
fail-closed behaviour stay the torch path's (moderation.classifier).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import re
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from moderation.classifier import ClassifierError, local_path
from moderation.config import ClassifierSettings
from pipeline.types import ConfigError

log = logging.getLogger(__name__)

OPSET = 17
_FORMAT = 1  # bump when the export recipe changes, so files written by an older recipe are not reused
INSTALL_HINT = ("config error: moderation.classifier.runtime = \"onnx\" needs onnxruntime and onnx: "
                "pip install -e '.[onnx]', or set it to \"torch\"")


class OnnxExportError(ClassifierError):
    """The model could not be exported or its ONNX file not loaded; str() is one line."""


def default_onnx_dir() -> Path:
    """Where exports live unless moderation.classifier.onnx_dir says otherwise (XDG cache dir)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "parley" / "onnx"


def model_sources(settings: ClassifierSettings, base_dir: Path | None = None) -> list[str | Path]:
    """What identifies the weights for the ONNX cache key: the model path (or name) and config_dir."""
    path = local_path(settings.model.strip(), base_dir)
    sources: list[str | Path] = [path if path.exists() else settings.model.strip()]
    if settings.config_dir:
        sources.append(local_path(settings.config_dir, base_dir))
    return sources


def onnx_dir(settings: ClassifierSettings, base_dir: Path | None = None) -> Path:
    """moderation.classifier.onnx_dir (relative to base_dir), default ~/.cache/parley/onnx."""
    return local_path(settings.onnx_dir, base_dir) if settings.onnx_dir else default_onnx_dir()


def check_runtime(device: str, dtype: str, onnx_dir: Path) -> None:
    """Config checks done when the stage is built, so a wrong setting stops startup (ConfigError)."""
    for name in ("onnxruntime", "onnx"):
        try:
            importlib.import_module(name)
        except ImportError:
            raise ConfigError(INSTALL_HINT) from None
    if device.strip().lower() not in ("auto", "cpu"):
        raise ConfigError(f"config error: moderation.classifier.runtime = \"onnx\" runs on the CPU, but device = "
                          f"\"{device}\": set device = \"cpu\" (or \"auto\"), or runtime = \"torch\" for the GPU")
    if dtype not in ("auto", "float32"):
        raise ConfigError(f"config error: moderation.classifier.runtime = \"onnx\" runs float32, but dtype = "
                          f"\"{dtype}\": set dtype = \"auto\" or \"float32\", or runtime = \"torch\"")
    try:
        ensure_writable(onnx_dir)
    except OnnxExportError as exc:
        raise ConfigError(f"config error: {exc}") from None


def ensure_writable(folder: Path) -> None:
    """Create the cache folder and prove a file can be written there (root ignores mode bits)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=folder)  # unique across hosts and containers
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OnnxExportError(f"moderation.classifier.onnx_dir = \"{folder}\" is not a writable folder ({reason}): "
                              "set it to one, or runtime = \"torch\"") from None


def _fingerprint(source: str | Path) -> list[Any]:
    """Path (or model name), size and mtime; for a folder, those of the files directly in it."""
    path = Path(source)
    if path.is_file():
        return [str(path.resolve()), *_stat(path)]
    if path.is_dir():  # the model's own files: not our exports (onnx_dir may be this folder) or dotfiles
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix != ".onnx" and not p.name.startswith("."))
        return [str(path.resolve())] + [[p.name, *_stat(p)] for p in files]
    return [str(source)]


def _stat(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]  # a file swapped in changes ino/ctime


def export_path(onnx_dir: Path, sources: Sequence[str | Path], labels: Sequence[str]) -> Path:
    """`<onnx_dir>/<name>-<hash>.onnx`; the hash changes when the checkpoint or its labels change."""
    key = json.dumps([_FORMAT, OPSET, [_fingerprint(s) for s in sources], list(labels)], sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(str(sources[0])).stem)[:48] if sources else ""
    return onnx_dir / f"{stem or 'classifier'}-{digest}.onnx"


def export_model(model: torch.nn.Module, path: Path) -> None:
    """Trace the torch model (batch and sequence length dynamic) into `path`, atomically.

    The sample batch has a padded row so the attention mask stays in the traced graph.
    """
    vocab = int(getattr(getattr(model, "config", None), "vocab_size", 0) or 0)
    token = min(5, max(vocab - 1, 0))
    ids = torch.full((2, 8), token, dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, 5:] = 0
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)  # unique even for two processes with one pid (containers sharing the folder)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer and deprecation chatter, not the operator's concern
            torch.onnx.export(model, (ids, mask), str(tmp), input_names=["input_ids", "attention_mask"],
                              output_names=["logits"], opset_version=OPSET, dynamo=False,
                              dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                                            "attention_mask": {0: "batch", 1: "tokens"},
                                            "logits": {0: "batch"}})
        os.replace(tmp, path)  # atomic: another process's export of the same key is the same model
    except Exception as exc:  # noqa: BLE001 - one line for the log and the verdicts
        tmp.unlink(missing_ok=True)
        text = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise OnnxExportError(f"moderation.classifier.runtime = \"onnx\": exporting the model to {path} failed "
                              f"({type(exc).__name__}: {text}); set runtime = \"torch\"") from None


class OnnxForward:
    """`(input_ids, attention_mask) -> logits` through an InferenceSession: the torch forward's interface."""

    def __init__(self, path: Path, *, threads: int = 0) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or torch.get_num_threads()
        options.inter_op_num_threads = 1  # one forward at a time: the stage has a single worker thread
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.path = path
        self.threads = options.intra_op_num_threads
        self.session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.output = self.session.get_outputs()[0].name

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        feed = {"input_ids": input_ids.cpu().numpy(), "attention_mask": attention_mask.cpu().numpy()}
        out = self.session.run([self.output], {k: v for k, v in feed.items() if k in self.inputs})[0]
        return torch.from_numpy(out)


def onnx_forward(model: torch.nn.Module, *, sources: Sequence[str | Path], labels: Sequence[str],
                 onnx_dir: Path, threads: int = 0) -> OnnxForward:
    """The session for this model: the cached export when there is one, else a fresh export."""
    ensure_writable(onnx_dir)
    path = export_path(onnx_dir, sources, labels)
    if path.is_file():
        try:
            forward = OnnxForward(path, threads=threads)
            log.info("classifier: reusing ONNX export %s", path)
            return forward
        except Exception as exc:  # noqa: BLE001 - a truncated or stale file: export again
            log.warning("classifier: cannot load ONNX export %s (%s); exporting again", path, type(exc).__name__)
    log.info("classifier: exporting the model to ONNX at %s", path)
    export_model(model, path)
    try:
        return OnnxForward(path, threads=threads)
    except Exception as exc:  # noqa: BLE001
        text = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise OnnxExportError(f"moderation.classifier.runtime = \"onnx\": ONNX Runtime cannot load {path} "
                              f"({type(exc).__name__}: {text}); set runtime = \"torch\"") from None
