"""`parley check`: one JSON verdict per input line, in order, streamed.

Lines are read on a helper thread and judged in modest chunks (whatever has arrived,
up to `chunk_size`), so output starts before input ends while the classifier still
sees batches. A bad line (invalid UTF-8, invalid JSON) gets an error object with its
line number; nothing on the input makes this crash.
"""

from __future__ import annotations

import asyncio
import json
import queue
import threading
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import IO, Any, TextIO

from moderation.types import Moderator

_EOF = object()


@dataclass(slots=True)
class _Record:
    line: int
    text: str | None = None
    error: str | None = None
    extra: dict[str, Any] | None = None


def _decode(raw: str | bytes, line: int) -> tuple[str | None, str | None]:
    """Text of one input line without its line ending, or an error message."""
    if isinstance(raw, bytes):
        raw = raw[:-1] if raw.endswith(b"\n") else raw
        raw = raw[:-1] if raw.endswith(b"\r") else raw
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, f"invalid UTF-8 at byte {exc.start}"
    else:
        text = raw[:-1] if raw.endswith("\n") else raw
        text = text[:-1] if text.endswith("\r") else text
    if line == 1 and text.startswith("\ufeff"):
        text = text[1:]
    return text, None


def parse_line(raw: str | bytes, line: int, *, jsonl: bool) -> _Record:
    """One input line → the text to judge, or a per-line error."""
    text, error = _decode(raw, line)
    if text is None:
        return _Record(line, error=error)
    if not jsonl or not text.strip():
        return _Record(line, text=text if not jsonl else "")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return _Record(line, error=f"invalid JSON: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
    if isinstance(value, str):
        return _Record(line, text=value)
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        extra = {"id": value["id"]} if "id" in value else None
        return _Record(line, text=value["text"], extra=extra)
    return _Record(line, error='expected a JSON string or an object with a "text" string')


def _dump(obj: dict[str, Any]) -> str:
    line = json.dumps(obj, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from JSON escapes: keep them escaped
        line = json.dumps(obj, ensure_ascii=True)
    return line


def _reader(source: Iterable[str | bytes] | IO[Any], out_q: queue.Queue[Any], stop: threading.Event) -> None:
    """Thread: feed raw lines into a bounded queue (back-pressure keeps memory flat)."""
    try:
        for raw in source:
            while not stop.is_set():
                try:
                    out_q.put(raw, timeout=0.2)
                    break
                except queue.Full:
                    continue
            if stop.is_set():
                return
    except Exception as exc:  # noqa: BLE001 - a broken stream ends the input, reported once
        out_q.put(exc)
    out_q.put(_EOF)


def _get(lines_q: queue.Queue[Any], stop: threading.Event) -> Any:
    """Blocking get that gives up when the consumer has stopped (never strands a thread)."""
    while not stop.is_set():
        try:
            return lines_q.get(timeout=0.2)
        except queue.Empty:
            continue
    return _EOF


async def _chunks(source: Iterable[str | bytes] | IO[Any], chunk_size: int) -> AsyncIterator[list[Any]]:
    """Async iterator of lists of raw lines: whatever arrived, at most chunk_size."""
    if isinstance(source, (list, tuple)):
        for start in range(0, len(source), chunk_size):
            yield list(source[start:start + chunk_size])
        return
    lines_q: queue.Queue[Any] = queue.Queue(maxsize=max(4 * chunk_size, 256))
    stop = threading.Event()
    thread = threading.Thread(target=_reader, args=(source, lines_q, stop), name="check-reader", daemon=True)
    thread.start()
    try:
        done = False
        while not done:
            first = await asyncio.to_thread(_get, lines_q, stop)
            chunk: list[Any] = []
            item = first
            while True:
                if item is _EOF:
                    done = True
                    break
                chunk.append(item)
                if len(chunk) >= chunk_size:
                    break
                try:
                    item = lines_q.get_nowait()
                except queue.Empty:
                    break
            if chunk:
                yield chunk
    finally:
        stop.set()


async def run_check(engine: Moderator, lines: Iterable[str | bytes] | IO[Any], *, jsonl: bool, out: TextIO,
                    chunk_size: int = 64, source: str = "output") -> int:
    """Write one JSON object per line of `lines` to `out`; returns the number of lines."""
    count = 0
    async for chunk in _chunks(lines, chunk_size):
        records: list[_Record] = []
        for raw in chunk:
            count += 1
            if isinstance(raw, Exception):
                records.append(_Record(count, error=f"cannot read input: {raw}"))
            else:
                records.append(parse_line(raw, count, jsonl=jsonl))
        todo = [r for r in records if r.text is not None]
        verdicts: dict[int, dict[str, Any]] = {}
        try:
            judged = await engine.moderate([r.text or "" for r in todo], source=source) if todo else []
            verdicts = {r.line: v.to_dict() for r, v in zip(todo, judged, strict=True)}
        except Exception as exc:  # noqa: BLE001 - report per line, keep going
            message = " ".join(str(exc).split()) or type(exc).__name__
            for r in todo:
                r.error, r.text = f"moderation failed: {message}", None
        for r in records:
            if r.line in verdicts:
                obj = {**(r.extra or {}), **verdicts[r.line]}
            else:
                obj = {"error": r.error or "no verdict", "line": r.line}
            out.write(_dump(obj) + "\n")
        out.flush()
    return count

