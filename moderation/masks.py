"""Words with symbols inside: masked (f#ck, sh%t, f.ck, f-ck) or split (fu-ck, sh.it).

The main spelling keeps such a word as written ("f#ck" stays "f#ck"); masked_words() finds the
words that have a run of symbols between two letters (or end in two or more of * # %) and
spells each two more ways for the keyword stage:

* masked: each symbol of such a run becomes "*", so "f#ck" reads "f*ck" and meets the masked
  keys the keyword stage derives from every term (fuck → f*ck, fu*k, f**k, ...);
* joined: the runs between letters removed, so "fu-ck" reads "fuck".

Each spelling carries anchors: a keyword hit counts only where its key covers a masked run or
spans a removed one, so words that merely sit beside a symbol (cock-a-doodle-doo) are judged by
the main spelling alone. Where a run's symbols may also be ordinary separators (- . _ ! ? + ~ ^),
and always in the joined spelling, the hit must moreover be the whole word with at most a
common inflection, so "push-to-talk" does not read as "sh*t" nor "push-it" as "shit". Ordinary
compounds (well-known: single separators between parts of four or more letters), ellipses,
@mentions, e-mail addresses and URLs are left alone. "&" and "<" (f&ck, fu<k) mask letters only
where the masked word is known to the caller (AT&T, R&D, Q&A, a<b, i<n are not), and give no
joined spelling. A trailing mask longer than the four letters a derived key hides
(mother******) is read as hiding a common ending too, when the word so read is known.
"""

from __future__ import annotations

import re
from typing import Callable, NamedTuple

from moderation.charmaps import MASK_RARE, MASK_STRONG, MASK_WEAK

__all__ = ["Anchor", "MaskedWord", "is_short_word", "looks_like_code", "masked_words"]

# A hit's key range [i, j) must cover an anchor (lo, hi, strict, contains): intersect [lo, hi)
# (a run of mask symbols) or, when `contains`, include it (a run of plain separators, all of
# which hide letters; or a removed run: the letters around the cut). strict: the hit must also
# be the whole word with at most an inflection.
Anchor = tuple[int, int, bool, bool]

_SYMBOLS = MASK_STRONG + MASK_WEAK + MASK_RARE
_RARE = frozenset(MASK_RARE)
_MAX_HIDDEN = 4  # letters a derived masked key hides at a word's end (termforms.MAX_MASKED)
_ENDINGS = ("er", "ers", "ed", "es", "ing", "in", "s", "y")  # what a longer trailing mask may hide too
_CLASS = "[" + re.escape(_SYMBOLS) + "]"
_RUN = re.compile(f"{_CLASS}{_CLASS}*")  # sre scans "[c][c]*" several times faster than "[c]+"
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789" + _SYMBOLS)
_TRAILING = frozenset("*#%")  # a word may end in a run of these: sh##, f%%%
_STRONG = frozenset(MASK_STRONG)
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_EMAIL_OR_URL = re.compile(r"://|www\.|[a-z0-9]@[a-z0-9-]+\.[a-z]")
_WORD = re.compile("[a-z0-9" + re.escape(_SYMBOLS) + "]*")
_MAX_WORD = 64  # longer runs of word characters and symbols are hashes, paths or noise
_PART = 4  # parts this long around a single separator make an ordinary compound
# Common words of up to three letters: a separator between two of them is not a mask.
_COMMON_SHORT = frozenset("""
a i an as at be by do go he hi if in is it me my no of oh ok on or so to up us we ya yo ye
the and for you are was not but can all any her his one our out day get has him how new now
old see two way who boy did its let put say she too use man car cat dog sun run big red yes
got had may end far few off own set try why ask bad bag bed box bus buy cup cut die dry eat
egg eye fit fix fly fun gas god guy hat hit hot ice job joy key kid law lay leg lie lot low
map mix mom dad net odd oil pay pen pet pie pop raw row sad sea sit six sky son tax tea ten
tie top toy war web win yet zoo art add age ago air arm ear bit hey wow non pre pro sub
""".split())
# Short first parts of ordinary compounds (so-called, neo-nazis, pre-market, e-mail, x-ray).
_PREFIXES = frozenset("so non pre re neo co ex de un mid sub up two one big air to e x".split())
_PUNCTUATION = frozenset(".!?")  # "so...anyway", "wow!!!what": runs of these are punctuation
# Math or code: a power (x**2), an assignment or comparison (a = b, x == 1), a call (gcd(a, b)).
_POWER = re.compile(r"\*\*\s*[\d(]")
_ASSIGN = re.compile(r"[\w)\]]\s*(?:[-+*/%=!<>]?=|->|=>)\s*[\w(\[\"'-]")
_CALL = re.compile(r"\((?<=[A-Za-z_\d]\()[^()\n]{0,80}\)")  # "(" first: sre skips to it fast


class MaskedWord(NamedTuple):
    """One word with symbols inside, in its two extra spellings, with original offsets.

    `masked` has the length of the word as written, which starts at `at` in the folded text (no
    anchors when every run is "*": the main spelling reads it already); `joined` is "" when no
    run lies between letters; `origin` maps each character of `joined` to its index in
    `masked`; starts/ends: the folded text's offset map (None: identity)."""

    masked: str
    masked_anchors: tuple[Anchor, ...]
    joined: str
    joined_anchors: tuple[Anchor, ...]
    origin: list[int]
    at: int
    starts: list[int] | None
    ends: list[int] | None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original span of masked[start:end]."""
        if self.starts is None or self.ends is None:
            return self.at + start, self.at + end
        return self.starts[self.at + start], self.ends[self.at + end - 1]

    def joined_span(self, start: int, end: int) -> tuple[int, int]:
        """Original span of joined[start:end] (covering the symbols removed inside it)."""
        return self.span(self.origin[start], self.origin[end - 1] + 1)


def _runs(t: str, sp: str, a: int, b: int, spans: list[tuple[int, int]]) -> list[tuple[int, int, bool]] | None:
    """(start, end, inside) of each symbol run (`spans`) in the word t[a:b] that may hide
    letters: inside (between two letters; not an ellipsis, nor a mix of plain separators and
    mask symbols as in "%p.%n") or a trailing run of two or more * # %.

    None when there is none, or when the word is an ordinary compound (well-known,
    kill-yourself, so-called): single separators between parts of four or more letters, common
    prefixes or short words, which the main spelling already sees. A single separator between
    two common short words (so-by, go-ok), or a letter and one (d-key), is punctuation. `sp` is t
    after leetspeak, which says what is a letter (d1#k)."""
    out = []
    compound = True
    part = a
    for k, (s, e) in enumerate(spans):
        if s == a or sp[s - 1] not in _LETTERS:
            compound = False
            continue
        if e < b:
            run = t[s:e]
            if sp[e] in _LETTERS and (e - s == 1 or not (_PUNCTUATION.issuperset(run) or (
                    not _STRONG.isdisjoint(run) and not _STRONG.issuperset(run)))):
                if e - s == 1 and t[s] not in _STRONG and s - part <= 3:
                    nxt = spans[k + 1][0] if k + 1 < len(spans) else b
                    if t[e:nxt] in _COMMON_SHORT and (s - part == 1 or t[part:s] in _COMMON_SHORT):
                        part = e  # so-by, go-ok, d-key: words around a plain separator
                        continue
                out.append((s, e, True))
                if e - s > 1 or t[s] in _STRONG or not _part(t[part:s]):
                    compound = False
                part = e
                continue
        elif e - s >= 2 and _TRAILING.issuperset(t[s:e]):
            out.append((s, e, False))
        compound = False
    if not out or (compound and _part(t[part:b]) and any(
            e - s >= _PART for s, e in _parts(a, b, out))):
        return None
    return out


def looks_like_code(t: str) -> bool:
    """Is this text math or code (x**2, a = b, gcd(a, b), a fence)? There "*" multiplies and
    "." calls a method: "c**n" and "f.get" are not masked words."""
    if "`" in t or "'''" in t:
        return True
    return bool(("**" in t and _POWER.search(t)) or (("=" in t or ">" in t) and _ASSIGN.search(t))
                or ("(" in t and _CALL.search(t)))


def is_short_word(p: str) -> bool:
    """Is p a common word of up to three letters or a common prefix (it, on, re, co)?"""
    return p in _COMMON_SHORT or p in _PREFIXES


def is_prefix(p: str) -> bool:
    """Is p a common prefix (re, co, pre, non)?"""
    return p in _PREFIXES


def _part(p: str) -> bool:
    """Could this be a part of an ordinary compound? Four or more letters, a prefix (neo-) or a
    short word (do_head, to-read)."""
    return len(p) >= _PART or p in _PREFIXES or p in _COMMON_SHORT


def _parts(a: int, b: int, runs: list[tuple[int, int, bool]]) -> list[tuple[int, int]]:
    """The letter parts of t[a:b] between the runs."""
    out = []
    pos = a
    for s, e, _ in runs:
        out.append((pos, s))
        pos = e
    out.append((pos, b))
    return out


def _address(t: str, a: int, b: int) -> bool:
    """Is t[a:b] part of an e-mail address or URL (its whitespace-delimited chunk)?"""
    lo = t.rfind(" ", max(0, a - 256), a) + 1  # bounded: an address is not that long
    hi = t.find(" ", b, b + 256)
    chunk = t[max(lo, a - 256): min(len(t), b + 256) if hi < 0 else hi]
    return _EMAIL_OR_URL.search(chunk) is not None


def _rare_mask(spelled: str, a: int, b: int, runs: list[tuple[int, int, bool]],
               known: Callable[[str], bool] | None) -> bool:
    """May a word holding "&" or "<" be masked? With one run, only where the masked word is known
    (f&ck, fu<k; not AT&T nor i<n); with two or more inside runs (b&ll&cks), the caller compares
    it with the terms letter by letter."""
    if known is None:
        return False
    if sum(inside for _, _, inside in runs) >= 2:
        return True
    pos = a
    masked = []
    for ra, rb, _ in runs:
        masked.append(spelled[pos:ra] + "*" * (rb - ra))
        pos = rb
    masked.append(spelled[pos:b])
    return known("".join(masked))


def _hidden_ending(spelled: str, a: int, run: tuple[int, int, bool],
                   known: Callable[[str], bool]) -> str | None:
    """A word ending in a mask too long for the derived keys (mother******: six letters hidden,
    the keys hide four) read as hiding a common ending as well (mother****er), when the word
    shows at least as many letters as it hides and the reading is known; else None."""
    ra, rb, _ = run
    hidden = rb - ra
    shown = spelled[a:ra]
    if hidden <= _MAX_HIDDEN or len(shown) < hidden or not _LETTERS.issuperset(shown):
        return None
    for end in _ENDINGS:
        if hidden - len(end) >= 2:
            word = shown + "*" * (hidden - len(end)) + end
            if known(word):
                return word
    return None


def masked_words(t: str, spelled: str, starts: list[int] | None, ends: list[int] | None,
                 known: Callable[[str], bool] | None = None) -> list[MaskedWord]:
    """The words of `t` (folded text) with symbols inside that may hide or split letters;
    `spelled` is `t` after leetspeak (same length), which supplies the letters; starts/ends are
    t's offsets (None: identity). `known(spelling)`: could this whole word (plus an inflection)
    be a term? Lets the common case, one plain separator (two-minute), be dropped early."""
    out: list[MaskedWord] = []
    n = len(t)
    spans = [m.span() for m in _RUN.finditer(t)]
    addresses = "@" in t or "/" in t or "www." in t
    k = 0
    while k < len(spans):
        s, e = spans[k]
        k += 1
        if s == 0 or spelled[s - 1] not in _LETTERS:
            continue
        if e < n and spelled[e] in _LETTERS:  # most runs are punctuation: skip them before any work
            if e - s > 1 and _PUNCTUATION.issuperset(t[s:e]):
                continue
        elif e - s < 2 or not _TRAILING.issuperset(t[s:e]) or (e < n and t[e] in _WORD_CHARS):
            continue
        a = s - 1
        while a > 0 and t[a - 1] in _WORD_CHARS:
            a -= 1
        while t[a] in _SYMBOLS:  # #tag, @user: the word starts after the symbols
            a += 1
        word_end = _WORD.match(t, e)
        b = e if word_end is None else word_end.end()
        first = k - 1
        while first > 0 and spans[first - 1][0] >= a:
            first -= 1
        while k < len(spans) and spans[k][0] < b:
            k += 1
        if b - a > _MAX_WORD or (a > 0 and t[a - 1] == "@"):  # @mentions are handles, not words
            continue
        runs = _runs(t, spelled, a, b, spans[first:k])
        if runs and not runs[-1][2] and t[runs[-1][0]:runs[-1][1]] == "**" and t[max(0, a - 2):a] == "**":
            runs = runs[:-1] or None  # **bold**, not a masked ending
        if runs is None or (addresses and _address(t, a, b)):
            continue
        if b - a > 2 and t[a] == t[b - 1] and runs[0][:2] == (a + 1, b - 1):
            continue  # a face (T__T, x_x, o_o), not a word with hidden letters
        rare = any(not _RARE.isdisjoint(t[ra:rb]) for ra, rb, _ in runs)
        if rare and not _rare_mask(spelled, a, b, runs, known):
            continue  # AT&T, R&D, a<b: "&" and "<" hide letters only in a known word
        if known is not None and len(runs) == 1:
            ra, rb, inside = runs[0]
            if inside and not _STRONG.issuperset(t[ra:rb]) and not known(
                    spelled[a:ra] + "*" * (rb - ra) + spelled[rb:b]) and not known(
                    spelled[a:ra] + spelled[rb:b]):
                continue  # a whole-word match is the only kind such a word may give
            ending = _hidden_ending(spelled, a, runs[0], known) if not inside else None
            if ending is not None:  # mother****** reads mother****er
                out.append(MaskedWord(ending, ((ra - a, rb - a, False, False),), "", (), [], a, starts, ends))
                continue
        masked: list[str] = []
        joined: list[str] = []
        index: list[int] = []
        masked_anchors: list[Anchor] = []
        joined_anchors: list[Anchor] = []
        pos = a
        for ra, rb, inside in runs:
            masked.append(spelled[pos:ra])
            masked.append("*" * (rb - ra))
            weak = inside and not _STRONG.issuperset(t[ra:rb])  # a weak run is hidden letters, all of it
            if t[ra:rb].strip("*"):  # "*" already reads as "*" in the main spelling
                masked_anchors.append((ra - a, rb - a, weak, weak))
            if inside:
                joined.append(spelled[pos:ra])
                index.extend(range(pos - a, ra - a))
                joined_anchors.append((len(index) - 1, len(index) + 1, True, True))
            else:
                joined.append(spelled[pos:rb])
                index.extend(range(pos - a, rb - a))
            pos = rb
        masked.append(spelled[pos:b])
        joined.append(spelled[pos:b])
        index.extend(range(pos - a, b - a))
        clean = not rare and len(joined_anchors) == len(runs) and sum(rb - ra for ra, rb, _ in runs) == sum(
            ch in _SYMBOLS for ch in t[a:b])  # the joined spelling keeps no stray symbols (x**2)
        out.append(MaskedWord("".join(masked), tuple(masked_anchors),
                              "".join(joined) if clean else "", tuple(joined_anchors) if clean else (),
                              index, a, starts, ends))
    return out
