"""Test and benchmark helpers: Detoxify-format checkpoints built locally, no hub needed."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moderation.types import StageResult

DETOXIFY_CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
_TOKENIZER_FILES = ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")


def shared_dir() -> Path:
    """The ../shared fixtures directory next to the repository."""
    return Path(__file__).resolve().parents[1].parent / "shared"


def tiny_bert_dir() -> Path:
    return shared_dir() / "models" / "tiny-bert"


def make_detoxify_checkpoint(out_dir: Path, base_dir: Path | None = None, *,
                             shape: str = "tiny", seed: int = 0) -> tuple[Path, Path]:
    """Write `<out_dir>/detoxify-<shape>.ckpt` and its HF config/tokenizer dir; return both.

    shape "tiny": tiny-bert's config (hidden size 4) with 6 labels; "bert-base": a random-init
    BERT-base (hidden 768, 12 layers) for benchmarks. The checkpoint's model_type names the
    config dir, so even Detoxify's own loader reads it offline.
    """
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    base = Path(base_dir) if base_dir is not None else tiny_bert_dir()
    out_dir = Path(out_dir)
    config_dir = out_dir / f"detoxify-{shape}-config"
    config_dir.mkdir(parents=True, exist_ok=True)
    for name in _TOKENIZER_FILES:
        if (base / name).is_file():
            shutil.copy(base / name, config_dir / name)
    labels = len(DETOXIFY_CLASSES)
    if shape == "tiny":
        config = BertConfig.from_pretrained(base, num_labels=labels)
    elif shape == "bert-base":
        config = BertConfig(vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                            intermediate_size=3072, max_position_embeddings=512, num_labels=labels)
    else:
        raise ValueError(f"shape must be 'tiny' or 'bert-base', not {shape!r}")
    config.problem_type = "multi_label_classification"
    config.architectures = ["BertForSequenceClassification"]
    torch.manual_seed(seed)
    model = BertForSequenceClassification(config)
    config.save_pretrained(config_dir)
    checkpoint = {
        "config": {
            "arch": {"type": "BERT", "args": {
                "model_type": str(config_dir.resolve()),
                "model_name": "BertForSequenceClassification",
                "tokenizer_name": "BertTokenizer",
                "num_classes": labels,
            }},
            "dataset": {"type": "JigsawDataOriginal", "args": {"classes": list(DETOXIFY_CLASSES)}},
        },
        "state_dict": model.state_dict(),
    }
    ckpt_path = out_dir / f"detoxify-{shape}.ckpt"
    torch.save(checkpoint, ckpt_path)
    return ckpt_path, config_dir


class FakeKeywordStage:
    """A minimal word-boundary keyword stage for tests: term -> (category, severity)."""

    def __init__(self, terms: dict[str, tuple[str, str]], *, name: str = "keywords") -> None:
        import re

        self.name = name
        self.terms = dict(terms)
        self._patterns = [(re.compile(rf"\b{re.escape(t)}\b", re.IGNORECASE), t, c, s)
                          for t, (c, s) in self.terms.items()]
        self.calls = 0

    async def check(self, texts: Sequence[str]) -> list[StageResult]:
        from moderation.types import Match, StageResult

        self.calls += 1
        results = []
        for text in texts:
            matches = [Match(term, cat, sev, m.start(), m.end(), stage=self.name)
                       for pattern, term, cat, sev in self._patterns for m in pattern.finditer(text)]
            results.append(StageResult(self.name, flagged=bool(matches), matches=matches))
        return results
