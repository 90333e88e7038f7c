"""The shipped phrase patterns as a stage: threats, death wishes, self-harm, grooming, hate and
insults that no single word gives away ("I'm going to break your legs", "nobody would miss you").

A keyword list names phrases one by one; moderation.phrasebook names their shapes instead, so
the many ways of saying one threat are caught. The patterns run as a regex stage on every
normalized spelling (leet, look-alikes and separators already undone) and ship with the default
list (`moderation.use_default_list`). Matches that the words before them deny or give to someone
else ("please don't kill yourself", "if you feel suicidal") are dropped (moderation.negation).
"""

from __future__ import annotations

import re
from dataclasses import replace

from moderation.config import RegexSpec
from moderation.folding import fold, same_length_readings
from moderation.negation import drop_turned
from moderation.normalize import has_split_letters, normalize_folded
from moderation.phrasebook import PHRASES
from moderation.regexes import RegexStage
from moderation.types import Match

__all__ = ["DEFAULT_PATTERNS", "PhraseStage"]

DEFAULT_PATTERNS: list[RegexSpec] = [
    RegexSpec(pattern=p.pattern, name=p.name, category=p.category, severity=p.severity) for p in PHRASES
]
_WORD = re.compile("[a-z]+|[0-9]+")
# Texts longer than this are scanned in parts overlapping by more than any phrase is long.
_CHUNK, _OVERLAP = 4000, 400
# What normalizing could turn into other letters: leet beside letters, runs of one letter.
_MAY_SPELL = re.compile(r"[a-z][0-9@$!|+(]|[0-9@$!|+(][a-z]|([a-z])\1\1")


class PhraseStage(RegexStage):
    """Most texts hold none of the words a pattern needs (a violent verb, "myself", "dead"...),
    so a pattern runs only on spellings that hold one of its trigger words: one pass over the
    words instead of every pattern over every text."""

    def __init__(self) -> None:
        super().__init__(DEFAULT_PATTERNS, name="phrases", setting="moderation.phrases")
        # word of an alternative's first group -> (pattern, the alternative's other groups)
        self._by_word: dict[str, list[tuple[int, tuple[frozenset[str], ...]]]] = {}
        for i, phrase in enumerate(PHRASES):
            for alternative in phrase.triggers.split("|"):
                first, *rest = (frozenset(group.split()) for group in alternative.split("&"))
                for word in first:
                    self._by_word.setdefault(word, []).append((i, tuple(rest)))

    def _wanted(self, text: str) -> set[int]:
        words = set(_WORD.findall(text))
        wanted: set[int] = set()
        by_word = self._by_word
        for word in words:
            for i, rest in by_word.get(word, ()):
                if i not in wanted and all(not group.isdisjoint(words) for group in rest):
                    wanted.add(i)
        return wanted

    def _patterns_for(self, text: str) -> list[tuple[re.Pattern[str], str, RegexSpec]]:
        return [self._compiled[i] for i in sorted(self._wanted(text))]

    def scan(self, text: str) -> list[Match]:
        text = same_length_readings(text)  # spans index the text as given
        if len(text) <= _CHUNK:
            found = self._scan_part(text)
        else:
            found = self._scan_long(text)
        return drop_turned(text, found) if found else found

    def _scan_part(self, text: str) -> list[Match]:
        # Plain ASCII that holds no trigger word, and nothing that normalizing could turn into
        # letters (leet, repeated letters, letters split apart), has no match: skip normalizing.
        folded, starts, ends = fold(text)
        if folded.isascii() and not self._wanted(folded) and _MAY_SPELL.search(folded) is None and (
                not has_split_letters(folded)):
            return []
        return self.scan_normalized(normalize_folded(folded, starts, ends, len(text)))  # folded once

    def _scan_long(self, text: str) -> list[Match]:
        """A long text in overlapping parts: a phrase is short, while every pattern over every
        spelling of a whole book would cost minutes and gigabytes."""
        seen: dict[tuple[int, int, str], Match] = {}
        n = len(text)
        start = 0
        while True:
            end = min(n, start + _CHUNK)
            if end < n:  # end at a space, so no word is cut
                space = text.rfind(" ", start + _CHUNK // 2, end)
                end = space if space > 0 else end
            for m in self._scan_part(text[start:end]):
                key = (m.start + start, m.end + start, m.term)
                seen.setdefault(key, replace(m, start=key[0], end=key[1]))
            if end >= n:
                break
            nxt = text.find(" ", end - _OVERLAP, end)
            start = nxt + 1 if nxt >= 0 else end - _OVERLAP
        return sorted(seen.values(), key=lambda m: (m.start, m.end))
