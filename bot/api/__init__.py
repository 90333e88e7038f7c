"""OpenAI-compatible, moderated HTTP API (`parley serve`); see the "HTTP API" section of README.md."""

from bot.api.app import create_api, served_model
from bot.api.security import API_CHAT_BASE, api_chat_id, is_api_chat_id
from bot.api.server import ApiServer, bind_socket, serve

__all__ = ["API_CHAT_BASE", "ApiServer", "api_chat_id", "bind_socket", "create_api", "is_api_chat_id", "serve",
           "served_model"]
