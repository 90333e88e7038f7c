"""The command line under hostile input: Ctrl-C while reading stdin, ids SQLite cannot hold, output
paths that cannot be written, bad option values. Always one line (or a clean exit), never a traceback."""

from __future__ import annotations

import os
import select
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

HUGE = "99999999999999999999999"


def _env(db: Path) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")} | {
        "PARLEY_STORAGE__PATH": str(db), "PARLEY_MODERATION__USE_DEFAULT_LIST": "false"}


@contextmanager
def _parley_on_open_pipe(args: list[str], db: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`parley ARGS` whose stdin is a pipe this test keeps open (the writer end is yielded)."""
    read_end, write_end = os.pipe()
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", *args], stdin=read_end, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_env(db), cwd=db.parent)
    os.close(read_end)
    try:
        yield proc, write_end
    finally:
        os.close(write_end)
        if proc.returncode is None:
            proc.kill()
            proc.communicate()


def _read_line(proc: subprocess.Popen[bytes]) -> bytes:
    """The child's next stdout line; a bounded wait so a hang fails the test instead of blocking it."""
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 120)
    assert ready, "no output from the child"
    return proc.stdout.readline()


def _interrupt(proc: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    proc.send_signal(signal.SIGINT)
    return proc.communicate(timeout=30)


@pytest.mark.parametrize("jsonl", [False, True])
def test_check_ctrl_c_while_waiting_on_stdin_exits_130(tmp_path: Path, jsonl: bool) -> None:
    args = ["check", "--jsonl"] if jsonl else ["check"]
    with _parley_on_open_pipe(args, tmp_path / "c.db") as (proc, stdin):
        os.write(stdin, b'"hello"\n' if jsonl else b"hello\n")
        first = _read_line(proc)  # the verdict arrived: the reader thread now waits on the open pipe
        out, err = _interrupt(proc)
    assert proc.returncode == 130, err.decode(errors="replace")
    assert b'"text": "hello"' in first and out == b""
    assert err == b"", err.decode(errors="replace")  # no "Fatal Python error", no traceback


def test_chat_ctrl_c_while_waiting_on_stdin_exits_130_and_keeps_history(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    with _parley_on_open_pipe(["chat", "--backend", "echo"], db) as (proc, stdin):
        os.write(stdin, b"hello there\n")
        assert _read_line(proc) == b"hello there\n"
        out, err = _interrupt(proc)
    assert proc.returncode == 130, err.decode(errors="replace")
    assert b"Traceback" not in err and out == b""
    history = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--backend", "echo"], input="/history\n",
                             capture_output=True, text=True, env=_env(db), cwd=tmp_path, timeout=120)
    assert history.stdout.splitlines() == ["user: hello there", "assistant: hello there"]


def test_chat_first_ctrl_c_on_a_terminal_exits_130(tmp_path: Path) -> None:
    """On a terminal the first Ctrl-C used to be swallowed by asyncio's handler."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "chat", "--backend", "echo"], stdin=slave,
                            stdout=slave, stderr=slave, env=_env(tmp_path / "t.db"), cwd=tmp_path)
    os.close(slave)
    seen = b""
    try:
        os.write(master, b"hi from a tty\n")
        while b"bot> hi from a tty" not in seen:
            ready, _, _ = select.select([master], [], [], 120)
            assert ready, seen.decode(errors="replace")
            seen += os.read(master, 4096)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


def test_chat_unknown_command_is_not_sent_to_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_STORAGE__PATH", str(tmp_path / "u.db"))
    res = CliRunner().invoke(app, ["chat", "--backend", "echo"], input="/history\n/foo\n/new extra\n/etc/hosts x\n")
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines() == ["(no turns yet)", "unknown command /foo, try /help",
                                       "/new takes no arguments", "/etc/hosts x"]


@pytest.mark.parametrize("args", [
    ["chat", "--backend", "echo", "--chat-id", HUGE],
    ["review", "show", HUGE], ["review", "approve", HUGE], ["review", "reject", HUGE],
    ["review", "ban", HUGE], ["review", "unban", HUGE], ["review", "ban", "--", "-" + HUGE],
    ["review", "list", "--limit", HUGE],
])
def test_ids_too_large_for_sqlite_are_one_line(args: list[str], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_STORAGE__PATH", str(tmp_path / "ids.db"))
    res = CliRunner().invoke(app, args, input="x\n")
    assert res.exit_code == 2
    assert res.exception is None or isinstance(res.exception, SystemExit)
    (line,) = res.output.splitlines()
    assert HUGE in line and "out of range" in line


@pytest.fixture
def labeled(tmp_path: Path) -> Path:
    path = tmp_path / "labeled.csv"
    path.write_text("text,label\nhello,0\nnice day,0\n", encoding="utf-8")
    return path


def _one_line_error(res: object, *needles: str) -> None:
    assert res.exit_code == 2, res.output  # type: ignore[attr-defined]
    (line,) = res.output.splitlines()  # type: ignore[attr-defined]
    for needle in needles:
        assert needle in line


def test_eval_plot_paths_are_checked_first(labeled: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["eval", str(labeled), "--text-col", "text", "--label-col", "label", "--plot"]
    _one_line_error(runner.invoke(app, [*base, str(tmp_path / "plot.txt")]), "--plot", "'.txt'", ".png")
    _one_line_error(runner.invoke(app, [*base, str(tmp_path)]), "--plot", "is a directory")
    _one_line_error(runner.invoke(app, [*base, str(labeled / "x.png")]), "--plot", "cannot write")
    _one_line_error(runner.invoke(app, [*base, str(labeled / "sub" / "x.png")]), "--plot", "cannot create folder")
    ok = runner.invoke(app, [*base, str(tmp_path / "new" / "curve")])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "new" / "curve.png").is_file() and "plot written to" in ok.output
    assert str(tmp_path / "new" / "curve.png") in ok.output


def test_review_export_paths_and_private_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from pipeline.store import Store

    async def create() -> None:  # review works on the bot's existing database
        async with Store(tmp_path / "e.db"):
            pass

    asyncio.run(create())
    monkeypatch.setenv("PARLEY_STORAGE__PATH", str(tmp_path / "e.db"))
    runner = CliRunner()
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    _one_line_error(runner.invoke(app, ["review", "--export", str(tmp_path)]), "--export", "is a directory")
    _one_line_error(runner.invoke(app, ["review", "--export", str(blocker / "x.csv")]), "--export", "cannot write")
    _one_line_error(runner.invoke(app, ["review", "--export", str(tmp_path / "no" / "x.csv")]),
                    "--export", "does not exist")
    out = tmp_path / "decisions.csv"
    out.write_text("old")
    out.chmod(0o644)
    res = runner.invoke(app, ["review", "--export", str(out)])
    assert res.exit_code == 0, res.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # user texts: owner-only, like the database
    assert out.read_text().startswith("id,text,verdict")


def test_bench_json_out_is_checked_before_the_run(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    res = CliRunner().invoke(app, ["bench", "--backend", "echo", "--e2e", "--chats", "1", "--messages", "1",
                                   "--new-tokens", "2", "--json-out", str(blocker / "b.json")])
    _one_line_error(res, "--json-out", "cannot write")


def test_storage_path_that_is_a_directory_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "adir"
    folder.mkdir()
    for args in (["review", "list"], ["chat", "--backend", "echo"]):
        res = subprocess.run([sys.executable, "-m", "bot.cli", *args], input="hi\n", capture_output=True, text=True,
                             env=_env(folder), cwd=tmp_path, timeout=120)
        assert res.returncode == 2
        (line,) = [x for x in res.stderr.splitlines() if " INFO " not in x]
        assert line.startswith("storage.path:") and str(folder) in line


@pytest.mark.parametrize("args", [["chat", "--backend", "bogus"], ["bench", "--backend", "bogus", "--e2e"]])
def test_bad_backend_option_names_the_option_and_the_choices(args: list[str]) -> None:
    _one_line_error(CliRunner().invoke(app, args), "--backend", "generation.backend", "'transformers', 'openai' or 'echo'",
                    "'bogus'")
