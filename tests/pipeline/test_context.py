"""Context builder: exact token budget with the real tokenizer, system prompt first, newest turn kept."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.context import (
    TRUNCATION_MARKER,
    ContextBuilder,
    encode_messages,
    estimate_tokens,
    render_prompt,
)
from pipeline.types import Turn

SYSTEM = "You are a helpful assistant."
CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@pytest.fixture(scope="module")
def tokenizer(tiny_gpt2: Path) -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(tiny_gpt2))


def conversation(n: int, words: int = 6) -> list[Turn]:
    return [
        Turn(7, "user" if i % 2 == 0 else "assistant", " ".join(f"w{i}x{j}" for j in range(words)))
        for i in range(n)
    ]


def exact(tokenizer: Any, messages: list[dict[str, str]]) -> int:
    return len(tokenizer(render_prompt(tokenizer, messages), add_special_tokens=False)["input_ids"])


def test_fallback_template_shape(tokenizer: Any) -> None:
    text = render_prompt(tokenizer, [{"role": "system", "content": "S"}, {"role": "user", "content": "hi"}])
    assert text == "System: S\n\nUser: hi\nAssistant:"


@pytest.mark.parametrize("budget", [40, 64, 100, 150, 400])
def test_budget_is_respected_exactly(tokenizer: Any, budget: int) -> None:
    builder = ContextBuilder(tokenizer, system_prompt=SYSTEM, budget_tokens=budget)
    turns = conversation(30)
    built = builder.build(turns)
    # The count is the real token count of the prompt the model will see, and within the budget.
    assert built.tokens == exact(tokenizer, built.messages) == len(built.prompt_ids or [])
    assert built.prompt_ids == encode_messages(tokenizer, built.messages)
    assert built.tokens <= budget
    assert built.messages[0] == {"role": "system", "content": SYSTEM}
    assert built.messages[-1]["content"] == turns[-1].text
    kept = len(built.messages) - 1
    assert built.dropped_turns == len(turns) - kept
    # Maximal: one more older turn (a user turn, so strict templates stay valid) would not fit.
    if built.dropped_turns and not built.truncated:
        more = [{"role": t.role, "content": t.text} for t in turns[-(kept + 2):]]
        assert exact(tokenizer, built.messages[:1] + more) > budget


def test_everything_fits_when_budget_is_large(tokenizer: Any) -> None:
    turns = conversation(5)
    built = ContextBuilder(tokenizer, system_prompt=SYSTEM, budget_tokens=4096).build(turns)
    assert [m["content"] for m in built.messages[1:]] == [t.text for t in turns]
    assert built.dropped_turns == 0 and not built.truncated
    assert built.prompt is not None and built.prompt.endswith("Assistant:")


def test_per_chat_system_prompt_override(tokenizer: Any) -> None:
    builder = ContextBuilder(tokenizer, system_prompt=SYSTEM, budget_tokens=200)
    built = builder.build(conversation(3), system_prompt="Talk like a pirate.")
    assert built.messages[0] == {"role": "system", "content": "Talk like a pirate."}
    assert builder.build(conversation(1), system_prompt="").messages[0]["role"] == "user"


def test_over_long_newest_turn_is_cut_in_the_middle(tokenizer: Any) -> None:
    words = [f"word{i}" for i in range(600)]
    turns = conversation(4) + [Turn(7, "user", " ".join(words))]
    budget = 80
    built = ContextBuilder(tokenizer, system_prompt=SYSTEM, budget_tokens=budget).build(turns)
    assert built.truncated and built.dropped_turns == 4
    assert len(built.messages) == 2
    content = built.messages[-1]["content"]
    assert TRUNCATION_MARKER.strip() in content
    assert content.startswith("word0 word1") and content.endswith("word598 word599")
    assert budget - 6 <= built.tokens <= budget  # as much of the turn as fits
    assert built.tokens == exact(tokenizer, built.messages)


def test_history_starts_with_a_user_turn(tokenizer: Any) -> None:
    turns = conversation(12)  # user, assistant, ... ends with an assistant turn at index 11
    turns.append(Turn(7, "user", "last question"))
    built = ContextBuilder(tokenizer, system_prompt=SYSTEM, budget_tokens=70).build(turns)
    assert built.messages[1]["role"] == "user"


def test_chat_template_is_used_when_present(tokenizer: Any) -> None:
    tok = copy.deepcopy(tokenizer)
    tok.chat_template = CHATML
    builder = ContextBuilder(tok, system_prompt=SYSTEM, budget_tokens=60)
    built = builder.build(conversation(20))
    assert built.prompt is not None
    assert built.prompt.startswith("<|im_start|>system\n" + SYSTEM)
    assert built.prompt.endswith("<|im_start|>assistant\n")
    assert built.tokens == exact(tok, built.messages) <= 60


def test_without_tokenizer_uses_estimate_and_pluggable_counter() -> None:
    turns = conversation(40)
    built = ContextBuilder(None, system_prompt=SYSTEM, budget_tokens=100).build(turns)
    assert built.prompt_ids is None and built.prompt is None
    assert built.tokens == estimate_tokens(built.messages) <= 100
    assert built.messages[-1]["content"] == turns[-1].text

    def words(msgs: list[dict[str, str]]) -> int:
        return sum(len(m["content"].split()) for m in msgs)

    built = ContextBuilder(None, system_prompt=SYSTEM, budget_tokens=30, counter=words).build(turns)
    assert built.tokens == words(built.messages) <= 30
    assert len(built.messages) == 1 + 4  # system (4 words) + 4 turns of 6 words


def test_without_tokenizer_long_turn_is_truncated() -> None:
    text = "a" * 1000 + "MIDDLE" + "z" * 1000
    built = ContextBuilder(None, system_prompt="", budget_tokens=50).build([Turn(1, "user", text)])
    content = built.messages[-1]["content"]
    assert built.truncated and content.startswith("aaa") and content.endswith("zzz")
    assert "MIDDLE" not in content and built.tokens <= 50


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lengths=st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=12),
    budget=st.integers(min_value=24, max_value=300),
)
def test_budget_property(tokenizer: Any, lengths: list[int], budget: int) -> None:
    turns = [Turn(1, "user" if i % 2 == 0 else "assistant", "tok " * n) for i, n in enumerate(lengths)]
    built = ContextBuilder(tokenizer, system_prompt="Be brief.", budget_tokens=budget).build(turns)
    assert built.tokens == exact(tokenizer, built.messages) <= budget
    assert built.messages[0]["content"] == "Be brief."
    newest = built.messages[-1]["content"]
    assert newest == turns[-1].text or (built.truncated and TRUNCATION_MARKER.strip() in newest)


def test_a_long_system_prompt_yields_to_the_question(tokenizer: Any) -> None:
    """The newest turn is what is answered: a system prompt over half the budget is cut first,
    to make room for the whole question, or to half the budget when the question is long too."""
    system = " ".join(f"rule{i}" for i in range(900))
    budget = 300
    builder = ContextBuilder(tokenizer, system_prompt=system, budget_tokens=budget)
    built = builder.build(conversation(2) + [Turn(7, "user", "What is the capital of France?")])
    assert built.messages[-1]["content"] == "What is the capital of France?"
    sys_text = built.messages[0]["content"]
    assert built.truncated and TRUNCATION_MARKER.strip() in sys_text
    assert sys_text.startswith("rule0 rule1") and sys_text.endswith("rule898 rule899")
    assert budget - 8 <= built.tokens == exact(tokenizer, built.messages) <= budget

    long_question = " ".join(f"q{i}" for i in range(900))
    built = builder.build([Turn(7, "user", long_question)])
    sys_tokens = exact(tokenizer, built.messages[:1])
    assert budget // 2 - 8 <= sys_tokens <= budget // 2  # the system prompt keeps half
    assert TRUNCATION_MARKER.strip() in built.messages[-1]["content"]
    assert built.messages[-1]["content"].startswith("q0 q1")
    assert built.tokens == exact(tokenizer, built.messages) <= budget

    short_system = ContextBuilder(tokenizer, system_prompt=SYSTEM, budget_tokens=80)
    built = short_system.build([Turn(7, "user", long_question)])
    assert built.messages[0]["content"] == SYSTEM  # a short system prompt is never cut
