"""Undo the usual obfuscations before keyword matching, keeping an exact map back to the original.

Steps, in order: NFKC, casefold, invisible/format characters dropped, combining marks dropped
(ü → u), every dash → "-", whitespace → " " (those in moderation.folding), look-alike letters of
other scripts → Latin (only in words made of Latin letters and look-alikes, so real Cyrillic or
Greek words stay as they are),
leetspeak inside words (moderation.leet: sh1t, a$$, b!tch, shi+, @55; "2024", "900k" and "$5"
stay), single letters mixed with leet joined first (5.h.1.t),
single letters joined across separators, the same or mixed (f.u.c.k, f u c k, f*u*c*k, s.h-i_t;
also f|u|c|k, f=u=c=k, f;u;c;k, f>u>c>k, s•h•i•t, f·u·c·k, f..u..c..k, f . u . c . k, f | u | c | k),
runs of spaces → one, runs of 3+ equal letters → 2 (a variant collapses them to 1), and a
word with every letter doubled read once more halved (ffuucckk). Joining and run collapsing
apply to Latin letters only (the shipped lists are English). A second spelling variant reads
`1` as `l` and `|` as `i`; where spelled-out letters start with the word "a" or "i" ("such a
c o c k"), a variant keeps that word apart. Every variant keeps a per-character map to the original, so a
match reports the original span and redaction masks exactly the original characters. Words with
symbols inside (f#ck, f.ck, fu-ck) are found on request: Normalized.masked_words (see
moderation.masks).
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Iterator, Match as ReMatch

from moderation.charmaps import (CONFUSABLES as _CONFUSABLES, JOINABLE, LETTER_SEPS, MASK, MASK_LEET, RUN,
                                 SPACED_SEPS, WIDE_SEPS, build_triggers)
from moderation.folding import fold
from moderation.leet import read_leet
from moderation.masks import MaskedWord, masked_words

__all__ = ["JOINABLE", "MASK", "MASK_LEET", "RUN", "MaskSource", "Normalized", "Triggers", "fold",
           "has_confusables", "has_leet_split", "has_split_letters", "joinable_at_start", "normalize",
           "normalize_folded", "trigger_words"]

_CONF_TABLE = str.maketrans(_CONFUSABLES)
_CONF_ANY = re.compile("[" + "".join(_CONFUSABLES) + "]")  # cheap pre-check: a plain character set


_LETTER = "[a-z]"  # joining and run collapsing are for Latin letters (after folding)
# Three or more single letters, each separated by one separator (or "x. y. z", "f . u", "f..u"),
# the same one or not (s.h-i_t, f|u|c|k, s•h•i•t).
_SEP = f"(?:[*~:/\\\\'\"^_{LETTER_SEPS}-]|[.,](?: |\\.\\.?)?| (?:[{SPACED_SEPS}] )?)"
_WIDE_SEPS = tuple(WIDE_SEPS)
_JOIN = re.compile(f"(?<!{_LETTER}){_LETTER}({_SEP}){_LETTER}(?:{_SEP}{_LETTER})+(?!{_LETTER})")
# The same with leet characters among the letters (5.h.1.t, c u n 7, d-1-c-k): joined before
# the leet step, which then reads the word.
_LJ_ITEM = "[a-z013456789@$!|+]"
_LJ_EDGE = "[a-z0-9@$!|+]"
_LEET_JOIN = re.compile(
    f"(?<!{_LJ_EDGE}){_LJ_ITEM}([ .*~,:/\\\\'\"^_-]|[.,] ){_LJ_ITEM}(?:\\1{_LJ_ITEM})+(?!{_LJ_EDGE})")
_LJ_ITEMS = frozenset("abcdefghijklmnopqrstuvwxyz013456789@$!|+")
_SPACES = re.compile(" {2,}")
_RUN3 = re.compile(f"({_LETTER})\\1\\1+")
_PAIRS = re.compile(f"(?<!{_LETTER})(?:({_LETTER})\\1){{3,}}(?!{_LETTER})")  # every letter doubled: ffuucckk
_JOIN_SEPS = " .*~,:/\\'\"^_-"


_TRIGGERS = build_triggers(_JOIN_SEPS)
Triggers = tuple[list[int], bool, bool, bool]  # leet positions, may join, may collapse runs, may mask
MaskSource = tuple[str, str, list[int] | None, list[int] | None]


class Normalized:
    """Normalized text plus, per normalized character, the original [start, end) it came from.

    `starts`/`ends` are None when the mapping is the identity (the common ASCII case)."""

    __slots__ = ("text", "original_length", "starts", "ends", "variants", "masked")

    def __init__(self, text: str, original_length: int, starts: list[int] | None = None,
                 ends: list[int] | None = None, variants: tuple["Normalized", ...] = (),
                 masked: MaskSource | None = None) -> None:
        self.text = text
        self.original_length = original_length
        self.starts = starts
        self.ends = ends
        self.variants = variants
        # Where words with symbols inside (f#ck, fu-ck) may be: the arguments for
        # moderation.masks.masked_words (folded text, its leet spelling, offsets); else None.
        self.masked = masked

    def masked_words(self, known: Callable[[str], bool] | None = None) -> list[MaskedWord]:
        """Words with symbols inside, in masked (f*ck) and joined (fuck) spellings."""
        return [] if self.masked is None else masked_words(*self.masked, known=known)

    def __repr__(self) -> str:
        return f"Normalized({self.text!r}, variants={[v.text for v in self.variants]!r})"

    @property
    def offsets(self) -> list[int]:
        """For each normalized character, the index of the original character it starts at."""
        return list(range(len(self.text))) if self.starts is None else list(self.starts)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) covering every source character of normalized [start, end)."""
        n = len(self.text)
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        if self.starts is None or self.ends is None:
            return start, end
        if end == start:
            pos = self.starts[start] if start < n else self.original_length
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def all(self) -> Iterator["Normalized"]:
        """This spelling and its variants (each variant has its own offset map)."""
        yield self
        yield from self.variants


def _confusable_words(t: str, mixed_only: bool) -> str:
    """Read look-alike letters as Latin, word by word (linear: each word is visited once).

    mixed_only: only words that also hold Latin letters (fսck, shіt); otherwise also words made
    only of look-alikes (ѕһіт), which may be Latin in disguise or a real Cyrillic/Greek word."""
    pieces: list[str] = []
    pos = 0
    n = len(t)
    for m in _CONF_ANY.finditer(t):
        i = m.start()
        if i < pos:
            continue
        a = i
        while a > 0 and t[a - 1].isalpha():
            a -= 1
        b = i + 1
        while b < n and t[b].isalpha():
            b += 1
        tok = t[a:b]
        if all(ch.isascii() or ch in _CONFUSABLES for ch in tok) and (
                not mixed_only or any("a" <= ch <= "z" for ch in tok)):
            tok = tok.translate(_CONF_TABLE)
        pieces.append(t[pos:a])
        pieces.append(tok)
        pos = b
    pieces.append(t[pos:])
    return "".join(pieces)


def _triggers(t: str) -> Triggers:
    """(positions of leet characters, may need joining, may need run collapsing, may hold
    masked or split words)."""
    leet: list[int] = []
    kinds = set()
    for end, kind in _TRIGGERS.iter(t):
        if kind >= 0:
            leet.append(end - kind)
        elif kind == MASK_LEET:
            leet.append(end - 1)
            kinds.add(MASK)
        else:
            kinds.add(kind)
    if len(leet) > 1:
        leet.sort()
    return leet, JOINABLE in kinds or joinable_at_start(t), RUN in kinds, MASK in kinds


def has_split_letters(t: str) -> bool:
    """Single letters split by separators (f.u.c.k, s.h-i_t) anywhere in folded text `t`."""
    return _JOIN.search(t) is not None


def has_leet_split(t: str) -> bool:
    """Single letters and leet characters split by one separator (5.h.1.t) in folded text `t`."""
    return _LEET_JOIN.search(t) is not None


def joinable_at_start(t: str) -> bool:
    """May `t` hold letters split by separators that no trigger word finds? The trigger words for
    space-separated letters need a space before: this covers index 0. The middle dot and the
    bullet (s•h•i•t) have none: a look for them in texts that are not ASCII stands in."""
    if len(t) > 4 and t[1] == " " and (_JOIN.match(t) is not None or _LEET_JOIN.match(t) is not None):
        return True
    return not t.isascii() and any(sep in t for sep in _WIDE_SEPS)


def _delete(text: str, starts: list[int] | None, ends: list[int] | None, cuts: list[tuple[int, int]]
            ) -> tuple[str, list[int], list[int]]:
    """Remove the [a, b) ranges; the kept character before each cut absorbs it in its end."""
    if starts is None or ends is None:
        starts, ends = list(range(len(text))), list(range(1, len(text) + 1))
    parts: list[str] = []
    ns: list[int] = []
    ne: list[int] = []
    pos = 0
    for a, b in cuts:
        if a > pos:
            parts.append(text[pos:a])
            ns.extend(starts[pos:a])
            ne.extend(ends[pos:a])
        if ne:
            ne[-1] = max(ne[-1], ends[b - 1])
        pos = b
    parts.append(text[pos:])
    ns.extend(starts[pos:])
    ne.extend(ends[pos:])
    return "".join(parts), ns, ne


Text3 = tuple[str, list[int] | None, list[int] | None]  # text and its offset map


def _join_cut_sets(matches: Iterable[ReMatch[str]], item: Callable[[str], bool],
                   keep: Callable[[str], bool] = lambda seg: True
                   ) -> tuple[list[tuple[int, int]], list[tuple[int, int]] | None]:
    """Cuts that join each kept match's items; and, when a match starts with the word "a" or "i"
    ("such a c o c k"), the cuts that leave that word apart (None when no match does)."""
    cuts: list[tuple[int, int]] = []
    skip: set[tuple[int, int]] = set()
    for m in matches:
        seg = m.group()
        if not keep(seg):
            continue
        base = m.start()
        mine = [(base + i, base + i + 1) for i, ch in enumerate(seg) if not item(ch)]
        if seg[0] in "ai" and m.group(1) == " " and len(mine) >= 3:
            skip.add(mine[0])
        cuts.extend(mine)
    return cuts, [c for c in cuts if c not in skip] if skip else None


def _joined(t: str, starts: list[int] | None, ends: list[int] | None,
            cut_sets: tuple[list[tuple[int, int]], list[tuple[int, int]] | None]) -> list[Text3]:
    cuts, alt = cut_sets
    out = [_delete(t, starts, ends, cuts)]
    if alt is not None:
        out.append(_delete(t, starts, ends, alt))
    return out


def _leet_join(t: str, starts: list[int] | None, ends: list[int] | None) -> list[Text3]:
    """Single letters mixed with leet characters (5.h.1.t) with their separators removed; [] if none."""
    def mixed(seg: str) -> bool:
        letters = sum(ch.isalpha() for ch in seg)
        items = sum(ch in _LJ_ITEMS for ch in seg)
        return items > letters and (letters >= 2 or (letters == 1 and items >= 4))  # 5-h-1-+

    cut_sets = _join_cut_sets(_LEET_JOIN.finditer(t), _LJ_ITEMS.__contains__, mixed)
    return _joined(t, starts, ends, cut_sets) if cut_sets[0] else []


def _finish(t: str, starts: list[int] | None, ends: list[int] | None, n0: int,
            may_join: bool, may_run: bool) -> list[Normalized]:
    """Separator joining, space collapsing and letter-run collapsing (deletions only)."""
    if "  " in t:  # first, so that "f  u  c  k" joins like "f u c k"
        t, starts, ends = _delete(t, starts, ends, [(m.start() + 1, m.end()) for m in _SPACES.finditer(t)])
        may_join = True
    bases: list[Text3] = [(t, starts, ends)]
    if may_join and _JOIN.search(t):
        bases = _joined(t, starts, ends, _join_cut_sets(_JOIN.finditer(t), str.isalpha))
    out = []
    for t, starts, ends in bases:
        if not may_run or not _RUN3.search(t):
            out.append(Normalized(t, n0, starts, ends))
            continue
        runs = [m.span() for m in _RUN3.finditer(t)]
        for keep in (2, 1):  # "shiiit" reads "shiit" and "shit"
            rt, rs, rends = _delete(t, starts, ends, [(a + keep, b) for a, b in runs])
            out.append(Normalized(rt, n0, rs, rends))
    t, starts, ends = bases[0]
    if may_run and _PAIRS.search(t):  # "ffuucckk" reads "fuck" too
        halves = [(i, i + 1) for m in _PAIRS.finditer(t) for i in range(m.start() + 1, m.end(), 2)]
        ht, hs, hends = _delete(t, starts, ends, halves)
        out.append(Normalized(ht, n0, hs, hends))
    return out


def _spellings(t: str, starts: list[int] | None, ends: list[int] | None, n0: int,
               trig: Triggers | None = None, *, joined: bool = False
               ) -> tuple[list[Normalized], MaskSource | None]:
    positions, may_join, may_run, may_mask = _triggers(t) if trig is None else trig
    if may_join and not joined and _LEET_JOIN.search(t):
        versions = _leet_join(t, starts, ends)
        if versions:  # the text as written stays a reading too: "f u 4 ever" is "f u" + "4 ever"
            out: list[Normalized] = []
            source: MaskSource | None = None
            for jt, js, je in [*versions, (t, starts, ends)]:
                found, masked = _spellings(jt, js, je, n0, joined=True)
                out.extend(found)
                source = source or masked
            return out, source
    main, alt, made_run = read_leet(t, positions)
    may_join = may_join or may_mask  # letters split by mixed separators (s.h-i_t) show as a mask
    out = _finish(main, starts, ends, n0, may_join, may_run or made_run)
    if alt is not None:  # leetspeak never creates joinable single letters; it may create runs
        out.extend(_finish(alt, starts, ends, n0, may_join, True))
    return out, (t, main, starts, ends) if may_mask else None


def has_confusables(t: str) -> bool:
    """Does folded text `t` hold letters of other scripts that look Latin (Cyrillic, Greek)?"""
    return not t.isascii() and _CONF_ANY.search(t) is not None


def trigger_words() -> list[tuple[str, int]]:
    """Keys of the trigger automaton, so a caller's own automaton can find them in the same pass.

    A value >= 0 marks a leet character that many characters before the key's end; RUN,
    JOINABLE and MASK say that run collapsing, separator joining, masked readings may apply;
    MASK_LEET is MASK plus a leet character one before the end."""
    return list(_TRIGGERS.items())


def normalize_folded(t: str, starts: list[int] | None, ends: list[int] | None, n0: int,
                     trig: Triggers | None = None) -> Normalized:
    """normalize() after fold(); `trig` (from the caller's own pass over `t`) skips ours."""
    latin = None
    if not t.isascii() and _CONF_ANY.search(t):
        mixed = _confusable_words(t, True)
        latin = _confusable_words(mixed, False)
        trig = None if mixed != t else trig
        t = mixed
    found, masked = _spellings(t, starts, ends, n0, trig)
    if latin is not None and latin != t:
        found.extend(_spellings(latin, starts, ends, n0)[0])
    head = found[0]
    if len(found) == 1 and masked is None:
        return head
    seen = {head.text}
    rest = []
    for v in found[1:]:
        if v.text not in seen:
            seen.add(v.text)
            rest.append(v)
    return Normalized(head.text, head.original_length, head.starts, head.ends, tuple(rest), masked)


def normalize(text: str) -> Normalized:
    """Normalize `text` for matching; never raises on any str."""
    t, starts, ends = fold(text)
    return normalize_folded(t, starts, ends, len(text))
