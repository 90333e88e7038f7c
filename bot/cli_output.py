"""Files the commands write where the operator says (--plot, --export, --json-out).

The path is checked before the work starts (a benchmark or an eval can take minutes), and every
problem is one line naming the option, exit 2 like other usage errors, never a traceback.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Collection
from pathlib import Path
from typing import NoReturn, TextIO


def _fail(message: str) -> NoReturn:
    from bot.cli import fail

    fail(message)


def check_output_file(path: Path, option: str, *, suffixes: Collection[str] | None = None,
                      create_parents: bool = False) -> None:
    """Exit 2 with one line unless `path` can be written: not a directory, a supported suffix
    (`suffixes`, lower case without the dot), a writable folder. Checked by really creating the
    file (removed again when it is new): permission bits say nothing for root, /proc or a
    read-only mount. With `create_parents`, missing folders are fine if they can be created."""
    if path.is_dir():
        _fail(f"{option}: {path} is a directory; give a file name")
    if suffixes is not None and path.suffix.lower().lstrip(".") not in suffixes:
        _fail(f"{option}: unsupported file type {path.suffix or '(none)'!r} for {path}; "
              f"use one of {', '.join('.' + s for s in sorted(suffixes))}")
    parent = path.parent
    if not parent.exists():
        if not create_parents:
            _fail(f"{option}: cannot write {path}: folder {parent} does not exist")
        ancestor = next(p for p in parent.parents if p.exists())
        try:
            os.rmdir(tempfile.mkdtemp(dir=ancestor))
        except OSError as err:
            _fail(f"{option}: cannot create folder {parent}: {err.strerror or err}")
        return
    existed = path.exists()
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    except OSError as err:
        _fail(f"{option}: cannot write {path}: {err.strerror or err}")
    if not existed:
        path.unlink(missing_ok=True)


def write_output(path: Path, option: str, write: Callable[[TextIO], None], *, private: bool = False) -> None:
    """Write a text file through `write(fh)`; `private` makes it 0600 (it holds personal data,
    like the database). A failure is one line naming the option."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o666)
        if private:
            os.fchmod(fd, 0o600)  # an existing file keeps its mode otherwise
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            write(fh)
    except OSError as err:
        _fail(f"{option}: cannot write {path}: {err.strerror or err}")
