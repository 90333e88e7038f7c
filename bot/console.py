"""`parley chat`: the console front end of the same pipeline."""

from __future__ import annotations

import sys

from rich.console import Console

from bot.compose import build_core
from pipeline.settings import Settings

HELP_TEXT = "Commands: /new (fresh conversation), /retry (regenerate), /history (show turns), /quit"


async def run_chat(settings: Settings, *, chat_id: int = 0) -> None:
    interactive = sys.stdin.isatty()
    err = Console(stderr=True)
    if interactive:
        err.print(f"[dim]parley chat — backend {settings.generation.backend}. {HELP_TEXT}[/dim]")
    async with build_core(settings) as core:
        assert core.pipeline is not None
        while True:
            line = _read_line(interactive)
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
                for turn in await core.store.history(chat_id):
                    _say(f"{turn.role}: {turn.text}", interactive)
                continue
            if text == "/help":
                _say(HELP_TEXT, interactive)
                continue
            if text == "/retry":
                reply = await core.pipeline.retry(chat_id, source="console")
                if reply is None:
                    _say("(nothing to retry)", interactive)
                    continue
            else:
                reply = await core.pipeline.handle(chat_id, text, source="console")
            _say(reply.text, interactive)


def _read_line(interactive: bool) -> str | None:
    try:
        if interactive:
            return input("you> ")
        line = sys.stdin.readline()
        return line if line else None
    except EOFError:
        return None


def _say(text: str, interactive: bool) -> None:
    if interactive:
        print(f"bot> {text}", flush=True)
    else:  # scripted use: one reply per line
        print(" ".join(text.splitlines()), flush=True)
