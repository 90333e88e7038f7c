"""Keyword stage: Aho-Corasick over normalized text, spans in the original (and, re-exported
from moderation.regexes, the operator-regex stage).

One automaton holds every term and every exception, plus keys derived from them
(moderation.termforms: masked spellings f*ck/fu*k/f**k, phrase forms kill-yourself/kill_yourself/
killyourself/kill urself, i'll/im gonna/imma ...). A hit counts only at word boundaries (letters
on neither side, or the term's markers allow it) and, for plain terms, with at most a common
inflection after it. A hit lying inside an exception's match (Scunthorpe, cocktail, shitake) is
dropped. Every spelling variant from moderation.normalize is scanned, so both "fuuuuck" → fuck
and "asssss" → ass are found, and so are the masked and joined spellings of words with symbols
inside (f#ck, f.ck, fu-ck: moderation.masks). A capitalised "Dick" followed by a surname is a
name (moderation.names).
"""

from __future__ import annotations

from dataclasses import replace
import bisect
import itertools
import re
from pathlib import Path
from typing import Callable, Iterable, Sequence

import ahocorasick

from moderation.config import ModerationSettings
from moderation.folding import same_length_readings
from moderation.keyentries import ALNUM, NONE, RANK_OF, SEV_RANK, WORDISH, Entry, derived_entries, term_key
from moderation.masks import Anchor, MaskedWord, looks_like_code, masked_words
from moderation.names import NAME_TERMS, has_identifier, in_identifier, is_code, is_name
from moderation.normalize import (JOINABLE, MASK, MASK_LEET, RUN, Normalized, fold, has_confusables,
                                  has_leet_split, has_split_letters, joinable_at_start, normalize_folded, trigger_words)
from moderation.leet import read_leet
from moderation.negation import TURNED_CATEGORIES, is_quoted, is_turned
from moderation.phrases import PhraseStage
from moderation.regexes import RegexStage
from moderation.senses import innocent_sense
from moderation.types import Match, ScanningStage, Stage
from moderation.wordlists import DEFAULT_LIST, EXCEPTION, Term, load_list, parse_term

__all__ = ["INFLECTIONS", "KeywordStage", "RegexStage", "build_text_stages", "load_terms"]

# Endings a plain term may take and still count: fucks, fucked, fucking, fuckin, fucker(s), bitchy.
INFLECTIONS = frozenset({"s", "es", "ed", "d", "ing", "in", "er", "ers", "r", "rs", "y", "ie", "ies",
                         "ier", "iest", "z", "ez"})
_MAX_SUFFIX = max(map(len, INFLECTIONS))
# After a word spelled with plain separators (f-cking, b.tches), only the common endings: a
# one-letter "r" or "d" would read PRI_kr as "pri*k" + "r".
_STRICT_INFLECTIONS = frozenset({"s", "es", "ed", "ing", "in", "er", "ers", "y", "ies"})
_MAX_EXTEND = 40  # longest compound a wildcard term reports as one word
_MASK_ONLY = {MASK}
_JOIN_ONLY = {JOINABLE}
_SPACES = re.compile(" {2,}")
_DIGIT = re.compile("[0-9]")
_MASK_BLOCK = re.compile(r"(?<=[a-z])\*+(?=[a-z])")  # hidden letters between shown ones



def _bold(t: str, i: int) -> bool:
    """Does the chunk holding t[i] open with "**" (markdown bold: **word**, not a masked end)?
    Looks back at most 64 characters, so a long run without spaces stays linear."""
    floor = max(0, i - 64)
    space = t.rfind(" ", floor, i)
    return (space >= 0 or floor == 0) and t.startswith("**", space + 1)


class _Prose:
    """Is this text prose rather than math or code? Asked at most once, and only when needed."""

    __slots__ = ("text", "answer")

    def __init__(self, text: str) -> None:
        self.text = text
        self.answer: bool | None = None

    def __call__(self) -> bool:
        if self.answer is None:
            self.answer = not looks_like_code(self.text)
        return self.answer


# Characters of chat text, commonest first (folded English text: letters, space, marks, digits).
_COMMON_FIRST = " etaoinshrlducmywgpfbk.v,'!?j-x*q\"z:0123)(/;2456789#@$&_|+=%<>[]~^"
_RANK = {ch: i for i, ch in enumerate(_COMMON_FIRST)}


def _by_letter_frequency(key: str) -> list[int]:
    return [_RANK.get(ch, 1000 + ord(ch)) for ch in key]


class _Covering:
    """Does any of these matches cover [start, end)? (Sorted starts and the running maximum of
    ends: a lookup is a bisection, so a 1 MB text with thousands of matches stays linear.)"""

    def __init__(self, matches: Iterable[Match]) -> None:
        spans = sorted((m.start, m.end) for m in matches)
        self.starts = [a for a, _ in spans]
        self.reach = list(itertools.accumulate((b for _, b in spans), max))

    def covers(self, start: int, end: int) -> bool:
        k = bisect.bisect_right(self.starts, start) - 1
        return k >= 0 and self.reach[k] >= end


def _identity(start: int, end: int) -> tuple[int, int]:
    return start, end


def _position(m: Match) -> tuple[int, int]:
    return m.start, m.end


def _lo(a: Anchor) -> int:
    return a[0]


def _anchored(anchors: Sequence[Anchor], t: str, start: int, stop: int, i: int, j: int,
              e: Entry) -> bool:
    """Does the key at [i, j) cover an anchor (a masked or removed symbol run)? Under a strict
    anchor (a symbol that may be a plain separator) the word must be the term itself, with at
    most an inflection: "push-to-talk" never reads as "sh*t"."""
    strict = None
    k = bisect.bisect_left(anchors, j, key=_lo)  # anchors are sorted and do not nest
    while k > 0:
        k -= 1
        lo, hi, strict_here, contains = anchors[k]
        if hi <= i:
            break
        if (i <= lo and hi <= j) if contains else (i < hi and lo < j):
            strict = bool(strict) or strict_here
    if strict is None:
        return False
    return not strict or (start == i and (stop == j or (not e.exact and t[j:stop] in _STRICT_INFLECTIONS)))


class KeywordStage(ScanningStage):
    """Flags texts containing listed terms; matches carry the original span of the whole word."""

    def __init__(self, terms: Iterable[Term], exceptions: Iterable[Term] = (), *,
                 name: str = "keywords") -> None:
        self.name = name
        exc_list = list(exceptions)
        exc_keys = {term_key(e) for e in exc_list}
        by_key: dict[tuple[str, bool, bool, bool], Term] = {}
        for term in terms:  # a later definition of the same term wins (operator lists come last)
            key = term_key(term)
            if key not in exc_keys:
                slot = (key, term.prefix_ok, term.suffix_ok, term.exact)
                old = by_key.get(slot)
                if old is not None and old.text.casefold() == key != term.text.casefold():
                    term = replace(term, text=old.text)  # its rule, but matches keep the plain name
                by_key[slot] = term
        self.terms: list[Term] = list(by_key.values())
        self.exceptions: list[Term] = exc_list
        values: dict[str, list[Entry]] = {}
        for (key, *_), term in by_key.items():
            values.setdefault(key, []).append(Entry(key, term, False))
        for exc in exc_list:
            key = term_key(exc)
            values.setdefault(key, []).append(Entry(key, exc, True))
        for key, entries in derived_entries(by_key, exc_list).items():
            if key not in values:  # a listed spelling beats a derived one
                values[key] = entries
        # The normalizer's trigger words ride along, so a clean text needs a single pass:
        # a value is a tuple of entries, an int (trigger), or [entries, int] when a key is both.
        self._empty = not values
        self._keys = frozenset(values)  # for _known()
        self._by_length: dict[int, list[tuple[str, Term]]] = {}  # single-word terms, for _unmask()
        for (key, *_), term in by_key.items():
            if key.isalpha() and 4 <= len(key) <= 16:
                self._by_length.setdefault(len(key), []).append((key, term))
        keyed: dict[str, object] = {}
        for key, trig in trigger_words():
            keyed[key] = [tuple(values.pop(key)), trig] if key in values else trig
        for key, entries in values.items():
            keyed[key] = tuple(entries)
        # pyahocorasick looks a node's children up one by one in the order they were added: keys
        # added in the order of how common their letters are in chat text put the likely child
        # first at every node (about a quarter off the time of a pass).
        self._auto = ahocorasick.Automaton()
        for key in sorted(keyed, key=_by_letter_frequency):
            self._auto.add_word(key, keyed[key])
        self._auto.make_automaton()

    def _known(self, spelling: str) -> bool:
        """Is this whole word a key, or a key plus an inflection?"""
        keys = self._keys
        if spelling in keys:
            return True
        n = len(spelling)
        for k in range(1, min(_MAX_SUFFIX, n - 1) + 1):
            if spelling[n - k:] in INFLECTIONS and spelling[:n - k] in keys:
                return True
        return False

    def __repr__(self) -> str:
        return f"KeywordStage(name={self.name!r}, terms={len(self.terms)}, exceptions={len(self.exceptions)})"

    def _hits(self, t: str, found: Iterable[tuple[int, object]] | None = None,
              anchors: Sequence[Anchor] | None = None, prose: _Prose | None = None
              ) -> list[tuple[int, int, Entry]]:
        """(word start, word end, entry) of each accepted hit in one normalized spelling;
        with `anchors` (a masked or joined word), only hits whose key covers one; with `prose`,
        derived masked keys (f*ck) only where the text is not math or code."""
        hits: list[tuple[int, int, int, int, Entry]] = []
        excs: list[tuple[int, int]] = []
        n = len(t)
        for last, value in self._auto.iter(t) if found is None else found:
            if type(value) is tuple:
                entries: tuple[Entry, ...] = value
            elif type(value) is int:
                continue
            else:
                entries = value[0]  # type: ignore[index]
            j = last + 1
            for e in entries:
                i = j - e.klen
                start, stop = i, j
                if e.masked and ((e.masked_end and ((j < n and t[j] == "*") or _bold(t, i))) or (
                        prose is not None and not prose())):
                    continue
                if i > 0 and e.left and (t[i - 1].isalpha() or (e.left == ALNUM and t[i - 1].isalnum())
                                         or (e.left == WORDISH and t[i - 1] == "'")):
                    if not e.prefix_ok:
                        continue
                    floor = max(0, i - _MAX_EXTEND)
                    while start > floor and t[start - 1].isalpha():
                        start -= 1
                if j < n and (t[j].isalpha() or (e.right == ALNUM and t[j].isalnum())):
                    if e.suffix_ok or e.right == NONE:
                        cap = min(n, j + _MAX_EXTEND)
                    elif e.exact:
                        continue
                    else:
                        cap = min(n, j + _MAX_SUFFIX + 1)
                    while stop < cap and t[stop].isalpha():
                        stop += 1
                    if not (e.suffix_ok or e.right == NONE) and t[j:stop] not in INFLECTIONS:
                        continue
                if e.is_exception:
                    excs.append((start, stop))
                elif anchors is None or _anchored(anchors, t, start, stop, i, j, e):
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

    def _matches(self, to_original: Callable[[int, int], tuple[int, int]],
                 hits: list[tuple[int, int, Entry]],
                 best: dict[tuple[int, int], Match] | None = None) -> list[Match]:
        """Hits of one spelling → Matches with original spans (`to_original` maps them), one per
        span: the most severe, then (within one spelling) the most specific; an earlier
        spelling wins a full tie. With `best` given, fills it and returns []."""
        if not hits:
            return []
        name = self.name
        if best is None and len(hits) == 1:
            s, x, e = hits[0]
            return [Match(*e.fields, *to_original(s, x), name)]
        own = best is None
        best = {} if best is None else best
        mine: dict[tuple[int, int], int] = {}  # spans set by this spelling: their specificity
        for s, x, e in hits:
            span = to_original(s, x)
            old = best.get(span)
            if old is not None:
                rank, old_rank = e.rank, RANK_OF[old.severity]
                if rank < old_rank or (rank == old_rank and (
                        span not in mine or e.specific <= mine[span])):
                    continue
            mine[span] = e.specific
            best[span] = Match(*e.fields, *span, name)
        return sorted(best.values(), key=_position) if own else []

    def scan_normalized(self, norm: Normalized, original: str | None = None) -> list[Match]:
        """Matches over every spelling of an already normalized text (`original`: the text as
        written, which tells code from prose better than its normalized form)."""
        if self._empty:
            return []
        if not norm.variants and norm.masked is None:
            return self._matches(norm.span, self._hits(norm.text, prose=_Prose(original or norm.text)))
        best: dict[tuple[int, int], Match] = {}
        prose = _Prose(original or norm.text)
        for variant in norm.all():
            self._matches(variant.span, self._hits(variant.text, prose=prose), best)
        if prose():
            self._masked(norm.masked_words(self._known), best)
        return sorted(best.values(), key=_position)

    def _masked(self, words: Iterable[MaskedWord], best: dict[tuple[int, int], Match]) -> None:
        """Hits in the masked (f*ck) and joined (fuck) spellings of words with symbols inside; a word
        masked in two or more places (b*ll*cks, wh_r_) is compared with the terms letter by letter."""
        covering: _Covering | None = None  # the matches found before this loop, built when needed
        for w in words:
            before = len(best)
            if w.masked_anchors:
                self._matches(w.span, self._hits(w.masked, anchors=w.masked_anchors), best)
            if w.joined:
                self._matches(w.joined_span, self._hits(w.joined, anchors=w.joined_anchors), best)
            if len(best) == before and len(_MASK_BLOCK.findall(w.masked)) >= 2:
                span = w.span(0, len(w.masked))
                # Matches added in this loop lie inside earlier words, which never hold this one.
                covering = covering or _Covering(best.values())
                if not covering.covers(*span):
                    term = self._unmask(w.masked)
                    if term is not None:
                        best[span] = Match(term.text, term.category, term.severity.value, *span, self.name)

    def _unmask(self, masked: str) -> Term | None:
        """The most severe single-word term that `masked` spells with each "*" as one letter, when
        the word shows at least as many letters as it hides (t*****, c*** say too little)."""
        shown = sum(ch != "*" for ch in masked)
        if shown < 2 or shown < len(masked) - shown:
            return None
        found = [t for key, t in self._by_length.get(len(masked), ())
                 if all(c == "*" or c == k for c, k in zip(masked, key))]
        return max(found, key=lambda t: (SEV_RANK[t.severity], t.text)) if found else None

    def scan(self, text: str) -> list[Match]:
        """Matches in one text, spans in the original text."""
        found = self._scan(same_length_readings(text))  # spans index `text`
        if len(found) > 1:
            found = _innermost(found)
        return _said(text, found) if found else found

    def _scan(self, text: str) -> list[Match]:
        t, starts, ends = fold(text)
        if self._empty or has_confusables(t):
            return self.scan_normalized(normalize_folded(t, starts, ends, len(text)), text)
        # Offsets into `text`: the identity, or the fold's map ("…" became "...", U+FE0F dropped).
        span = _identity if starts is None else Normalized(t, len(text), starts, ends).span
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
            elif trig == MASK_LEET:
                leet.append(last - 1)
                kinds.add(MASK)
            else:
                kinds.add(trig)
            if type(value) is list:
                found.append((last, value))
        join = JOINABLE in kinds or joinable_at_start(t) or (MASK in kinds and has_split_letters(t))
        if (join or leet) and kinds <= _JOIN_ONLY and "  " not in t and self._reads_as_written(t, leet, join):
            # The triggers lead nowhere ("i i have", "2024"): the text is its only spelling.
            return self._matches(span, self._hits(t, found, prose=_Prose(text))) if found else []
        if not leet and not join and kinds == _MASK_ONLY and "  " not in t:
            # Only a symbol inside a word (well-known, f#ck): the main spelling is the text.
            best: dict[tuple[int, int], Match] = {}
            prose = _Prose(text)
            self._matches(span, self._hits(t, found, prose=prose), best)
            if prose():
                self._masked(masked_words(t, t, starts, ends, self._known), best)
            return sorted(best.values(), key=_position)
        if not leet and not kinds and not join and "  " in t and self._same_collapsed(t, found):
            return self._matches(span, self._hits(t, found, prose=_Prose(text))) if found else []
        if leet or kinds or join or "  " in t:
            leet.sort()
            return self.scan_normalized(normalize_folded(
                t, starts, ends, len(text), (leet, join, RUN in kinds, MASK in kinds)), text)
        return self._matches(span, self._hits(t, found, prose=_Prose(text))) if found else []

    @staticmethod
    def _reads_as_written(t: str, leet: list[int], join: bool) -> bool:
        """With no run, mask or double space in sight, does normalization leave `t` as it is?"""
        if join and (has_split_letters(t) or has_leet_split(t)):
            return False
        if leet:
            leet.sort()
            main, alt, made_run = read_leet(t, leet)
            return main == t and alt is None and not made_run
        return True

    def _same_collapsed(self, t: str, found: list[tuple[int, object]]) -> bool:
        """With runs of spaces read as one, are the hits the same? (Then no phrase spans a run,
        and the identity-offset fast path stands.) Keys never hold two spaces, so the hits
        can only grow, and equal counts mean equal hits."""
        count = 0
        collapsed = _SPACES.sub(" ", t)
        if joinable_at_start(collapsed):
            return False
        for _, value in self._auto.iter(collapsed):
            if type(value) is not int:
                count += 1
            if (value if type(value) is int else value[1] if type(value) is list else None) == JOINABLE:
                return False  # "f  u  c  k" reads as "f u c k": the normalizer must join it
        return count == len(found)

    def scan_many(self, texts: Iterable[str]) -> list[list[Match]]:
        """Synchronous batch scan (benchmarks call this)."""
        scan = self.scan
        return [scan(t) for t in texts]



def _said(text: str, found: list[Match]) -> list[Match]:
    """The matches that are words said to someone: not a name ("Dick Smith"), a code (A55, SH17),
    part of a URL or e-mail address, nor denied or reported ("you're not stupid", "please don't
    kill yourself"), nor an everyday sense of the word ("our bitch had puppies", moderation.senses).
    One pass; each look at the whole text is made once, when first needed."""
    digits: bool | None = None
    links: bool | None = None
    quotes = "'" in text or '"' in text or "‘" in text or "“" in text
    kept = []
    for m in found:
        start, end = m.start, m.end
        if m.term in NAME_TERMS and is_name(text, start, end):
            continue
        if digits is None:
            digits = _DIGIT.search(text) is not None
        if digits and _DIGIT.search(text, max(0, start - 2), end + 2) is not None and is_code(text, start, end):
            continue
        if links is None:
            links = "." in text and has_identifier(text)
        if links and in_identifier(text, start, end):
            continue
        if m.category in TURNED_CATEGORIES and is_turned(text, m):
            continue
        if innocent_sense(text, m) or (quotes and is_quoted(text, m)):
            continue
        kept.append(m)
    return kept


def _innermost(found: list[Match]) -> list[Match]:
    """Two readings can find one word with different edges ("a 1 d i o t" joined with and without
    the "a"): of matches of one term sharing a start or an end, the narrower one stands (linear)."""
    first_end: dict[tuple[str, int], int] = {}
    last_start: dict[tuple[str, int], int] = {}
    for m in found:
        key_s, key_e = (m.term, m.start), (m.term, m.end)
        first_end[key_s] = min(first_end.get(key_s, m.end), m.end)
        last_start[key_e] = max(last_start.get(key_e, m.start), m.start)
    return [m for m in found if first_end[(m.term, m.start)] == m.end and last_start[(m.term, m.end)] == m.start]


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
    """The keyword stage (when any term is configured), the shipped phrase patterns (with the
    default list) and the regex stage (when any operator regex is configured)."""
    stages: list[Stage] = []
    terms, exceptions = load_terms(settings)
    if terms:
        stages.append(KeywordStage(terms, exceptions))
    if settings.use_default_list:
        stages.append(PhraseStage())
    if settings.regexes:
        stages.append(RegexStage(settings.regexes))
    return stages
