"""The shipped phrase patterns: shapes of threats, self-harm, grooming, hate and insults, their
trigger-word gate, and the look-back that drops denied or reported matches."""

from __future__ import annotations

import pytest

from moderation.config import ModerationSettings, RegexSpec
from moderation.keywords import KeywordStage, build_text_stages
from moderation.negation import drop_turned
from moderation.phrasebook import PHRASES, Phrase
from moderation.phrases import DEFAULT_PATTERNS, PhraseStage
from moderation.regexes import RegexStage
from moderation.types import Match


@pytest.fixture(scope="module")
def stage() -> PhraseStage:
    return PhraseStage()


@pytest.fixture(scope="module")
def stages() -> list[KeywordStage | RegexStage]:
    return build_text_stages(ModerationSettings())  # type: ignore[return-value]


def _found(stages: list[KeywordStage | RegexStage], text: str) -> list[Match]:
    return [m for s in stages for m in s.scan(text)]


EXAMPLES = [(p, ex) for p in PHRASES for ex in p.examples]


@pytest.mark.parametrize("phrase,text", EXAMPLES, ids=[f"{p.name}:{ex[:30]}" for p, ex in EXAMPLES])
def test_every_example_is_found_through_the_gate(stage: PhraseStage, phrase: Phrase, text: str) -> None:
    alone = RegexStage([RegexSpec(pattern=phrase.pattern, name=phrase.name, category=phrase.category,
                                  severity=phrase.severity)])
    assert alone.scan(text), (phrase.name, text)
    assert phrase.name in [m.term for m in stage.scan(text)], (phrase.name, text)


def test_every_pattern_has_an_example_and_compiles() -> None:
    assert all(p.examples for p in PHRASES)
    RegexStage(DEFAULT_PATTERNS)  # raises on a bad pattern


# Innocent texts that share the words and shapes of the patterns.
INNOCENT = [
    "I'll shoot you an email tomorrow", "I'll hang you a picture on the wall", "I'll burn you a copy",
    "I'd never hurt you", "I'm not going to hurt you", "I just die laughing every time", "live and die by the sword",
    "Live, die, repeat", "from sympy.stats import Normal, Die, entropy", "never drink bleach",
    "it is dangerous to drink bleach", "He ran 10 kms yesterday", "I'm thinking about suicide prevention research",
    "you're a lifesaver", "I hope you don't die of boredom", "I cut myself while cooking",
    "kill the process and restart", "the parent process dies when the child exits", "break a leg tonight!",
    "you killed it on stage", "this traffic is killing me", "I'm dying to see it", "knock 'em dead",
    "I'll hit you up later", "the suspect was shot by police", "he was hanged in 1946",
    "cut the onions and burn the garlic slightly", "I'll beat you at chess next time",
    "we'll end the meeting at five", "take your time", "are you alone in feeling this way?",
    "what are you wearing to the wedding?", "the team would be better off without me in the office? no",
    "not all Muslims are terrorists", "it's a myth that immigrants are criminals",
    "women are underrepresented in engineering", "old people are wise", "go back to the main menu",
    "you're not stupid or ugly", "please don't kill yourself, you have so much to live for",
    "if you're thinking about suicide, you are not alone. Call or text 988",
    "I hear that you want to die, and I'm here with you", "if you feel suicidal, call 988",
    "how do I help a friend who says they want to die?", "my friend told me to kill myself, should I report it?",
    "my coworker keeps calling me stupid, how do I handle it?", "Suicidal ideation is a symptom of depression",
    "I don't want to die", "nobody deserves to die like that", "you don't deserve to die",
    "Take your shirt off the chair", "I don't want to live in London", "I took a bunch of pills for my cold",
    "I'm going to kill you in the next round", "I'm gonna murder you in Mario Kart tonight",
    "I'll hunt you down in the battle royale",
]


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_look_alikes_are_allowed(stages: list[KeywordStage | RegexStage], text: str) -> None:
    assert _found(stages, text) == [], text


# Denial, reported speech and someone else's pain turn a match around; these do not.
STILL_FLAGGED = [
    ("why don't you do everyone a favor and die", "threat"), ("why not kill yourself", "threat"),
    ("don't be a coward, kill yourself", "threat"), ("I want to die", "self-harm"),
    ("you know I want to die", "self-harm"), ("I'm telling you to kill yourself", "threat"),
    ("I've never met anyone as worthless as you", "insult"), ("you are not human, you are vermin", "insult"),
    ("I don't want to live anymore", "self-harm"), ("all immigrants are vermin", "hate"),
    ("I will kill you at the game tonight", "threat"), ("I'll stab you at the match", "threat"),
]


@pytest.mark.parametrize("text,category", STILL_FLAGGED)
def test_turns_keep_what_they_should(stages: list[KeywordStage | RegexStage], text: str, category: str) -> None:
    assert category in {m.category for m in _found(stages, text)}, text


def test_gate_and_turns_change_nothing_else(stage: PhraseStage) -> None:
    """The gated stage finds what every pattern run on every text (then turned) finds."""
    plain = RegexStage(DEFAULT_PATTERNS, name="phrases")
    texts = [ex for _, ex in EXAMPLES] + INNOCENT + [t for t, _ in STILL_FLAGGED] + [
        "I'll k1ll you", "i w i l l kill you", "I'LL SHOOT YOU", "ｉ’ｌｌ ｓｈｏｏｔ ｙｏｕ", "i'll shooooot you",
        "i’m going to cut myself tonight", "Ｉ ｗａｎｎａ ｋｍｓ", "",
    ]
    for text in texts:
        assert stage.scan(text) == drop_turned(text, plain.scan(text)), text


def test_obfuscated_phrases_are_read(stage: PhraseStage) -> None:
    for text in ("I'll sh00t you", "i'll $h00t u", "I will k.i.l.l you", "you should just d1e", "I wanna k m s"):
        assert stage.scan(text), text


def test_spans_cover_the_phrase_in_the_original(stage: PhraseStage) -> None:
    text = "ok. I’m gonna BREAK your legs!"
    (m,) = stage.scan(text)
    assert text[m.start:m.end] == "I’m gonna BREAK your legs" and m.category == "threat"


def test_shipped_with_the_default_list_only() -> None:
    assert any(isinstance(s, PhraseStage) for s in build_text_stages(ModerationSettings()))
    assert not any(isinstance(s, PhraseStage) for s in build_text_stages(ModerationSettings(use_default_list=False)))


def test_a_long_text_is_scanned_in_overlapping_parts(stage: PhraseStage) -> None:
    """Every phrase is found once, with its span, wherever the parts of a long text begin and
    end; denials are read with the whole text (a denial just before a part boundary counts)."""
    words = "the weather was mild and the meeting ran long as usual".split()
    threat, denied = "I'm going to break your legs", "please don't kill yourself"
    text, expected = "", []
    for k in range(400):  # phrases close together: some straddle every part boundary
        text += " ".join(words[:k % 11 + 1]) + ". "
        if k % 4:
            expected.append((len(text), len(text) + len(threat)))
            text += threat + ". "
        else:
            text += denied + ". "
    assert len(text) > 15_000
    found = stage.scan(text)
    assert [(m.start, m.end) for m in found] == expected
    assert all(text[m.start:m.end] == threat for m in found)
