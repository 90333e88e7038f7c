"""Fuzzing the context builder with the real GPT-2 tokenizer: odd, empty and huge texts stay in budget.

Texts reach the builder from the store, which holds valid Unicode only: the bot repairs lone
UTF-16 surrogates before a message is stored (bot.splitting.sanitize), so surrogates are
fuzzed through that repair.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.splitting import sanitize
from pipeline.context import ContextBuilder, render_prompt
from pipeline.types import Turn

CONTROL = "".join(chr(c) for c in [*range(0, 32), 127, *range(0x80, 0xA0)]) + "\u200b\u200e\u202e\u2028\ufeff"
ODD = st.text(alphabet=st.sampled_from(CONTROL + "\ud800\udc00\udfff 😀漢a\n"), max_size=40)
PLAIN = st.text(max_size=80)  # any code point, surrogates included
HUGE = st.builds(lambda piece, times: piece * times, st.text(min_size=1, max_size=8), st.integers(1000, 8_000))
TEXTS = st.one_of(st.just(""), PLAIN, ODD, HUGE).map(sanitize)


@pytest.fixture(scope="module")
def tokenizer(tiny_gpt2: Path) -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(tiny_gpt2))


@pytest.fixture(scope="module")
def builder(tokenizer: Any) -> ContextBuilder:
    return ContextBuilder(tokenizer, system_prompt="Be brief.", budget_tokens=200)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(TEXTS, min_size=1, max_size=6), system=st.one_of(st.none(), st.just(""), TEXTS.map(lambda t: t[:300])),
       budget=st.integers(min_value=64, max_value=400))
def test_any_history_fits_the_budget_exactly(tokenizer: Any, texts: list[str], system: str | None, budget: int) -> None:
    # at least one turn: the pipeline stores the user's message before building (with no turn at
    # all, an over-long system prompt is returned uncut)
    builder = ContextBuilder(tokenizer, system_prompt="Be brief.", budget_tokens=budget)
    turns = [Turn(1, "user" if i % 2 == 0 else "assistant", t) for i, t in enumerate(texts)]
    built = builder.build(turns, system_prompt=system)
    assert built.prompt is not None and built.prompt_ids is not None
    assert built.tokens == len(tokenizer(render_prompt(tokenizer, built.messages), add_special_tokens=False)["input_ids"])
    assert built.tokens <= budget
    assert built.messages[-1]["role"] == turns[-1].role


@settings(max_examples=20, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=4))
def test_the_shared_builder_cache_survives_odd_texts(builder: ContextBuilder, texts: list[str]) -> None:
    """One builder serves every chat (sizes cached across builds): odd texts must not poison it."""
    for text in texts:
        built = builder.build([Turn(1, "user", text)])
        assert built.tokens <= builder.budget_tokens


def test_huge_turn_is_truncated_not_dropped(builder: ContextBuilder) -> None:
    built = builder.build([Turn(1, "user", "word " * 40_000)])
    assert built.truncated and built.tokens <= builder.budget_tokens and "[…]" in built.messages[-1]["content"]
