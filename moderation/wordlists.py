"""Word-list files: terms with category and severity, plus exceptions.

Term syntax (the same in every format and in `moderation.terms`):
  ``word``   the whole word, or the word plus a common inflection (s, es, ed, ing, er, ers, ...)
  ``=word``  the whole word only, no inflections
  ``word*``  also at the start of a longer word (``fuck*`` matches "fuckface")
  ``*word``  also at the end of a longer word (``*fucker`` matches "motherfucker")
  ``*word*`` anywhere inside a word
A run of two or more "*" at an end is literal, for masked spellings (``f***``, ``b****``).
Phrases ("kill yourself") match across any run of whitespace, with "-", "_" or "." between the
words or none ("kill-yourself", "killyourself"), and in the usual chat spellings of pronouns and
contractions (you/u/ya, i will/i'll/ill, going to/gonna, yourself/urself: moderation.termforms).
Single words of four or more letters also match when partly masked (f*ck, f#ck, f.ck, fu**).
Matching is on normalized text (see moderation.normalize), so list the plain spelling only.

Formats, chosen by file suffix:
  .csv   ``term,category,severity`` rows; optional header row; ``#`` comments; a row whose
         category is ``exception`` is an exception.
  .toml  ``exceptions = [...]``, optional file-wide ``category``/``severity`` defaults and
         ``[[term]]`` tables with ``term``, ``category``, ``severity``.
  .txt   one term per line, ``#`` comments, ``!word`` is an exception; category profanity,
         severity medium.
Severity is low, medium or high (or 1, 2, 3). A bad row raises ConfigError naming file and line.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moderation.types import Severity
from pipeline.types import ConfigError

__all__ = ["Term", "WordList", "load_list", "parse_severity", "parse_term", "DEFAULT_LIST"]

DEFAULT_LIST = Path(__file__).resolve().parent / "data" / "default_terms.csv"
DEFAULT_CATEGORY = "profanity"
EXCEPTION = "exception"
_CATEGORY = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_SEVERITY_NUMBERS = {"1": Severity.LOW, "2": Severity.MEDIUM, "3": Severity.HIGH}


@dataclass(frozen=True, slots=True)
class Term:
    """One keyword; `text` is as written, without the match markers."""

    text: str
    category: str = DEFAULT_CATEGORY
    severity: Severity = Severity.MEDIUM
    prefix_ok: bool = False  # "*word": may end a longer word
    suffix_ok: bool = False  # "word*": may start a longer word
    exact: bool = False  # "=word": no inflection suffixes
    source: str = ""  # file:line or setting name, for messages

    @property
    def spec(self) -> str:
        """The term with its markers, as it would be written in a list."""
        return ("=" if self.exact else "") + ("*" if self.prefix_ok else "") + self.text + (
            "*" if self.suffix_ok else "")


@dataclass(slots=True)
class WordList:
    terms: list[Term] = field(default_factory=list)
    exceptions: list[Term] = field(default_factory=list)


def parse_severity(value: Any, where: str) -> Severity:
    if isinstance(value, Severity):
        return value
    key = str(value).strip().lower()
    if key in _SEVERITY_NUMBERS:
        return _SEVERITY_NUMBERS[key]
    try:
        return Severity(key)
    except ValueError:
        raise ConfigError(f"{where}: severity must be low, medium or high, not {value!r}") from None


def _parse_category(value: Any, where: str) -> str:
    cat = str(value).strip().lower()
    if not _CATEGORY.match(cat):
        raise ConfigError(f"{where}: category must be a word like 'insult' or 'self-harm', not {value!r}")
    return cat


def parse_term(raw: Any, where: str, category: Any = DEFAULT_CATEGORY,
               severity: Any = Severity.MEDIUM) -> Term:
    """Parse the marker syntax; `where` names the place for error messages."""
    if not isinstance(raw, str):
        raise ConfigError(f"{where}: term must be a string, not {raw!r}")
    text = raw.strip()
    exact = text.startswith("=")
    if exact:
        text = text[1:].strip()
    # One "*" at an end is a marker; a run of them is a masked spelling (f***, b****).
    prefix_ok = text.startswith("*") and not text.startswith("**")
    suffix_ok = len(text) > 1 and text.endswith("*") and not text.endswith("**")
    text = text[1 if prefix_ok else 0: len(text) - 1 if suffix_ok else len(text)].strip()
    if not text:
        raise ConfigError(f"{where}: empty term {raw!r}")
    if exact and suffix_ok:
        raise ConfigError(f"{where}: term {raw!r} cannot be both '=' (exact) and 'word*'")
    return Term(text, _parse_category(category, where), parse_severity(severity, where),
                prefix_ok, suffix_ok, exact, where)


def load_list(path: Path | str) -> WordList:
    """Read one list file; the format follows the suffix (.csv, .toml, .txt)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"moderation.lists: word list not found: {p}") from None
    except OSError as exc:
        raise ConfigError(f"moderation.lists: cannot read word list {p}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: not UTF-8 text (byte {exc.start})") from None
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return _parse_csv(text, str(p))
    if suffix == ".toml":
        return _parse_toml(text, str(p))
    if suffix in (".txt", ".list", ""):
        return _parse_txt(text, str(p))
    raise ConfigError(f"moderation.lists: {p}: unknown word-list format {suffix!r} (use .csv, .toml or .txt)")


def _parse_txt(text: str, name: str) -> WordList:
    out = WordList()
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{name}:{lineno}"
        if line.startswith("!"):
            out.exceptions.append(parse_term(line[1:], where, EXCEPTION))
        else:
            out.terms.append(parse_term(line, where))
    return out


def _parse_csv(text: str, name: str) -> WordList:
    out = WordList()
    reader = csv.reader(io.StringIO(text))
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise ConfigError(f"{name}:{reader.line_num}: bad CSV: {exc}") from None
    for lineno, row in rows:
        cells = [c.strip() for c in row]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        where = f"{name}:{lineno}"
        if cells[0].lower() == "term" and (len(cells) < 2 or cells[1].lower() == "category"):
            continue  # header
        if len(cells) > 3 and any(cells[3:]):
            raise ConfigError(f"{where}: expected term,category,severity; got {len(cells)} columns")
        category = cells[1] if len(cells) > 1 and cells[1] else DEFAULT_CATEGORY
        severity = cells[2] if len(cells) > 2 and cells[2] else Severity.MEDIUM
        if category.strip().lower() == EXCEPTION:
            out.exceptions.append(parse_term(cells[0], where, EXCEPTION))
        else:
            out.terms.append(parse_term(cells[0], where, category, severity))
    return out


def _toml_line(text: str, term: str) -> str:
    """Best-effort line number of a [[term]] entry (tomllib keeps no positions)."""
    for lineno, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("term") and (f'"{term}"' in line or f"'{term}'" in line):
            return f":{lineno}"
    return ""


def _parse_toml(text: str, name: str) -> WordList:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: invalid TOML: {exc}") from None
    unknown = set(doc) - {"term", "terms", "exceptions", "category", "severity"}
    if unknown:
        raise ConfigError(f"{name}: unknown key(s) {sorted(unknown)}; expected [[term]] tables and exceptions")
    default_cat = doc.get("category", DEFAULT_CATEGORY)
    default_sev = doc.get("severity", Severity.MEDIUM)
    out = WordList()
    exceptions = doc.get("exceptions", [])
    if not isinstance(exceptions, list):
        raise ConfigError(f"{name}: exceptions must be a list of strings")
    for i, raw in enumerate(exceptions):
        out.exceptions.append(parse_term(raw, f"{name}: exceptions[{i}]", EXCEPTION))
    for key in ("term", "terms"):
        entries = doc.get(key, [])
        if not isinstance(entries, list):
            raise ConfigError(f"{name}: '{key}' must be an array of tables ([[{key}]]) or strings")
        for i, entry in enumerate(entries):
            where = f"{name}: {key}[{i}]"
            if isinstance(entry, str):
                out.terms.append(parse_term(entry, where, default_cat, default_sev))
                continue
            if not isinstance(entry, dict) or "term" not in entry:
                raise ConfigError(f"{where}: each [[{key}]] needs a 'term' string")
            extra = set(entry) - {"term", "category", "severity"}
            if extra:
                raise ConfigError(f"{where}: unknown key(s) {sorted(extra)}")
            where += _toml_line(text, str(entry["term"]))
            out.terms.append(parse_term(entry["term"], where, entry.get("category", default_cat),
                                        entry.get("severity", default_sev)))
    return out
