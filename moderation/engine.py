"""ModerationEngine: the Moderator the pipeline, bot and API use.

Stages come from settings (text stages from moderation.keywords, then the classifier
when enabled) and run on a whole batch; the policy turns each text's results into a
Verdict. Stages and policies live in one immutable snapshot, swapped whole on hot
reload, so a batch is always judged by one consistent config.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderation.config import ModerationSettings
from moderation.policy import ModerationPolicy
from moderation.types import Action, Stage, StageResult, Verdict
from pipeline.types import ConfigError

log = logging.getLogger(__name__)

SettingsLoader = Callable[[], ModerationSettings]


def resolve_paths(settings: ModerationSettings, base_dir: Path | None) -> ModerationSettings:
    """Relative list paths, classifier model and config dir resolved against base_dir."""
    if base_dir is None:
        return settings
    lists = [p if p.expanduser().is_absolute() else base_dir / p for p in settings.lists]
    return settings.model_copy(update={"lists": lists})


def build_text_stages(settings: ModerationSettings) -> list[Stage]:
    """Keyword/regex stages; none while moderation.keywords is not installed yet."""
    try:
        from moderation.keywords import build_text_stages as build
    except ModuleNotFoundError as exc:
        if exc.name != "moderation.keywords":
            raise
        log.warning("moderation.keywords is missing: keyword and regex filters are off")
        return []
    return list(build(settings))


def _same_classifier(a: ModerationSettings, b: ModerationSettings) -> bool:
    return a.classifier.enabled and b.classifier.enabled and a.classifier == b.classifier


@dataclass(frozen=True)
class _Snapshot:
    settings: ModerationSettings
    stages: tuple[Stage, ...]
    output: ModerationPolicy
    input: ModerationPolicy


class ModerationEngine:
    """Runs the configured stages on batches of texts; see module docstring."""

    def __init__(self, settings: ModerationSettings, *, stages: Sequence[Stage] | None = None,
                 base_dir: Path | None = None, watch: bool | None = None,
                 loader: SettingsLoader | None = None, offline: bool = False) -> None:
        self.base_dir = base_dir
        # one-shot batch use (check, eval): stdout carries the results, and a model that cannot load
        # makes them meaningless, so start() raises ConfigError instead of holding every text
        self.offline = offline
        if stages is None:
            stages = self._build(settings, previous=None)
        self._snap = self._snapshot(settings, stages)
        self._watch = settings.hot_reload if watch is None else watch
        self._loader = loader
        self._watcher: Any = None
        self._reload_lock = asyncio.Lock()
        self._started = False
        self.reloads = 0  # successful reloads (tests, metrics)

    @classmethod
    def from_settings(cls, settings: ModerationSettings, *, base_dir: Path | None = None,
                      watch: bool | None = None, loader: SettingsLoader | None = None,
                      offline: bool = False) -> ModerationEngine:
        """Build the stages now (raises ConfigError for bad lists/regexes or a model path that does not
        exist); load models in start()."""
        return cls(settings, base_dir=base_dir, watch=watch, loader=loader, offline=offline)

    # -- building ---------------------------------------------------------------------------
    def _build(self, settings: ModerationSettings, previous: _Snapshot | None) -> list[Stage]:
        """Blocking (reads word lists); the classifier is reused when its settings are unchanged."""
        if not settings.enabled:
            return []
        stages = build_text_stages(resolve_paths(settings, self.base_dir))
        if settings.classifier.enabled:
            old = next((s for s in previous.stages if s.name == "classifier"), None) if previous else None
            if old is not None and previous is not None and _same_classifier(previous.settings, settings):
                old.thresholds = dict(settings.thresholds)  # type: ignore[attr-defined]
                stages.append(old)
            else:
                from moderation.classifier import ClassifierStage

                stages.append(ClassifierStage(settings.classifier, dict(settings.thresholds), base_dir=self.base_dir,
                                              strict=self.offline))
        return stages

    @staticmethod
    def _snapshot(settings: ModerationSettings, stages: Sequence[Stage]) -> _Snapshot:
        return _Snapshot(settings, tuple(stages), ModerationPolicy.from_settings(settings, source="output"),
                         ModerationPolicy.from_settings(settings, source="input"))

    @property
    def settings(self) -> ModerationSettings:
        return self._snap.settings

    @property
    def stages(self) -> tuple[Stage, ...]:
        return self._snap.stages

    def policy(self, source: str = "output") -> ModerationPolicy:
        return self._snap.input if source == "input" else self._snap.output

    # -- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        """Load models and start watching. A classifier that fails to load makes verdicts hold, except
        offline, where it is a ConfigError; offline, whatever loading prints (torch.hub's
        "Downloading: ...") goes to stderr, never into the results on stdout."""
        if not self.offline:
            await _start_stages(self._snap.stages)
        else:
            with contextlib.redirect_stdout(sys.stderr):
                await _start_stages(self._snap.stages)
            problem = next((p for p in map(_load_problem, self._snap.stages) if p), None)
            if problem is not None:
                await _close_stages(self._snap.stages)
                raise ConfigError(problem)
        self._started = True
        if self._watch and self._watcher is None:
            from moderation.reload import ConfigWatcher

            self._watcher = ConfigWatcher(self.reload, self.watched_paths,
                                          interval_s=self._snap.settings.reload_interval_s)
            await self._watcher.start()

    async def aclose(self) -> None:
        if self._watcher is not None:
            await self._watcher.aclose()
            self._watcher = None
        await _close_stages(self._snap.stages)
        self._started = False

    async def __aenter__(self) -> ModerationEngine:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- moderation -------------------------------------------------------------------------
    async def moderate(self, texts: Sequence[str], *, source: str = "output") -> list[Verdict]:
        """One Verdict per text, in order. Never raises for a failing stage (it holds instead)."""
        if source not in ("output", "input"):
            raise ValueError(f"source must be 'output' or 'input', not {source!r}")
        snap = self._snap
        texts = list(texts)
        if not texts:
            return []
        settings = snap.settings
        if not settings.enabled or (source == "input" and not settings.input.enabled) or not snap.stages:
            return [Verdict(action=Action.ALLOW, text=t) for t in texts]
        per_stage = await asyncio.gather(*(_run_stage(stage, texts) for stage in snap.stages))
        policy = snap.input if source == "input" else snap.output
        return [policy.decide(text, [results[i] for results in per_stage]) for i, text in enumerate(texts)]

    # -- hot reload -------------------------------------------------------------------------
    def watched_paths(self) -> list[Path]:
        """Word-list files and the TOML config file: a change to any triggers a reload."""
        from pipeline.settings import config_file_path

        paths = list(resolve_paths(self._snap.settings, self.base_dir).lists)
        config = config_file_path()
        if config is not None:
            paths.append(config)
        return paths

    def _load_settings(self) -> ModerationSettings:
        if self._loader is not None:
            return self._loader()
        from pipeline.settings import load_settings

        return load_settings().moderation

    async def reload(self, settings: ModerationSettings | None = None) -> bool:
        """Rebuild from new settings (re-read when None). A broken config keeps the old one."""
        async with self._reload_lock:
            old = self._snap
            try:
                new_settings = settings if settings is not None else await asyncio.to_thread(self._load_settings)
                stages = await asyncio.to_thread(self._build, new_settings, old)
                if self._started:
                    await _start_stages(stages)
                    fresh = [s for s in stages if all(s is not o for o in old.stages)]
                    broken = [s for s in fresh if getattr(s, "load_error", None)]
                    if broken:
                        await _close_stages(fresh)
                        raise RuntimeError(f"{broken[0].name}: {getattr(broken[0], 'load_error')}")
            except Exception as exc:  # noqa: BLE001 - keep serving with the previous good config
                log.error("moderation reload failed, keeping the previous config: %s", _one_line(exc))
                return False
            self._snap = self._snapshot(new_settings, stages)
            if self._watcher is not None:
                self._watcher.interval_s = new_settings.reload_interval_s
            await _close_stages([s for s in old.stages if all(s is not n for n in stages)])
            self.reloads += 1
            log.info("moderation config reloaded: %d stage(s): %s", len(stages),
                     ", ".join(s.name for s in stages) or "none")
            return True


async def _run_stage(stage: Stage, texts: list[str]) -> list[StageResult]:
    """A stage that raises or miscounts fails closed for every text of the batch."""
    try:
        results = await stage.check(texts)
        if len(results) != len(texts):
            raise RuntimeError(f"returned {len(results)} results for {len(texts)} texts")
        return list(results)
    except Exception as exc:  # noqa: BLE001
        log.error("moderation stage %s failed: %s", stage.name, _one_line(exc))
        return [StageResult(stage.name, error=_one_line(exc)) for _ in texts]


async def _start_stages(stages: Sequence[Stage]) -> None:
    for stage in stages:
        start: Callable[[], Awaitable[None]] | None = getattr(stage, "start", None)
        if start is not None:
            await start()


async def _close_stages(stages: Sequence[Stage]) -> None:
    for stage in stages:
        close: Callable[[], Awaitable[None]] | None = getattr(stage, "aclose", None)
        if close is not None:
            try:
                await close()
            except Exception as exc:  # noqa: BLE001 - shutting down anyway
                log.warning("closing moderation stage %s failed: %s", stage.name, _one_line(exc))


def _load_problem(stage: Stage) -> str | None:
    """A stage's load failure as a config-error line (stages without models have none)."""
    describe: Callable[[], str | None] | None = getattr(stage, "load_problem", None)
    if describe is not None:
        return describe()
    error = getattr(stage, "load_error", None)
    return f"config error: moderation stage {stage.name} cannot load: {error}" if error else None


def _one_line(exc: BaseException) -> str:
    text = "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    return text or type(exc).__name__
