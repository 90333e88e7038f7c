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

__all__ = ["TURNED_CATEGORIES", "drop_turned", "is_quoted", "is_turned"]

# category -> (words looked back at, also dropped when said of someone else): self-harm only,
# as threats are about "you". Insults are read on the two words before them (_insult_turned):
# only "not" denies one ("not stupid", "not an idiot"); "I don't like that c***" and "isn't the
# dumbest" still insult.
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
# Substrings of every word in _NEGATORS and _REPORTING: a cheap first look at the lower-cased
# text before a match (most matches have none of them nearby).
_HINTS = ("n't", "n’t", "dont", "wont", "dnt", "isnt", "rent", "snt", "aint", "no", "never", "myth", "stereotype",
          "untrue", "misconception", "wrong", "told", "tell", "said", "say", "call", "text", "messag", "wrote",
          "writ", "ask")
_CLAUSE_CHARS = frozenset(".!?;:,()[]\"“”\n")
# Right after a threat: it is about a game ("… in the next round", "… at chess", "… in Mario Kart").
_GAMES = (r"fortnite|minecraft|mario kart|chess|battle royale|pvp|warzone|valorant|overwatch|smash|tekken|"
          r"hide and seek|paintball|laser tag|dodgeball|trivia|scrabble|monopoly|uno|poker|call of duty")
_IN_A_GAME = re.compile(
    r"[ ,]*(?:\w+ ){0,3}?(?:(?:in|during) (?:the |this |our |a |the next |next |tonight'?s )?(?:next )?"
    rf"(?:round|rounds|game|games|match|level|raid|lobby|multiplayer|arena|tournament|ranked|{_GAMES})"
    rf"|at (?:{_GAMES})|(?:the )?next (?:round|game|match|level|raid))\b", re.IGNORECASE)
_SELF = frozenset({"i", "i'm", "im", "i've", "ive", "i'll", "i'd", "me", "my", "myself", "we", "we're", "us"})
_OTHER = frozenset({
    "you", "u", "you're", "youre", "ur", "your", "they", "they're", "theyre", "them", "he", "she", "he's",
    "she's", "hes", "shes", "someone", "somebody", "anyone", "anybody", "friend", "people", "person",
    "who", "kids", "teens", "everyone",
})


# Before a reporting verb: its subject is someone else ("anyone who tells you to …").
_THIRD = frozenset({"who", "anyone", "someone", "somebody", "whoever", "people", "they", "he", "she", "troll",
                    "trolls", "bully", "bullies"})
# A threat or self-harm match in quotation marks, with one of these words outside them, is
# quoted, not said: "a troll said 'kys'", "'go die' is what the harasser wrote".
_QUOTING = frozenset("""said says say saying wrote writes written yelled yells shouted screamed texted posted
commented typed messaged replied whispered called calls calling told tells asked word words term phrase
means lyrics line reads""".split())
_QUOTABLE = frozenset({"threat", "self-harm"})
_OPEN_QUOTES = "'\"‘“"
_CLOSE_QUOTES = "'\"’”"


def is_quoted(text: str, m: Match) -> bool:
    """Is threat or self-harm match `m` inside quotation marks that the words around them report
    or talk about? (Quoted slurs, insults and sexual words are still those words, sent.)"""
    if m.category not in _QUOTABLE:
        return False
    head = text[max(0, m.start - 60):m.start]
    i = max(map(head.rfind, _OPEN_QUOTES))
    if i < 0 or (i > 0 and head[i - 1].isalnum()) or any(ch in head[i + 1:] for ch in ".!?\n"):
        return False  # no opening quote in this sentence (an apostrophe inside a word is none)
    tail = text[m.end:m.end + 60]
    j = min((k for k in map(tail.find, _CLOSE_QUOTES) if k >= 0), default=-1)
    if j < 0 or (j + 1 < len(tail) and tail[j + 1].isalnum()) or any(ch in tail[:j] for ch in "\n"):
        return False
    outside = head[:i] + " " + tail[j + 1:]
    return not _QUOTING.isdisjoint(_WORD.findall(outside.lower().replace("’", "'")))


def _words_before(text: str, start: int, window: int) -> list[str]:
    """The last `window` words of the clause that ends at `start`, nearest last."""
    head = text[max(0, start - 80):start]
    cut = None
    for cut in _CLAUSE.finditer(head):
        pass
    if cut is not None:
        head = head[cut.end():]
    return _WORD.findall(head.lower().replace("’", "'"))[-window:]


def _insult_turned(text: str, start: int) -> bool:
    """An insult is denied by "not" just before it ("not stupid", "not an idiot") and reported by
    "calling me" / "told him" just before it; decided on the two words before, within the clause."""
    near = text[max(0, start - 30):start].lower().split()[-2:]
    for i in range(len(near) - 1, -1, -1):  # a clause mark ends the look-back there
        if not _CLAUSE_CHARS.isdisjoint(near[i]):
            rest = near[i][max(near[i].rfind(ch) for ch in _CLAUSE_CHARS if ch in near[i]) + 1:]
            near = ([rest] if rest else []) + near[i + 1:]
            break
    if not near:
        return False
    if near[-1] == "not":
        return True
    return len(near) == 2 and ((near[0] == "not" and near[1] in _NOT_JUST_BEFORE)
                               or (near[0] in _REPORTING and near[1] in _REPORTED_TO))


# A mild insult word aimed at the writer ("I'm such an idiot", "I feel so dumb") or at a thing
# ("this stupid printer", "a dumb question", "dumb luck") insults no one; "the dumbest statement"
# and "these dumb degenerates" still do.
_SELF_SUBJECT = _SELF - {"my", "we", "we're", "us"}  # "my stupid brother" is about someone else
_YOU = _OTHER | {"ya", "yo", "his", "her", "their", "him"}
_PRONOUNS = _SELF_SUBJECT | _YOU
_THING_ADJECTIVES = frozenset({"stupid", "dumb", "dumber", "dumbest", "stupidest", "silly"})
_THINGS = frozenset("""question questions mistake mistakes luck idea thing things bug bugs error errors typo
printer computer laptop phone car autocorrect app website machine weather traffic alarm cat dog""".split())
_NEXT_WORD = re.compile(r"\W*([a-z]+)")


def _mild_put_down(text: str, m: Match) -> bool:
    head = text[max(0, m.start - 40):m.start].lower().replace("’", "'")
    near = [w.strip(".,!?;:\"()") for w in head.split()[-5:]]  # cheap: most heads hold no pronoun
    if not _PRONOUNS.isdisjoint(near):
        words = _WORD.findall(head[max(map(head.rfind, ".!?;,:\n")) + 1:])[-4:]
        for w in reversed(words):  # the nearest pronoun says who is meant ("so" does not end it here)
            if w in _YOU:
                return False
            if w in _SELF_SUBJECT:
                return True
    if m.term not in _THING_ADJECTIVES:
        return False
    after = _NEXT_WORD.match(text[m.end:m.end + 24].lower())
    return after is not None and after.group(1) in _THINGS and _YOU.isdisjoint(near)


def is_turned(text: str, m: Match) -> bool:
    """Is match `m` of `text` denied, or (self-harm) said of someone else?"""
    rule = TURNED_CATEGORIES.get(m.category)
    if rule is None:
        return False
    if m.category == "insult":  # the commonest case: two words decide it
        return _insult_turned(text, m.start) or (m.severity == "low" and _mild_put_down(text, m))
    window, other_too = rule
    if m.category == "threat" and _IN_A_GAME.match(text, m.end, m.end + 60):
        return True  # "I'm gonna kill you in the next round": a game, not a threat
    if not other_too:  # decided cheaply when no denial or reporting word is anywhere near
        head = text[max(0, m.start - 48):m.start].lower()
        if not any(h in head for h in _HINTS):
            return False
    words = _words_before(text, m.start, window + 1)  # one more: "why" before "don't"
    near = words[-window:]
    if any(a in _REPORTING and b in _REPORTED_TO for a, b in zip(near, near[1:])):
        return True
    if any(a in _THIRD and b in _REPORTING for a, b in zip(words, words[1:])):
        return True  # "anyone who tells you to kill yourself": someone else's words
    for i, w in enumerate(words):
        if w in _NEGATORS and (i > 0 or len(words) <= window) and not (
                i > 0 and words[i - 1] in ("why", "if")  # "why don't you ...", "if not"
                or i + 1 < len(words) and words[i + 1] in _NOT_DENIAL):  # "don't forget to ..."
            return True
    if not other_too:
        return False
    own = _WORD.match(text[m.start:m.end].lower().replace("’", "'"))
    if own is not None and own.group() in _SELF:
        return False  # "I'm going to hurt myself": the match names its own subject
    for w in reversed(near):  # the nearest pronoun says whose pain it is
        if w in _SELF:
            return False
        if w in _OTHER:
            return True
    return False


def drop_turned(text: str, found: Sequence[Match]) -> list[Match]:
    """`found` without the matches that the words before them deny or give to someone else, or
    that are quoted ("a troll said 'kys'")."""
    quotes = "'" in text or '"' in text or "‘" in text or "“" in text
    return [m for m in found if not is_turned(text, m) and not (quotes and is_quoted(text, m))]
