"""Webhook intake (optional): Telegram POSTs updates; 200 only after the update is committed.

The secret token (telegram.webhook_secret) is checked in constant time on every request
(header X-Telegram-Bot-Api-Secret-Token); a wrong or missing token gets 403 and nothing is
stored. A store failure answers 503 so that Telegram delivers the update again later.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any
from urllib.parse import urlsplit

import tornado.web
from tornado.httpserver import HTTPServer

from bot.ingest import UpdateIngest
from pipeline.types import StoreError

log = logging.getLogger("parley.bot.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1_000_000


class _UpdateHandler(tornado.web.RequestHandler):
    def initialize(self, ingest: UpdateIngest, secret: str | None) -> None:
        self.ingest = ingest
        self.secret = secret

    def check_xsrf_cookie(self) -> None:
        """Not a browser form: the secret token header authenticates the request."""

    async def post(self) -> None:
        if self.secret is not None:
            given = self.request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), self.secret.encode()):
                self.set_status(403)
                await self.finish("forbidden")
                return
        try:
            data: Any = json.loads(self.request.body or b"null")
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            self.set_status(400)
            await self.finish("expected a Telegram update")
            return
        try:
            await self.ingest.accept(data)
        except StoreError as err:
            log.error("could not store webhook update: %s", err)
            self.set_status(503)
            await self.finish("try again later")
            return
        self.set_status(200)
        await self.finish()


def webhook_path(url: str) -> str:
    path = urlsplit(url).path or "/"
    return path if path.startswith("/") else "/" + path


class WebhookServer:
    def __init__(self, ingest: UpdateIngest, *, url: str, listen: str, port: int, secret: str | None) -> None:
        self.path = webhook_path(url)
        self.listen = listen
        self.port = port
        app = tornado.web.Application([(self.path, _UpdateHandler, {"ingest": ingest, "secret": secret})])
        self._server = HTTPServer(app, max_body_size=MAX_BODY_BYTES, xheaders=True)
        self._started = False

    async def start(self) -> None:
        self._server.listen(self.port, address=self.listen)
        self._started = True
        log.info("webhook listening on %s:%s%s", self.listen, self.port, self.path)

    async def stop(self) -> None:
        if self._started:
            self._server.stop()
            await self._server.close_all_connections()
            self._started = False
