"""Load (and crash) test of the real `parley run` process against the fake Bot API, 127.0.0.1 only.

    python tests/load/load_test.py --users 1000 --messages 5          # the acceptance run (~4 min)
    python tests/load/load_test.py --users 200 --messages 3 --crash   # kill -9 in the middle, restart

N simulated users (private chats) send M messages each to a `parley run` subprocess (echo
backend, the full default keyword list plus an inline hold term) through the fake Bot API.
Users arrive spread over the run and pause between their own messages (exponential think
time), so the offered load is `--rate` messages/s, below Telegram's 30 replies/s overall. The
fake server counts sends beyond Telegram's limits. Prints one JSON object:

    messages, seconds, messages_per_s, latency_s {p50, p95, max}, lost, duplicated,
    order_violations, limit_violations, ... and with --crash a "crash" section.

Replies are matched to messages by the tag "u<user> m<index>" the echo backend sends back;
a held message is answered by the fixed "being reviewed" text (matched by its position).
Bounded: at most --timeout seconds (default 600), then whatever is missing counts as lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
for _p in (str(TESTS), str(REPO)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import tomli_w  # noqa: E402
from bot_harness import HOLD_TERM, MODERATOR_CHAT, MODERATOR_ID, settings_dict  # noqa: E402
from fake_telegram import FakeTelegram, SentMessage  # noqa: E402

from moderation.config import ModerationTexts  # noqa: E402

FIRST_CHAT = 100_000
TAG = re.compile(r"^u(\d+) m(\d+)(?!\d)")
WORDS = ("hello", "how", "are", "you", "today", "weather", "nice", "tell", "me", "about", "cats", "the",
         "train", "leaves", "at", "noon", "please", "thanks", "what", "time", "is", "it", "good", "morning")
HELD_TEXT = ModerationTexts().held


@dataclass
class LoadConfig:
    users: int = 1000
    messages: int = 5
    rate: float = 25.0  # offered messages/s over all users
    think_s: float = 2.0  # mean pause between one user's messages
    hold_every: int = 500  # every n-th message carries the inline hold term (0 = none)
    timeout_s: float = 600.0
    crash_at: float | None = None  # kill -9 once this fraction of messages is answered, then restart
    approve_held: bool = False  # at the end a moderator approves every held item
    seed: int = 1
    workdir: Path | None = None


@dataclass
class Planned:
    at: float  # seconds after the start
    chat_id: int
    index: int
    text: str
    held: bool
    injected_at: float | None = None  # time.monotonic() when Telegram had it
    message_id: int | None = None


@dataclass
class Crash:
    killed_at: float = 0.0
    restarted_at: float = 0.0
    answered_before: int = 0
    exit_code: int | None = None


@dataclass
class Run:
    cfg: LoadConfig
    fake: FakeTelegram
    plan: list[Planned]
    by_chat: dict[int, list[Planned]] = field(default_factory=dict)
    crash: Crash | None = None


def make_plan(cfg: LoadConfig) -> list[Planned]:
    rng = random.Random(cfg.seed)
    total = cfg.users * cfg.messages
    span = max(0.0, total / cfg.rate - (cfg.messages - 1) * cfg.think_s) if cfg.rate > 0 else 0.0
    plan = []
    for u in range(cfg.users):
        t = rng.uniform(0.0, span)
        for i in range(cfg.messages):
            if i:
                t += rng.expovariate(1.0 / cfg.think_s) if cfg.think_s > 0 else 0.0
            held = bool(cfg.hold_every) and (u * cfg.messages + i + 1) % cfg.hold_every == 0
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 12)))
            text = f"u{u} m{i} {words}" + (f" {HOLD_TERM}" if held else "")
            plan.append(Planned(t, FIRST_CHAT + u, i, text, held))
    plan.sort(key=lambda p: p.at)
    return plan


# -- the bot process ----------------------------------------------------------------------
class BotProcess:
    """`parley run` as a child process (the same command an operator runs)."""

    def __init__(self, config: Path, log: Path) -> None:
        self.config = config
        self.log = log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
        env.update(PARLEY_CONFIG_FILE=str(self.config), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
                   PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep))
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run", env=env, cwd=self.config.parent, stdout=out, stderr=out)

    async def kill9(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        return await self.proc.wait()

    async def terminate(self, timeout: float = 60.0) -> int | None:
        if self.proc is None or self.proc.returncode is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            return None

    @property
    def exited(self) -> bool:
        return self.proc is not None and self.proc.returncode is not None


# -- traffic --------------------------------------------------------------------------------
async def inject(run: Run, t0: float) -> None:
    for p in run.plan:
        delay = t0 + p.at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        msg = run.fake.inject_message(p.chat_id, p.text)
        p.injected_at = time.monotonic()
        p.message_id = int(msg["message_id"])


def answered(run: Run) -> int:
    """Messages whose reply (or held notice) arrived, counted cheaply (per chat, up to M)."""
    return sum(min(len(run.fake.sent.get(chat, [])), len(planned)) for chat, planned in run.by_chat.items())


async def wait_started(fake: FakeTelegram, bot: BotProcess, since: int, timeout: float = 120.0) -> None:
    """Until the bot polls (a getUpdates call after index `since` of the fake's call log)."""
    deadline = time.monotonic() + timeout
    while not any(method == "getUpdates" for method, _ in fake.calls[since:]):
        if bot.exited:
            raise RuntimeError(f"parley run exited during start-up; see {bot.log}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"parley run did not start polling within {timeout:.0f}s; see {bot.log}")
        await asyncio.sleep(0.1)


def store_counts(db: Path) -> dict[str, Any]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "updates_pending": one("SELECT COUNT(*) FROM updates WHERE state='pending'"),
            "outbox_pending": one("SELECT COUNT(*) FROM outbox WHERE state='pending'"),
        }


async def wait_settled(db: Path, bot: BotProcess, timeout: float) -> bool:
    """Until the store has no pending update and no undelivered message (read-only polling)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not bot.exited:
        try:
            counts = store_counts(db)
        except sqlite3.OperationalError:
            counts = {"busy": 1}
        if not any(counts.values()):
            return True
        await asyncio.sleep(0.25)
    return False


# -- analysis -------------------------------------------------------------------------------
def analyse(run: Run, t_start: float) -> dict[str, Any]:
    cfg = run.cfg
    lost = duplicated = order_violations = unexpected = approved_deliveries = 0
    dup_in_window = dup_outside_window = 0
    dup_detail: list[dict[str, Any]] = []
    latencies: list[float] = []
    last_reply = t_start
    for chat, planned in run.by_chat.items():
        held_indices = [p.index for p in planned if p.held]
        seen_held = 0
        first_at: dict[int, SentMessage] = {}
        highest = -1
        for m in run.fake.sent.get(chat, []):
            tag = TAG.match(m.text)
            if (tag is not None and m.reply_to_message_id is not None and int(tag.group(2)) < len(planned)
                    and planned[int(tag.group(2))].held):
                approved_deliveries += 1  # a moderator's approval, sent as a reply to the message
                continue
            if tag is not None and int(tag.group(1)) == chat - FIRST_CHAT and int(tag.group(2)) < len(planned):
                index = int(tag.group(2))
            elif m.text == HELD_TEXT and held_indices:
                index = held_indices[min(seen_held, len(held_indices) - 1)]
                seen_held += 1
            else:
                unexpected += 1
                continue
            if index in first_at:
                duplicated += 1
                if len(dup_detail) < 20:
                    dup_detail.append({"chat": chat, "index": index, "text": m.text[:40],
                                       "first_s": round(first_at[index].at - t_start, 3),
                                       "again_s": round(m.at - t_start, 3)})
                # in the window: the first copy was sent by the killed process (Telegram may log it a
                # moment after the kill), the second by the restarted one
                crash = run.crash
                if crash is not None and first_at[index].at <= crash.restarted_at and m.at >= crash.killed_at:
                    dup_in_window += 1
                else:
                    dup_outside_window += 1
                continue
            first_at[index] = m
            if index < highest:
                order_violations += 1
            highest = max(highest, index)
            p = planned[index]
            if p.injected_at is not None:
                latencies.append(m.at - p.injected_at)
            last_reply = max(last_reply, m.at)
        lost += len(planned) - len(first_at)
    seconds = max(1e-9, last_reply - t_start)
    total = cfg.users * cfg.messages
    latencies.sort()
    result: dict[str, Any] = {
        "users": cfg.users, "messages": total, "held_messages": sum(p.held for p in run.plan),
        "seconds": round(seconds, 2), "messages_per_s": round(total / seconds, 2),
        "offered_rate_per_s": cfg.rate,
        "latency_s": {"p50": _pct(latencies, 0.50), "p95": _pct(latencies, 0.95),
                      "max": round(latencies[-1], 3) if latencies else None},
        "lost": lost, "duplicated": duplicated, "order_violations": order_violations,
        "limit_violations": run.fake.limits.total, "limit_violations_by_kind": dict(run.fake.limits.violations),
        "unexpected_replies": unexpected, "moderator_posts": len(run.fake.sent.get(MODERATOR_CHAT, [])),
        "approved_deliveries": approved_deliveries,
    }
    if dup_detail:
        result["duplicates_detail"] = dup_detail
    if run.crash is not None:
        result["crash"] = {"killed_after_answers": run.crash.answered_before,
                           "killed_at_s": round(run.crash.killed_at - t_start, 2),
                           "down_s": round(run.crash.restarted_at - run.crash.killed_at, 2),
                           "exit_code": run.crash.exit_code,
                           "duplicates_in_window": dup_in_window, "duplicates_outside_window": dup_outside_window}
    return result


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 3)
    return round(statistics.quantiles(values, n=100, method="inclusive")[max(0, int(q * 100) - 1)], 3)


def check_store(db: Path, run: Run) -> dict[str, Any]:
    """The SQLite file after the run: integrity, each message stored once, held items and audit intact."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "integrity": one("PRAGMA integrity_check"),
            "user_turns": one("SELECT COUNT(*) FROM turns WHERE role='user'"),
            "user_turns_duplicated": one("SELECT COUNT(*) FROM (SELECT 1 FROM turns WHERE role='user' "
                                         "GROUP BY chat_id, message_id HAVING COUNT(*) > 1)"),
            "assistant_turns": one("SELECT COUNT(*) FROM turns WHERE role='assistant'"),
            "held_rows": one("SELECT COUNT(*) FROM held_replies"),
            "held_rows_distinct": one("SELECT COUNT(DISTINCT chat_id || ':' || user_message_id) FROM held_replies"),
            "held_pending": one("SELECT COUNT(*) FROM held_replies WHERE state='pending'"),
            "held_audit_rows": one("SELECT COUNT(*) FROM audit WHERE event='held'"),
            "updates": one("SELECT COUNT(*) FROM updates"),
            "updates_not_done": one("SELECT COUNT(*) FROM updates WHERE state != 'done'"),
            "outbox_pending": one("SELECT COUNT(*) FROM outbox WHERE state='pending'"),
            "outbox_failed": one("SELECT COUNT(*) FROM outbox WHERE state='failed'"),
        }


async def approve_all(run: Run, timeout: float) -> None:
    """The moderator presses Approve under every announcement (each held item once)."""
    fake = run.fake
    held = sum(p.held for p in run.plan)
    deadline = time.monotonic() + timeout
    while len(fake.sent.get(MODERATOR_CHAT, [])) < held and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    pressed: set[str] = set()
    for post in list(fake.sent.get(MODERATOR_CHAT, [])):
        if post.buttons and post.text.split(" (", 1)[0] not in pressed:
            pressed.add(post.text.split(" (", 1)[0])
            fake.inject_callback(MODERATOR_ID, post, post.buttons[0]["callback_data"])
    while time.monotonic() < deadline:
        delivered = sum(1 for chat in run.by_chat for m in fake.sent.get(chat, []) if m.reply_to_message_id)
        if delivered >= held:
            return
        await asyncio.sleep(0.2)


# -- the whole run -------------------------------------------------------------------------
async def run_load(cfg: LoadConfig) -> dict[str, Any]:
    workdir = cfg.workdir or Path(tempfile.mkdtemp(prefix="parley-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db, config, log = workdir / "parley.db", workdir / "parley.toml", workdir / "bot.log"
    async with FakeTelegram() as fake:
        data = settings_dict(fake, db, moderation={"use_default_list": True}, poll_timeout_s=5)
        config.write_text(tomli_w.dumps(data))
        run = Run(cfg, fake, make_plan(cfg))
        for p in run.plan:
            run.by_chat.setdefault(p.chat_id, []).append(p)
        for planned in run.by_chat.values():
            planned.sort(key=lambda p: p.index)
        bot = BotProcess(config, log)
        await bot.start()
        injector: asyncio.Task[None] | None = None
        try:
            await wait_started(fake, bot, 0)
            t_start = time.monotonic()
            injector = asyncio.create_task(inject(run, t_start))
            deadline = t_start + cfg.timeout_s
            total = cfg.users * cfg.messages
            while time.monotonic() < deadline:
                await asyncio.sleep(0.2)
                done = answered(run)
                if cfg.crash_at is not None and run.crash is None and done >= cfg.crash_at * total:
                    run.crash = Crash(killed_at=time.monotonic(), answered_before=done)
                    run.crash.exit_code = await bot.kill9()
                    since = len(fake.calls)
                    await bot.start()
                    await wait_started(fake, bot, since)
                    run.crash.restarted_at = time.monotonic()
                if bot.exited:
                    raise RuntimeError(f"parley run exited unexpectedly (code {bot.proc.returncode if bot.proc else None});"
                                       f" see {log}")
                if injector.done() and done >= total:
                    break
            settled = await wait_settled(db, bot, max(5.0, deadline - time.monotonic()))
            held = sum(p.held for p in run.plan)
            posted_by = time.monotonic() + 15.0  # announcements follow the held notices (group: 20/min)
            while len(fake.sent.get(MODERATOR_CHAT, [])) < held and time.monotonic() < posted_by:
                await asyncio.sleep(0.1)
            if cfg.approve_held:
                await approve_all(run, max(5.0, deadline - time.monotonic()))
                settled = await wait_settled(db, bot, max(5.0, deadline - time.monotonic())) and settled
            await asyncio.sleep(0.5)  # late duplicates, if any, would arrive now
            result = analyse(run, t_start)
            result["settled"] = settled
        finally:
            if injector is not None:
                injector.cancel()
            result_code = await bot.terminate()
        result["exit_code"] = result_code
        result["store"] = check_store(db, run)
        result["workdir"] = str(workdir)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--messages", type=int, default=5)
    ap.add_argument("--rate", type=float, default=25.0, help="offered messages/s (Telegram: 30 replies/s overall)")
    ap.add_argument("--think", type=float, default=2.0, help="mean seconds between one user's messages")
    ap.add_argument("--hold-every", type=int, default=500, help="every n-th message is held (0: none)")
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--crash", action="store_true", help="kill -9 the bot at --crash-at, restart it")
    ap.add_argument("--crash-at", type=float, default=0.4, help="fraction of messages answered before the kill")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args(argv)
    cfg = LoadConfig(users=args.users, messages=args.messages, rate=args.rate, think_s=args.think,
                     hold_every=args.hold_every, timeout_s=args.timeout, seed=args.seed, workdir=args.workdir,
                     crash_at=args.crash_at if args.crash else None, approve_held=args.crash)
    result = asyncio.run(run_load(cfg))
    print(json.dumps(result, indent=2))
    ok = result["lost"] == 0 and result["order_violations"] == 0 and result["limit_violations"] == 0
    ok = ok and result["store"]["integrity"] == "ok"
    ok = ok and (result["duplicated"] == 0 if not args.crash else result["crash"]["duplicates_outside_window"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
