"""normalize(): one test per de-obfuscation trick, plus offset-map and robustness properties."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moderation.normalize import Normalized, normalize


def spellings(text: str) -> list[str]:
    return [v.text for v in normalize(text).all()]


def reads_as(text: str, expected: str) -> bool:
    return any(expected in s for s in spellings(text))


def test_plain_ascii_is_lowercased_with_identity_offsets() -> None:
    n = normalize("Hello World")
    assert n.text == "hello world"
    assert n.offsets == list(range(11))
    assert n.span(6, 11) == (6, 11)
    assert n.variants == ()


def test_nfkc_folds_compatibility_forms() -> None:
    assert normalize("\U0001d41f\U0001d42e\U0001d41c\U0001d424").text == "fuck"  # math bold
    assert normalize("ⓕⓤⓒⓚ").text == "fuck"
    assert normalize("ﬁne").text == "fine"


def test_fullwidth_to_ascii() -> None:
    assert normalize("ＦＵＣＫ ｙｏｕ").text == "fuck you"


def test_casefold_expands_and_maps_back() -> None:
    n = normalize("STRAẞE")
    assert n.text == "strasse"
    assert n.span(0, 7) == (0, 6)  # "ss" both come from the one original character


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
                                       "\ufe0f", "\u180e", "\U000e0041"])
def test_invisible_and_format_characters_are_dropped(invisible: str) -> None:
    text = f"fu{invisible}ck"
    n = normalize(text)
    assert n.text == "fuck"
    assert n.span(0, 4) == (0, len(text))


def test_combining_marks_are_dropped() -> None:
    assert normalize("fück").text == "fuck"
    assert normalize(unicodedata.normalize("NFD", "fück")).text == "fuck"
    zalgo = "f\u0336u\u0336c\u0336k\u0336"
    n = normalize(zalgo)
    assert n.text == "fuck"
    assert n.span(0, 4) == (0, len(zalgo))  # trailing mark masked too


def test_cyrillic_homoglyph_in_a_latin_word() -> None:
    assert normalize("fu\u0441k").text == "fuck"  # Cyrillic es
    assert normalize("\u0455hit").text == "shit"  # Cyrillic dze


def test_greek_homoglyph_in_a_latin_word() -> None:
    assert normalize("f\u03c5ck").text == "fuck"  # Greek upsilon
    assert normalize("\u03b1ss").text == "ass"  # Greek alpha


def test_real_cyrillic_words_stay_cyrillic_in_the_main_spelling() -> None:
    n = normalize("привет сука")
    assert n.text == "привет сука"
    assert "npubet cyka" in [v.text for v in n.variants]  # all look-alikes: also read as Latin


@pytest.mark.parametrize("text,expected", [
    ("b00bs", "boobs"), ("sh1t", "shit"), ("n3rd", "nerd"), ("f4g", "fag"), ("a55hole", "asshole"),
    ("ni66a", "nigga"), ("shi7e", "shite"), ("8itch", "bitch"), ("ni99a", "nigga"), ("@ss", "ass"),
    ("a$$", "ass"), ("$hit", "shit"), ("b!tch", "bitch"), ("c|it", "clit"), ("bi+ch", "bitch"),
    ("fu(k", "fuck"),
])
def test_each_leet_character(text: str, expected: str) -> None:
    assert normalize(text).text == expected


def test_one_also_reads_as_l() -> None:
    assert reads_as("a55ho1e", "asshole")
    assert reads_as("1ick", "lick")


@pytest.mark.parametrize("text", ["2024", "call me at 5 $", "$100 and 20%", "wow!!!", "c++ rocks",
                                  "f(x) = 3", "me@example.com", "1000 people"])
def test_numbers_and_punctuation_in_prose_are_not_leet(text: str) -> None:
    n = normalize(text)
    assert n.text == text.lower()
    assert n.variants == ()


def test_trailing_exclamation_is_not_a_letter() -> None:
    assert normalize("idiot!").text == "idiot!"


def test_repeated_letters_collapse_to_two_and_to_one() -> None:
    assert spellings("fuuuuck") == ["fuuck", "fuck"]
    assert spellings("asssss") == ["ass", "as"]
    assert normalize("good").text == "good"  # doubles stay


def test_repeated_letter_span_covers_the_whole_run() -> None:
    n = normalize("asssss!")
    assert n.span(0, 3) == (0, 6)


@pytest.mark.parametrize("text", ["f.u.c.k", "f u c k", "f-u-c-k", "f*u*c*k", "f_u_c_k", "F U C K",
                                  "f. u. c. k", "(f u c k)", "f/u/c/k"])
def test_single_letters_across_a_separator_are_joined(text: str) -> None:
    original = f"you {text} off"
    n = normalize(original)
    start = n.text.index("fuck")
    a, b = n.span(start, start + 4)
    assert original[a] in "fF" and original[b - 1] in "kK"


def test_join_needs_three_single_letters() -> None:
    assert normalize("a b").text == "a b"
    assert normalize("this is a test").text == "this is a test"
    assert normalize("e.g. that").text == "e.g. that"


def test_whitespace_runs_become_one_space() -> None:
    n = normalize("kill \t\n  yourself")
    assert n.text == "kill yourself"
    assert n.span(0, len(n.text)) == (0, 17)


def test_dashes_are_unified() -> None:
    assert normalize("a\u2014b").text == "a-b"


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "\x00\x01\x7f", "", " ", "\U0010ffff",
                                  "\u0301\u0301", "\ufdfa"])
def test_odd_strings_do_not_crash(text: str) -> None:
    n = normalize(text)
    for v in n.all():
        assert len(v.offsets) == len(v.text)


def test_one_megabyte_string() -> None:
    text = ("fuuuck y0u \u200b f.u.c.k ｆｕｃｋ сука " * 40_000)[:1_000_000]
    n = normalize(text)
    assert n.original_length == 1_000_000
    assert n.span(0, len(n.text))[1] <= 1_000_000


def _check_offsets(n: Normalized, original: str) -> None:
    for v in n.all():
        assert v.original_length == len(original)
        starts = v.offsets
        assert len(starts) == len(v.text)
        assert starts == sorted(starts)
        for i in range(len(v.text)):
            a, b = v.span(i, i + 1)
            assert 0 <= a < b <= len(original)
    for w in n.masked_words():
        assert "*" in w.masked and (not w.joined or len(w.joined) < len(w.masked))
        for i in range(len(w.masked)):
            a, b = w.span(i, i + 1)
            assert 0 <= a < b <= len(original)
        for i in range(len(w.joined)):
            a, b = w.joined_span(i, i + 1)
            assert 0 <= a < b <= len(original)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_never_crashes_and_offsets_are_consistent(text: str) -> None:
    _check_offsets(normalize(text), text)


_OBFUSCATED = st.lists(st.sampled_from(
    ["f", "u", "c", "k", "s", "h", "1", "!", "$", "@", "0", ".", " ", "*", "-", "\u200b", "\u0441",
     "\u0301", "Ｆ", "uuu", "a", "ß", "ﬁ", "\ud800", "\t", "|", "#", "%", "_"]), max_size=30).map("".join)


@settings(max_examples=100, deadline=None)
@given(_OBFUSCATED)
def test_offsets_are_consistent_on_obfuscated_text(text: str) -> None:
    _check_offsets(normalize(text), text)


def test_same_length_readings_keep_every_offset() -> None:
    from moderation.folding import fold, same_length_readings

    for text in ("a cock-\ntail", "Analy- \n  sis", "you p|_|$$y", "dik|< and b()wj()b", "plain text", "f() | x"):
        read = same_length_readings(text)
        assert len(read) == len(text)
    assert fold(same_length_readings("a cock-\ntail"))[0] == "a cocktail"
    assert fold(same_length_readings("you p|_|$$y"))[0] == "you pu$$y"
    assert same_length_readings("print() and f() | x") == "print() and f() | x"
    assert same_length_readings("fuck-\nYou") == "fuck-\nYou"  # a new line in capitals is not a wrapped word



@pytest.mark.parametrize("text", ["f|u|c|k", "f | u | c | k", "f . u . c . k", "f..u..c..k", "f...u...c...k",
                                  "f\u00b7u\u00b7c\u00b7k", "f\u2022u\u2022c\u2022k", "f=u=c=k", "f;u;c;k",
                                  "f>u>c>k", "|f|u|c|k|"])
def test_single_letters_across_rarer_separators_are_joined(text: str) -> None:
    original = f"you {text} off"
    n = normalize(original)
    start = n.text.index("fuck")  # "|f|u|c|k|" keeps its outer pipes
    a, b = n.span(start, start + 4)
    assert (original[a], original[b - 1]) == ("f", "k")


def test_pipes_between_single_letters_are_separators_not_leet() -> None:
    assert spellings("b|i|t|c|h") == ["bitch"]
    assert reads_as("sh|t", "shit") and reads_as("c|it", "clit")  # a pipe inside a word is still leet


@pytest.mark.parametrize("text", ["1 . 2 . 3", "x = 10; y = 20", "col\u00b7lega", "\u2022 apples \u2022 pears",
                                  "so...anyway", "a = b", "x; y; z", "it was ok . really", "a > b"])
def test_rarer_separators_leave_numbers_and_words_alone(text: str) -> None:
    assert spellings(text) == [text.lower()]


@pytest.mark.parametrize("text,expected", [
    ("fu\u03f2k", "fuck"), ("\u03f9unt", "cunt"), ("c\u03c3ck", "cock"), ("tu\u044fd", "turd"),
    ("who\u044f\u0454", "whore"), ("\u0138unt", "kunt"), ("\u0284uck", "fuck"), ("\u03dduck", "fuck"),
    ("fuc\u16d5", "fuck"), ("\u00feussy", "pussy"), ("\u00deUSSY", "pussy"),
])
def test_more_look_alike_letters_in_latin_words(text: str, expected: str) -> None:
    assert normalize(text).text == expected


def test_lisu_letters_read_as_latin() -> None:
    assert reads_as("\ua4dd\ua4f4\ua4da\ua4d7", "fuck")  # ꓝꓴꓚꓗ: made only of look-alikes, a variant


@pytest.mark.parametrize("first", [0x249C, 0x1F110, 0x1F150, 0x1F170])  # ⒜, 🄐, 🅐, 🅰
def test_enclosed_letters_are_one_letter_each(first: int) -> None:
    text = "".join(chr(first + ord(ch) - 97) for ch in "fuck") + " you"
    n = normalize(text)
    assert n.text == "fuck you"
    assert n.span(0, 4) == (0, 4)


@pytest.mark.parametrize("text,expected", [
    ("\u025fu\u0254\u029e", "fuck"), ("s\u0265\u1d09\u0287", "shit"), ("\u0250ss", "ass"),
    ("\u028d\u0265o\u0279\u01dd", "whore"), ("\u026fo\u0279on", "moron"), ("\u0287\u028d\u0250\u0287", "twat"),
    ("\u028eou \u027e\u0250\u0283", "you ja\u0283"), ("\u0183\u028c", "gv"),
])
def test_upside_down_letters(text: str, expected: str) -> None:
    assert normalize(text).text == expected


def test_upside_down_n_stays_n() -> None:
    assert normalize("\u025fn\u0254\u029e").text == "fnck"  # "n" is also a letter of its own


def test_real_greek_and_cyrillic_words_stay_as_written() -> None:
    for text in ("привет, я тебя люблю", "γεια σου, σε ευχαριστω", "це є добре"):
        assert normalize(text).text == text


def test_star_emoji_between_letters_reads_as_a_mask() -> None:
    assert normalize("f\u2b50ck").text == "f*ck"
    assert normalize("sh\u2b50t").span(2, 3) == (2, 3)
    for text in ("5\u2b50 rating", "\u2b50\u2b50\u2b50", "I \u2b50 you"):
        assert normalize(text).text == text.lower()
