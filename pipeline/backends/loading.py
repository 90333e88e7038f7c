"""Load a causal LM and its tokenizer; every operator mistake becomes a one-line ConfigError."""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from pipeline.types import ConfigError

log = logging.getLogger("parley.backend")

SUGGEST = "use --model PATH, --backend openai or --backend echo"
ENCODER_ONLY = {
    "albert", "bert", "camembert", "data2vec-text", "deberta", "deberta-v2", "distilbert", "electra", "ernie",
    "megatron-bert", "modernbert", "mpnet", "rembert", "roberta", "roformer", "xlm", "xlm-roberta",
}


@dataclass(slots=True)
class LoadedModel:
    model: Any
    tokenizer: Any
    device: torch.device
    dtype: torch.dtype


def resolve_device(device: str) -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except RuntimeError:
        raise ConfigError(f"generation.device: '{device}' is not a device; use auto, cpu, cuda or cuda:N") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"generation.device: '{device}' requested but CUDA is not available; use --device cpu")
    return dev


def resolve_dtype(dtype: str, device: torch.device) -> torch.dtype:
    """bf16 on GPUs that support it, else fp16; fp32 on CPU unless asked otherwise."""
    if dtype == "auto":
        if device.type == "cuda":
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    return {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[dtype]


def _looks_local(name: str) -> bool:
    """Hub ids are 'name' or 'org/name'; anything else path-like is meant as a local folder."""
    return name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name


def _hub_error(name: str, err: BaseException) -> ConfigError:
    text = f"{type(err).__name__}: {err}".lower()
    offline = os.environ.get("HF_HUB_OFFLINE") == "1" or os.environ.get("TRANSFORMERS_OFFLINE") == "1"
    if offline or any(s in text for s in ("connect", "offline", "localentrynotfound", "timed out", "resolve")):
        why = "not found locally and the model hub is unreachable"
    elif any(s in text for s in ("repositorynotfound", "not a valid model identifier", "404")):
        why = "no such model on the hub"
    elif "gated" in text or "401" in text or "403" in text:
        why = "the hub refused access (gated or private model; log in with `hf auth login`)"
    else:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        why = first[:200]
    return ConfigError(f"generation.model: cannot load '{name}' ({why}); {SUGGEST}")


def hub_reachable(timeout_s: float = 3.0) -> bool:
    """A quick TCP probe, so an offline machine fails in seconds instead of after the hub client's retries."""
    import socket
    from urllib.parse import urlparse

    url = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    try:
        socket.create_connection((url.hostname or "huggingface.co", url.port or 443), timeout=timeout_s).close()
        return True
    except OSError:
        return False


def _quantization_config(quantization: str, dtype: torch.dtype, device: torch.device) -> Any:
    if quantization == "none":
        return None
    if importlib.util.find_spec("bitsandbytes") is None:
        raise ConfigError(
            f"generation.quantization: '{quantization}' needs bitsandbytes, which is not installed; "
            "pip install 'parley[quant]' or set quantization = \"none\""
        )
    if device.type != "cuda":
        raise ConfigError(f"generation.quantization: '{quantization}' needs a CUDA GPU; set quantization = \"none\" on CPU")
    from transformers import BitsAndBytesConfig

    if quantization == "8bit":
        return BitsAndBytesConfig(load_in_8bit=True)  # type: ignore[no-untyped-call]
    return BitsAndBytesConfig(  # type: ignore[no-untyped-call]
        load_in_4bit=True, bnb_4bit_compute_dtype=dtype, bnb_4bit_quant_type="nf4"
    )


def load_causal_lm(
    name: str, *, revision: str | None = None, device: str = "auto", dtype: str = "auto", quantization: str = "none"
) -> LoadedModel:
    """Blocking; call from a worker thread. Shows transformers' own progress bars while loading."""
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    dev = resolve_device(device)
    torch_dtype = resolve_dtype(dtype, dev)
    quant = _quantization_config(quantization, torch_dtype, dev)
    path = Path(name).expanduser()
    local = path.exists()
    if not local and _looks_local(name):
        raise ConfigError(f"generation.model: local model folder '{name}' not found; {SUGGEST}")
    if local and not (path / "config.json").is_file():
        raise ConfigError(f"generation.model: '{name}' is not a model folder (no config.json); {SUGGEST}")
    source = str(path) if local else name
    offline = os.environ.get("HF_HUB_OFFLINE") == "1" or os.environ.get("TRANSFORMERS_OFFLINE") == "1"
    local_only = local or offline or not hub_reachable()  # use the hub cache only when the hub is away
    # progress for someone waiting at a terminal; elsewhere a failed load is its one error line and a
    # good one is announced when ready (TransformersBackend logs "model ... ready")
    log.log(logging.INFO if _stderr_is_tty() else logging.DEBUG, "loading model %s on %s (%s%s)", name, dev,
            str(torch_dtype).replace("torch.", ""), f", {quantization}" if quant is not None else "")
    try:
        config = AutoConfig.from_pretrained(source, revision=revision, local_files_only=local_only)
    except ValueError as err:
        raise ConfigError(f"generation.model: '{name}' has an unrecognised config ({str(err).splitlines()[0][:120]}); {SUGGEST}") from None
    except Exception as err:
        raise _hub_error(name, err) from None
    model_type = getattr(config, "model_type", "?")
    if getattr(config, "is_encoder_decoder", False) or (model_type in ENCODER_ONLY and not getattr(config, "is_decoder", False)):
        raise ConfigError(f"generation.model: '{name}' is a {model_type} model, not a causal language model; {SUGGEST}")
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, revision=revision, local_files_only=local_only)
    except Exception as err:
        if local:
            raise ConfigError(f"generation.model: '{name}' has no usable tokenizer ({type(err).__name__}); "
                              "add the tokenizer files to the folder") from None
        raise _hub_error(name, err) from None
    kwargs: dict[str, Any] = {"revision": revision, "dtype": torch_dtype, "local_files_only": local_only}
    if quant is not None:
        kwargs.update(quantization_config=quant, device_map={"": str(dev)})
    try:
        model = AutoModelForCausalLM.from_pretrained(source, **kwargs)
    except ValueError:
        raise ConfigError(f"generation.model: '{name}' ({model_type}) is not a causal language model; {SUGGEST}") from None
    except Exception as err:
        if local:
            first = str(err).strip().splitlines()[0][:160] if str(err).strip() else type(err).__name__
            raise ConfigError(f"generation.model: cannot load '{name}' ({first}); {SUGGEST}") from None
        raise _hub_error(name, err) from None
    if quant is None:
        model = model.to(dev)  # type: ignore[arg-type]
    model.eval()  # type: ignore[no-untyped-call]
    _check_tokenizer(name, model, tokenizer)
    if tokenizer.pad_token_id is None and tokenizer.eos_token_id is not None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "left"
    return LoadedModel(model, tokenizer, dev, torch_dtype)


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


def _check_tokenizer(name: str, model: Any, tokenizer: Any) -> None:
    rows = model.get_input_embeddings().num_embeddings
    if len(tokenizer) > rows:
        raise ConfigError(
            f"generation.model: the tokenizer of '{name}' has {len(tokenizer)} tokens but the model's embeddings "
            f"have {rows}; the tokenizer does not belong to this model"
        )


def eos_ids(model: Any, tokenizer: Any | None) -> list[int]:
    """Every id that ends a reply: generation config (often a list with the end-of-turn token) and tokenizer."""
    ids: set[int] = set()
    gen = getattr(model, "generation_config", None)
    for value in (getattr(gen, "eos_token_id", None), getattr(model.config, "eos_token_id", None),
                  getattr(tokenizer, "eos_token_id", None)):
        if isinstance(value, int):
            ids.add(value)
        elif isinstance(value, (list, tuple)):
            ids.update(int(v) for v in value)
    return sorted(ids)


def max_positions(config: Any) -> int | None:
    for key in ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length"):
        value = getattr(config, key, None)
        if isinstance(value, int) and value > 0:
            return value
    return None
