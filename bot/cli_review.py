"""`parley review`: the held-reply queue on the console (no Telegram token needed).

Decisions go through Pipeline.decide, exactly like the Telegram buttons; the running bot
delivers them to the user (its review sync picks up decided-but-undelivered items) and
updates the moderator-chat message. Works while the bot runs: the store is SQLite in WAL
mode and is opened without the bot's exclusive lock.
"""

from __future__ import annotations

import csv
import getpass
import json
import time
from pathlib import Path
from typing import Any, Optional, TextIO, cast

import typer

from bot.cli_output import check_output_file, write_output
from pipeline.store import HeldReply, Store

EXPORT_COLUMNS = ["id", "text", "verdict", "decision", "label", "reasons", "categories", "decided_by",
                  "decided_at", "user_text"]
STATES = ("pending", "approved", "rejected", "all")


class _Unused:
    """Stands in for the generation parts a decision never touches (no model is loaded)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        raise RuntimeError(f"parley review does not load a {self._name}")


def _pipeline(store: Store, settings: Any) -> Any:
    from bot.compose import sampling_from
    from pipeline.pipeline import Pipeline

    return Pipeline(store=store, backend=cast(Any, _Unused("backend")), moderator=cast(Any, _Unused("moderator")),
                    context=cast(Any, _Unused("context builder")), sampling=sampling_from(settings),
                    texts=settings.moderation.texts)


def _store(settings: Any) -> Store:
    """The bot's existing database: review never creates one (a typo in storage.path would look like
    an empty queue) and never adds parley's tables to another application's SQLite file."""
    return Store(settings.storage.path, must_exist=True)


def _row(held: HeldReply) -> dict[str, Any]:
    return {
        "id": held.id, "state": held.state, "chat_id": held.chat_id, "source": held.source,
        "created_at": held.created_at, "user_text": held.user_text, "reply_text": held.reply_text,
        "verdict": held.verdict, "user_message_id": held.user_message_id, "decided_by": held.decided_by,
        "decided_at": held.decided_at, "delivered_at": held.delivered_at, "final_text": held.final_text,
        "announced": held.moderator_message_id is not None,
    }


def _line(held: HeldReply) -> str:
    reasons = ", ".join(str(r) for r in held.verdict.get("reasons") or []) or "-"
    age_min = int((time.time() - held.created_at) // 60)
    preview = " ".join(held.reply_text.split())
    preview = preview if len(preview) <= 70 else preview[:69] + "…"
    source = f"source={held.source}  " if held.source and held.source != "telegram" else ""
    return (f"#{held.id:<5} {held.state:<9} chat {held.chat_id:<14} {age_min:>5} min  {source}{reasons}"
            f"  | {preview}")


def export_rows(items: list[HeldReply]) -> list[dict[str, Any]]:
    """One row per decided item: the moderated text, the automatic verdict and the human decision."""
    rows = []
    for held in items:
        if held.state == "pending":
            continue
        verdict = held.verdict or {}
        categories = sorted({str(m.get("category")) for m in verdict.get("matches") or [] if isinstance(m, dict)})
        rows.append({
            "id": held.id, "text": held.reply_text, "verdict": verdict.get("action", "hold"),
            "decision": held.state, "label": 1 if held.state == "rejected" else 0,
            "reasons": "; ".join(str(r) for r in verdict.get("reasons") or []),
            "categories": "; ".join(categories), "decided_by": held.decided_by or "",
            "decided_at": held.decided_at or "", "user_text": held.user_text,
        })
    return rows


async def _list(settings: Any, state: str, limit: int, as_json: bool) -> None:
    async with _store(settings) as store:
        items = await store.list_held(None if state == "all" else state, limit=limit)
    if as_json:
        for held in items:
            typer.echo(json.dumps(_row(held), ensure_ascii=False))
        return
    if not items:
        typer.echo("no held replies" if state == "all" else f"no {state} held replies")
        return
    for held in items:
        typer.echo(_line(held))


async def _show(settings: Any, held_id: int, as_json: bool) -> None:
    from bot.cli import fail

    async with _store(settings) as store:
        held = await store.get_held(held_id)
    if held is None:
        fail(f"no held reply #{held_id}", 1)
    if as_json:
        typer.echo(json.dumps(_row(held), ensure_ascii=False, indent=2))
        return
    v = held.verdict or {}
    typer.echo(f"#{held.id}  {held.state}  chat {held.chat_id}  source {held.source}")
    typer.echo(f"reasons: {', '.join(map(str, v.get('reasons') or [])) or '-'}")
    typer.echo(f"scores:  {json.dumps(v.get('scores') or {})}")
    typer.echo(f"matches: {json.dumps(v.get('matches') or [], ensure_ascii=False)}")
    if held.decided_by:
        typer.echo(f"decided by {held.decided_by}; delivered: {'yes' if held.delivered_at else 'not yet'}")
    typer.echo(f"\nuser wrote:\n{held.user_text}\n\ndraft reply:\n{held.reply_text}")
    if held.final_text is not None:
        typer.echo(f"\nsent instead (moderator's edit):\n{held.final_text}")


async def _decide(settings: Any, held_id: int, approve: bool, by: str | None, text: str | None = None) -> None:
    from bot.cli import fail

    actor = by or f"console:{getpass.getuser()}"
    if text is not None and not text.strip():
        fail("--text is empty; leave it out to send the draft as it is")
    async with _store(settings) as store:
        held = await _pipeline(store, settings).decide(held_id, approve=approve, decided_by=actor,
                                                       text=text.strip() if text else None)
        current = held or await store.get_held(held_id)
    if current is None:
        fail(f"no held reply #{held_id}", 1)
    if held is None:
        fail(f"#{held_id} is already {current.state} (by {current.decided_by}); nothing changed", 1)
    verb = ("approved with your edit" if text else "approved") if approve else "rejected"
    typer.echo(f"#{held_id} {verb}; the running bot sends the {'reply' if approve else 'refusal'} "
               f"to chat {held.chat_id}")


async def _export(settings: Any, path: Path) -> int:
    async with _store(settings) as store:
        items: list[HeldReply] = []
        for state in ("approved", "rejected"):
            items.extend(await store.list_held(state, limit=1_000_000))
    rows = export_rows(sorted(items, key=lambda h: h.id))

    def write(fh: TextIO) -> None:
        writer = csv.DictWriter(fh, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)

    write_output(path, "--export", write, private=True)  # user texts: owner-only, like the database
    return len(rows)


async def _ban(settings: Any, target: int, ban: bool, by: str | None, reason: str | None) -> None:
    from bot.cli import fail

    actor = by or f"console:{getpass.getuser()}"
    if ban and target in settings.telegram.moderator_ids:
        fail(f"{target} is a moderator (telegram.moderator_ids) and cannot be banned", 1)
    async with _store(settings) as store:
        changed = await (store.ban(target, by=actor, reason=reason) if ban else store.unban(target, by=actor))
    if not changed:
        fail(f"{target} is {'already' if ban else 'not'} banned; nothing changed", 1)
    typer.echo(f"banned {target}: the bot ignores its messages" if ban else f"unbanned {target}")


async def _bans(settings: Any, as_json: bool) -> None:
    async with _store(settings) as store:
        bans = await store.bans(limit=1_000_000)
    for ban in bans:
        if as_json:
            typer.echo(json.dumps({"id": ban.target_id, "reason": ban.reason, "banned_by": ban.banned_by,
                                   "banned_at": ban.banned_at}, ensure_ascii=False))
        else:
            typer.echo(f"{ban.target_id:<15} by {ban.banned_by}  {ban.reason or ''}".rstrip())
    if not bans and not as_json:
        typer.echo("nobody is banned")


def register(app: typer.Typer) -> None:
    review = typer.Typer(help="Review held replies on the console: list, show, approve, reject; ban, unban, bans.")

    @review.callback(invoke_without_command=True)
    def main(
        ctx: typer.Context,
        export: Optional[Path] = typer.Option(
            None, "--export", help="write decided items as CSV (text, verdict, decision, label …) for `parley eval`"),
    ) -> None:
        """Held replies on the console. Without a subcommand: list pending items."""
        from bot.cli import run_async, settings_or_exit

        if ctx.invoked_subcommand is not None:
            if export is not None:
                from bot.cli import fail

                fail("--export cannot be combined with a subcommand")
            return
        settings = settings_or_exit()
        if export is not None:
            check_output_file(export, "--export")
            count = run_async(_export(settings, export))
            typer.echo(f"wrote {count} decision(s) to {export}; evaluate with: parley eval {export} "
                       "--text-col text --label-col decision --positive rejected", err=True)
            return
        run_async(_list(settings, "pending", 100, False))

    @review.command("list")
    def list_(
        state: str = typer.Option("pending", help="pending | approved | rejected | all"),
        limit: int = typer.Option(100, min=1),
        as_json: bool = typer.Option(False, "--json", help="one JSON object per line"),
    ) -> None:
        """List held replies (pending by default)."""
        from bot.cli import fail, run_async, settings_or_exit, sqlite_int

        if state not in STATES:
            fail(f"--state must be one of {', '.join(STATES)}")
        run_async(_list(settings_or_exit(), state, sqlite_int(limit, "--limit"), as_json))

    @review.command("show")
    def show(held_id: int = typer.Argument(..., metavar="ID"),
             as_json: bool = typer.Option(False, "--json")) -> None:
        """Show one held reply in full."""
        from bot.cli import run_async, settings_or_exit, sqlite_int

        run_async(_show(settings_or_exit(), sqlite_int(held_id, "ID"), as_json))

    @review.command("approve")
    def approve(held_id: int = typer.Argument(..., metavar="ID"),
                by: Optional[str] = typer.Option(None, help="moderator name for the audit log"),
                text: Optional[str] = typer.Option(None, help="send this instead of the draft (an edit)")) -> None:
        """Approve: the bot sends the held reply (or your edit of it) to the user."""
        from bot.cli import run_async, settings_or_exit, sqlite_int

        run_async(_decide(settings_or_exit(), sqlite_int(held_id, "ID"), True, by, text))

    @review.command("reject")
    def reject(held_id: int = typer.Argument(..., metavar="ID"),
               by: Optional[str] = typer.Option(None, help="moderator name for the audit log")) -> None:
        """Reject: the user gets the configured refusal text instead."""
        from bot.cli import run_async, settings_or_exit, sqlite_int

        run_async(_decide(settings_or_exit(), sqlite_int(held_id, "ID"), False, by))

    @review.command("ban")
    def ban(target: int = typer.Argument(..., metavar="ID", help="user id, or group chat id (after --: -- -100…)"),
            reason: Optional[str] = typer.Option(None, help="kept with the ban and in the audit log"),
            by: Optional[str] = typer.Option(None, help="moderator name for the audit log")) -> None:
        """Ban a user or group chat: the bot ignores its messages (moderators cannot be banned)."""
        from bot.cli import run_async, settings_or_exit, sqlite_int

        run_async(_ban(settings_or_exit(), sqlite_int(target, "ID"), True, by, reason))

    @review.command("unban")
    def unban(target: int = typer.Argument(..., metavar="ID"),
              by: Optional[str] = typer.Option(None, help="moderator name for the audit log")) -> None:
        """Lift a ban."""
        from bot.cli import run_async, settings_or_exit, sqlite_int

        run_async(_ban(settings_or_exit(), sqlite_int(target, "ID"), False, by, None))

    @review.command("bans")
    def bans(as_json: bool = typer.Option(False, "--json", help="one JSON object per line")) -> None:
        """List banned users and chats."""
        from bot.cli import run_async, settings_or_exit

        run_async(_bans(settings_or_exit(), as_json))

    app.add_typer(review, name="review")
