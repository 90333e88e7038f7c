"""Build moderation/data/default_terms.csv from the public word lists in ../shared/data/wordlists.

Run from the repository root (deterministic; same inputs give the same file):

    python moderation/data/build_default_list.py [--shared ../shared] [--out moderation/data/default_terms.csv]

What it does: reads LDNOOBW (CC-BY-4.0), dsojevic/profanity-list (MIT) and surge-ai/profanity
(MIT); maps their categories and severities onto ours (profanity, insult, slur, sexual, threat,
self-harm); folds spelling variants together through moderation.normalize (the matcher undoes
leetspeak, so "5h1t" and "shit" are one entry); drops terms that are ordinary words in innocent
text (DROP); applies curated corrections (OVERRIDE); adds terms no source has (EXTRA: insults,
threats, self-harm phrases, self-censored spellings); and lists exceptions (EXCEPTIONS) for
innocent words that contain a term (Scunthorpe, spices, butter).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from moderation.data.curation import (  # noqa: E402
    CANONICAL, DROP, EXCEPTIONS, EXTRA, MASKED, OVERRIDE, ROOTS)
from moderation.keywords import KeywordStage  # noqa: E402
from moderation.normalize import normalize  # noqa: E402
from moderation.wordlists import parse_term  # noqa: E402

LOW, MEDIUM, HIGH = "low", "medium", "high"
_RANK = {LOW: 0, MEDIUM: 1, HIGH: 2}
CATEGORIES = ("profanity", "insult", "slur", "sexual", "threat", "self-harm")

DSOJEVIC_TAGS = {"racial": "slur", "lgbtq": "slur", "religious": "profanity", "general": "profanity",
                 "sexual": "sexual", "shock": "sexual"}
DSOJEVIC_SEVERITY = {1: LOW, 2: MEDIUM, 3: MEDIUM, 4: HIGH}
SURGE_CATEGORIES = {
    "sexual anatomy / sexual acts": "sexual", "racial / ethnic slurs": "slur",
    "sexual orientation / gender": "slur", "bodily fluids / excrement": "profanity",
    "other / general insult": "insult", "religious offense": "slur", "mental disability": "insult",
    "physical disability": "insult", "animal references": "insult", "political": "insult",
    "physical attributes": "insult",
}


_LEET = re.compile("[0-9@$!|+]")
_PLAIN = re.compile("[a-z' -]+")


def _key(term: str) -> str:
    return normalize(term).text.strip()


def _surge_severity(rating: str) -> str:
    r = float(rating)
    return LOW if r < 1.5 else MEDIUM if r < 2.5 else HIGH


def read_sources(shared: Path) -> dict[str, tuple[str, str, str, str]]:
    """key -> (display term, category, severity, source); earlier sources win on conflicts."""
    out: dict[str, tuple[str, str, str, str]] = {}

    def add(term: str, category: str, severity: str, source: str) -> None:
        term = " ".join(term.split()).lower()
        key = _key(term)
        if _LEET.search(term) and _PLAIN.fullmatch(key):
            term = key  # matches report "shit", not the source's "5h17"
        if key and key not in out:
            out[key] = (term, category, severity, source)

    words = shared / "data" / "wordlists"
    for entry in json.loads((words / "dsojevic_en.json").read_text(encoding="utf-8")):
        category = DSOJEVIC_TAGS[entry["tags"][0]]
        severity = DSOJEVIC_SEVERITY[entry["severity"]]
        if category == "slur" and entry["tags"][0] == "racial" and entry["severity"] >= 3:
            severity = HIGH
        for alt in entry["match"].split("|"):
            add(alt.replace("*", ""), category, severity, "dsojevic")
    with (words / "surge_profanity_en.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            category, severity = CANONICAL.get(row["canonical_form_1"], (
                SURGE_CATEGORIES[row["category_1"]], _surge_severity(row["severity_rating"])))
            add(row["text"], category, severity, "surge")
    for line in (words / "ldnoobw_en.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            add(line.strip(), "sexual", MEDIUM, "ldnoobw")
    return out


def _strip(spec: str) -> str:
    """The term without its markers, exactly as the loader reads it."""
    return parse_term(spec, "curation").text


def _covered(key: str, roots: list[tuple[str, bool, bool]]) -> bool:
    """True when a wildcard root already matches every word this key would."""
    for root, prefix_ok, suffix_ok in roots:
        if prefix_ok and suffix_ok and root in key:
            return True
        if suffix_ok and not prefix_ok and key.startswith(root):
            return True
        if prefix_ok and not suffix_ok and (key.endswith(root) or any(
                key.endswith(root + s) for s in ("s", "es", "ed", "ing", "er", "ers", "y"))):
            return True
    return False


def masked_spellings(word: str) -> list[str]:
    """f*ck, fu*k, f**k, f***: each block of interior letters, and all but the first, as "*"."""
    out = []
    for a in range(1, len(word) - 1):
        for b in range(a + 1, len(word)):
            out.append(word[:a] + "*" * (b - a) + word[b:])
    out.append(word[0] + "*" * (len(word) - 1))
    return out


def _underived(masked: dict[str, tuple[str, str]], rows: dict[str, tuple[str, str, str]]
               ) -> dict[str, tuple[str, str, str]]:
    """The masked spellings the keyword stage does not already match, as the word they hide,
    from the other rows (it derives f*ck, fu*k, f**k, fu** from "fuck" and reports "fuck");
    f***, m**********r stay listed. Two passes: a spelling dropped in the first must still be
    read as its word once the kept ones are listed (n****r is not n**** plus an r)."""
    words: dict[str, str] = {}
    for word in MASKED:
        for spelling in masked_spellings(word):
            words.setdefault(spelling, word)
    out: dict[str, tuple[str, str, str]] = {}
    for listed in ({}, None):
        stage = KeywordStage([parse_term(spec, "build", category, severity)
                              for spec, category, severity in [*rows.values(), *(listed or out).values()]],
                             [parse_term(e, "build", "exception") for e in EXCEPTIONS])
        for spelling, (category, severity) in masked.items():
            if "=" + spelling in out:
                continue
            found = stage.scan(spelling)
            if not any(m.start == 0 and m.end == len(spelling) and m.category == category
                       and _key(m.term) in words[spelling] for m in found):
                out["=" + spelling] = (spelling, category, severity)
    return out


def build(shared: Path) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(rows of term spec, category, severity; exception specs)."""
    found = read_sources(shared)
    drop = {_key(_strip(t)) for t in DROP}
    roots = [(_key(_strip(r)), r.startswith("*"), r.endswith("*")) for r in ROOTS]
    curated = {**OVERRIDE, **EXTRA}
    masked: dict[str, tuple[str, str]] = {}
    for word, value in MASKED.items():
        for spelling in masked_spellings(word):
            masked.setdefault(spelling, value)  # f***** is fucker or faggot: the first one listed
    rows: dict[str, tuple[str, str, str]] = {}
    for key, (term, category, severity, _src) in sorted(found.items()):
        if key in drop or len(key) < 3 or not any(ch.isalpha() for ch in key) or _covered(key, roots):
            continue
        if category == "slur" and severity == LOW:
            severity = MEDIUM
        rows[key] = (term, category, severity)
    seen: set[str] = set()
    for spec, (category, severity) in {**ROOTS, **curated}.items():
        key = _key(_strip(spec))
        assert key not in seen, f"{spec!r} is curated twice (ROOTS/OVERRIDE/EXTRA/MASKED)"
        seen.add(key)
        rows.pop(key, None)
        rows["=" + spec] = (spec, category, severity)  # curated rows keyed apart from source keys
    rows.update(_underived(masked, rows))
    for spec, category, severity in rows.values():
        assert category in CATEGORIES, (spec, category)
        assert severity in _RANK, (spec, severity)
    ordered = sorted(rows.values(), key=lambda r: (CATEGORIES.index(r[1]), _strip(r[0]), r[0]))
    return ordered, sorted(set(EXCEPTIONS))


def write(rows: list[tuple[str, str, str]], exceptions: list[str], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# parley default word list. Generated by moderation/data/build_default_list.py;\n")
        fh.write("# do not edit by hand (edit moderation/data/curation.py and re-run).\n")
        fh.write("# Sources and licences: moderation/data/ATTRIBUTION.md. Format: moderation/wordlists.py.\n")
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["term", "category", "severity"])
        for row in rows:
            writer.writerow(row)
        for exc in exceptions:
            writer.writerow([exc, "exception", ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "default_terms.csv")
    args = parser.parse_args(argv)
    rows, exceptions = build(args.shared)
    write(rows, exceptions, args.out)
    print(f"wrote {len(rows)} terms and {len(exceptions)} exceptions to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
