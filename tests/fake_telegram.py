"""A fake Telegram Bot API server for end-to-end tests (aiohttp, 127.0.0.1, random port).

It speaks the Bot API as python-telegram-bot calls it (POST /bot<TOKEN>/<method>, form or
JSON bodies) and lets a test play the users: inject messages and button presses, read what
the bot sent, wait for it, and inject faults (429 with retry_after, 5xx, markup errors).

    fake = FakeTelegram()
    await fake.start()                 # settings: telegram.api_base_url = fake.base_url
    fake.inject_message(1001, "hi")
    [reply] = await fake.wait_sent(1001, 1)
    await fake.stop()

It also counts Telegram flood-limit violations of the bot's sendMessage calls with token
buckets (private chat ~1/s, group 20/min, overall 30/s, each with a small burst allowance),
so load tests can assert the bot stays within the limits.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web
from fake_telegram_types import (
    BOOL_FIELDS,
    DEFAULT_TOKEN,
    INT_FIELDS,
    JSON_FIELDS,
    Fault,
    LimitChecker,
    SentMessage,
    TokenBucket,
    error_response,
    ok_response,
    utf16_len,
)

T = TypeVar("T")
__all__ = ["DEFAULT_TOKEN", "FakeTelegram", "Fault", "LimitChecker", "SentMessage", "TokenBucket", "utf16_len"]


class FakeTelegram:
    def __init__(
        self, *, token: str = DEFAULT_TOKEN, bot_id: int = 7_000_001, username: str = "parley_test_bot",
        missing_methods: set[str] | None = None,
    ) -> None:
        self.token = token
        # a server that implements only some methods: these answer 404 like any unknown method
        self.missing_methods = {m.lower() for m in missing_methods or ()}
        self.bot_user: dict[str, Any] = {
            "id": bot_id, "is_bot": True, "first_name": "Parley", "username": username, "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": False,
        }
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._cond: asyncio.Condition | None = None
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self.updates: list[dict[str, Any]] = []  # not yet confirmed
        self.confirmed_offset = 0
        self.get_updates_log: list[dict[str, Any]] = []  # {"offset", "at", "returned"}
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)  # chat -> id -> message
        self.sent: dict[int, list[SentMessage]] = defaultdict(list)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.chat_actions: list[dict[str, Any]] = []
        self.commands: list[dict[str, Any]] = []
        self.webhook: dict[str, Any] | None = None
        self.fail_methods: dict[str, int] = {}  # lower-case method name -> how many calls answer 500
        self.faults: dict[int | None, deque[Fault]] = defaultdict(deque)
        self.limits = LimitChecker()
        self.on_get_updates: Callable[[int | None], Any] | None = None  # hook: called with the offset
        self._poll_waiter: asyncio.Future[None] | None = None
        self._stopping = False

    # -- lifecycle ---------------------------------------------------------------------
    async def start(self) -> "FakeTelegram":
        self._cond = asyncio.Condition()
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        self._stopping = True
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "FakeTelegram":
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """Value for telegram.api_base_url (PTB appends the token)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def bot_id(self) -> int:
        return int(self.bot_user["id"])

    @property
    def mention(self) -> str:
        return "@" + str(self.bot_user["username"])

    # -- test API: users ---------------------------------------------------------------
    def chat(self, chat_id: int, chat_type: str | None = None) -> dict[str, Any]:
        if chat_id not in self.chats or chat_type is not None and self.chats[chat_id]["type"] != chat_type:
            kind = chat_type or ("private" if chat_id > 0 else "group")
            chat: dict[str, Any] = {"id": chat_id, "type": kind}
            if kind == "private":
                chat["first_name"] = f"user{chat_id}"
            else:
                chat["title"] = f"group {chat_id}"
            self.chats[chat_id] = chat
        return self.chats[chat_id]

    def user(self, user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"user{user_id}", "username": f"user{user_id}"}

    def inject_message(
        self, chat_id: int, text: str | None, *, user_id: int | None = None, chat_type: str | None = None,
        reply_to_bot_message_id: int | None = None, entities: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A user message; mentions of the bot get `mention` entities unless `entities` is given."""
        chat = self.chat(chat_id, chat_type)
        uid = user_id if user_id is not None else (chat_id if chat["type"] == "private" else 1)
        message: dict[str, Any] = {"message_id": next(self._message_ids[chat_id]), "date": int(time.time()),
                                   "chat": chat, "from": self.user(uid)}
        if text is not None:
            message["text"] = text
            if entities is None:
                entities = self._mention_entities(text)
            if entities:
                message["entities"] = entities
        if reply_to_bot_message_id is not None:
            message["reply_to_message"] = self.messages[chat_id][reply_to_bot_message_id]
        message.update(extra or {})
        self.messages[chat_id][message["message_id"]] = message
        self.inject_update({"message": message})
        return message

    def inject_non_text(self, chat_id: int, kind: str = "sticker", **kwargs: Any) -> dict[str, Any]:
        payloads: dict[str, Any] = {
            "sticker": {"file_id": "s1", "file_unique_id": "s1u", "width": 512, "height": 512,
                        "is_animated": False, "is_video": False, "type": "regular"},
            "photo": [{"file_id": "p1", "file_unique_id": "p1u", "width": 90, "height": 90}],
            "voice": {"file_id": "v1", "file_unique_id": "v1u", "duration": 3},
        }
        return self.inject_message(chat_id, None, extra={kind: payloads[kind]}, **kwargs)

    def inject_edited(self, chat_id: int, message_id: int, text: str) -> int:
        message = dict(self.messages[chat_id][message_id], text=text, edit_date=int(time.time()))
        return self.inject_update({"edited_message": message})

    def inject_callback(self, from_user_id: int, message: SentMessage | dict[str, Any], data: str) -> int:
        """A press of an inline button under `message` (a message the bot sent)."""
        if isinstance(message, SentMessage):
            msg = self.messages[message.chat_id][message.message_id]
        else:
            msg = message
        query = {"id": str(next(self._callback_ids)), "from": self.user(from_user_id),
                 "chat_instance": f"ci{msg['chat']['id']}", "data": data, "message": msg}
        return self.inject_update({"callback_query": query})

    def inject_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update dict (any shape); gets the next update_id unless it has one."""
        if "update_id" not in update:
            update = {"update_id": next(self._update_ids), **update}
        self.updates.append(update)
        self._notify_soon()
        return int(update["update_id"]) if isinstance(update.get("update_id"), int) else -1

    def _mention_entities(self, text: str) -> list[dict[str, Any]]:
        """Entities Telegram would add: a leading /command, and mentions of the bot."""
        entities: list[dict[str, Any]] = []
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command)})
        needle = self.mention.lower()
        low = text.lower()
        pos = low.find(needle)
        while pos >= 0:
            entities.append({"type": "mention", "offset": utf16_len(text[:pos]), "length": utf16_len(needle)})
            pos = low.find(needle, pos + len(needle))
        return entities

    # -- test API: what the bot did ----------------------------------------------------
    def texts(self, chat_id: int) -> list[str]:
        return [m.text for m in self.sent.get(chat_id, [])]

    def all_sent(self) -> list[SentMessage]:
        return sorted((m for msgs in self.sent.values() for m in msgs), key=lambda m: m.at)

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        for m in self.sent.get(chat_id, []):
            if m.message_id == message_id:
                return m
        raise KeyError((chat_id, message_id))

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 10.0, what: str = "condition") -> T:
        """Wait until predicate() is truthy (re-checked on every server event); returns its value."""
        assert self._cond is not None, "start() the fake first"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with self._cond:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
                try:
                    await asyncio.wait_for(self._cond.wait(), min(remaining, 0.5))
                except TimeoutError:
                    pass

    async def wait_sent(self, chat_id: int, count: int, timeout: float = 10.0) -> list[SentMessage]:
        """At least `count` messages sent to the chat; returns all of them."""
        await self.wait_for(lambda: len(self.sent.get(chat_id, [])) >= count, timeout,
                            f"{count} message(s) to chat {chat_id} (have {self.texts(chat_id)!r:.300})")
        return list(self.sent[chat_id])

    async def wait_confirmed(self, update_id: int, timeout: float = 10.0) -> None:
        await self.wait_for(lambda: self.confirmed_offset > update_id, timeout, f"update {update_id} confirmed")

    # -- test API: faults --------------------------------------------------------------
    def fail_next_send(self, chat_id: int | None, n: int = 1, *, status: int = 429, retry_after: int = 1,
                       parse_errors: bool = False) -> None:
        """Answer the next n sendMessage calls of a chat (None: any chat) with an error."""
        for _ in range(n):
            if parse_errors:
                fault = Fault(400, "Bad Request: can't parse entities: unexpected end", only_with_parse_mode=True)
            elif status == 429:
                fault = Fault(429, f"Too Many Requests: retry after {retry_after}", retry_after)
            elif status == 403:
                fault = Fault(403, "Forbidden: bot was blocked by the user")
            else:
                fault = Fault(status, "Internal Server Error" if status == 500 else "Bad Gateway")
            self.faults[chat_id].append(fault)

    # -- server ------------------------------------------------------------------------
    def _notify_soon(self) -> None:
        try:
            asyncio.get_running_loop().create_task(self._notify())
        except RuntimeError:
            pass

    async def _notify(self) -> None:
        if self._cond is not None:
            async with self._cond:
                self._cond.notify_all()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            raw = await request.json()
            return dict(raw) if isinstance(raw, dict) else {}
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if not isinstance(value, str):
                continue
            if key in JSON_FIELDS:
                params[key] = json.loads(value)
            elif key in INT_FIELDS or key == "chat_id" and value.lstrip("-").isdigit():
                params[key] = int(value)
            elif key in BOOL_FIELDS:
                params[key] = value == "true"
            else:
                params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return error_response(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params))
        if self.fail_methods.get(method.lower(), 0) > 0:
            self.fail_methods[method.lower()] -= 1
            return error_response(500, "Internal Server Error")
        handler = None if method.lower() in self.missing_methods else getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return error_response(404, "Not Found")
        response: web.Response = await handler(params)
        await self._notify()
        return response

    def _message_dict(self, chat_id: int, message_id: int, text: str, markup: dict[str, Any] | None,
                      reply_to: int | None) -> dict[str, Any]:
        msg: dict[str, Any] = {"message_id": message_id, "date": int(time.time()), "chat": self.chat(chat_id),
                               "from": self.bot_user, "text": text}
        if markup:
            msg["reply_markup"] = markup
        if reply_to is not None and reply_to in self.messages[chat_id]:
            msg["reply_to_message"] = {k: v for k, v in self.messages[chat_id][reply_to].items()
                                       if k != "reply_to_message"}
        return msg

    async def _m_getme(self, params: dict[str, Any]) -> web.Response:
        return ok_response(self.bot_user)

    async def _m_getupdates(self, params: dict[str, Any]) -> web.Response:
        if self.webhook:
            return error_response(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = params.get("offset")
        if self.on_get_updates is not None:
            result = self.on_get_updates(offset)
            if asyncio.iscoroutine(result):
                await result
        if isinstance(offset, int) and offset > 0:
            self.confirmed_offset = max(self.confirmed_offset, offset)
            # malformed updates without an integer id are dropped once anything is confirmed
            self.updates = [u for u in self.updates if isinstance(u.get("update_id"), int) and u["update_id"] >= offset]
        elif isinstance(offset, int) and offset < 0:
            self.updates = self.updates[offset:]
        if self._poll_waiter is not None and not self._poll_waiter.done():
            self._poll_waiter.set_result(None)  # the older poll is terminated, as Telegram does
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._poll_waiter = waiter
        timeout = min(float(params.get("timeout") or 0), 50.0)
        deadline = time.monotonic() + timeout
        assert self._cond is not None
        async with self._cond:
            while not self.updates and not self._stopping and not waiter.done():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    await asyncio.wait_for(self._cond.wait(), min(remaining, 0.25))
                except TimeoutError:
                    pass
        if waiter.done() and self._poll_waiter is not waiter:
            return error_response(409, "Conflict: terminated by other getUpdates request")
        limit = int(params.get("limit") or 100)
        batch = self.updates[: max(1, min(limit, 100))]
        self.get_updates_log.append({"offset": offset, "at": time.monotonic(),
                                     "returned": [u.get("update_id") for u in batch]})
        return ok_response(batch)

    async def _m_sendmessage(self, params: dict[str, Any]) -> web.Response:
        chat_id = params.get("chat_id")
        text = params.get("text")
        if not isinstance(chat_id, int):
            return error_response(400, "Bad Request: chat not found")
        if not text:
            return error_response(400, "Bad Request: message text is empty")
        if utf16_len(text) > 4096:
            return error_response(400, "Bad Request: message is too long")
        for key in (chat_id, None):
            queue = self.faults.get(key)
            if queue:
                fault = queue[0]
                if fault.only_with_parse_mode and not params.get("parse_mode"):
                    continue
                queue.popleft()
                return error_response(fault.status, fault.description, fault.retry_after)
        reply_to = (params.get("reply_parameters") or {}).get("message_id") or params.get("reply_to_message_id")
        message_id = next(self._message_ids[chat_id])
        msg = self._message_dict(chat_id, message_id, text, params.get("reply_markup"), reply_to)
        self.messages[chat_id][message_id] = msg
        now = time.monotonic()
        self.sent[chat_id].append(SentMessage(chat_id, message_id, text, params.get("parse_mode"),
                                              params.get("reply_markup"), reply_to, now))
        self.limits.record(chat_id, self.chat(chat_id)["type"] == "private", now)
        return ok_response(msg)

    async def _m_editmessagetext(self, params: dict[str, Any]) -> web.Response:
        return self._edit(params, text=params.get("text"), markup=params.get("reply_markup"))

    async def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> web.Response:
        return self._edit(params, text=None, markup=params.get("reply_markup"))

    def _edit(self, params: dict[str, Any], *, text: str | None, markup: dict[str, Any] | None) -> web.Response:
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        try:
            sent = self.message(int(chat_id), int(message_id))  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            return error_response(400, "Bad Request: message to edit not found")
        new_text = sent.text if text is None else text
        if new_text == sent.text and markup == sent.reply_markup:
            return error_response(400, "Bad Request: message is not modified")
        sent.edits.append({"text": sent.text, "reply_markup": sent.reply_markup, "at": time.monotonic()})
        sent.text, sent.reply_markup = new_text, markup
        msg = self._message_dict(sent.chat_id, sent.message_id, new_text, markup, sent.reply_to_message_id)
        self.messages[sent.chat_id][sent.message_id] = msg
        return ok_response(msg)

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> web.Response:
        self.callback_answers.append(params)
        return ok_response(True)

    async def _m_sendchataction(self, params: dict[str, Any]) -> web.Response:
        self.chat_actions.append(params)
        return ok_response(True)

    async def _m_setmycommands(self, params: dict[str, Any]) -> web.Response:
        self.commands.append(params)
        return ok_response(True)

    async def _m_deletemycommands(self, params: dict[str, Any]) -> web.Response:
        return ok_response(True)

    async def _m_setwebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook = params
        return ok_response(True)

    async def _m_deletewebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return ok_response(True)

    async def _m_getwebhookinfo(self, params: dict[str, Any]) -> web.Response:
        url = (self.webhook or {}).get("url", "")
        return ok_response({"url": url, "has_custom_certificate": False, "pending_update_count": len(self.updates)})

    async def _m_close(self, params: dict[str, Any]) -> web.Response:
        return ok_response(True)

    async def _m_logout(self, params: dict[str, Any]) -> web.Response:
        return ok_response(True)
