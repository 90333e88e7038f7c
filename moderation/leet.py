"""Leetspeak inside words, for moderation.normalize: sh1t, b!tch, $h!t, 8!7ch, d1#k, shi+, @55.

Reads the tokens (letters, digits, leet and mask symbols) around the positions the trigger pass
found. The main reading maps 1 to i, a second one maps 1 to l and | to i. Numbers, numbers with a
unit (900k), hex ids and prices stay as they are. Replacements are one character for one, so
offsets do not change.
"""

from __future__ import annotations

import re

from moderation.charmaps import ALT as _ALT, LEET_DIGITS as _LEET_DIGITS, LEET_EDGE as _LEET_EDGE
from moderation.charmaps import LEET_INNER as _LEET_INNER

__all__ = ["read_leet"]

_LEET_CHARS = "0-9@$!|+("
# Mask symbols belong to the token too, so "d1#k" counts two letters around its digit.
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@$!|+(*#%")
_LEETISH = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@$!|")
_INNER_RUN = re.compile("[!|+(][!|+(]*")
_DIGIT_RUN = re.compile("[0-9]+")
_LETTERISH = frozenset("abcdefghijklmnopqrstuvwxyz@$")
_MASKS = frozenset("*#%")
_HIDDEN = _MASKS | frozenset(_LEET_EDGE)  # around an inner leet run: p+@, d!#k
# Tokens that are not leet: a number with a unit (900k, 717s, 3rd), hex (0x2f967, 6+ hex digits)
# (a digit held down, 4444ss, is leet after all; one digit needs a real unit: 3d, 4k, 1st, but 5ex, 4ss)
_NOT_LEET = re.compile(r"(?![0-9]*([0-9])\1\1)[0-9]{2,}[a-z]{1,2}"
                       r"|[0-9](?:st|nd|rd|th|[a-z]|am|pm|mm|cm|km|kg|mb|gb|tb|px|ms|hz|ft|yr|hr|v|w)"
                       r"|0x[0-9a-f]+|(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{6,}")
# Tokens without a letter that are words: @55, @$$, 4$55 (ass); @555 is a handle, $55 money
_LETTERLESS = re.compile(r"@[0-9]{1,2}|[@4]\$[$5]*")
_DIGIT_REPEATS = re.compile(r"([0-9])\1+")
_HELD_DOWN = re.compile(r"([0-9])\1\1")
_LETTERISH_MASKED = _LETTERISH | _MASKS
_LEET_ANY = re.compile(f"[{_LEET_CHARS}]")
_HAS_LETTER = re.compile("[a-z]")
_RUN3 = re.compile("([a-z])\\1\\1+")
# Single letters between pipes (f|u|c|k, |b|i|t|c|h|) are a word split by "|", joined later; not leet.
_PIPED = re.compile("\\|?[a-z](?:\\|[a-z]){2,}\\|?")


def _edge_digits(run: str) -> bool:
    """May a digit run touching letters on one side only be leet? Up to two digits (a55, sh1t),
    or two held down (sh177777); "push177" stays a name with a number."""
    return len(run) <= 2 or (_HELD_DOWN.search(run) is not None and len(_DIGIT_REPEATS.sub(r"\1", run)) <= 2)


def _mostly_digits(tok: str, a: int, b: int) -> bool:
    """A longer digit run at a word's edge is leet in a word of five or more characters that
    starts with it (455hole, 80110cks) or is mostly digits (dum8455); a name with a number after
    it (push177, user123) is not, nor a run holding a "2" (no letter looks like it)."""
    run = tok[a:b]
    return (len(tok) >= 5 and len(run) <= 5 and "2" not in run and b - a < len(tok)
            and (a == 0 or len(run) * 2 > len(tok)))


def read_leet(t: str, positions: list[int]) -> tuple[str, str | None, bool]:
    """Leetspeak inside words: (main reading, second reading or None, made a letter run)."""
    alt_pos: list[int] = []
    made_run = False

    def repl(t: str, start: int, end: int) -> str:
        nonlocal made_run
        tok = t[start:end]
        n = len(tok)
        if "|" in tok[:2] and _PIPED.fullmatch(tok):
            return tok
        final_t = n >= 4 and tok[-1] == "+" and tok[-2] in _LEETISH  # shi+, cun+: a final "+" reads t
        # +w@t: a first "+" reads t only beside other leet ("+watch the diff", "+water" are prose)
        first_t = n >= 4 and tok[0] == "+" and tok[1] in _LEETISH and _LEET_ANY.search(tok, 1) is not None
        first_i = n >= 4 and tok[0] == "!" and tok[1] in _LEETISH  # !diot
        if not (final_t or first_t or first_i) and (not _LEET_ANY.search(tok.strip("!|+(*#%")) or (
                not _HAS_LETTER.search(tok) and not _LETTERLESS.fullmatch(tok))):
            return tok  # only trailing/leading punctuation, or a number
        if _NOT_LEET.fullmatch(tok.lstrip("(")) or (tok[0] == "@" and end + 1 < len(t) and t[end] == "." and t[end + 1].isdigit()):
            return tok  # 900k, 717s, 0x2f967, d445a53e, @55.20: numbers, units, hex ids and prices
        letters = len(_HAS_LETTER.findall(tok)) + sum(ch in _LEET_EDGE for ch in tok)  # $h!t: $ is a letter too
        out = list(tok)
        email = "@" in tok and t.startswith(".", end) and end + 1 < len(t) and t[end + 1].isalpha()
        # @ScunthorpeUnited, @shittu_official: a handle's "@" is not an "a" (@ss and @$$hole still are)
        handle = n >= 5 and tok[0] == "@" and tok[1:].isalpha()
        for i, ch in enumerate(tok):
            if ch in _LEET_EDGE:
                if not ((email or (handle and i == 0)) and ch == "@"):
                    out[i] = _LEET_EDGE[ch]
        # leet digits and mask symbols stand for letters too (8!7ch, s%i+)
        like = letters + sum(ch in _LEET_DIGITS or ch in _MASKS for ch in tok)
        if like >= 3:  # b!tch, sh!!!t, 8!7ch: a run between two alnums
            for r in _INNER_RUN.finditer(tok):
                a, b = r.span()
                if a > 0 and b < n and (tok[a - 1].isalnum() or tok[a - 1] in _HIDDEN) and (
                        tok[b].isalnum() or tok[b] in _HIDDEN):
                    for i in range(a, b):
                        out[i] = _LEET_INNER[tok[i]]
                        if tok[i] in _ALT:
                            alt_pos.append(start + i)
            if final_t:
                out[-1] = "t"
            if first_t:
                out[0] = "t"
            if first_i:
                out[0] = "i"
        if letters >= 2 or (letters and like >= 3):
            near = _LETTERISH if letters < 2 else _LETTERISH_MASKED  # tw#7: a mask beside the digit
            for d in _DIGIT_RUN.finditer(tok):
                a, b = d.span()
                left = a > 0 and out[a - 1] in near
                right = b < n and out[b] in near
                if (left and right) or ((left or right) and (_edge_digits(tok[a:b]) or _mostly_digits(tok, a, b))):
                    for i in range(a, b):
                        if tok[i] in _LEET_DIGITS:
                            out[i] = _LEET_DIGITS[tok[i]]
                            if tok[i] == "1":
                                alt_pos.append(start + i)
        new = "".join(out)
        if not made_run and _RUN3.search(new):
            made_run = True  # a$$$ → asss: the run appears only now
        return new

    if not positions:
        return t, None, False
    pieces: list[str] = []
    pos = 0
    n = len(t)
    for i in positions:
        if i < pos:
            continue  # inside the token just handled
        a = i
        while a > 0 and t[a - 1] in _TOKEN_CHARS:
            a -= 1
        while a < i and t[a] == "#":  # a hashtag's "#" is not a hidden letter
            a += 1
        b = i + 1
        while b < n and t[b] in _TOKEN_CHARS:
            b += 1
        pieces.append(t[pos:a])
        pieces.append(repl(t, a, b))
        pos = b
    pieces.append(t[pos:])
    main = "".join(pieces)
    if not alt_pos:
        return main, None, made_run
    chars = list(main)
    for i in alt_pos:
        chars[i] = _ALT[t[i]]
    return main, "".join(chars), made_run
