"""The first normalization step: NFKC, casefold, invisible/format characters dropped, combining
marks dropped (ü → u), every dash → "-", whitespace → " ", look-alike Latin letters (ø, ł, small
capitals, upside-down ɟɔʞ) → ASCII, enclosed letters (⒜, 🅐, 🅰) → one ASCII letter each,
regional-indicator letters spelling a word (🇫🇺🇨🇰) → ASCII, pictographs between letters (f🤬ck,
f⭐ck) → "*", with a per-character map back to the original when lengths differ."""

from __future__ import annotations

import re
import unicodedata

from moderation.charmaps import (APOSTROPHES as _APOSTROPHES, BEFORE_NFKC as _BEFORE_NFKC,
                                 INVISIBLE as _INVISIBLE, LATIN_EXTRA, PUNCTUATION_LOOKALIKES as _PUNCT,
                                 SYMBOL_LETTERS)

__all__ = ["fold", "glyph_letters", "same_length_readings", "unwrap_lines"]

_CACHE_MAX = 200_000
_LATIN_EXTRA = {**LATIN_EXTRA, **SYMBOL_LETTERS}
# Pictographs between two letters hide letters as "*" does (f🤬ck, sh💩t, f⭐ck): read them as "*".
# Arrows, ™ and ® are not among them (A→B, Brand™name); ⒜ (U+249C) and ① are a letter and a digit
# by then.
_PICTOGRAPHS = "\u2300-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff"
_PICTOGRAPH_RUN = re.compile(f"[{_PICTOGRAPHS}]+")  # a leading class: sre skips to it fast
# Regional-indicator letters spell words (🇫🇺🇨🇰, 🇹 🇼 🇦 🇹) in runs of three or more; a pair is a flag.
_REGIONAL_RUN = re.compile("[\U0001f1e6-\U0001f1ff](?: ?[\U0001f1e6-\U0001f1ff]){2,}")
# A word broken at a line end by a hyphen ("cock-\ntail", "Analy-\nsis"): the next line goes on in lower case.
_LINE_WRAP = re.compile("(?<=[^\\W\\d_])-[ \t]*\r?\n[ \t]*(?=[a-z])")
_ASCII_CC = bytes([*range(0, 9), *range(14, 28), 127])

# ASCII fast path: lowercase, whitespace → space, backquote → apostrophe (C-speed bytes.translate).
_ASCII_BYTES = bytearray(range(256))
for _b in range(65, 91):
    _ASCII_BYTES[_b] = _b + 32
for _b in b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f":
    _ASCII_BYTES[_b] = 32
_ASCII_BYTES[ord("`")] = ord("'")
_ASCII_TABLE = bytes(_ASCII_BYTES)
_NON_ASCII = re.compile("([^\x00-\x7f]+)")


def _strip_marks(s: str) -> str:
    d = unicodedata.normalize("NFKD", s)
    if d.isascii():
        return d
    kept = "".join(ch for ch in d if unicodedata.category(ch) not in ("Mn", "Me"))
    return unicodedata.normalize("NFC", kept)


def _fold_char(c: str) -> str:
    """What one original character becomes: "" (dropped), one char, or several (ﬁ → fi)."""
    cp = ord(c)
    if 0xD800 <= cp <= 0xDFFF:
        return "\ufffd"
    if c.isspace():
        return " "
    if c in _INVISIBLE:
        return ""
    cat = unicodedata.category(c)
    if cat in ("Cf", "Cc", "Mn", "Me"):
        return ""
    if cat == "Pd":
        return "-"
    if cat == "Pc":
        return "_"
    if c in _APOSTROPHES:
        return "'"
    if c in _PUNCT:
        return _PUNCT[c]
    if c in _BEFORE_NFKC:
        return _BEFORE_NFKC[c]
    s = _strip_marks(_strip_marks(unicodedata.normalize("NFKC", c)).casefold())
    out = []
    for ch in s:
        if ch.isspace():
            out.append(" ")
        elif ch in _INVISIBLE or unicodedata.category(ch) in ("Cf", "Cc"):
            continue
        else:
            out.append(_LATIN_EXTRA.get(ch, _APOSTROPHES.get(ch, ch)))
    return "".join(out)


_IRREGULAR: set[str] = set()  # characters that do not map to exactly one character


class _FoldTable(dict[int, str]):
    """str.translate table filled lazily, so only characters actually seen are computed."""

    def __missing__(self, cp: int) -> str:
        r = _fold_char(chr(cp))
        if len(r) != 1:
            _IRREGULAR.add(chr(cp))
        if len(self) < _CACHE_MAX:
            self[cp] = r
        return r


_FOLD = _FoldTable()
_IRREGULAR.update(map(chr, _ASCII_CC))  # dropped by the ASCII path, which skips the table


def fold(s: str) -> tuple[str, list[int] | None, list[int] | None]:
    """(folded text, starts, ends): per folded character, the original [start, end) it came
    from; starts/ends are None when the mapping is the identity (the common case)."""
    if s.isascii():
        raw = s.encode("ascii")
        folded = raw.translate(_ASCII_TABLE, _ASCII_CC)
        if len(folded) == len(raw):
            return folded.decode("ascii"), None, None
    # ASCII runs by bytes (C speed), the other characters through the lazy table.
    parts = _NON_ASCII.split(s)
    dropped = False  # an ASCII control character
    for k in range(0, len(parts), 2):
        raw = parts[k].encode("ascii")
        folded = raw.translate(_ASCII_TABLE, _ASCII_CC)
        dropped = dropped or len(folded) != len(raw)
        parts[k] = folded.decode("ascii")
    wide = "".join(parts[1::2])
    for k in range(1, len(parts), 2):
        parts[k] = parts[k].translate(_FOLD)
    t = "".join(parts)
    # Pictographs and regional indicators lie above U+2300: most texts have none.
    top = max("".join(parts[1::2]), default="")
    if top >= "\U0001f1e6" and _REGIONAL_RUN.search(t):  # one letter for one indicator: offsets unchanged
        t = _REGIONAL_RUN.sub(lambda m: "".join(chr(ord(c) - 0x1F1E6 + 97) if c != " " else c
                                                for c in m.group()), t)
    if top >= "\u2300":
        t = _pictographs_in_words(t)
    odd = _IRREGULAR.intersection(s if dropped else wide)
    if not odd:
        return t, None, None
    # Runs of one-for-one characters map by ranges; only the odd ones are looked at singly.
    at = sorted(i for c in odd for i in _positions(s, c))
    starts: list[int] = []
    ends: list[int] = []
    prev = 0
    for i in at:
        starts.extend(range(prev, i))
        ends.extend(range(prev + 1, i + 1))
        k = len(_FOLD[ord(s[i])])
        if k:
            starts.extend([i] * k)
            ends.extend([i + 1] * k)
        elif ends:
            ends[-1] = i + 1  # the previous kept character covers what was dropped after it
        prev = i + 1
    starts.extend(range(prev, len(s)))
    ends.extend(range(prev + 1, len(s) + 1))
    return t, starts, ends


def _pictographs_in_words(t: str) -> str:
    """`t` with each run of pictographs between two letters read as "*" (one for one: offsets
    unchanged)."""
    pieces: list[str] = []
    pos = 0
    n = len(t)
    for m in _PICTOGRAPH_RUN.finditer(t):
        a, b = m.span()
        if a and b < n and "a" <= t[a - 1] <= "z" and "a" <= t[b] <= "z":
            pieces.append(t[pos:a])
            pieces.append("*" * (b - a))
            pos = b
    if not pieces:
        return t
    pieces.append(t[pos:])
    return "".join(pieces)


def _positions(s: str, c: str) -> list[int]:
    out = []
    i = s.find(c)
    while i >= 0:
        out.append(i)
        i = s.find(c, i + 1)
    return out


_GLYPHS = {"|_|": "u", "(_)": "u", "|<": "k", "|)": "d", "|\\|": "n", "|-|": "h", "/\\": "a", "\\/": "v", "()": "o"}
_GLYPH = "|".join(re.escape(g) for g in sorted(_GLYPHS, key=len, reverse=True) if g != "()")
# Letters drawn with two or three symbols (p|_|$$y, dik|<, b()wj()b) beside a letter; "()" only
# between two letters, since f() and print() are code.
_NEAR = "[^\\W\\d_]|[!|+@$]"  # a letter, or a leet symbol that is one
_MULTI_LEET = re.compile(f"(?<=[^\\W\\d_]|[!|+@$()])(?:{_GLYPH})|(?:{_GLYPH})(?={_NEAR})"
                         f"|(?<={_NEAR})\\(\\)(?={_NEAR})")


def glyph_letters(text: str) -> str:
    """`text` with letters drawn in symbols read as letters, padded with soft hyphens (which
    fold() drops) to the same length, so offsets into `text` stay valid."""
    if "|" not in text and "()" not in text and "/\\" not in text and "\\/" not in text and "(_)" not in text:
        return text
    read = _MULTI_LEET.sub(_glyph, text)
    return read if read == text else _MULTI_LEET.sub(_glyph, read)  # again: d()|_| reads "du" first, then "dou"


def _glyph(m: re.Match[str]) -> str:
    return _GLYPHS[m.group()] + "\u00ad" * (len(m.group()) - 1)


def unwrap_lines(text: str) -> str:
    """`text` with each line-end hyphenation ("cock-\ntail") turned into soft hyphens, which
    fold() drops: the word reads whole, and offsets into `text` stay valid (same length)."""
    if "-" not in text or "\n" not in text:
        return text
    return _LINE_WRAP.sub(lambda m: "\u00ad" * len(m.group()), text)


def same_length_readings(text: str) -> str:
    """The readings that keep every offset: line-end hyphenation joined, letters drawn in symbols
    read (both padded with soft hyphens, which fold() drops)."""
    return glyph_letters(unwrap_lines(text))  # each returns at once when its sign is absent
