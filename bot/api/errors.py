"""Every error leaves the API in the OpenAI shape: {"error": {"message", "type", "param", "code"}}."""

from __future__ import annotations

import logging
from typing import Any, Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline.types import StoreError

log = logging.getLogger("parley.api")

_TYPES = {400: "invalid_request_error", 401: "invalid_request_error", 403: "invalid_request_error",
          404: "invalid_request_error", 405: "invalid_request_error", 413: "invalid_request_error",
          429: "rate_limit_error"}


class ApiError(Exception):
    """Raised by routes and dependencies; rendered by the handler below."""

    def __init__(
        self, status: int, message: str, *, code: str | None = None, param: str | None = None,
        type: str | None = None, headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.type = type or _TYPES.get(status, "server_error")
        self.headers = dict(headers or {})


def error_body(message: str, type: str, *, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def error_response(err: ApiError) -> JSONResponse:
    return JSONResponse(error_body(err.message, err.type, param=err.param, code=err.code),
                        status_code=err.status, headers=err.headers)


_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "list", "dict", "none", "null"})


def _loc(loc: tuple[Any, ...]) -> str:
    """A parameter path as the client wrote it: pydantic adds the branch it tried for a field that
    takes several types (messages.0.content.str, input.list[str]); those are not parameters."""
    parts = [str(p) for p in loc if p != "body" and not _is_branch(str(p))]
    return ".".join(parts)


def _is_branch(part: str) -> bool:
    return part in _TYPE_TAGS or "[" in part or part.startswith(("function-", "tagged-union", "json-or-python"))


def describe_validation(errors: list[Any]) -> tuple[str, str | None]:
    """One readable message (and the first bad parameter) from pydantic/FastAPI validation errors."""
    lines: list[str] = []
    first_param: str | None = None
    for item in errors[:5]:
        loc = _loc(tuple(item.get("loc", ())))
        kind = item.get("type", "")
        if kind == "json_invalid":
            ctx = item.get("ctx") or {}
            detail = ctx.get("error", "malformed JSON")
            lines.append(f"request body is not valid JSON ({detail})")
            continue
        msg = str(item.get("msg", "invalid value"))
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if not loc and kind in ("model_attributes_type", "dict_type", "model_type"):
            lines.append("request body must be a JSON object (send Content-Type: application/json)")
            continue
        if kind == "missing" and not loc:
            lines.append("request body is missing; send a JSON object")
            continue
        if first_param is None and loc:
            first_param = loc
        lines.append(f"{loc}: {msg}" if loc else msg)
    if len(errors) > 5:
        lines.append(f"... and {len(errors) - 5} more problems")
    return "; ".join(lines) or "invalid request", first_param


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    message, param = describe_validation(list(exc.errors()))
    return error_response(ApiError(400, message, param=param, code="invalid_request"))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    message = {404: f"no such endpoint: {request.method} {request.url.path}",
               405: f"method {request.method} not allowed on {request.url.path}"}.get(status, str(exc.detail))
    headers = dict(exc.headers or {})
    code = {400: "invalid_request", 404: "not_found", 405: "method_not_allowed", 413: "request_too_large"}.get(status)
    return error_response(ApiError(status, message, code=code, headers=headers))


async def _store_error(request: Request, exc: Exception) -> JSONResponse:
    """The store cannot write (a full disk, a lock): nothing was answered unchecked, so the caller
    may retry; OpenAI clients retry a 503 by themselves."""
    log.error("storage unavailable on %s %s: %s", request.method, request.url.path, exc)
    return error_response(ApiError(503, "storage is unavailable (disk full or locked); retry later",
                                   code="storage_unavailable", headers={"Retry-After": "5"}))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(ApiError(500, "internal server error; see the server log", code="internal_error"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(StoreError, _store_error)
    app.add_exception_handler(Exception, _unexpected)
