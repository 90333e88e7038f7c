"""Matches that the words just before them turn around: "please don't kill yourself", "I'd
never hurt you", "you're not stupid" deny what they name; "he told me to kill myself" reports
someone else's words; "if you feel suicidal" or "a friend says they want to die" speak of
someone else's pain, not the writer's.

A keyword list reads those like the threat or insult itself, and holding a supportive reply
("if you're thinking about suicide, call 988") delays help. Only categories where that matters
are looked at; slurs, profanity and sexual terms stay flagged whatever comes before them. The
look-back stays inside the clause (a comma, "but" or sentence end stops it) and is three words
long, so "don't be a coward, kill yourself" still counts.
"""

from __future__ import annotations

import re
from typing import Sequence

from moderation.types import Match

__all__ = ["TURNED_CATEGORIES", "drop_turned", "is_turned"]

# category -> (words looked back at, also dropped when said of someone else): self-harm only,
# as threats are about "you". An insult is denied only by a "not" just before it ("not stupid",
# "not an idiot"): "I don't like that cunt" and "isn't the dumbest" still insult.
TURNED_CATEGORIES = {"threat": (3, False), "self-harm": (3, True), "insult": (2, False), "hate": (3, False)}
_NOT_DENIAL = frozenset({"forget", "hesitate", "wait", "be", "stop", "fear"})
_NOT_JUST_BEFORE = frozenset({"a", "an", "so", "that", "the", "too", "really", "at"})
_CLAUSE = re.compile(r"[.!?;:,\n()\[\]\"“”]|\bbut\b|\band\b|\bso\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?")
_NEGATORS = frozenset({
    "don't", "dont", "not", "never", "shouldn't", "shouldnt", "won't", "wont", "wouldn't", "wouldnt",
    "didn't", "didnt", "isn't", "isnt", "aren't", "arent", "no", "nobody", "noone", "nor", "mustn't",
    "doesn't", "doesnt", "ain't", "myth", "stereotype", "stereotypes", "untrue", "misconception", "wrong",
})
# "told me to kill myself", "keeps calling me stupid": someone else's words, reported.
_REPORTING = frozenset({
    "told", "tell", "tells", "telling", "said", "says", "saying", "called", "calls", "calling", "call", "texted",
    "messaged", "wrote", "writes", "asked", "asks", "asking",
})
_REPORTED_TO = frozenset({"me", "him", "her", "them", "us", "people", "someone", "others", "everyone"})
_SELF = frozenset({"i", "i'm", "im", "i've", "ive", "i'll", "i'd", "me", "my", "myself", "we", "we're", "us"})
_OTHER = frozenset({
    "you", "u", "you're", "youre", "ur", "your", "they", "they're", "theyre", "them", "he", "she", "he's",
    "she's", "hes", "shes", "someone", "somebody", "anyone", "anybody", "friend", "people", "person",
    "who", "kids", "teens", "everyone",
})


def _words_before(text: str, start: int, window: int) -> list[str]:
    """The last `window` words of the clause that ends at `start`, nearest last."""
    head = text[max(0, start - 80):start]
    cut = None
    for cut in _CLAUSE.finditer(head):
        pass
    if cut is not None:
        head = head[cut.end():]
    return _WORD.findall(head.lower().replace("’", "'"))[-window:]


def is_turned(text: str, m: Match) -> bool:
    """Is match `m` of `text` denied, or (self-harm) said of someone else?"""
    rule = TURNED_CATEGORIES.get(m.category)
    if rule is None:
        return False
    window, other_too = rule
    words = _words_before(text, m.start, window + 1)  # one more: "why" before "don't"
    near = words[-window:]
    if any(a in _REPORTING and b in _REPORTED_TO for a, b in zip(near, near[1:])):
        return True
    if m.category == "insult":
        return bool(words) and (words[-1] == "not" or (
            len(words) > 1 and words[-2] == "not" and words[-1] in _NOT_JUST_BEFORE))
    for i, w in enumerate(words):
        if w in _NEGATORS and (i > 0 or len(words) <= window) and not (
                i > 0 and words[i - 1] in ("why", "if")  # "why don't you ...", "if not"
                or i + 1 < len(words) and words[i + 1] in _NOT_DENIAL):  # "don't forget to ..."
            return True
    words = near
    if not other_too:
        return False
    own = _WORD.match(text[m.start:m.end].lower().replace("’", "'"))
    if own is not None and own.group() in _SELF:
        return False  # "I'm going to hurt myself": the match names its own subject
    for w in reversed(words):  # the nearest pronoun says whose pain it is
        if w in _SELF:
            return False
        if w in _OTHER:
            return True
    return False


def drop_turned(text: str, found: Sequence[Match]) -> list[Match]:
    """`found` without the matches that the words before them deny or give to someone else."""
    return [m for m in found if not is_turned(text, m)]
