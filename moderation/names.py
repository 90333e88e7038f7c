"""Matches that are names, not words: "Dick Smith" is a person, "you dick" is not; "A55" is a
phone and "SH17" a number plate, "a55" and "5H1T" are leet.

A match of such a term is a name when it is written capitalised ("Dick", not "dick" or "DICK"),
is followed by one space and a capitalised surname (optionally after an initial: "Dick B.
Smith"), and is not preceded by a word that makes it a noun ("a Dick", "you Dick", "big Dick").
The heuristic only ever drops matches of NAME_TERMS, so every other term keeps its recall.

A code is an upper-case token of one or two letters and digits on one side of them (A55, AS5,
4SS, SH17), or up to four letters and a number joined by a hyphen (a part number, FCK-200): leet
words mix their digits in (B1TCH, 5H1T) or are written in lower case (a55).
"""

from __future__ import annotations

import re

__all__ = ["NAME_TERMS", "has_identifier", "in_identifier", "is_code", "is_name"]

NAME_TERMS = frozenset({"dick"})
_SURNAME = re.compile(r" (?:[A-Z]\. )?(?:Mc|Mac|O')?[A-Z][a-z]{2,}\b(?![-'])")
_CODE = re.compile(r"[A-Z]{1,2}[0-9]+|[0-9]+[A-Z]{1,2}|[A-Z]{1,4}-[0-9]+|[0-9]+-[A-Z]{1,4}")
# URLs, e-mail addresses and bare domains name things; their words are not said to anyone
# (dick.smith@example.com, whorepresents.com).
_IDENTIFIER = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
                         r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|co|uk|de|ru|info|me|tv|gg|app|dev|ai)\b(?:/\S*)?",
                         re.IGNORECASE)
_TLD = re.compile(r"\.(?:com|org|net|io|co|uk|de|ru|info|me|tv|gg|app|dev|ai)\b")
_PREVIOUS = re.compile(r"([A-Za-z']+)\W*$")
# Words before a name-like "Dick" that make it the insult or the body part.
_NOUN_MARKERS = frozenset({
    "a", "an", "the", "you", "u", "ur", "your", "yo", "such", "what", "big", "little", "small",
    "fat", "huge", "tiny", "stupid", "dumb", "this", "that", "these", "those", "my", "his", "her",
    "their", "our", "suck", "sucking", "sucks", "like", "of", "total", "absolute", "massive",
})


def is_name(text: str, start: int, end: int) -> bool:
    """True when text[start:end] reads as a first name: followed by a surname ("Dick Smith"),
    after a title or a word that greets or names someone ("Uncle Dick", "Thanks, Dick!", "ask Dick",
    "Tom, Dick and Harry"), quoted ("Richard 'Dick' Smith"), a business ("Dick's Drive-In"), or
    addressed at the start with a question or request ("Dick, can you send the report?")."""
    word = text[start:end]
    if len(word) < 2 or not (word[0].isupper() and word[1:].islower()):
        return False
    head = text[max(0, start - 40):start]
    before = _PREVIOUS.search(head)
    prev = None if before is None else before.group(1).lower()
    if _SURNAME.match(text, end) or _AND_NAME.match(text, end):
        return prev not in _NOUN_MARKERS
    if before is not None and prev in _NAME_BEFORE and head[before.end(1):].strip() in ("", ","):
        return True
    if 0 < start and end < len(text) and text[start - 1] in _QUOTES and text[end] in _QUOTES:
        return True
    if text.startswith("'s ", end) and text[end + 3:end + 4].isupper():
        return prev not in _OWNERS
    return start <= 16 and not text[:start].strip() and _ADDRESSED.match(text, end) is not None

# Words before a capitalised "Dick" that make it a name: titles, kin, greetings, verbs naming someone.
_NAME_BEFORE = frozenset({
    "uncle", "grandpa", "grandad", "granddad", "grandfather", "cousin", "brother", "mr", "mister", "sir", "fort",
    "saint", "st", "thanks", "thank", "dear", "hi", "hello", "cheers", "ask", "asked", "tell", "told", "named",
    "nicknamed", "called", "cc", "ping", "email", "e-mail", "tom", "old",
})
_OWNERS = frozenset({"you", "u", "ur", "your", "my", "his", "her", "their", "our", "suck", "sucking", "a"})
_QUOTES = frozenset("'\"‘’“”")
_AND_NAME = re.compile(r",? and [A-Z][a-z]+\b")
# "Dick, can you …": a name addressed with a question or a request at the start of the text.
_ADDRESSED = re.compile(r", (?:can|could|would|will|please|do|did|are|have|when|what|where|how|is|i|we|"
                        r"thanks|thank|hope|just|let|let's|good|great|welcome)\b", re.IGNORECASE)


def is_code(text: str, start: int, end: int) -> bool:
    """True when the word around text[start:end] is a model, road or plate code (A55, SH17)."""
    a, b, n = start, end, len(text)
    while a > 0 and text[a - 1].isalnum():
        a -= 1
    while b < n and text[b].isalnum():
        b += 1
    if b - a <= 8 and _CODE.fullmatch(text, a, b) is not None:
        return True
    if b + 1 < n and text[b] == "-" and text[b + 1].isdigit():  # a part number: FCK-200
        b += 1
        while b < n and text[b].isdigit():
            b += 1
    elif a > 1 and text[a - 1] == "-" and text[a - 2].isdigit():  # 200-FCK
        a -= 1
        while a > 0 and text[a - 1].isdigit():
            a -= 1
    else:
        return False
    return b - a <= 10 and _CODE.fullmatch(text, a, b) is not None


def has_identifier(text: str) -> bool:
    """Might `text` hold a URL, e-mail address or bare domain? (One cheap look per text.)"""
    return "@" in text or "://" in text or "www." in text or _TLD.search(text) is not None


def in_identifier(text: str, start: int, end: int) -> bool:
    """Is text[start:end] inside a URL, e-mail address or bare domain? Only the run of
    non-space characters around it is looked at, so prose costs one scan of a short token."""
    a = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    b = min((i for i in (text.find(" ", end), text.find("\n", end)) if i >= 0), default=len(text))
    token = text[a:b]
    if "." not in token:
        return False
    return any(x <= start - a and end - a <= y for x, y in (m.span() for m in _IDENTIFIER.finditer(token)))
