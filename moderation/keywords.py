"""Keyword and operator-regex stages: Aho-Corasick over normalized text, spans in the original.

One automaton holds every term and every exception. A hit counts only at word boundaries
(letters on neither side, or the term's markers allow it) and, for plain terms, with at most a
common inflection after it. A hit lying inside an exception's match (Scunthorpe, cocktail,
shitake) is dropped. Every spelling variant from moderation.normalize is scanned, so both
"fuuuuck" → fuck and "asssss" → ass are found.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import re
from pathlib import Path
from typing import Iterable, Sequence

import ahocorasick

from moderation.config import ModerationSettings, RegexSpec
from moderation.normalize import (JOINABLE, RUN, Normalized, fold, joinable_at_start, normalize,
                                  normalize_folded, trigger_words)
from moderation.types import Match, Severity, Stage, StageResult
from moderation.wordlists import DEFAULT_LIST, EXCEPTION, Term, load_list, parse_term
from pipeline.types import ConfigError

__all__ = ["INFLECTIONS", "KeywordStage", "RegexStage", "build_text_stages", "load_terms"]

# Endings a plain term may take and still count: fucks, fucked, fucking, fuckin, fucker(s), bitchy.
INFLECTIONS = frozenset({"s", "es", "ed", "d", "ing", "in", "er", "ers", "r", "rs", "y", "ie", "ies",
                         "ier", "iest", "z", "ez"})
_MAX_SUFFIX = max(map(len, INFLECTIONS))
_MAX_EXTEND = 40  # longest compound a wildcard term reports as one word
_OFFLOAD_CHARS = 20_000  # batches larger than this leave the event loop
_SEV_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2}

_NONE, _ALPHA, _ALNUM = 0, 1, 2


def _edge_kind(ch: str) -> int:
    """What may not touch a term's edge: letters for a letter, letters or digits for a digit."""
    return _ALPHA if ch.isalpha() else _ALNUM if ch.isdigit() else _NONE


class _Entry:
    """One automaton value: a term or exception under one normalized key."""

    __slots__ = ("klen", "left", "right", "prefix_ok", "suffix_ok", "exact", "is_exception", "term")

    def __init__(self, key: str, term: Term, is_exception: bool) -> None:
        self.klen = len(key)
        self.left = _edge_kind(key[0])
        self.right = _edge_kind(key[-1])
        self.prefix_ok = term.prefix_ok
        self.suffix_ok = term.suffix_ok
        self.exact = term.exact
        self.is_exception = is_exception
        self.term = term


def _touches(ch: str, kind: int) -> bool:
    return ch.isalpha() if kind == _ALPHA else ch.isalnum() if kind == _ALNUM else False


def _key(term: Term) -> str:
    key = normalize(term.text).text.strip()
    if not key:
        raise ConfigError(f"{term.source}: term {term.text!r} is empty after normalization")
    return key


class KeywordStage:
    """Flags texts containing listed terms; matches carry the original span of the whole word."""

    def __init__(self, terms: Iterable[Term], exceptions: Iterable[Term] = (), *,
                 name: str = "keywords") -> None:
        self.name = name
        exc_list = list(exceptions)
        exc_keys = {_key(e) for e in exc_list}
        by_key: dict[tuple[str, bool, bool, bool], Term] = {}
        for term in terms:  # a later definition of the same term wins (operator lists come last)
            key = _key(term)
            if key not in exc_keys:
                by_key[(key, term.prefix_ok, term.suffix_ok, term.exact)] = term
        self.terms: list[Term] = list(by_key.values())
        self.exceptions: list[Term] = exc_list
        values: dict[str, list[_Entry]] = {}
        for (key, *_), term in by_key.items():
            values.setdefault(key, []).append(_Entry(key, term, False))
        for exc in exc_list:
            key = _key(exc)
            values.setdefault(key, []).append(_Entry(key, exc, True))
        # The normalizer's trigger words ride along, so a clean text needs a single pass:
        # a value is a tuple of entries, an int (trigger), or [entries, int] when a key is both.
        self._empty = not values
        self._auto = ahocorasick.Automaton()
        for key, trig in trigger_words():
            self._auto.add_word(key, [tuple(values.pop(key)), trig] if key in values else trig)
        for key, entries in values.items():
            self._auto.add_word(key, tuple(entries))
        self._auto.make_automaton()

    def __repr__(self) -> str:
        return f"KeywordStage(name={self.name!r}, terms={len(self.terms)}, exceptions={len(self.exceptions)})"

    def _hits(self, t: str, found: Iterable[tuple[int, object]] | None = None
              ) -> list[tuple[int, int, _Entry]]:
        """(word start, word end, entry) of each accepted hit in one normalized spelling."""
        hits: list[tuple[int, int, int, int, _Entry]] = []
        excs: list[tuple[int, int]] = []
        n = len(t)
        for last, value in self._auto.iter(t) if found is None else found:
            if type(value) is tuple:
                entries: tuple[_Entry, ...] = value
            elif type(value) is int:
                continue
            else:
                entries = value[0]  # type: ignore[index]
            j = last + 1
            for e in entries:
                i = j - e.klen
                start, stop = i, j
                if i > 0 and _touches(t[i - 1], e.left):
                    if not e.prefix_ok:
                        continue
                    floor = max(0, i - _MAX_EXTEND)
                    while start > floor and t[start - 1].isalpha():
                        start -= 1
                if j < n and (t[j].isalpha() or _touches(t[j], e.right)):
                    if e.suffix_ok or e.right == _NONE:
                        cap = min(n, j + _MAX_EXTEND)
                    elif e.exact:
                        continue
                    else:
                        cap = min(n, j + _MAX_SUFFIX + 1)
                    while stop < cap and t[stop].isalpha():
                        stop += 1
                    if not (e.suffix_ok or e.right == _NONE) and t[j:stop] not in INFLECTIONS:
                        continue
                if e.is_exception:
                    excs.append((start, stop))
                else:
                    hits.append((start, stop, i, j, e))
        if not excs:
            return [(s, x, e) for s, x, _, _, e in hits]
        # Drop hits inside an exception: sort exceptions by start, keep the running max of ends.
        excs.sort()
        starts = [a for a, _ in excs]
        reach = list(itertools.accumulate((b for _, b in excs), max))
        out = []
        for s, x, i, j, e in hits:
            k = bisect.bisect_right(starts, i) - 1
            if k < 0 or reach[k] < j:
                out.append((s, x, e))
        return out

    def _matches(self, variant: Normalized, hits: list[tuple[int, int, _Entry]],
                 best: dict[tuple[int, int], Match] | None = None) -> list[Match]:
        """Hits of one spelling → Matches with original spans, one per span."""
        if not hits and best is None:
            return []
        best = {} if best is None else best
        for s, x, e in hits:
            start, end = variant.span(s, x)
            old = best.get((start, end))
            if old is None or (_SEV_RANK[e.term.severity], len(e.term.text)) > (
                    _SEV_RANK[Severity(old.severity)], len(old.term)):  # most severe, then most specific
                best[(start, end)] = Match(e.term.text, e.term.category, e.term.severity.value,
                                           start, end, self.name)
        return sorted(best.values(), key=lambda m: (m.start, m.end))

    def scan_normalized(self, norm: Normalized) -> list[Match]:
        """Matches over every spelling of an already normalized text."""
        if self._empty:
            return []
        if not norm.variants:
            return self._matches(norm, self._hits(norm.text))
        best: dict[tuple[int, int], Match] = {}
        for variant in norm.all():
            self._matches(variant, self._hits(variant.text), best)
        return sorted(best.values(), key=lambda m: (m.start, m.end))

    def scan(self, text: str) -> list[Match]:
        """Matches in one text, spans in the original text."""
        t, starts, ends = fold(text)
        if starts is not None or not t.isascii() or self._empty:
            return self.scan_normalized(normalize_folded(t, starts, ends, len(text)))
        # Fast path: one pass finds terms and the normalizer's triggers together.
        found: list[tuple[int, object]] = []
        leet: list[int] = []
        kinds: set[int] = set()
        for last, value in self._auto.iter(t):
            if type(value) is tuple:
                found.append((last, value))
                continue
            trig = value if type(value) is int else value[1]
            if trig >= 0:
                leet.append(last - trig)
            else:
                kinds.add(trig)
            if type(value) is list:
                found.append((last, value))
        join = JOINABLE in kinds or joinable_at_start(t)
        if leet or kinds or join or "  " in t:
            leet.sort()
            return self.scan_normalized(normalize_folded(
                t, None, None, len(text), (leet, join, RUN in kinds)))
        return self._matches(Normalized(t, len(text)), self._hits(t, found))

    def scan_many(self, texts: Iterable[str]) -> list[list[Match]]:
        """Synchronous batch scan (benchmarks call this)."""
        scan = self.scan
        return [scan(t) for t in texts]

    def check_sync(self, texts: Sequence[str]) -> list[StageResult]:
        results = []
        for text in texts:
            matches = self.scan(text)
            results.append(StageResult(self.name, flagged=bool(matches), matches=matches))
        return results

    async def check(self, texts: Sequence[str]) -> list[StageResult]:
        if sum(len(t) for t in texts) > _OFFLOAD_CHARS:
            return await asyncio.to_thread(self.check_sync, texts)
        return self.check_sync(texts)


class RegexStage:
    """Operator regexes, run (case-insensitively) on every normalized spelling of a text."""

    def __init__(self, specs: Sequence[RegexSpec], *, name: str = "regex",
                 setting: str = "moderation.regexes") -> None:
        self.name = name
        self.specs = list(specs)
        self._compiled: list[tuple[re.Pattern[str], str, RegexSpec]] = []
        for i, spec in enumerate(self.specs):
            label = f"{setting}[{i}]" + (f" (name {spec.name!r})" if spec.name else "")
            try:
                pattern = re.compile(spec.pattern, re.IGNORECASE)
            except (re.error, OverflowError, RecursionError) as exc:
                raise ConfigError(f"{label}: invalid regex {spec.pattern!r}: {exc}") from None
            self._compiled.append((pattern, spec.name or spec.pattern, spec))

    def __repr__(self) -> str:
        return f"RegexStage(name={self.name!r}, patterns={len(self._compiled)})"

    def scan_normalized(self, norm: Normalized) -> list[Match]:
        seen: dict[tuple[int, int, str], Match] = {}
        for variant in norm.all():
            for pattern, label, spec in self._compiled:
                for m in pattern.finditer(variant.text):
                    if m.end() == m.start():
                        continue
                    start, end = variant.span(m.start(), m.end())
                    seen.setdefault((start, end, label), Match(
                        label, spec.category, spec.severity.value, start, end, self.name))
        return sorted(seen.values(), key=lambda m: (m.start, m.end))

    def scan(self, text: str) -> list[Match]:
        return self.scan_normalized(normalize(text))

    def check_sync(self, texts: Sequence[str]) -> list[StageResult]:
        out = []
        for text in texts:
            matches = self.scan(text)
            out.append(StageResult(self.name, flagged=bool(matches), matches=matches))
        return out

    async def check(self, texts: Sequence[str]) -> list[StageResult]:
        if sum(len(t) for t in texts) > _OFFLOAD_CHARS:
            return await asyncio.to_thread(self.check_sync, texts)
        return self.check_sync(texts)


def load_terms(settings: ModerationSettings) -> tuple[list[Term], list[Term]]:
    """(terms, exceptions) from the default list, the list files and the inline settings."""
    terms: list[Term] = []
    exceptions: list[Term] = []
    paths: list[Path] = ([DEFAULT_LIST] if settings.use_default_list else []) + list(settings.lists)
    for path in paths:
        wl = load_list(path)
        terms.extend(wl.terms)
        exceptions.extend(wl.exceptions)
    for i, spec in enumerate(settings.terms):
        terms.append(parse_term(spec.term, f"moderation.terms[{i}]", spec.category, spec.severity))
    for i, raw in enumerate(settings.exceptions):
        exceptions.append(parse_term(raw, f"moderation.exceptions[{i}]", EXCEPTION))
    return terms, exceptions


def build_text_stages(settings: ModerationSettings) -> list[Stage]:
    """The keyword stage (when any term is configured) and the regex stage (when any regex is)."""
    stages: list[Stage] = []
    terms, exceptions = load_terms(settings)
    if terms:
        stages.append(KeywordStage(terms, exceptions))
    if settings.regexes:
        stages.append(RegexStage(settings.regexes))
    return stages
