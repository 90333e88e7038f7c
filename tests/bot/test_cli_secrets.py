"""Secrets never reach the SQLite file: an upstream error quoting the API key is stored masked.

A fake OpenAI-compatible server on 127.0.0.1 answers every request with an error whose message
quotes the key it was sent (as real servers do for "Incorrect API key provided: ..."); the real
`parley chat --backend openai` runs in a subprocess against it, then the database bytes are searched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SK_KEY = "sk-proj-SuperSecretKey1234567890"
PLAIN_KEY = "plainSecretValue42xyz"  # no sk- prefix: only the configured-secret list can mask it


def _handler(status: int, quote: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            self.rfile.read(int(self.headers.get("content-length") or 0))
            header = self.headers.get("Authorization", "")
            quoted = header if quote == "header" else header.removeprefix("Bearer ")
            body = json.dumps({"error": {"message": f"Incorrect API key provided: {quoted}"}}).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def fake_openai(request: pytest.FixtureRequest) -> Iterator[str]:
    status, quote = request.param
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(status, quote))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("fake_openai", [(401, "header"), (500, "header"), (401, "key"), (500, "key")],
                         indirect=True, ids=["401-bearer", "500-bearer", "401-raw-key", "500-raw-key"])
@pytest.mark.parametrize("key", [SK_KEY, PLAIN_KEY])
def test_upstream_error_quoting_the_key_is_stored_masked(fake_openai: str, key: str, tmp_path: Path) -> None:
    db = tmp_path / "parley.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")} | {
        "PARLEY_STORAGE__PATH": str(db),
        "PARLEY_GENERATION__OPENAI_BASE_URL": fake_openai,
        "PARLEY_GENERATION__OPENAI_API_KEY": key,
        "PARLEY_GENERATION__MAX_RETRIES": "1",
        "PARLEY_MODERATION__USE_DEFAULT_LIST": "false",
    }
    res = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--backend", "openai"], input="hello\n",
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "something went wrong" in res.stdout
    assert key not in res.stdout + res.stderr

    files = [p for p in tmp_path.iterdir() if p.name.startswith("parley.db")]
    assert files
    for path in files:
        assert key.encode() not in path.read_bytes(), path.name

    import sqlite3

    with sqlite3.connect(db) as conn:
        (detail,) = conn.execute("SELECT detail_json FROM audit WHERE event='generation_error'").fetchone()
    assert "Incorrect API key provided" in detail and "**********" in detail


@pytest.mark.parametrize(("fake_openai", "status", "hint"), [
    ((401, "header"), 401, "check generation.openai_api_key"),
    ((403, "key"), 403, "check generation.openai_api_key"),
    ((404, "key"), 404, "check generation.openai_base_url and generation.openai_model"),
], indirect=["fake_openai"], ids=["401", "403", "404"])
def test_a_refused_request_is_one_warning_naming_backend_status_and_hint(fake_openai: str, status: int, hint: str,
                                                                        tmp_path: Path) -> None:
    """The chat only says "something went wrong": the log says why, once, with the key masked."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")} | {
        "PARLEY_STORAGE__PATH": str(tmp_path / "parley.db"),
        "PARLEY_GENERATION__OPENAI_BASE_URL": fake_openai,
        "PARLEY_GENERATION__OPENAI_API_KEY": PLAIN_KEY,
        "PARLEY_MODERATION__USE_DEFAULT_LIST": "false",
    }
    res = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--backend", "openai"], input="hello\n",
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "something went wrong" in res.stdout
    (warning,) = [line for line in res.stderr.splitlines() if " WARNING " in line]
    assert f"openai backend at {fake_openai}: HTTP {status}: Incorrect API key provided: " in warning
    assert "**********" in warning
    assert warning.endswith(hint) and PLAIN_KEY not in res.stdout + res.stderr
