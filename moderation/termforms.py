"""Extra automaton keys the keyword stage derives from each listed term, so lists stay plain.

* Masked spellings of single words (fuck → f*ck, fu*k, f**k, fu**): one block of up to four
  letters as "*", inside the word or (two or more) at its end, always keeping at least two
  letters. moderation.masks turns "f#ck", "f.ck", "f-ck" into "f*ck" so they meet these keys.
* Phrase forms: the usual chat spellings of pronouns and contractions (you → u/ya, i will →
  i'll/ill, going to → gonna, yourself → urself ...), and each form written with "-", "_" or
  "." between its words or with no separator at all ("kill-yourself", "killyourself").
  Single words never take the hyphen-as-space reading: "a-hole" stays a word and "a hole" is
  not derived from it.
* Respellings of single words of medium or high severity: a doubled vowel (fuuck, shiit; the
  normalizer collapses runs of three or more letters but must leave a double one alone) and
  "v" for "u" (cvnt), and the word split in two by a space (fu ck) where neither half is a
  common short word.
* Exceptions (innocent phrases) get the same separator forms, with space and hyphen mixed
  ("drop-dead gorgeous"), so that an innocent phrase written either way is still recognised.
"""

from __future__ import annotations

import itertools

from moderation.masks import is_prefix, is_short_word

__all__ = ["MAX_MASKED", "exception_keys", "masked_keys", "phrase_keys", "respelled_keys", "split_keys"]

MAX_MASKED = 4  # longest block of letters a derived masked key hides
_MIN_MASKED_WORD = 4  # a*s, c*m, t*t: too short to tell which word was meant
_MAX_FORMS = 48  # spelling combinations per phrase, before the separator forms
_MAX_SPLIT = 6  # longest word whose split halves are derived
_MIN_JOINED = 6  # "godie" is not derived from "go die"; "shutup" is from "shut up"
_SEPARATORS = ("-", "_", ".")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_VOWELS = frozenset("aeiou")

# Interchangeable spellings inside phrases (each group's members replace one another).
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("i am going to", "i'm going to", "im going to", "i am gonna", "i'm gonna", "im gonna", "imma",
     "i'ma", "ima"),
    ("we are going to", "we're going to", "were going to", "we're gonna", "were gonna"),
    ("going to", "gonna"),
    ("want to", "wanna"),
    ("i will", "i'll", "ill", "i shall"),
    ("we will", "we'll"),
    ("you are", "you're", "youre", "ur", "u r", "u are"),
    ("yourself", "urself", "your self", "ur self", "yourselves", "yaself", "yoself", "yo self", "urslf",
     "yourslf"),
    ("your", "ur", "yer"),
    ("you", "u", "ya", "yu"),
    ("myself", "my self"),
    ("do not", "don't", "dont"),
)
_GROUP: dict[tuple[str, ...], tuple[str, ...]] = {}
for _group in SYNONYMS:
    for _form in _group:
        _GROUP.setdefault(tuple(_form.split()), _group)
_LONGEST = max(len(k) for k in _GROUP)


def masked_keys(key: str) -> list[str]:
    """Self-censored spellings of one word: f*ck, fu*k, f**k, fu** (never f***: too ambiguous), and
    inside the word a mask one symbol longer than the letters it hides (f***k)."""
    n = len(key)
    if n < _MIN_MASKED_WORD or not _LETTERS.issuperset(key):
        return []
    out = []
    for a in range(1, n - 1):
        for b in range(1, min(MAX_MASKED, n - 1 - a) + 1):
            out.append(key[:a] + "*" * b + key[a + b:])
            # writers rarely count the letters they hide: f***k, f___k (one symbol more; one fewer
            # would make short keys that read as other words: p**s+y)
            if b < MAX_MASKED:
                out.append(key[:a] + "*" * (b + 1) + key[a + b:])
    for a in range(max(2, n - MAX_MASKED), n - 1):
        out.append(key[:a] + "*" * (n - a))
    return out


def respelled_keys(key: str) -> list[str]:
    """Common respellings of one word: a vowel written twice (fuuck, shiit) and "v" for "u"
    (fvck, cvnt). Runs of three or more letters are collapsed by the normalizer already, a doubled
    letter is not (book, too), and doubling a consonant makes real words (shag → shaggy) far more
    often than doubling a vowel does; a dictionary check found no English word among these keys."""
    if len(key) < _MIN_MASKED_WORD or not _LETTERS.issuperset(key):
        return []
    out = [key[:i + 1] + key[i:] for i, ch in enumerate(key)
           if ch in _VOWELS and key[i - 1:i] != ch and key[i + 1:i + 2] != ch]
    if "u" in key:
        out.append(key.replace("u", "v"))
    return out


# Words split off a lone letter (f uck, cun t, d ick, a sshole): only these, whose other halves
# are not English words; elsewhere a lone letter beside a word is prose ("B icon", "rap e.g.",
# "dark y"). A lone "a", "i", "u" or "o" at the end is a word of its own. A lone letter first
# never follows an apostrophe (I'd ick, it's lut: the keyword stage checks that edge).
_LONE_SPLIT = frozenset("fuck cunt dick cock slut twat shit bitch whore faggot nigger asshole".split())
_LONE_WORDS = frozenset("aiuo")
_MAX_LONE_SPLIT = 7


def split_keys(key: str) -> list[str]:
    """A short word split in two by one space (fu ck, bi tch, f uck): neither half a common short
    word or prefix, so "pen is", "sh it" and "re tard" stay prose; a longer word (6-7 letters) also
    where one half is a common word and the other a fragment of three letters or more (as shole,
    nig ger), so "an al" stays prose. Longer words are left whole: their halves are often words
    themselves (wet back)."""
    lone = key in _LONE_SPLIT
    if not _MIN_MASKED_WORD <= len(key) <= (_MAX_LONE_SPLIT if lone else _MAX_SPLIT) or not _LETTERS.issuperset(key):
        return []
    out = []
    for i in range(1, len(key)):
        head, tail = key[:i], key[i:]
        if len(head) == 1 or len(tail) == 1:
            ok = lone and tail not in _LONE_WORDS and not is_short_word(tail if len(head) == 1 else head)
        else:
            head_word, tail_word = is_short_word(head), is_short_word(tail)
            ok = not head_word and not tail_word or (
                len(key) >= 6 and head_word != tail_word and len(tail if head_word else head) >= 3
                and not is_prefix(head if head_word else tail))
        if ok:
            out.append(head + " " + tail)
    return out


def _forms(words: list[str]) -> list[str]:
    """Every combination of the synonym groups found in `words` (greedy, longest first)."""
    slots: list[tuple[str, ...]] = []
    i = 0
    while i < len(words):
        for size in range(min(_LONGEST, len(words) - i), 0, -1):
            group = _GROUP.get(tuple(words[i:i + size]))
            if group is not None:
                own = " ".join(words[i:i + size])
                slots.append((own, *(f for f in group if f != own)))
                i += size
                break
        else:
            slots.append((words[i],))
            i += 1
    return [" ".join(combo) for combo in itertools.islice(itertools.product(*slots), _MAX_FORMS)]


def _separated(phrase: str) -> list[str]:
    out = [phrase.replace(" ", sep) for sep in _SEPARATORS]
    joined = phrase.replace(" ", "")
    if len(joined) >= _MIN_JOINED:
        out.append(joined)
    return out


def phrase_keys(key: str, synonyms: bool = True) -> list[str]:
    """Other spellings of a phrase (a key with spaces); [] for a single word. The separator
    forms of the phrase as written come first; with `synonyms`, then every chat spelling and
    its separator forms."""
    if " " not in key:
        return []
    out = _separated(key)
    if synonyms:
        for form in _forms(key.split(" "))[1:]:
            out.append(form)
            out.extend(_separated(form))
    return list(dict.fromkeys(out))


def exception_keys(key: str) -> list[str]:
    """Separator forms of an innocent phrase, space and hyphen mixed ("drop-dead gorgeous")."""
    gaps = key.count(" ")
    if not gaps:
        return []
    out = _separated(key)
    if gaps <= 4:
        words = key.split(" ")
        for seps in itertools.product(" -", repeat=gaps):
            out.append(words[0] + "".join(s + w for s, w in zip(seps, words[1:])))
    return [k for k in dict.fromkeys(out) if k != key]
