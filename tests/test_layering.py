"""Architecture rules: only bot/ knows Telegram; the libraries never reach into the front ends."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["pipeline", "moderation"])
def test_libraries_import_neither_telegram_nor_bot(package: str) -> None:
    offenders = {
        str(path.relative_to(REPO)): sorted(_imports(path) & {"telegram", "bot"})
        for path in (REPO / package).rglob("*.py")
        if _imports(path) & {"telegram", "bot"}
    }
    assert offenders == {}
