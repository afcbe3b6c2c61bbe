"""Turn SDK exceptions into :class:`ActionError` with one plain message and the exit code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import ovirtsdk4

from .base import ActionError, ConnectError, EngineRefused

_TLS_WORDS = ("SSL certificate", "certificate verify", "self signed", "self-signed", "CA cert")


def fault_text(exc: ovirtsdk4.Error) -> str:
    """The engine's own words for a fault: ``Cannot run VM. VM is running.``"""
    fault = getattr(exc, "fault", None)
    if fault is not None:
        detail = (fault.detail or "").strip()
        if detail.startswith("[") and detail.endswith("]"):
            detail = detail[1:-1].strip()
        return detail or (fault.reason or "").strip() or str(exc)
    text = str(exc)
    m = re.search(r'[Ff]ault detail is "\[?(.*?)\]?"', text)
    return m.group(1) if m else text


def translate(exc: BaseException, doing: str = "") -> ActionError:
    """Map an SDK (or network) exception to an ActionError; ``doing`` names the request."""
    if isinstance(exc, ActionError):
        return exc
    prefix = f"{doing}: " if doing else ""
    if isinstance(exc, ovirtsdk4.AuthError):
        text = str(exc)
        if "access_denied" in text or "authenticate" in text.lower() or exc.code is None:
            reason = text.split(":", 1)[1].strip() if "access_denied" in text else text
            return ConnectError(
                f"Login refused by the engine: {reason}",
                "Check username and password (or password_file) in the config.",
            )
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
        return EngineRefused(f"{prefix}{fault_text(exc)}")
    if isinstance(exc, OSError):
        return ConnectError(f"Cannot connect to the engine: {exc}")
    return ActionError(f"{prefix}{exc}")


def _short(text: str) -> str:
    text = text.replace("\n", " ").strip()
    return text if len(text) < 200 else text[:197] + "..."


@contextmanager
def engine_errors(doing: str = "") -> Iterator[None]:
    """Run engine calls, raising SDK errors as ActionError naming what was being done."""
    try:
        yield
    except ovirtsdk4.Error as exc:
        raise translate(exc, doing) from exc
