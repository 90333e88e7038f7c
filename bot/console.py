"""`parley chat`: the console front end of the same pipeline."""

from __future__ import annotations

import asyncio
import re
import signal
import sys

from rich.console import Console

from bot.compose import build_core
from bot.stdin import StdinLines, stdin_lines
from pipeline.settings import Settings

HELP_TEXT = "Commands: /new (fresh conversation), /retry (regenerate), /history (show turns), /quit"
_COMMAND = re.compile(r"/[A-Za-z]\w*(?=\s|$)")  # "/foo" or "/foo bar"; "/etc/passwd …" is a message


class _Interrupted(Exception):
    """Ctrl-C while waiting for input."""


async def run_chat(settings: Settings, *, chat_id: int = 0) -> None:
    """Chat until EOF or /quit; Ctrl-C ends it too (KeyboardInterrupt once the store is closed)."""
    interactive = sys.stdin.isatty()
    err = Console(stderr=True)
    if interactive:
        err.print(f"[dim]parley chat — backend {settings.generation.backend}. {HELP_TEXT}[/dim]")
    interrupted = False
    reader = stdin_lines(poll_s=0.25)
    async with build_core(settings) as core:
        assert core.pipeline is not None
        while True:
            try:
                line = _read_line(interactive, reader)
            except _Interrupted:
                interrupted = True
                break
            if line is None:
                break
            text = line.strip()
            if not text:
                continue
            if text in ("/quit", "/exit"):
                break
            if text == "/new":
                await core.pipeline.reset(chat_id)
                _say("(new conversation)", interactive)
                continue
            if text == "/history":
                turns = await core.store.history(chat_id)
                for turn in turns:
                    _say(f"{turn.role}: {turn.text}", interactive)
                if not turns:
                    _say("(no turns yet)", interactive)
                continue
            if text == "/help":
                _say(HELP_TEXT, interactive)
                continue
            if text == "/retry":
                reply = await core.pipeline.retry(chat_id, source="console")
                if reply is None:
                    _say("(nothing to retry)", interactive)
                    continue
            elif command := _COMMAND.match(text):
                word = command.group(0)
                known = word in ("/new", "/retry", "/history", "/help", "/quit", "/exit")
                _say(f"{word} takes no arguments" if known else f"unknown command {word}, try /help", interactive)
                continue
            else:
                reply = await core.pipeline.handle(chat_id, text, source="console")
            _say(reply.text, interactive)
    if interrupted:
        raise KeyboardInterrupt


def _read_line(interactive: bool, reader: StdinLines | None) -> str | None:
    """One input line (None at EOF). The read blocks the event loop, so asyncio's SIGINT handler
    (which only cancels the task) could not end it; while waiting, Ctrl-C raises here instead."""
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        task = asyncio.current_task()
        if task is not None and task.cancelling():  # a Ctrl-C just before the swap: asyncio's handler
            task.uncancel()  # asked to cancel the task; take it as this Ctrl-C (the store still closes)
            raise KeyboardInterrupt
        if interactive:
            print("you> ", end="", flush=True)
        if reader is None:  # stdin replaced (tests): read it as it is
            line = sys.stdin.readline()
        else:
            line = reader.readline().decode("utf-8", "replace")
        return line if line else None
    except EOFError:
        return None
    except KeyboardInterrupt:
        if interactive:
            print(flush=True)  # end the "you> " line
        raise _Interrupted from None
    finally:
        signal.signal(signal.SIGINT, previous)


def _say(text: str, interactive: bool) -> None:
    if interactive:
        print(f"bot> {text}", flush=True)
    else:  # scripted use: one reply per line
        print(" ".join(text.splitlines()), flush=True)
