"""Running the API with uvicorn: `serve()` for `parley serve`, `ApiServer` on a thread for tests and the bench."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from pipeline.types import ConfigError

log = logging.getLogger("parley.api")


def bind_socket(host: str, port: int) -> socket.socket:
    """Listen before loading models, so a busy port fails at once with a clear message."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as err:
        sock.close()
        raise ConfigError(f"config error: api.host/api.port: cannot listen on {host}:{port}: {err.strerror}; "
                          "choose another port (--port or PARLEY_API__PORT)") from None
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def uvicorn_config(app: FastAPI, host: str, port: int, *, access_log: bool = True) -> uvicorn.Config:
    # log_config=None: parley's own logging setup applies; ws="none": no websocket stack needed.
    return uvicorn.Config(app, host=host, port=port, log_config=None, access_log=access_log, ws="none",
                          lifespan="on", server_header=False, timeout_graceful_shutdown=10)


async def serve(app: FastAPI, sock: socket.socket, *, access_log: bool = True) -> None:
    """Serve until SIGINT/SIGTERM on an already bound socket."""
    host, port = sock.getsockname()[:2]
    server = uvicorn.Server(uvicorn_config(app, host, port, access_log=access_log))
    await server.serve(sockets=[sock])
    error = getattr(app.state, "startup_error", None)
    if error is not None:
        raise error


class ApiServer:
    """The app on 127.0.0.1:<free port> in a background thread with its own event loop.

        with ApiServer(create_api(build_core(settings), settings)) as server:
            httpx.get(server.base_url + "/healthz")
    """

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 0, *, startup_timeout_s: float = 120.0) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.startup_timeout_s = startup_timeout_s
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "ApiServer":
        sock = bind_socket(self.host, self.port)
        self.port = int(sock.getsockname()[1])
        self._server = uvicorn.Server(uvicorn_config(self.app, self.host, self.port, access_log=False))
        self._thread = threading.Thread(target=self._run, args=(sock,), name="parley-api", daemon=True)
        self._thread.start()
        server = self._server
        deadline = time.monotonic() + self.startup_timeout_s
        while not server.started and self._thread.is_alive():
            self._thread.join(0.02)
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the API server did not start in time")
        if not server.started:
            error = getattr(self.app.state, "startup_error", None) or self._error
            self.stop()
            raise RuntimeError(f"the API server failed to start: {error!r}") from error
        return self

    def _run(self, sock: socket.socket) -> None:
        assert self._server is not None
        try:
            asyncio.run(self._server.serve(sockets=[sock]))
        except BaseException as err:  # reported by start()/stop()
            self._error = err
        finally:
            sock.close()

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(30)
            self._thread = None

    def __enter__(self) -> "ApiServer":
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
