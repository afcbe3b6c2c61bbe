"""Turn SDK exceptions into :class:`ActionError` with one plain message and the exit code.

One rule, whichever request met the answer (the API root, a selector's search, a verb's own
request, a poll), so the same engine answer always gives the same exit code:

- 3 (cannot connect or authenticate): no answer at all (refused, reset, TLS, time-out), a login
  refused, 401 after the SDK's one re-login, 502/503/504 (the engine, or the proxy in front
  of it, says it cannot serve now), and any answer to the SSO login that is not its JSON;
- 1 (refused or failed): every other answer: 4xx faults (403 permission, 404 not served, 409
  state, 413/414 too large/long, which say what is too long), 500, an answer that is not XML,
  and XML that cannot be read ("the engine sent XML that cannot be read: ...").

Every message holds engine text only through :func:`ovtui.textsafe.visible`: a fault detail or
a proxy's reason cannot put control, bidi or zero-width characters on the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import ovirtsdk4

from .. import xmlsafe
from ..textsafe import visible
from .base import ActionError, ConnectError, EngineRefused

xmlsafe.install()  # libxml2 never prints; unreadable answers raise xmlsafe.UnreadableXml

_TLS_WORDS = ("SSL certificate", "certificate verify", "self signed", "self-signed", "CA cert")
UNAVAILABLE = frozenset({502, 503, 504})
_LIMIT = 300  # characters of engine text in one message line
_FAULT_LIMIT = 1000  # a fault's detail (the engine's reasons can be a long list)
_REASONS = {
    413: "Request Entity Too Large",
    414: "Request-URI Too Long",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def fault_text(exc: ovirtsdk4.Error) -> str:
    """The engine's own words for a fault, escaped: ``Cannot run VM. VM is running.``"""
    fault = getattr(exc, "fault", None)
    if fault is not None:
        detail = (fault.detail or "").strip()
        if detail.startswith("[") and detail.endswith("]"):
            detail = detail[1:-1].strip()
        return visible(detail or (fault.reason or "").strip() or str(exc))
    text = str(exc)
    m = re.search(r'[Ff]ault detail is "\[?(.*?)\]?"', text, re.DOTALL)
    return visible(m.group(1) if m else text)


def translate(exc: BaseException, doing: str = "") -> ActionError:
    """Map an SDK (or network) exception to an ActionError; ``doing`` names the request."""
    if isinstance(exc, ActionError):
        return exc
    err = _translate(exc, f"{visible(doing, limit=_LIMIT)}: " if doing else "")
    err.message = _say(visible(err.message))
    err.args = (err.message,)
    if err.hint is not None:
        err.hint = visible(err.hint)
    return err


def _say(text: str) -> str:
    return text[:1].upper() + text[1:]


def _status(exc: ovirtsdk4.Error) -> str:
    """``503 Service Unavailable`` from an SDK error (its code and the reason it was given)."""
    reason = getattr(exc, "reason", "") or ""
    if not reason:
        m = re.search(r'HTTP response message is "(.*?)"', str(exc))
        reason = m.group(1) if m else _REASONS.get(exc.code or 0, "")
    return visible(f"{exc.code} {reason}".strip(), limit=80)


def _translate(exc: BaseException, prefix: str) -> ActionError:
    if isinstance(exc, xmlsafe.UnreadableXml):
        return EngineRefused(
            f"{prefix}the engine sent XML that cannot be read: {exc.what}",
            "Nothing was shown from that answer; a proxy in front of the engine, or the engine "
            "itself, sent it (-d logs the request).",
        )
    if isinstance(exc, xmlsafe.NotXmlAnswer):
        return _not_xml(exc, prefix)
    if isinstance(exc, ovirtsdk4.AuthError):
        text = str(exc)
        if "access_denied" in text or "authenticate" in text.lower() or exc.code is None:
            reason = text.split(":", 1)[1].strip() if "access_denied" in text else text
            return ConnectError(
                f"Login refused by the engine: {_short(reason)}",
                "Check username and password (or password_file) in the config.",
            )
        if exc.code == 401:
            return _session_refused(prefix)
        return EngineRefused(f"{prefix}permission denied: {fault_text(exc)}")
    if isinstance(exc, ovirtsdk4.NotFoundError):
        # a selector's missing object is NoMatch (exit 4), decided in selectors.find; here
        # the engine does not have (or no longer has, or does not serve) what was asked for
        return EngineRefused(f"{prefix}not found on the engine (404): it does not serve this.")
    if isinstance(exc, ovirtsdk4.ConnectionError) or (
        type(exc) is ovirtsdk4.Error and exc.code is None and exc.fault is None
    ):  # the SDK raises a plain Error for curl failures (TLS, reset connections)
        text = str(exc)
        if any(w in text for w in _TLS_WORDS):
            return ConnectError(
                f"The engine's TLS certificate is not trusted ({_short(text)}).",
                "Set ca_file in [api] to the engine CA (from /ovirt-engine/services/pki-resource"
                "?resource=ca-certificate&format=X509-PEM-CA), or insecure = true to skip checks.",
            )
        return ConnectError(
            f"Cannot connect to the engine: {_short(text)}",
            "Check url in [api] and that the engine is running and reachable.",
        )
    if isinstance(exc, ovirtsdk4.TimeoutError):
        return ConnectError(
            f"The engine did not answer in time: {_short(str(exc))}",
            "Raise timeout in [api] or check the engine's load.",
        )
    if isinstance(exc, ovirtsdk4.Error):
        return _by_code(exc, prefix, _short(fault_text(exc), _FAULT_LIMIT))
    if isinstance(exc, OSError):
        return ConnectError(f"Cannot connect to the engine: {_short(str(exc))}")
    return ActionError(f"{prefix}{_short(str(exc))}")


def _by_code(exc: ovirtsdk4.Error, prefix: str, said: str) -> ActionError:
    """An engine answer by its HTTP status; ``said`` is what came with it, escaped."""
    code = exc.code
    if code in UNAVAILABLE:
        return ConnectError(
            f"{prefix}the engine is unavailable ({_status(exc)}): {said}",
            "The engine, or a proxy in front of it, cannot serve now: retry later, or check "
            "the engine's service (ovirt-engine) and the proxy.",
        )
    if code == 401:
        return _session_refused(prefix)
    if code == 414:
        return EngineRefused(
            f"{prefix}the request's URL is too long for the engine ({_status(exc)}): "
            "the search (-s) or name (-n) is too long.",
            "Shorten the search: web servers take URLs of a few KB (often 8 KB).",
        )
    if code == 413:
        return EngineRefused(
            f"{prefix}the request's body is too large for the engine ({_status(exc)}).",
            "Send less at once (fewer objects, shorter values).",
        )
    if "insufficient permissions" in said:  # an admin query by a user who is not an admin
        # in the message, not a hint: the TUI's tabs show the message only
        return EngineRefused(f"{prefix}{said} {FILTER_HINT}")
    return EngineRefused(f"{prefix}{said}")


# QueriesCommandBase's answer to a query a non-admin user sends without Filter: true
FILTER_HINT = "(For administrators only; other users set filter = true under [api].)"


def _not_xml(exc: xmlsafe.NotXmlAnswer, prefix: str) -> ActionError:
    """An answer that is not what the SDK reads (an HTML error page, a web server that is not
    the engine): by its status, as the same status with a fault would be."""
    said = f"{visible(exc.content_type or 'no content type', limit=80)}, not {exc.expected}"
    if exc.expected != "XML":  # the SSO login's JSON: no login, whatever the status
        return ConnectError(
            f"Login failed: the engine's SSO answered {_status(exc)} with {said}.",
            "Check url in [api]: it must reach the engine (https://ENGINE/ovirt-engine/api).",
        )
    if exc.code is None or exc.code < 300:
        return ConnectError(
            f"{prefix}the engine answered {_status(exc) or 'without a status'} with {said}: "
            "this is not an oVirt engine's API.",
            exc.path_hint or "Check url in [api]: https://ENGINE/ovirt-engine/api.",
        )
    if exc.code in UNAVAILABLE or exc.code in (401, 413, 414):
        return _by_code(exc, prefix, f"it sent {said}")
    return EngineRefused(f"{prefix}the engine answered {_status(exc)} with {said}.")


def _session_refused(prefix: str) -> ConnectError:
    return ConnectError(
        f"{prefix}the engine refused the session (401) after logging in again.",
        "Check the user's account on the engine (locked, expired, or no longer allowed).",
    )


def _short(text: str, limit: int = _LIMIT) -> str:
    """Engine text on one line: line breaks as spaces, the rest escaped, cut to ``limit``."""
    return visible(" ".join(text.split("\n")).replace("\r", " ").strip(), limit=limit)


@contextmanager
def engine_errors(doing: str = "") -> Iterator[None]:
    """Run engine calls, raising SDK errors as ActionError naming what was being done."""
    try:
        yield
    except ovirtsdk4.Error as exc:
        raise translate(exc, doing) from exc
