"""Shared generation fixtures: a small random GPT-2 whose outputs depend on positions and masks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch


@pytest.fixture(scope="module")
def small_gpt2(tiny_gpt2: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 layers x 64 wide, random weights (fixed seed): no logit ties, unlike the 2-wide tiny model.

    A wide initialisation makes the next token depend on the whole context (with the default 0.02 the
    random model repeats one token), so any position or mask mistake shows in the outputs.
    """
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

    torch.manual_seed(1234)
    model = GPT2LMHeadModel(GPT2Config(n_layer=2, n_embd=64, n_head=4, n_positions=256, vocab_size=50257,
                                       initializer_range=0.3))
    path = tmp_path_factory.mktemp("small-gpt2")
    model.save_pretrained(path)
    AutoTokenizer.from_pretrained(str(tiny_gpt2)).save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def small_model(small_gpt2: Path) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(str(small_gpt2), dtype=torch.float32).eval()
    return model, AutoTokenizer.from_pretrained(str(small_gpt2))
