"""The simulator's HTTP vocabulary: a request as handlers see it, a response, an error.

A leaf module: handlers anywhere in the simulator raise ``HttpError`` and return
``Response`` without importing the server.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

XML_TYPE = "application/xml;charset=UTF-8"
JSON_TYPE = "application/json;charset=UTF-8"


class HttpError(Exception):
    """Raised by handlers to answer with ``code`` and an engine fault (or an empty body)."""

    def __init__(
        self, code: int, detail: str | None = None, reason: str = "Operation Failed"
    ) -> None:
        super().__init__(detail or str(code))
        self.code = code
        self.detail = detail
        self.reason = reason


def conflict(detail: str) -> HttpError:
    """409 with the engine's words (a state or validation refusal)."""
    return HttpError(409, detail)


def bad_request(detail: str) -> HttpError:
    return HttpError(400, detail)


def not_found() -> HttpError:
    return HttpError(404)


class Response:
    """An answer. ``body`` is bytes, or a sequence of byte strings sent one after the other
    (a large list is sent as its cached parts, never joined into one more copy)."""

    def __init__(
        self,
        code: int = 200,
        body: bytes | Iterable[bytes] = b"",
        ctype: str = XML_TYPE,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.code = code
        self.parts: list[bytes] = [body] if isinstance(body, bytes) else list(body)
        self.ctype = ctype
        self.headers = headers or {}

    @property
    def body(self) -> bytes:
        """The whole body in one piece."""
        return self.parts[0] if len(self.parts) == 1 else b"".join(self.parts)

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)


class Request:
    """What verb handlers need from an HTTP request."""

    def __init__(
        self, method: str, segs: list[str], params: dict[str, str], headers: Any, body: bytes
    ) -> None:
        self.method = method
        self.segs = segs
        self.params = params
        self.headers = headers
        self.body = body

    @property
    def correlation_id(self) -> str | None:
        return self.headers.get("Correlation-Id") or self.params.get("correlation_id")

    def flag(self, name: str) -> bool:
        return self.params.get(name, "").lower() == "true"
