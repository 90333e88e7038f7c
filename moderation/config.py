"""Operator-facing moderation settings (the `[moderation]` section of parley.toml)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from moderation.types import Action, Severity


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class TermSpec(_Model):
    """An inline keyword: matched on normalized text with word boundaries."""

    term: str = Field(min_length=1)
    category: str = "profanity"
    severity: Severity = Severity.MEDIUM


class RegexSpec(_Model):
    """An operator regex, applied to the normalized (lowercase, de-obfuscated) text."""

    pattern: str = Field(min_length=1)
    name: str = ""
    category: str = "custom"
    severity: Severity = Severity.MEDIUM


class ClassifierSettings(_Model):
    enabled: bool = False
    # Detoxify name (original | unbiased | multilingual), a Detoxify checkpoint file,
    # or a local HF sequence-classification directory.
    model: str = "original"
    # Local HF config/tokenizer directory for a Detoxify checkpoint (offline loading).
    config_dir: str | None = None
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    dtype: str = "auto"  # auto (fp16 on GPU, fp32 on CPU) | float32 | float16 | bfloat16
    batch_size: int = Field(default=64, ge=1)
    max_wait_ms: float = Field(default=5.0, ge=0)
    max_tokens: int = Field(default=512, ge=16)
    chunk_stride: int = Field(default=128, ge=0)
    # "onnx": forward passes through ONNX Runtime on the CPU (pip install -e '.[onnx]'); the model is
    # exported once into onnx_dir (default ~/.cache/parley/onnx) and re-exported when the checkpoint changes.
    runtime: Literal["torch", "onnx"] = "torch"
    onnx_dir: str | None = None
    onnx_threads: int = Field(default=0, ge=0)  # ONNX Runtime intra-op threads; 0 = torch's thread count


class InputModerationSettings(_Model):
    enabled: bool = False
    flagged_action: Action = Action.BLOCK
    actions: dict[str, Action] = Field(default_factory=dict)


class ModerationTexts(_Model):
    held: str = "Your reply is being reviewed by a moderator and will arrive here once approved."
    blocked: str = "Sorry, I can't help with that."
    rejected: str = "Sorry, a moderator decided not to send that reply."
    input_blocked: str = "Sorry, I can't respond to that message."
    error: str = "Sorry, something went wrong while writing a reply. Please try again."


class ModerationSettings(_Model):
    enabled: bool = True
    use_default_list: bool = True
    lists: list[Path] = Field(default_factory=list)
    terms: list[TermSpec] = Field(default_factory=list)
    exceptions: list[str] = Field(default_factory=list)
    regexes: list[RegexSpec] = Field(default_factory=list)
    classifier: ClassifierSettings = Field(default_factory=ClassifierSettings)
    # classifier category -> score threshold at or above which the text is flagged
    thresholds: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=lambda: {
            "toxicity": 0.8, "severe_toxicity": 0.5, "obscene": 0.8,
            "threat": 0.5, "insult": 0.8, "identity_attack": 0.5, "sexual_explicit": 0.8,
        }
    )
    flagged_action: Action = Action.HOLD
    # category or severity -> action, e.g. {profanity = "redact", high = "block"}.
    # Default: mild words (severity low) are masked rather than held; replace the table to change it.
    actions: dict[str, Action] = Field(default_factory=lambda: {"low": Action.REDACT})
    input: InputModerationSettings = Field(default_factory=InputModerationSettings)
    texts: ModerationTexts = Field(default_factory=ModerationTexts)
    hot_reload: bool = True
    reload_interval_s: float = Field(default=2.0, gt=0)
