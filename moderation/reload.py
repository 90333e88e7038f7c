"""Hot reload: poll watched files' mtimes (and listen for SIGHUP), then ask for a rebuild.

Why polling: it works on every filesystem (bind mounts, NFS, editors that replace files)
without an extra dependency; a stat of a handful of files every couple of seconds is free.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

log = logging.getLogger(__name__)

Stamp = tuple[int, int, int] | None


def _stamp(path: Path) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def snapshot(paths: list[Path]) -> dict[Path, Stamp]:
    """mtime, size and inode of each path (None when missing): any difference is a change."""
    return {path: _stamp(path) for path in paths}


class ConfigWatcher:
    """Calls `reload()` when a watched file changes or the process gets SIGHUP."""

    def __init__(self, reload: Callable[[], Awaitable[bool]], paths: Callable[[], list[Path]], *,
                 interval_s: float = 2.0, sighup: bool = True) -> None:
        self._reload = reload
        self._paths = paths
        self.interval_s = interval_s
        self._sighup = sighup
        self._stamps: dict[Path, Stamp] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._signal_installed = False

    async def start(self) -> None:
        self._stamps = await asyncio.to_thread(snapshot, self._paths())
        loop = asyncio.get_running_loop()
        if self._sighup and hasattr(signal, "SIGHUP"):
            try:
                loop.add_signal_handler(signal.SIGHUP, self.trigger)
                self._signal_installed = True
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or Windows
                log.debug("SIGHUP reload unavailable here; file polling only")
        self._task = loop.create_task(self._run(), name="moderation-config-watcher")

    def trigger(self) -> None:
        """Reload now (SIGHUP), even when no file changed."""
        self._wake.set()

    async def poll_once(self, *, force: bool = False) -> bool:
        """Reload if something changed (or forced); True when a reload was attempted."""
        paths = self._paths()
        current = await asyncio.to_thread(snapshot, paths)
        if not force and current == self._stamps:
            return False
        changed = sorted(str(p) for p in current.keys() | self._stamps.keys()
                         if current.get(p) != self._stamps.get(p))
        log.info("moderation config change detected%s", f": {', '.join(changed)}" if changed else " (SIGHUP)")
        # Record the stamps taken before reading: an edit made during the reload triggers again.
        self._stamps = current
        await self._reload()
        # The new config may name other lists: watch those from now on.
        fresh = await asyncio.to_thread(snapshot, self._paths())
        self._stamps = {path: current.get(path, stamp) for path, stamp in fresh.items()}
        return True

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval_s)
            except TimeoutError:
                pass
            forced = self._wake.is_set()
            self._wake.clear()
            try:
                await self.poll_once(force=forced)
            except Exception as exc:  # noqa: BLE001 - the watcher must outlive any bad edit
                log.error("moderation config watcher error: %s", exc)

    async def aclose(self) -> None:
        if self._signal_installed:
            try:
                asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
            except (NotImplementedError, RuntimeError, ValueError):
                pass
            self._signal_installed = False
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
