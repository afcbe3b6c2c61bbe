"""The SDK connection with every read bounded and every write sent at most once.

``ovirtsdk4.Connection`` (4.6.3) sends through a pycurl ``CurlMulti`` pool. As shipped:

- SSO requests (login, logout) have no timeout at all; API requests have a total ``TIMEOUT``
  but no connect timeout, and ``wait()`` loops until libcurl says the transfer ended;
- every body goes to an unbounded ``BytesIO`` (an endless chunked answer eats all memory);
- when a pooled connection turns out to be dead after a POST was written on it, libcurl sends
  the POST again on a fresh connection ("Connection died, retrying a fresh connect"): a
  snapshot made twice, a shutdown sent twice;
- a failed transfer of *any* pending request makes ``wait()`` raise for the one waited on.

:class:`Transport` fixes these in three overrides, and keeps everything else of the SDK:

``send``
    lets the SDK build the request (URL, headers, body), then bounds it: connect and total
    timeout, a low-speed limit, a response size cap; a write (POST/PUT/DELETE) gets a fresh
    connection that is not kept, so libcurl never has a "reused connection" to retry it on.
``wait``
    the SDK's ``__wait`` reimplemented: each select is short and the whole wait has a
    deadline; a failure is reported for its own request only; a write whose reply did not
    come back after it was sent raises :class:`ReplyLost` (the engine may have done it), never
    a plain "cannot connect"; the SDK's one re-login-and-resend on a 401 is kept for reads and
    writes alike, because the engine answers 401 from its authentication filter
    (``EnforceAuthFilter``) before the request reaches the API: a 401 write was not done.
``_get_sso_response``
    the SDK's SSO request with the same bounds (it had none), its size capped, performed in
    short selects so that Ctrl-C is not held until the transfer ends.

The size cap is ``max_response_mb`` of the profile (default ``config.DEFAULT_MAX_RESPONSE_MB``).
"""

from __future__ import annotations

import io
import json
import time
from typing import Any
from urllib.parse import urlencode

import ovirtsdk4
import pycurl

from .actions.base import ReplyLost, ResponseTooLarge
from .config import DEFAULT_MAX_RESPONSE_MB
from .textsafe import visible

DEFAULT_TIMEOUT = 60
WRITES = frozenset({"POST", "PUT", "DELETE"})
_SSO_CAP = 1024 * 1024  # an SSO answer is a few hundred bytes of JSON
_SELECT = 0.25  # seconds per select: Ctrl-C and deadlines are seen this often
DEBUG_BODY_BYTES = 1024  # of each request and answer body, what -d logs
_BODY_TYPES = (pycurl.INFOTYPE_DATA_IN, pycurl.INFOTYPE_DATA_OUT)
# a header line coming in starts a new answer body; going out, a new request body
_HEADER_TYPES = {
    pycurl.INFOTYPE_HEADER_IN: pycurl.INFOTYPE_DATA_IN,
    pycurl.INFOTYPE_HEADER_OUT: pycurl.INFOTYPE_DATA_OUT,
}


class _CappedBuffer:
    """A response body buffer that refuses to grow past ``cap`` bytes.

    Used as libcurl's WRITEFUNCTION: returning 0 aborts the transfer (E_WRITE_ERROR); raising
    inside a pycurl callback would print a traceback on the terminal, so it never raises.
    """

    def __init__(self, buf: io.BytesIO, cap: int) -> None:
        self.buf, self.cap, self.size, self.exceeded = buf, cap, 0, False

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.cap:
            self.exceeded = True
            return 0
        return self.buf.write(data)


class Transport(ovirtsdk4.Connection):
    """``ovirtsdk4.Connection`` with bounded reads and writes sent at most once."""

    def __init__(self, *, max_response_mb: float = DEFAULT_MAX_RESPONSE_MB, **kwargs: Any):
        kwargs["timeout"] = kwargs.get("timeout") or DEFAULT_TIMEOUT  # 0 would mean forever
        super().__init__(**kwargs)
        self.max_response_mb = max_response_mb
        self.cap = int(max_response_mb * 1024 * 1024)
        self._pending: dict[Any, tuple[_CappedBuffer, float]] = {}  # curl -> (body, deadline)
        self._failed: dict[Any, tuple[int, str]] = {}  # curl -> (curl error, message)
        # the last request failed in transit (timeout, reset, too large): close() then skips
        # the logout, which would only wait on the same engine again
        self.broken = False
        self._body_logged: dict[int, int] = {}  # -d: body bytes logged, per direction

    # --- bounds shared by API and SSO requests -----------------------------------------------

    def _bound(self, curl: Any, body: io.BytesIO, cap: int) -> _CappedBuffer:
        timeout = max(1, int(self._timeout))  # 0 would mean "no limit" to libcurl
        curl.setopt(pycurl.NOSIGNAL, 1)
        curl.setopt(pycurl.CONNECTTIMEOUT, timeout)
        curl.setopt(pycurl.TIMEOUT, timeout)
        # below 1 byte/s for the whole timeout: a stalled (trickling) server is cut off
        curl.setopt(pycurl.LOW_SPEED_LIMIT, 1)
        curl.setopt(pycurl.LOW_SPEED_TIME, timeout)
        curl.setopt(pycurl.MAXFILESIZE, cap)  # refused at once when Content-Length says so
        capped = _CappedBuffer(body, cap)
        curl.setopt(pycurl.WRITEFUNCTION, capped.write)
        return capped

    def _too_large(self) -> ResponseTooLarge:
        return ResponseTooLarge(
            f"The engine's answer is larger than {self.max_response_mb:g} MiB; ovtui stopped"
            " reading it.",
            "If the engine really has that much to say, raise max_response_mb in [api].",
        )

    # --- API requests ------------------------------------------------------------------------

    def send(self, request: Any) -> Any:
        with self._curl_lock:
            return self._send(request)

    def _send(self, request: Any) -> Any:
        # the SDK builds the curl handle (URL, headers, body) and adds it to the pool; nothing
        # is transferred before perform() in wait(), so options set here still apply
        context = self._Connection__send(request)  # type: ignore[attr-defined]
        curl, body = context[0], context[1]
        capped = self._bound(curl, body, self.cap)
        if request.method in WRITES:
            curl.setopt(pycurl.FRESH_CONNECT, 1)
            curl.setopt(pycurl.FORBID_REUSE, 1)
        self._pending[curl] = (capped, time.monotonic() + self._timeout + 1)
        return context

    def wait(self, context: Any, failed_auth: bool = False) -> Any:
        with self._curl_lock:
            try:
                return self._wait(context, failed_auth)
            except pycurl.error as exc:  # the re-login of a 401: the SDK's own error classes
                self._Connection__parse_error(exc)  # type: ignore[attr-defined]

    def _wait(self, context: Any, failed_auth: bool) -> Any:
        curl, request = context[0], context[3]
        capped, deadline = self._pending[curl]
        while curl not in self._curls and curl not in self._failed:
            self._perform()
            if curl in self._curls or curl in self._failed:
                break
            if time.monotonic() >= deadline:  # libcurl's own TIMEOUT should come first
                self._failed[curl] = (pycurl.E_OPERATION_TIMEDOUT, "no answer before the deadline")
                break
            self._multi.select(min(_SELECT, max(0.0, deadline - time.monotonic())))
        del self._pending[curl]
        self._multi.remove_handle(curl)
        self.broken = curl in self._failed
        if self.broken:
            errno, message = self._failed.pop(curl)
            try:
                self._raise(request, curl, capped, errno, message)
            finally:
                curl.close()
        self._curls.discard(curl)
        response = self._read_reponse(context)
        if response.code == 401 and not failed_auth:
            # the engine's auth filter refused it before the API saw it (EnforceAuthFilter):
            # not done, so a new token and one resend are safe for writes too
            self._sso_token = self._get_access_token()
            response = self._wait(self._send(request), True)
        return response

    def _perform(self) -> None:
        while self._multi.perform()[0] == pycurl.E_CALL_MULTI_PERFORM:
            pass
        while True:
            queued, ok, failed = self._multi.info_read()
            self._curls.update(ok)
            for handle, errno, message in failed:
                self._failed[handle] = (errno, message)
            if queued == 0:
                return

    def _raise(self, request: Any, curl: Any, capped: _CappedBuffer, errno: int, msg: str) -> None:
        sent = curl.getinfo(pycurl.REQUEST_SIZE) > 0
        reason = "its answer was too large" if capped.exceeded else msg
        if request.method in WRITES and sent:
            raise ReplyLost(
                request.method,
                request.path,
                visible(reason, 200),
                correlation_id=(request.headers or {}).get("Correlation-Id"),
            )
        if capped.exceeded or errno == pycurl.E_FILESIZE_EXCEEDED:
            raise self._too_large()
        text = f"Error while sending HTTP request: ({errno}, {visible(msg, 200)!r})"
        if errno in (pycurl.E_COULDNT_CONNECT, pycurl.E_COULDNT_RESOLVE_HOST):
            raise ovirtsdk4.ConnectionError(text)
        if errno == pycurl.E_OPERATION_TIMEDOUT:
            raise ovirtsdk4.TimeoutError(text)
        raise ovirtsdk4.Error(text)

    # --- SSO ---------------------------------------------------------------------------------

    def _get_sso_response(self, url: str, params: Any = "") -> Any:
        """The SDK's SSO POST (login, logout), bounded like an API request."""
        curl = pycurl.Curl()
        try:
            curl.setopt(pycurl.CUSTOMREQUEST, "POST")
            curl.setopt(pycurl.URL, url)
            if self._kerberos:
                curl.setopt(pycurl.HTTPAUTH, pycurl.HTTPAUTH_GSSNEGOTIATE)
                curl.setopt(pycurl.USERPWD, ":")
            if self._debug and self._log is not None:
                curl.setopt(pycurl.VERBOSE, 1)
                curl.setopt(pycurl.DEBUGFUNCTION, self._curl_debug)
            if self._url.startswith("https"):
                curl.setopt(pycurl.SSL_VERIFYPEER, 0 if self._insecure else 1)
                curl.setopt(pycurl.SSL_VERIFYHOST, 0 if self._insecure else 2)
                if self._ca_file is not None:
                    curl.setopt(pycurl.CAINFO, self._ca_file)
            curl.setopt(
                pycurl.HTTPHEADER,
                [f"User-Agent: PythonSDK/{ovirtsdk4.get_version()}", "Accept: application/json"],
            )
            curl.setopt(pycurl.COPYPOSTFIELDS, urlencode(params))
            body, headers = io.BytesIO(), io.BytesIO()
            capped = self._bound(curl, body, min(self.cap, _SSO_CAP))

            def write_header(buf: bytes) -> None:
                if buf.startswith(b"HTTP/"):  # keep the last answer's headers only
                    headers.seek(0)
                    headers.truncate(0)
                if headers.tell() < 65536:
                    headers.write(buf)

            curl.setopt(pycurl.HEADERFUNCTION, write_header)
            try:
                self._perform_one(curl)
            except pycurl.error:
                self.broken = True
                if capped.exceeded:
                    raise self._too_large() from None
                raise  # authenticate() turns it into ConnectionError/TimeoutError/Error
        finally:
            curl.close()
        lines = headers.getvalue().decode("ascii", "replace").split("\n")
        self._check_content_type(self._Connection__JSON_CONTENT_TYPE_RE, "JSON", lines)  # type: ignore[attr-defined]
        try:
            return json.loads(body.getvalue().decode("utf-8"))
        except ValueError:
            raise ovirtsdk4.Error(
                f"The engine's SSO answer is not JSON: {visible(body.getvalue()[:80].decode('utf-8', 'replace'))}"
            ) from None

    @staticmethod
    def _perform_one(curl: Any) -> None:
        """``curl.perform()`` in short selects: a blocking perform() holds Ctrl-C until it
        returns (up to the whole timeout); here KeyboardInterrupt comes within _SELECT."""
        multi = pycurl.CurlMulti()
        multi.add_handle(curl)
        try:
            while True:
                while multi.perform()[0] == pycurl.E_CALL_MULTI_PERFORM:
                    pass
                _, ok, failed = multi.info_read()
                if ok:
                    return
                if failed:
                    raise pycurl.error(failed[0][1], failed[0][2])
                multi.select(_SELECT)
        finally:
            multi.remove_handle(curl)
            multi.close()

    # --- hostile answers -----------------------------------------------------------------------

    def _read_reponse(self, context: Any) -> Any:
        """The SDK's response reader, minus its crash on non-ASCII status or header bytes."""
        curl, body, headers = context[0], context[1], context[2]
        response = ovirtsdk4.http.Response()
        response.code = curl.getinfo(pycurl.HTTP_CODE)
        response.body = body.getvalue()
        response.headers = headers.getvalue().decode("ascii", "replace").split("\n")
        fields = response.headers[0].split() if response.headers else []
        response.reason = " ".join(fields[2:])
        curl.close()
        return response

    def _get_header_value(self, headers: list[str], name: str) -> str:
        """A missing header is "" (the SDK's None made its content-type check a TypeError)."""
        return super()._get_header_value(headers, name) or ""

    # --- debug -------------------------------------------------------------------------------

    def _body_head(self, debug_type: int, data: Any) -> Any:
        """What of this body chunk is still within the first KiB; once, a line saying the
        rest is not logged."""
        logged = self._body_logged.get(debug_type, 0)
        if logged > DEBUG_BODY_BYTES:
            return b""
        room = DEBUG_BODY_BYTES - logged
        self._body_logged[debug_type] = logged + len(data)
        if len(data) <= room:
            return data
        self._body_logged[debug_type] = DEBUG_BODY_BYTES + 1
        head = data[:room]
        return head + b"\n[the rest of this body is not logged]"

    def _curl_debug(self, debug_type: int, data: Any) -> None:
        """The SDK's debug log, with what the engine sent shown visibly (never raw control
        bytes on the terminal) and undecodable bytes replaced (never an exception).

        Headers are logged whole; of each body only the first ``DEBUG_BODY_BYTES`` (a 75 MB
        list logged line by line would take longer than the request's timeout)."""
        if debug_type not in self._Connection__KNOWN_DEBUG_TYPES:  # type: ignore[attr-defined]
            return
        if debug_type in _BODY_TYPES:
            data = self._body_head(debug_type, data)
            if not data:
                return
        elif debug_type in _HEADER_TYPES:
            self._body_logged[_HEADER_TYPES[debug_type]] = 0  # a new request or answer
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        prefix = self._Connection__DEBUG_PREFIXES.get(debug_type)  # type: ignore[attr-defined]
        for line in text.replace("\r\n", "\n").strip().split("\n"):
            self._log.debug((prefix or "") + visible(line))
