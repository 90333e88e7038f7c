"""Character tables for moderation.normalize: invisibles, look-alikes, leetspeak, triggers."""

from __future__ import annotations

import ahocorasick

INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u180e\u200b\u2060\ufeff\u00ad")
APOSTROPHES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'"}
PUNCTUATION_LOOKALIKES = {"¡": "!", "¿": "?", "ǃ": "!"}  # sh¡t reads as sh!t
# Latin letters that NFKD does not reduce to ASCII (stroked letters, small capitals, ligatures).
LATIN_EXTRA = {
    "ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ŧ": "t", "ƀ": "b", "ɨ": "i", "ð": "d", "ı": "i",
    "ȷ": "j", "ɑ": "a", "ɡ": "g", "ɩ": "i", "æ": "ae", "œ": "oe", "ᴀ": "a", "ʙ": "b", "ᴄ": "c",
    "ᴅ": "d", "ᴇ": "e", "ғ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j", "ᴋ": "k", "ʟ": "l",
    "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v",
    "ᴡ": "w", "ʏ": "y", "ᴢ": "z", "ꜰ": "f", "ꞯ": "q", "ɓ": "b", "ƈ": "c", "ɗ": "d", "ƒ": "f", "ɠ": "g", "ɦ": "h",
    "ƙ": "k", "ɱ": "m", "ɲ": "n", "ƥ": "p", "ʠ": "q", "ʂ": "s", "ƭ": "t", "ʋ": "v", "ⱳ": "w",
    "ƴ": "y", "ȥ": "z", "ĸ": "k", "ʄ": "f",
    # upside-down letters (ɟnɔʞ; "n" upside down is "u", but a plain "n" stays "n")
    "ɐ": "a", "ɔ": "c", "ǝ": "e", "ɟ": "f", "ƃ": "g", "ɥ": "h", "ᴉ": "i", "ɾ": "j", "ʞ": "k", "ɯ": "m",
    "ɹ": "r", "ʇ": "t", "ʌ": "v", "ʍ": "w", "ʎ": "y",
}
# Read before NFKC, which spells a parenthesized letter ⒜ as "(a)" and the lunate sigma ϲ as σ:
# letters in brackets or in negative circles and squares (🅐, 🅰) are one letter each, ϲ stays a c
# look-alike (CONFUSABLES).
BEFORE_NFKC = {"\u03f2": "\u03f2", "\u03f9": "\u03f2"}
for _first in (0x249C, 0x1F110, 0x1F150, 0x1F170):  # ⒜, 🄐, 🅐, 🅰 (each a run of 26)
    BEFORE_NFKC.update({chr(_first + _k): chr(97 + _k) for _k in range(26)})
# Symbols used as letters (ƒυ¢к, bi†ch): not letters to NFKD, and rarely next to letters otherwise.
SYMBOL_LETTERS = {"¢": "c", "©": "c", "†": "t", "€": "e", "∂": "d", "฿": "b", "ℓ": "l"}
# Letters of other scripts that look like Latin ones (after casefolding): Cyrillic, Greek,
# Armenian, and the scripts "fancy text" generators borrow from.
CONFUSABLES = {
    "а": "a", "в": "b", "г": "r", "е": "e", "ё": "e", "и": "u", "к": "k", "м": "m", "н": "h",
    "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ь": "b", "ѕ": "s",
    "я": "r", "є": "e", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
    "ү": "y",
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j",
    "σ": "o", "ϝ": "f",  # σ also stands for ς, which casefolds to it; ϝ: digamma
    "ᛕ": "k", "þ": "p", "ן": "l",  # runic open-p, thorn, Hebrew final nun (upside-down l)
    "օ": "o", "ս": "u", "զ": "q", "ց": "g", "հ": "h", "ո": "n",
    # Canadian syllabics that "fancy text" generators use for Latin capitals (ᖴᑌᑕK)
    "ᗩ": "a", "ᗷ": "b", "ᑕ": "c", "ᗪ": "d", "ᗴ": "e", "ᖴ": "f", "ᘜ": "g", "ᕼ": "h", "ᓰ": "i", "ᒍ": "j",
    "ᒪ": "l", "ᗰ": "m", "ᑎ": "n", "ᗝ": "o", "ᑭ": "p", "ᑫ": "q", "ᖇ": "r", "ᔕ": "s", "ᑌ": "u", "ᐯ": "v",
    "ᗯ": "w", "᙭": "x", "ᘔ": "z",
    # Cherokee letters that fancy-text generators use for Latin capitals (ᏰᎥᎢᏟᎻ)
    "Ꭺ": "a", "Ᏼ": "b", "Ᏸ": "b", "Ꮯ": "c", "Ꭰ": "d", "Ꭼ": "e", "Ꮐ": "g", "Ꮋ": "h", "Ꭵ": "i", "Ꭻ": "j",
    "Ꮶ": "k", "Ꮮ": "l", "Ꮇ": "m", "Ꮲ": "p", "Ꮢ": "r", "Ꮪ": "s", "Ꮥ": "s", "Ꭲ": "t", "Ꮼ": "u", "Ꮩ": "v",
    "Ꮤ": "w", "Ꮃ": "w", "Ꮍ": "y", "Ꮓ": "z",
    "\u13a9": "y", "\u13c1": "n", "\u13be": "o",
    # Lisu letters, drawn as Latin capitals (ꓝꓴꓚꓗ)
    "ꓮ": "a", "ꓐ": "b", "ꓚ": "c", "ꓓ": "d", "ꓰ": "e", "ꓝ": "f", "ꓖ": "g", "ꓧ": "h", "ꓲ": "i", "ꓙ": "j",
    "ꓗ": "k", "ꓡ": "l", "ꓟ": "m", "ꓠ": "n", "ꓳ": "o", "ꓑ": "p", "ꓣ": "r", "ꓢ": "s", "ꓔ": "t", "ꓴ": "u",
    "ꓦ": "v", "ꓪ": "w", "ꓫ": "x", "ꓬ": "y", "ꓜ": "z",
}
LEET_DIGITS = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b", "9": "g"}
LEET_EDGE = {"@": "a", "$": "s"}  # also at the start or end of a word: @ss, a$$
LEET_INNER = {"!": "i", "|": "l", "+": "t", "(": "c"}  # only between two letters: b!tch
ALT = {"1": "l", "|": "i"}  # the second reading ("!" is i in both: 1!bturd reads libturd)
# Symbols that stand for hidden letters (f#ck, sh%t, f*ck). STRONG ones are rarely anything else
# inside a word; WEAK ones are also ordinary separators (well-known, e.g., snake_case). RARE ones
# ("&", "<") are far more often something else (AT&T, R&D, &gt;, a<b): they mask a letter only
# where the masked word is a listed one (f&ck, fu<k; see moderation.masks).
MASK_STRONG = "*#%@$"
MASK_WEAK = "-._!?+~^"
MASK_RARE = "&<"
# Separators between single letters beyond the usual ones (f|u|c|k, f=u=c=k, s•h•i•t, f..u..c..k,
# f | u | c | k): joined for Latin letters only, never read into leet items ("1 . 2 . 3" stays).
LETTER_SEPS = "|=;>\u00b7\u2022"
SPACED_SEPS = ".|\u00b7\u2022"  # between spaces: f . u . c . k
# Those two have no trigger words (keys starting with them would lengthen the automaton root's
# list of children, which every character not on it is checked against, for a rare case):
# normalize.joinable_at_start looks for them in texts that are not ASCII.
WIDE_SEPS = "\u00b7\u2022"

# Trigger kinds; values >= 0: "leet character this far before the end". MASK: a symbol between
# letters (masked or split word); MASK_LEET: both MASK and a leet character one before the end.
RUN, JOINABLE, MASK, MASK_LEET = -1, -2, -3, -4


def build_triggers(join_seps: str) -> ahocorasick.Automaton:
    """One C-speed pass that finds leet characters next to letters and says whether the (slow)
    join/run/mask steps are worth running; Python's re costs ~15 ns a character per pattern."""
    auto = ahocorasick.Automaton()
    letters = "abcdefghijklmnopqrstuvwxyz"
    for a in letters:
        for ch in "0123456789@$":
            auto.add_word(a + ch, 0)
            auto.add_word(ch + a, 1)
        auto.add_word(a + "+", 0)  # shi+: a final "+" may read t
        auto.add_word("+" + a, 1)  # +wat: so may a first one
        auto.add_word("!" + a, 1)  # !diot: a first "!" may read i
    leetish = letters + "0123456789@$"
    for a in leetish:  # b!tch, 8!7ch
        for ch in LEET_INNER:
            for b in leetish:
                auto.add_word(a + ch + b, MASK_LEET if ch in MASK_WEAK else 1)
    for ch in LEET_INNER:  # sh!!!t, pr!!ck: the end of a run ("wow!! " stays on the fast path)
        for ch2 in LEET_INNER:
            for b in leetish:
                auto.add_word(ch + ch2 + b, 2)
    for d in "0123456789":  # @55: a leading "@" before digits
        auto.add_word("@" + d, 1)
    auto.add_word("@$", 1)  # @$$, 4$55
    auto.add_word("4$", 1)
    for a in "0123456789":  # d1#k, c0*k ("100%" and "$5" stay on the fast path)
        for sep in "#*":
            auto.add_word(a + sep, MASK)
    leet_items = "013456789@$!|+"  # 5.h.1.t, c u n 7: single letters mixed with leet characters
    for a in letters + leet_items:
        for b in letters + leet_items:
            if a in letters and b in letters:
                continue
            for sep in (*join_seps.replace(" ", ""), ". ", ", "):
                auto.add_word(a + sep + b + sep, JOINABLE)
            for before in " (\"'[":
                auto.add_word(before + a + " " + b + " ", JOINABLE)
    for a in letters:
        auto.add_word(a * 3, RUN)
        for b in letters:  # every letter doubled: ffuucckk
            for c in letters:
                auto.add_word(a * 2 + b * 2 + c * 2, RUN)
        for b in letters:
            for sep in (*join_seps.replace(" ", ""), ". ", ", "):
                auto.add_word(a + sep + b + sep, JOINABLE)
            for before in " (\"'[":  # "is a " must not trigger, so a boundary comes first
                auto.add_word(before + a + " " + b + " ", JOINABLE)
            for sep in "*@$-._?~^":  # a symbol between letters: a masked or split word
                auto.add_word(a + sep + b, MASK)
        for sep in ("#", "%", "--", "__", "*****"):  # mother******: a trailing mask too long for the keys
            auto.add_word(a + sep, MASK)
        for sep in "-._!?+~^*@$":  # a run of mixed symbols (f-#k, s.%t), not an ellipsis (so...)
            for other in MASK_STRONG + MASK_WEAK:
                if other != sep and not (sep in ".!?" and other in ".!?"):
                    auto.add_word(a + sep + other, MASK)
    # The rarer separators and masks, placed where they add no children to the letter nodes
    # most characters pass through (pyahocorasick looks a node's children up one by one): below
    # "a|" and "a." (which exist already), or at the root.
    for a in letters:
        for b in letters:
            auto.add_word(a + "|" + b + "|", JOINABLE)  # f|u|c|k
            auto.add_word(a + ".." + b + "..", JOINABLE)  # f..u..c..k
            auto.add_word(a + "..." + b + "...", JOINABLE)
    for b in letters:
        for sep in "=;>":  # f=u=c=k, f;u;c;k, f>u>c>k
            auto.add_word(sep + b + sep, JOINABLE)
        auto.add_word(f"| {b} |", JOINABLE)  # f | u | c | k
        auto.add_word(f". {b} .", JOINABLE)  # f . u . c . k
        for sep in MASK_RARE:  # f&ck, fu<k
            auto.add_word(sep + b, MASK)
    auto.make_automaton()
    return auto
