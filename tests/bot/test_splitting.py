"""Message splitting: ≤ 4096 UTF-16 units per part, never inside a word, nothing lost."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.splitting import sanitize, split_message, utf16_len

EMOJI = "😀👍🏽🎉"
CJK = "漢字かなカナ한국어"


def assert_reconstructs(text: str, parts: list[str]) -> None:
    """Parts appear in order in the text, and only whitespace lies between them."""
    pos = 0
    for part in parts:
        idx = text.find(part, pos)
        assert idx >= 0, f"part not found in order: {part[:40]!r}"
        assert text[pos:idx].strip() == "", f"non-whitespace dropped: {text[pos:idx][:40]!r}"
        pos = idx + len(part)
    assert text[pos:].strip() == ""


def test_short_text_is_one_part() -> None:
    assert split_message("hello") == ["hello"]
    assert split_message("   ") == []
    assert split_message("") == []


def test_utf16_len_counts_astral_characters_twice() -> None:
    assert utf16_len("a") == 1
    assert utf16_len("😀") == 2
    assert utf16_len("漢") == 1
    assert utf16_len("a😀b") == 4


def test_prefers_paragraphs_then_sentences_then_words() -> None:
    para = "First paragraph sentence one. " * 3 + "\n\n" + "Second paragraph here. " * 3
    assert split_message(para, limit=110) == [para.split("\n\n")[0].strip(), para.split("\n\n")[1].strip()]
    sentences = "Alpha beta gamma. Delta epsilon zeta. Eta theta iota."
    assert split_message(sentences, limit=40) == ["Alpha beta gamma. Delta epsilon zeta.", "Eta theta iota."]
    words = "one two three four five six seven"
    parts = split_message(words, limit=10)
    assert all(len(p) <= 10 for p in parts) and " ".join(parts) == words


def test_only_an_overlong_word_is_hard_split_and_never_in_a_surrogate_pair() -> None:
    word = "x" * 5 + EMOJI * 5
    parts = split_message(word, limit=6)
    assert "".join(parts) == word
    assert all(utf16_len(p) <= 6 for p in parts)
    assert all(not ("\ud800" <= p[-1] <= "\udbff") for p in parts)


def test_cjk_run_breaks_between_characters() -> None:
    text = "漢" * 30
    parts = split_message(text, limit=7)
    assert "".join(parts) == text and all(len(p) <= 7 for p in parts)
    assert split_message("你好。世界。再见。", limit=4) == ["你好。", "世界。", "再见。"]


def test_ten_thousand_characters_with_emoji_and_cjk() -> None:
    words = ["hello", "wörld", EMOJI, CJK, "naïve", "ok.", "end!\n", "para\n\n"]
    text = " ".join(words[i % len(words)] for i in range(1800))[:10_000]
    parts = split_message(text)
    assert len(parts) >= 3
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert_reconstructs(text, parts)
    assert " ".join(parts).split() == text.split()


def test_sanitize_repairs_or_replaces_surrogates() -> None:
    assert sanitize("ok") == "ok"
    assert sanitize("\ud83d\ude00") == "😀"
    assert sanitize("a\ud800b") == "a\ufffdb"


def test_an_overlong_word_is_cut_between_grapheme_clusters() -> None:
    """A family emoji is one character to a reader (four people joined by U+200D) and a flag is
    two regional indicators: a part ends before or after one, never inside it."""
    family, flag = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466", "\U0001f1fa\U0001f1e6"
    for unit in (family, flag, "e\u0301", "\U0001f44d\U0001f3fd"):
        word = unit * 40
        for limit in range(len(unit) * 2 + 2, 60, 3):
            parts = split_message(word, limit=limit)
            assert "".join(parts) == word
            assert all(utf16_len(p) <= limit for p in parts)
            assert all(len(p) % len(unit) == 0 and p.startswith(unit) for p in parts), (unit, limit, parts)


_alphabet = st.sampled_from(list("abcdefgh .,!?\n\n\t") + ["😀", "漢", "é", "👍🏽", "。"])


@settings(max_examples=100, deadline=None)
@given(st.lists(_alphabet, max_size=400).map("".join), st.integers(min_value=4, max_value=60))
def test_split_properties(text: str, limit: int) -> None:
    parts = split_message(text, limit=limit)
    assert all(p and utf16_len(p) <= limit for p in parts)
    assert all(p == p.strip() for p in parts)
    assert_reconstructs(text, parts)
    # a whitespace-separated word that fits is never cut
    for word in text.split():
        if utf16_len(word) <= limit and not re.search("[漢。]", word):
            assert any(word in part for part in parts), word
