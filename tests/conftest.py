"""Shared test fixtures: paths to ../shared, offline model hub, isolated settings environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# CI runs the same examples every time (a fixed seed per test): a red build is reproducible, never
# chance. HYPOTHESIS_PROFILE=explore draws new examples, for hunting bugs locally.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO.parent / "shared").resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"../shared not found beside the checkout (looked in {SHARED})")
    return SHARED


@pytest.fixture(scope="session")
def tiny_gpt2(shared_dir: Path) -> Path:
    return shared_dir / "models" / "tiny-gpt2"


@pytest.fixture(scope="session")
def tiny_bert(shared_dir: Path) -> Path:
    return shared_dir / "models" / "tiny-bert"


@pytest.fixture(autouse=True)
def isolated_settings_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No PARLEY_* variable, .env or parley.toml from the developer's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("PARLEY_"):
            monkeypatch.delenv(name, raising=False)
    workdir = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(workdir)
    yield
