"""masked_words(), derived keys (termforms) and the name heuristic: the parts behind f#ck, fu-ck,
kill-yourself, im gonna kill u and "Dick Smith"."""

from __future__ import annotations

import pytest

from moderation.keywords import KeywordStage
from moderation.masks import looks_like_code, masked_words
from moderation.names import is_name
from moderation.normalize import normalize
from moderation.termforms import exception_keys, masked_keys, phrase_keys
from moderation.wordlists import parse_term


def words(text: str) -> list[tuple[str, str]]:
    """(masked, joined) spellings of each word with symbols inside."""
    return [(w.masked, w.joined) for w in normalize(text).masked_words()]


@pytest.mark.parametrize("text,expected", [
    ("f#ck off", [("f*ck", "fck")]),
    ("oh f%%k", [("f**k", "fk")]),
    ("sh##", [("sh**", "")]),
    ("you fu-ck-ing b@st#rd", [("fu*ck*ing", "fucking"), ("b*st*rd", "bstrd")]),
    ("F.CK", [("f*ck", "fck")]),
    ("#f_ck", [("f*ck", "fck")]),
])
def test_masked_and_joined_spellings(text: str, expected: list[tuple[str, str]]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize("text", [
    "well-known", "kill-yourself", "snake_case_name", "so...anyway", "wow!!!really", "2-3", "a1-b2",
    "bob@example.com", "see http://x.co/a-b_c", "www.some-site.org", "@kieffer_jason hi", "#blessed",
    "hello.", "c++", "AT&T", "R&B", "wrong&gt;", "footnote*", "so-by", "go-ok", "hello world",
    "so-called", "neo-nazis", "pre-market", "e-mail", "two-minute",
])
def test_words_that_are_not_masked(text: str) -> None:
    assert words(text) == []


def test_spans_cover_the_word_as_written() -> None:
    text = "xx f\u200b#ck, fu-ck"
    n = normalize(text)
    found = n.masked_words()
    assert [text[slice(*w.span(0, len(w.masked)))] for w in found] == ["f\u200b#ck", "fu-ck"]
    joined = found[1]
    assert text[slice(*joined.joined_span(0, len(joined.joined)))] == "fu-ck"


def test_known_drops_plain_separators_that_spell_nothing() -> None:
    text = "bug-eyed f-ck"
    assert [w.masked for w in masked_words(text, text, None, None)] == ["bug*eyed", "f*ck"]
    assert [w.masked for w in masked_words(text, text, None, None, lambda s: "f*ck" in s)] == ["f*ck"]


def test_masked_keys() -> None:
    keys = masked_keys("fuck")
    assert {"f*ck", "fu*k", "f**k", "fu**"} <= set(keys)
    assert "f***" not in keys and "*uck" not in keys  # first letter and two letters always shown
    assert masked_keys("ass") == [] and masked_keys("a-hole") == []
    assert all(k.count("*") <= 4 for k in masked_keys("motherfucker"))
    assert {"f***k", "fu**k"} <= set(keys) and "f*k" not in keys  # one mask symbol more; fewer: 4+ chars
    assert "b**h" not in masked_keys("bitch") and "b***ch" in masked_keys("bitch")


def test_phrase_keys() -> None:
    keys = set(phrase_keys("kill yourself"))
    assert {"kill-yourself", "kill_yourself", "kill.yourself", "killyourself", "kill urself",
            "kill ur self", "kill-urself"} <= keys
    spellings = set(phrase_keys("i'm going to kill you"))
    assert {"im gonna kill u", "imma kill you", "i'm gonna kill ya", "i am going to kill you"} <= spellings
    assert phrase_keys("a-hole") == [] and phrase_keys("fuck") == []
    assert "godie" not in phrase_keys("go die")  # too short to join safely
    assert len(phrase_keys("i'm going to kill you")) < 250


def test_exception_keys_mix_spaces_and_hyphens() -> None:
    keys = set(exception_keys("drop dead gorgeous"))
    assert {"drop-dead gorgeous", "drop dead-gorgeous", "drop-dead-gorgeous", "drop_dead_gorgeous"} <= keys
    assert exception_keys("cocktail") == []


def test_derived_keys_follow_the_terms_markers() -> None:
    stage = KeywordStage([parse_term("*heck*", "t"), parse_term("darn", "t"), parse_term("go away now", "t")])
    assert [m.term for m in stage.scan("oh h#ck, h@ckfire and d%rned")] == ["heck", "heck", "darn"]
    assert [m.term for m in stage.scan("go-away-now and goawaynow")] == ["go away now", "go away now"]
    assert stage.scan("push-to da-rnest") == []


def test_plain_separator_masks_need_the_whole_word() -> None:
    stage = KeywordStage([parse_term("*shit*", "t")])
    assert [m.term for m in stage.scan("sh-t, sh.tty? sh#tty")] == ["shit", "shit"]
    assert stage.scan("push-to-talk fish-tank push-it") == []


def test_ambiguous_masks_report_a_root_word_then_the_mildest() -> None:
    stage = KeywordStage([parse_term("cock", "t", "sexual", "medium"),
                          parse_term("coon", "t", "slur", "high"),
                          parse_term("*fuck*", "t"), parse_term("fack", "t")])
    assert [(m.term, m.severity) for m in stage.scan("co**")] == [("cock", "medium")]
    assert [m.term for m in stage.scan("f*ck")] == ["fuck"]


@pytest.mark.parametrize("text,name", [
    ("Dick Smith", True), ("ask Dick Jones", True), ("Dick B. Smith", True), ("Dick McDonald", True),
    ("you Dick Head", False), ("a Dick Move", False), ("Dick", False), ("DICK SMITH", False),
    ("dick Smith", False), ("Dick smith", False), ("Dick. Then", False), ("Dick Ok", False),
])
def test_name_heuristic(text: str, name: bool) -> None:
    start = text.lower().index("dick")
    assert is_name(text, start, start + 4) is name


@pytest.mark.parametrize("text,code", [
    ("x**2 + y", True), ("gcd(a, b)", True), ("a = b", True), ("x == 1", True), ("use `p**n`", True),
    ("```py", True), ("f**k you", False), ("what the f**k is this (really)", False), ("hello", False),
])
def test_looks_like_code(text: str, code: bool) -> None:
    assert looks_like_code(text) is code


def test_masks_are_read_in_prose_only() -> None:
    stage = KeywordStage([parse_term("*fuck*", "t")])
    assert [m.term for m in stage.scan("f**k that")] == ["fuck"]
    assert stage.scan("f**k = 3") == [] and stage.scan("call f.ck(x)") == []


def test_ampersand_and_less_than_mask_only_known_words() -> None:
    known = {"f*ck", "fu*k"}.__contains__
    assert [(w.masked, w.joined) for w in masked_words("f&ck", "f&ck", None, None, known)] == [("f*ck", "")]
    assert [w.masked for w in masked_words("fu<k", "fu<k", None, None, known)] == ["fu*k"]
    for text in ("at&t", "r&d", "q&a", "b&b", "a<b", "i<n", "wrong&gt;", "rock&roll"):
        assert masked_words(text, text, None, None, known) == [], text
    assert masked_words("f&ck", "f&ck", None, None) == []  # nothing to ask: "&" stays a symbol


def test_ampersand_and_less_than_in_the_keyword_stage() -> None:
    stage = KeywordStage([parse_term("*fuck*", "t"), parse_term("shit", "t"), parse_term("bitch", "t")])
    assert [m.term for m in stage.scan("f&ck off, fu<k, sh&t")] == ["fuck", "fuck", "shit"]
    assert stage.scan("AT&T, R&D, Q&A, B&B, rock&roll, H&M, a<b, i<n, if (a<b && b<c)") == []
    assert stage.scan("x &lt;b&gt; y &amp; z, Tom&Jerry, fish&chips") == []


def test_a_long_trailing_mask_may_hide_an_ending_too() -> None:
    known = {"mother****er"}.__contains__
    (w,) = masked_words("mother******", "mother******", None, None, known)
    assert w.masked == "mother****er" and w.span(0, len(w.masked)) == (0, 12)
    assert [w.masked for w in masked_words("hello******", "hello******", None, None, known)] == ["hello******"]
    stage = KeywordStage([parse_term("motherfucker", "t")])
    text = "shut up you mother******"
    (m,) = stage.scan(text)
    assert (m.term, text[m.start:m.end]) == ("motherfucker", "mother******")
    assert stage.scan("brother****** and other****** and mother") == []
