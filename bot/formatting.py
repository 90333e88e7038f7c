"""Optional Markdown/HTML rendering of model text, with everything else escaped.

Only fenced code blocks, inline code and **bold** are turned into markup; every other
character is escaped, so user- or model-written text can never break the message. A
marker without its closing partner (e.g. after a split) stays literal text. If Telegram
still rejects the markup, the sender falls back to plain text (see bot.outbox).
"""

from __future__ import annotations

import html
import re

_TOKENS = re.compile(r"```(?:[A-Za-z0-9_+-]*\n)?(?P<block>.+?)```|`(?P<code>[^`\n]+)`|\*\*(?P<bold>[^*\n]+?)\*\*", re.S)
_MDV2_SPECIAL = re.compile(r"([_*\[\]()~`>#+\-=|{}.!\\])")
_MDV2_CODE_SPECIAL = re.compile(r"([`\\])")

PARSE_MODES = {"markdown": "MarkdownV2", "html": "HTML"}


def telegram_parse_mode(mode: str) -> str | None:
    """The Bot API parse_mode for a `telegram.parse_mode` setting (None for plain text)."""
    return PARSE_MODES.get(mode)


def escape_markdown_v2(text: str) -> str:
    return _MDV2_SPECIAL.sub(r"\\\1", text)


def render(text: str, mode: str) -> str:
    """Text marked up for `mode` ("markdown" = MarkdownV2, "html"); "none" returns it unchanged."""
    if mode == "none":
        return text
    if mode not in PARSE_MODES:
        raise ValueError(f"unknown parse mode {mode!r}")
    out: list[str] = []
    pos = 0
    for m in _TOKENS.finditer(text):
        out.append(_escape(text[pos : m.start()], mode))
        if m.group("block") is not None:
            out.append(_block(m.group("block"), mode))
        elif m.group("code") is not None:
            out.append(_code(m.group("code"), mode))
        else:
            out.append(_bold(m.group("bold"), mode))
        pos = m.end()
    out.append(_escape(text[pos:], mode))
    return "".join(out)


def is_parse_error(message: str) -> bool:
    """True for Bot API errors that mean the markup was rejected."""
    low = message.lower()
    return "can't parse" in low or "can't find end" in low or "unsupported start tag" in low or "parse entities" in low


def _escape(text: str, mode: str) -> str:
    return html.escape(text, quote=False) if mode == "html" else escape_markdown_v2(text)


def _block(body: str, mode: str) -> str:
    if mode == "html":
        return f"<pre>{html.escape(body, quote=False)}</pre>"
    return "```\n" + _MDV2_CODE_SPECIAL.sub(r"\\\1", body) + "```"


def _code(body: str, mode: str) -> str:
    if mode == "html":
        return f"<code>{html.escape(body, quote=False)}</code>"
    return "`" + _MDV2_CODE_SPECIAL.sub(r"\\\1", body) + "`"


def _bold(body: str, mode: str) -> str:
    if mode == "html":
        return f"<b>{html.escape(body, quote=False)}</b>"
    return "*" + escape_markdown_v2(body) + "*"
