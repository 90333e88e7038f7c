"""Split long replies for Telegram, which limits a message to 4096 UTF-16 code units.

Cuts are made, in order of preference, at a paragraph break, a line break, the end of a
sentence, or a space; a part never ends inside a word. Only a single word longer than the
limit is hard-split (between CJK characters where possible, otherwise between two grapheme
clusters, so that neither a combining mark nor a family emoji 👨‍👩‍👧‍👦 or a flag is torn apart).
Python strings hold code points, so a surrogate pair can never be cut. The whitespace at a cut is
dropped: joining the parts with that whitespace gives back the original text.
"""

from __future__ import annotations

import re
import unicodedata

import regex

TELEGRAM_LIMIT = 4096

_SENTENCE_END = ".!?…"
_CJK_SENTENCE_END = "。！？；"
_CLOSERS = "\"')]}»”’"
_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n")
_JOINERS = {"\u200d", "\u200c", "\u2060"}
_GRAPHEME = regex.compile(r"\X")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: code points above U+FFFF take two UTF-16 units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def sanitize(text: str) -> str:
    """Join surrogate halves into real characters and replace lone ones (they cannot be sent)."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Parts of `text`, each at most `limit` UTF-16 units; [] for a blank text."""
    if limit < 2:
        raise ValueError("limit must be at least 2 UTF-16 units")
    parts: list[str] = []
    n = len(text)
    start = _skip_space(text, 0)
    while start < n:
        end = _max_end(text, start, limit)
        if end >= n:
            tail = text[start:].rstrip()
            if tail:
                parts.append(tail)
            break
        cut = _find_cut(text, start, end)
        part = text[start:cut].rstrip()
        if part:
            parts.append(part)
        start = _skip_space(text, cut)
    return parts


def _skip_space(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i].isspace():
        i += 1
    return i


def _max_end(text: str, start: int, limit: int) -> int:
    """Largest end such that text[start:end] fits in `limit` UTF-16 units."""
    units = 0
    i = start
    n = len(text)
    while i < n:
        units += 2 if ord(text[i]) > 0xFFFF else 1
        if units > limit:
            return i
        i += 1
    return n


def _find_cut(text: str, start: int, end: int) -> int:
    """Where to end the part that starts at `start` and may extend to `end` (exclusive)."""
    floor = start + max(1, (end - start) // 3)  # prefer big parts for coarse boundaries
    window = text[start : end + 1]  # text[end] may be the whitespace after a fitting word
    # 1. paragraph break, 2. line break
    best = -1
    for m in _PARAGRAPH.finditer(window):
        best = start + m.start()
    if best >= floor:
        return best
    nl = window.rfind("\n")
    if nl >= 0 and start + nl >= floor:
        return start + nl
    # 3. end of a sentence
    for p in range(end, floor - 1, -1):
        if _sentence_boundary(text, p):
            return p
    # 4. any whitespace (a word boundary)
    for p in range(end, start, -1):
        if text[p].isspace():
            return p
    # 5. a single word longer than the limit: between CJK characters, else a code point boundary
    for p in range(end, max(start, end - 64), -1):
        if (_is_cjk(text[p - 1]) or _is_cjk(text[p])) and not _attaches(text[p]):
            return p
    return _grapheme_cut(text, start, end)


def _grapheme_cut(text: str, start: int, end: int) -> int:
    """The last boundary between two user-perceived characters at or before `end`."""
    lo = max(start, end - 64)  # a cluster is rarely longer; the first one found may start mid-cluster
    best = -1
    for m in _GRAPHEME.finditer(text, lo, min(len(text), end + 64)):
        if m.end() > end:
            break
        best = m.end()
    if best > start:
        return best
    p = end  # one cluster longer than the limit: the old rule, never before a mark or joiner
    while p > start + 1 and (_attaches(text[p]) or text[p - 1] in _JOINERS):
        p -= 1
    return p


def _sentence_boundary(text: str, p: int) -> bool:
    """True when a cut at p (text[p] starts the next part) follows a sentence end."""
    prev = text[p - 1]
    if prev in _CJK_SENTENCE_END:
        return True
    if not text[p].isspace():
        return False
    q = p - 1
    while q > 0 and text[q] in _CLOSERS:
        q -= 1
    return text[q] in _SENTENCE_END


def _attaches(ch: str) -> bool:
    """Characters that belong to the character before them (combining marks, joiners, selectors)."""
    return (
        unicodedata.combining(ch) != 0
        or ch in _JOINERS
        or "\ufe00" <= ch <= "\ufe0f"
        or "\U000e0100" <= ch <= "\U000e01ef"
        or "\U0001f3fb" <= ch <= "\U0001f3ff"  # skin tone modifiers
        or unicodedata.category(ch) in ("Mn", "Me", "Mc")
    )


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x3040 <= o <= 0x30FF  # kana
        or 0x3400 <= o <= 0x4DBF
        or 0x4E00 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x3134F
    )
