"""The keyword stage's automaton values: one `Entry` per term or exception under a normalized key,
and the keys derived from each term (masked spellings, phrase forms, respellings; see termforms).

Kept apart from the matcher (moderation.keywords) so each stays small.
"""

from __future__ import annotations

from dataclasses import replace

from moderation.normalize import normalize
from moderation.termforms import exception_keys, masked_keys, phrase_keys, respelled_keys, split_keys
from moderation.types import Severity
from moderation.wordlists import Term
from pipeline.types import ConfigError

SEV_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2}
RANK_OF = {sev.value: rank for sev, rank in SEV_RANK.items()}  # by a Match's severity string
NONE, ALPHA, ALNUM, WORDISH = 0, 1, 2, 3  # what may not touch a key's edge (WORDISH: a letter or "'")


def edge_kind(ch: str) -> int:
    """What may not touch a term's edge: letters for a letter, letters or digits for a digit."""
    return ALPHA if ch.isalpha() else ALNUM if ch.isdigit() else NONE


class Entry:
    """One automaton value: a term or exception under one normalized key."""

    __slots__ = ("klen", "left", "right", "prefix_ok", "suffix_ok", "exact", "is_exception", "term",
                 "masked", "masked_end", "specific", "rank", "fields")

    def __init__(self, key: str, term: Term, is_exception: bool, derived: bool = False) -> None:
        self.klen = len(key)
        # A key opening with a lone letter (d ick, s lut) must not follow an apostrophe: I'd ick.
        self.left = WORDISH if key[1:2] == " " and key[0].isalpha() else edge_kind(key[0])
        # A derived "fu**" hides the end of a word: the mask must end there, and what follows
        # is an inflection as after a letter ("fu**ing"), never more symbols or a new word.
        # Listed spellings with "*" (a**, f***) behave like derived ones.
        self.masked = "*" in key  # f*ck: only in prose (in code "c**n" is a power)
        self.masked_end = key.endswith("*")
        # Ties on one span go to the most specific: a listed term (the longer the better), then
        # a masked spelling derived from a root word (*fuck*), then from a variant (fxcking).
        # Between listed spellings of one key (shit, 5h17) the plain one names the match.
        self.specific = (1000 + 2 * len(term.text) + (term.text.casefold() == key) if not derived
                         else int(term.prefix_ok or term.suffix_ok))
        self.right = ALPHA if self.masked_end else edge_kind(key[-1])
        self.prefix_ok = term.prefix_ok and not self.masked_end  # "**meta**" is not "ta**" (tard)
        self.suffix_ok = term.suffix_ok and not self.masked_end
        self.exact = term.exact
        self.is_exception = is_exception
        self.term = term
        self.rank = SEV_RANK[term.severity]
        self.fields = (term.text, term.category, term.severity.value)  # a Match's first three


def masked_preference(term: Term) -> tuple[bool, int, int, str]:
    """Which term a masked spelling stands for when several fit: a root word (*fuck*) before a
    variant spelling (fack), then the mildest (co**: cock, not coon), then the shortest."""
    return not (term.prefix_ok or term.suffix_ok), SEV_RANK[term.severity], len(term.text), term.text


def derived_entries(by_key: dict[tuple[str, bool, bool, bool], Term], exceptions: list[Term]
             ) -> dict[str, list[Entry]]:
    """Masked spellings and phrase forms of the terms, separator forms of the exceptions.

    When one masked spelling could stand for several terms (c**n), one is chosen (see
    _masked_preference): the writer censored it, and the spelling alone does not say which
    word was meant."""
    out: dict[str, list[Entry]] = {}
    # Plain spellings first, so a derived key names "shit" rather than a listed "5h17".
    by_key = dict(sorted(by_key.items(), key=lambda kv: kv[1].text.casefold() != kv[0][0]))
    for synonyms in (False, True):  # "kill-yourself" reports "kill yourself", not "kill your self"
        for (key, *_), term in by_key.items():
            for k in phrase_keys(key, synonyms):
                if k not in out:
                    out[k] = [Entry(k, term, False)]
    masked: dict[str, Term] = {}
    for (key, *_), term in by_key.items():
        for k in masked_keys(key):
            old = masked.get(k)
            if old is None or masked_preference(term) < masked_preference(old):
                masked[k] = term
    for k, term in masked.items():
        out.setdefault(k, []).append(Entry(k, term, False, derived=True))
    for (key, *_), term in by_key.items():
        if term.severity is not Severity.LOW:
            for k in respelled_keys(key):
                if k not in out and (k, term.prefix_ok, term.suffix_ok, term.exact) not in by_key:
                    out[k] = [Entry(k, term, False)]
            whole = replace(term, prefix_ok=False, suffix_ok=False)  # "t wat" must not match "can't watch"
            for k in split_keys(key):
                if k not in out and (k, False, False, term.exact) not in by_key:
                    out[k] = [Entry(k, whole, False)]
    for exc in exceptions:
        for k in exception_keys(term_key(exc)):
            out.setdefault(k, []).append(Entry(k, exc, True))
    return out


def term_key(term: Term) -> str:
    key = normalize(term.text).text.strip()
    if not key:
        raise ConfigError(f"{term.source}: term {term.text!r} is empty after normalization")
    return key
