"""KeywordStage / RegexStage: obfuscations, Scunthorpe exceptions, spans, list files, settings."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.config import ModerationSettings, RegexSpec, TermSpec
from moderation.keywords import KeywordStage, RegexStage, build_text_stages
from moderation.normalize import normalize
from moderation.phrases import PhraseStage
from moderation.types import Match, StageResult
from moderation.wordlists import DEFAULT_LIST, Term, load_list, parse_term
from pipeline.types import ConfigError

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture(scope="module")
def stage() -> KeywordStage:
    wl = load_list(DEFAULT_LIST)
    return KeywordStage(wl.terms, wl.exceptions)


def terms_in(stage: KeywordStage, text: str) -> set[str]:
    return {m.term for m in stage.scan(text)}


@pytest.mark.parametrize("text,term", [
    ("fuck you", "fuck"), ("FUCK YOU", "fuck"), ("f.u.c.k you", "fuck"), ("f u c k you", "fuck"),
    ("f-u-c-k you", "fuck"), ("f*u*c*k", "fuck"), ("f_u_c_k", "fuck"), ("fuuuuuck", "fuck"),
    ("fu\u200bck", "fuck"), ("fu\u0441k", "fuck"), ("ｆｕｃｋ", "fuck"), ("fück", "fuck"),
    ("motherfucker", "fuck"), ("fuckface", "fuck"), ("fucking hell", "fuck"), ("sh1t", "shit"),
    ("$hit", "shit"), ("bullshit", "shit"), ("you a$$hole", "asshole"), ("a55ho1e", "asshole"),
    ("b!tch", "bitch"), ("bitches", "bitch"), ("you are an idiot", "idiot"), ("idiotic", "idiot"),
    ("what a moron", "moron"), ("go kill yourself", "kill yourself"), ("kill   yourself", "kill yourself"),
    ("KYS", "kys"), ("f***ing stupid", "f***ing"), ("asssss", "ass"), ("n1gg3r", "nigger"),
])
def test_flags_terms_and_obfuscations(stage: KeywordStage, text: str, term: str) -> None:
    assert term in terms_in(stage, text)


@pytest.mark.parametrize("text", [
    "I grew up in Scunthorpe.", "Penistone is a market town.", "a classic cocktail", "the assassin",
    "Charles Dickens wrote novels", "Sussex and Essex", "my therapist helped", "data analysis",
    "a bunch of grapes", "shitake mushrooms are tasty", "add cumin and other spices",
    "peanut butter sandwich", "a spicy curry", "the cockpit of a plane", "a cockatoo and a peacock",
    "he sniggered at the joke", "a niggardly sum", "fire retardant", "mustard and custard",
    "tit for tat", "a blue tit in the garden", "Moby Dick", "pussy willow", "a chink in the armor",
    "raccoon", "class assignment", "passion", "assume", "bass guitar", "hello", "shell", "title",
    "document", "circumstance", "therapist", "Hancock", "scrap metal", "skills", "hello world",
    "the 2024 budget is $5 million", "Analog synth", "magna cum laude", "a swanky hotel",
    "Cumbria and Cumberland", "I will press F to pay respects",
])
def test_innocent_look_alikes_are_not_flagged(stage: KeywordStage, text: str) -> None:
    assert stage.scan(text) == [], text


def test_inflections_only_where_listed(stage: KeywordStage) -> None:
    assert "fuck" in terms_in(stage, "fuckers")
    assert terms_in(stage, "spices") == set()
    assert terms_in(stage, "assignment") == set()


def test_match_span_covers_the_original_word(stage: KeywordStage) -> None:
    text = "Well, f.u.c.k   this, you a$$hole!"
    spans = {m.term: text[m.start:m.end] for m in stage.scan(text)}
    assert spans["fuck"] == "f.u.c.k"
    assert spans["asshole"] == "a$$hole"


def test_span_of_zero_width_and_repeats(stage: KeywordStage) -> None:
    text = "oh fu\u200bck and fuuuuck"
    found = [text[m.start:m.end] for m in stage.scan(text)]
    assert found == ["fu\u200bck", "fuuuuck"]


def test_match_fields(stage: KeywordStage) -> None:
    (m,) = stage.scan("kill yourself")
    assert m == Match("kill yourself", "threat", "high", 0, 13, "keywords")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["fuck", "f.u.c.k", "sh1t", "idiot", "a$$", " ", "x", "class", "\u200b",
                                 "Ｆ", "uuu", "!", "ass", "-", "scunthorpe", "cocktail", "е", "1"]),
                max_size=12).map("".join))
def test_every_span_normalizes_back_to_its_term(stage: KeywordStage, text: str) -> None:
    for m in stage.scan(text):
        assert 0 <= m.start < m.end <= len(text)
        key = normalize(m.term).text
        norm = normalize(text[m.start:m.end])
        spellings = [v.text for v in norm.all()]
        spellings += [s for w in norm.masked_words() for s in (w.masked, w.joined)]
        # a masked reading may need the word's neighbours ("x!-x!fuck" reads "x??x" as a mask)
        for w in normalize(text).masked_words():
            a, b = w.span(0, len(w.masked))
            if w.starts is None and a <= m.start and m.end <= b:
                spellings.append(w.masked[m.start - a:m.end - a])
        assert any(_covers(key, s) for s in spellings), (text, m, spellings)


def _covers(key: str, spelling: str) -> bool:
    """key occurs in spelling, where a "*" on either side stands for any one letter."""
    n = len(key)
    return any(all(a == b or "*" in (a, b) for a, b in zip(key, spelling[i:i + n]))
               for i in range(len(spelling) - n + 1))


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=80))
def test_scan_never_crashes(stage: KeywordStage, text: str) -> None:
    for m in stage.scan(text):
        assert 0 <= m.start < m.end <= len(text)


async def test_async_check_returns_one_result_per_text(stage: KeywordStage) -> None:
    results = await stage.check(["hello", "fuck off"])
    assert [r.flagged for r in results] == [False, True]
    assert all(isinstance(r, StageResult) and r.stage == "keywords" for r in results)
    assert stage.scan_many(["hello", "fuck"])[1][0].term == "fuck"


def test_term_markers() -> None:
    t = parse_term("*fuck*", "x")
    assert (t.text, t.prefix_ok, t.suffix_ok, t.exact) == ("fuck", True, True, False)
    assert parse_term("=spic", "x").exact
    masked = parse_term("f***", "x")
    assert (masked.text, masked.suffix_ok) == ("f***", False)
    with pytest.raises(ConfigError, match="empty term"):
        parse_term("*", "moderation.terms[0]")


def test_exact_prefix_and_suffix_modes() -> None:
    st_ = KeywordStage([parse_term("=darn", "t"), parse_term("heck*", "t"), parse_term("*gosh", "t")])
    assert [m.term for m in st_.scan("darn darned heckfire ohgosh goshly")] == ["darn", "heck", "gosh"]


def test_exceptions_suppress_contained_terms_and_remove_equal_ones() -> None:
    st_ = KeywordStage([parse_term("*cunt*", "t"), parse_term("damn", "t")],
                       [parse_term("scunthorpe", "e"), parse_term("damn", "e")])
    assert st_.scan("Scunthorpe cunt damn") == [Match("cunt", "profanity", "medium", 11, 15)]


def test_csv_list(tmp_path: Path) -> None:
    p = tmp_path / "terms.csv"
    p.write_text("# comment\nterm,category,severity\nheck,profanity,low\n*gosh*,insult,high\n"
                 "darn\nheckle,exception,\n", encoding="utf-8")
    wl = load_list(p)
    assert [(t.spec, t.category, t.severity.value) for t in wl.terms] == [
        ("heck", "profanity", "low"), ("*gosh*", "insult", "high"), ("darn", "profanity", "medium")]
    assert [e.text for e in wl.exceptions] == ["heckle"]


def test_toml_list(tmp_path: Path) -> None:
    p = tmp_path / "terms.toml"
    p.write_text('exceptions = ["heckle"]\ncategory = "insult"\n\n[[term]]\nterm = "heck"\n'
                 'severity = "high"\n\n[[term]]\nterm = "darn"\ncategory = "profanity"\n', encoding="utf-8")
    wl = load_list(p)
    assert [(t.text, t.category, t.severity.value) for t in wl.terms] == [
        ("heck", "insult", "high"), ("darn", "profanity", "medium")]
    assert [e.text for e in wl.exceptions] == ["heckle"]


def test_txt_list(tmp_path: Path) -> None:
    p = tmp_path / "terms.txt"
    p.write_text("# my words\nheck\n\n!heckle\nkill yourself\n", encoding="utf-8")
    wl = load_list(p)
    assert [(t.text, t.category, t.severity.value) for t in wl.terms] == [
        ("heck", "profanity", "medium"), ("kill yourself", "profanity", "medium")]
    assert [e.text for e in wl.exceptions] == ["heckle"]


@pytest.mark.parametrize("name,content,message", [
    ("bad.csv", "term,category,severity\nheck,profanity,extreme\n", r"bad\.csv:2: severity must be"),
    ("bad.csv", "heck,Bad Category!,low\n", r"bad\.csv:1: category must be"),
    ("bad.csv", "heck,insult,low,extra\n", r"bad\.csv:1: expected term,category,severity"),
    ("bad.txt", "ok\n*\n", r"bad\.txt:2: empty term"),
    ("bad.toml", "[[term]]\nterm = 'heck'\nseverity = 'huge'\n", r"bad\.toml: term\[0\]:2: severity"),
    ("bad.toml", "[[term]\n", r"bad\.toml: invalid TOML"),
    ("bad.toml", "words = []\n", r"bad\.toml: unknown key"),
    ("bad.json", "{}", r"unknown word-list format"),
])
def test_bad_list_files_name_file_and_line(tmp_path: Path, name: str, content: str, message: str) -> None:
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_list(p)


def test_missing_list_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="word list not found: .*nope.csv"):
        load_list(tmp_path / "nope.csv")


def test_bad_regex_is_a_one_line_config_error() -> None:
    specs = [RegexSpec(pattern=r"\bok\b"), RegexSpec(pattern=r"\d+"), RegexSpec(pattern="(unclosed", name="x")]
    with pytest.raises(ConfigError) as info:
        RegexStage(specs)
    msg = str(info.value)
    assert msg.startswith("moderation.regexes[2] (name 'x'): invalid regex '(unclosed': ")
    assert "\n" not in msg


def test_regex_runs_on_normalized_text_with_original_spans() -> None:
    stage_ = RegexStage([RegexSpec(pattern=r"buy\s+\w+\s+now", name="spam", category="spam")])
    text = "Please B.U.Y   cheap  NOW!"
    (m,) = stage_.scan(text)
    assert (m.term, m.category, m.stage) == ("spam", "spam", "regex")
    assert text[m.start:m.end] == "B.U.Y   cheap  NOW"


def test_build_text_stages_from_settings(tmp_path: Path) -> None:
    listed = tmp_path / "extra.txt"
    listed.write_text("gosh\n", encoding="utf-8")
    cfg = ModerationSettings(
        lists=[listed], terms=[TermSpec(term="heck*", category="mild", severity="low")],
        exceptions=["heckle", "damn"], regexes=[RegexSpec(pattern=r"\bacme\b", name="brand")])
    keywords, phrases, regex = build_text_stages(cfg)
    assert isinstance(keywords, KeywordStage) and isinstance(regex, RegexStage)
    assert isinstance(phrases, PhraseStage) and phrases.name == "phrases"  # shipped with the default list
    found = {(m.term, m.category) for m in keywords.scan("heckfire gosh damn heckle fuck")}
    assert found == {("heck", "mild"), ("gosh", "profanity"), ("fuck", "profanity")}
    assert [m.term for m in regex.scan("ACME inc")] == ["brand"]


def test_build_without_default_list() -> None:
    cfg = ModerationSettings(use_default_list=False, terms=[TermSpec(term="heck")])
    (keywords,) = build_text_stages(cfg)
    assert keywords.scan("fuck heck")[0].term == "heck"
    assert build_text_stages(ModerationSettings(use_default_list=False)) == []


def test_missing_list_in_settings_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="word list not found"):
        build_text_stages(ModerationSettings(lists=[tmp_path / "missing.toml"]))


def test_default_list_rows_are_valid() -> None:
    wl = load_list(DEFAULT_LIST)
    assert len(wl.terms) > 500 and len(wl.exceptions) > 50
    cats = {t.category for t in wl.terms}
    assert cats <= {"profanity", "insult", "slur", "sexual", "threat", "self-harm"}
    assert all(isinstance(t, Term) for t in wl.terms)


def _f1(pred: list[bool], gold: list[bool]) -> float:
    tp = sum(p and g for p, g in zip(pred, gold))
    fp = sum(p and not g for p, g in zip(pred, gold))
    fn = sum(g and not p for p, g in zip(pred, gold))
    return 2 * tp / (2 * tp + fp + fn)


@pytest.mark.skipif(not (SHARED / "data" / "moderation").is_dir(), reason="../shared data not present")
def test_default_list_quality_on_labeled_data(stage: KeywordStage) -> None:
    with (SHARED / "data" / "moderation" / "surge_toxicity_en.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    pred = [bool(m) for m in stage.scan_many(r["text"] for r in rows)]
    assert _f1(pred, [r["is_toxic"] == "Toxic" for r in rows]) >= 0.6


@pytest.mark.parametrize("text,term", [
    ("you are a shi+", "shit"), ("cun+", "cunt"), ("+w@t", "twat"), ("51u+", "slut"),  # "+" as t at an edge
    ("sh!!!t", "shit"), ("pr!!!ck", "prick"), ("8!7ch", "bitch"), ("$h111+", "shit"),  # runs and digit-led leet
    ("d1#k", "dick"), ("s%1t", "shit"), ("you s%i+ ok", "shit"), ("w%0r3", "whore"),  # masks beside leet
    ("up her @55 now", "ass"), ("More 1!bturd lunacy", "libturd"), ("you !diot", "idiot"),  # leading leet
    ("a piece of 5-h-1-+, greedy", "shit"), ("you dip5h177777", "dipshit"), ("up my @$$.", "ass"),
    ("my 4$55555.", "ass"), ("a 4444ss", "ass"), ("you 4ss", "ass"), ("jerk 0ff", "jerk off"),
    ("5.h.1.t", "shit"), ("c u n 7", "cunt"), ("d-1-c-k", "dick"), ("@ s s h 0 l 3", "asshole"),  # leet, spelled out
    ("such a c o c k", "cock"), ("what a p u s s y", "pussy"), ("such a p u 5 5 y", "pussy"),  # "a" stays a word
    ("btch", "btch"), ("a bstrd", "bstrd"), ("pssy", "pssy"),  # vowels dropped
    ("f uck off", "fuck"), ("you cun t", "cunt"),  # a lone letter split off
])
def test_combined_obfuscations(stage: KeywordStage, text: str, term: str) -> None:
    assert term in terms_in(stage, text), text


@pytest.mark.parametrize("text", [
    "C++ and Notepad++", "Disney+ and Apple TV+", "LGBTQ+ rights", "I got an A+", "v1.2.3 is out",
    "1, 3, 5, 7", "x = a**b", "wait!!!what", "a|b|c", "item#3 and no#1", "p@ss w0rd", "h4x0r sk1llz",
    "a 1 b 3", "i 4 u", "c3po and r2d2", "100% sure", "such a c o o l day",
    "Pussy Riot performed in Moscow", "the Shittu family moved in", "a Maine Coon cat", "a coon cat",
    "The cock crowed at dawn", "retard the ignition timing", "hoe the garden", "faggots and peas",
    "I can't watch it", "it's hit or miss", "Ushishi Theme", "I'd like a u-turn", "it costs $55 now",
    "#1 fan", "wow!!! great", "!important", "1.0.3.b release", "the channel hit 900k subscribers",
    "salary 600K", "Boeing 717s", "push177 now", "+watch the diff", "flour +water +salt",
    "commit d445a53ef9678c4cb9", "(0x2F967, x)", "color: #f967ba;", "bought 100 shares @55.20", "ping @555", "the 1000s of fans", "costs 4$ each", "3d print", "the 1st one", "a 4k tv", "at 5pm", "a 5g phone",
    "Click the B icon to make text bold", "I like rap e.g. Kendrick", "plot the dark y values",
])
def test_leet_lookalikes_stay_clean(stage: KeywordStage, text: str) -> None:
    assert not stage.scan(text), text


def test_one_word_read_two_ways_is_one_match(stage: KeywordStage) -> None:
    assert [(m.term, m.start, m.end) for m in stage.scan("such a 1 d i o t")] == [("idiot", 7, 16)]
    assert {m.term for m in stage.scan("f u 4 ever")} == {"f u"}  # the text as written is read too


def test_a_match_names_the_plain_spelling_of_a_listed_leet_term() -> None:
    terms = [parse_term("5h17", "t", "profanity"), parse_term("shit", "t", "profanity")]
    assert {m.term for m in KeywordStage(terms).scan("shit and shiit")} == {"shit"}
    reversed_order = KeywordStage(terms[::-1])
    assert {m.term for m in reversed_order.scan("shit and shiit")} == {"shit"}
