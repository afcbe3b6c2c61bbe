"""The engine's answers read safely: libxml2 never writes to the terminal, and an answer that
cannot be read is one ``ovirtsdk4.Error`` that says what was wrong, escaped.

The SDK's XML reader (``ovirtsdk4.xml``, a C extension on libxml2) leaves libxml2's default
error handler in place, which prints every parse error to stderr *with the offending line*:
an engine (or a proxy) answer holding ESC/BEL bytes wrote raw terminal control (window title,
OSC 52 clipboard) to the operator's terminal, and the TUI's screen was overwritten. The SDK
then raised a bare ``Exception("Can't read first node")``, which ovtui reported as an internal
error.

:func:`install` (idempotent, called when :mod:`ovtui.actions.errors` is imported, so by every
entry point) fixes both:

- libxml2's *structured* error handler is set, through ctypes, in the very libxml2 the SDK's
  extension links (looked up through the extension's own handle). It records the error in a
  thread-local instead of printing it. libxml2 keeps this handler per thread: it is set for the
  importing thread, as the default of threads created later (``xmlThrDefSet...``), and again
  by the first read in any thread that existed before. It is only called on errors: reading a
  well-formed answer costs nothing more (measured on a 10,000-VM list, see the tests).
- ``ovirtsdk4.reader.Reader.read`` (every answer the services parse goes through it) turns
  any failure into :class:`UnreadableXml`: "The engine sent XML that cannot be read: <libxml2's
  words> at line L, column C: <the line, escaped>".
- ``ovirtsdk4.Connection._check_content_type`` keeps the HTTP status of an answer that is not
  XML (an HTML 503 or 414 from a proxy): :class:`NotXmlAnswer` carries ``code``, so the same
  answer maps to the same exit code whichever request met it.

Nothing of the SDK is replaced but these two entry points; json/yaml/xml output is untouched.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Any

import ovirtsdk4
import ovirtsdk4.reader
from ovirtsdk4 import xml as sdk_xml

from .textsafe import visible

__all__ = ["NotXmlAnswer", "UnreadableXml", "install", "libxml2_silenced"]

_MAX_ERRORS = 8  # libxml2 errors kept per read (a broken document can raise many warnings)
_SNIPPET = 120  # characters of the offending line shown


class UnreadableXml(ovirtsdk4.Error):
    """The engine's answer is not XML the SDK can read (malformed, forbidden characters, a value
    of the wrong type). ``what`` is libxml2's (or the reader's) reason, escaped."""

    def __init__(self, what: str) -> None:
        super().__init__(f"The engine sent XML that cannot be read: {what}")
        self.what = what
        self.code = None
        self.fault = None


class NotXmlAnswer(ovirtsdk4.Error):
    """The answer's content type is not what the SDK expects (an HTML error page from a proxy,
    a web server at the wrong URL). ``code`` is the HTTP status (None when unknown)."""

    def __init__(
        self, message: str, code: int | None, reason: str, content_type: str, expected: str
    ) -> None:
        super().__init__(message)
        self.code = code
        self.fault = None
        self.reason = reason
        self.content_type = content_type
        self.expected = expected
        self.path_hint = ""  # the SDK's "Is the path ... correct?" when the URL looks wrong


# --------------------------------------------------------------------------- libxml2 errors


class _XmlError(ctypes.Structure):
    """libxml2's ``xmlError`` (stable layout since libxml2 2.6)."""

    _fields_ = [
        ("domain", ctypes.c_int),
        ("code", ctypes.c_int),
        ("message", ctypes.c_char_p),
        ("level", ctypes.c_int),
        ("file", ctypes.c_char_p),
        ("line", ctypes.c_int),
        ("str1", ctypes.c_char_p),
        ("str2", ctypes.c_char_p),
        ("str3", ctypes.c_char_p),
        ("int1", ctypes.c_int),
        ("int2", ctypes.c_int),  # column
        ("ctxt", ctypes.c_void_p),
        ("node", ctypes.c_void_p),
    ]


_HANDLER_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(_XmlError))
_local = threading.local()


def _errors() -> list[tuple[int, str, int, int]]:
    errs = getattr(_local, "errors", None)
    if errs is None:
        errs = _local.errors = []
    return errs


def _record(_ctx: Any, err: Any) -> None:
    """libxml2's structured error callback: remember the error, print nothing."""
    try:
        e = err.contents
        errs = _errors()
        if len(errs) < _MAX_ERRORS:
            raw = e.message or b""
            message = raw.decode("utf-8", "replace").strip()
            errs.append((int(e.level), message, int(e.line), int(e.int2)))
    except Exception:  # noqa: BLE001 - an exception must never cross into C
        pass


_handler = _HANDLER_TYPE(_record)  # kept alive for the life of the process
_set_for_thread: Any = None
_installed = False
_install_lock = threading.Lock()


def _libxml2() -> Any:
    """The libxml2 the SDK's extension is linked to: ``dlsym`` on the extension's own handle
    searches its dependencies, so this is that copy even if another libxml2 is loaded."""
    return ctypes.CDLL(sdk_xml.__file__)


def _silence_this_thread() -> None:
    if _set_for_thread is not None and not getattr(_local, "silenced", False):
        _set_for_thread(None, _handler)
        _local.silenced = True


def libxml2_silenced() -> bool:
    """True once libxml2's errors are captured (False if the C library could not be reached:
    then the reader still raises :class:`UnreadableXml`, but libxml2 may print)."""
    return _set_for_thread is not None


# --------------------------------------------------------------------------- SDK entry points


def _where(source: Any, line: int, column: int) -> str:
    """``line L, column C: <that line, escaped and cut>`` of the answer, when it has one."""
    if not isinstance(source, (bytes, str)) or line < 1:
        return ""
    data = source.encode("utf-8", "replace") if isinstance(source, str) else source
    lines = data.split(b"\n")
    if line > len(lines):
        return f" at line {line}"
    text = lines[line - 1].decode("utf-8", "replace")
    start = max(0, column - 1 - _SNIPPET // 2) if len(text) > _SNIPPET else 0
    part = text[start : start + _SNIPPET]
    shown = visible(part)
    if start:
        shown = "…" + shown
    if start + _SNIPPET < len(text):
        shown += "…"
    return f" at line {line}, column {column}: {shown}" if shown.strip() else f" at line {line}"


def describe(source: Any, exc: BaseException) -> str:
    """What was wrong with an answer, escaped: libxml2's first error, else the reader's."""
    errs = _errors()
    worst = [e for e in errs if e[0] >= 2] or errs  # XML_ERR_ERROR, XML_ERR_FATAL first
    if worst:
        _level, message, line, column = worst[0]
        return visible(message or "malformed XML", limit=200) + _where(source, line, column)
    if isinstance(source, (bytes, str)) and not source.strip():
        return "an empty answer"
    return visible(f"{exc}" or type(exc).__name__, limit=200)


_original_read: Any = None


def _read(cls: Any, source: Any) -> Any:
    """``Reader.read`` with libxml2 silenced and failures as :class:`UnreadableXml`."""
    _silence_this_thread()
    _local.errors = []
    try:
        return _original_read.__func__(cls, source)
    except UnreadableXml:
        raise
    except Exception as exc:  # the C reader raises a bare Exception, the readers ValueError
        # or the SDK's own Error ("Can't find a reader for tag 'html'"): all say the answer
        # is not what an engine sends
        raise UnreadableXml(describe(source, exc)) from exc
    finally:
        _local.errors = []


_original_check: Any = None


def _status(headers: Any) -> tuple[int | None, str]:
    """The HTTP status and reason from the SDK's header lines (the status line comes first)."""
    for line in headers or ():
        text = line.strip() if isinstance(line, str) else ""
        if text.startswith("HTTP/"):
            parts = text.split(None, 2)
            if len(parts) >= 2 and parts[1].isdigit():
                return int(parts[1]), parts[2] if len(parts) > 2 else ""
    return None, ""


def _check_content_type(self: Any, expected_re: Any, expected_name: str, headers: Any) -> Any:
    try:
        return _original_check(self, expected_re, expected_name, headers)
    except NotXmlAnswer:
        raise
    except ovirtsdk4.Error as exc:
        code, reason = _status(headers)
        content_type = ""
        try:
            content_type = self._get_header_value(headers, "content-type") or ""
        except Exception:  # noqa: BLE001 - only for the message
            pass
        what = f"{code} {reason}".strip() if code else "an answer"
        message = (
            f"The engine answered {visible(what, limit=80)} with "
            f"{visible(content_type or 'no content type', limit=80)}, not {expected_name}"
        )
        answer = NotXmlAnswer(message, code, reason, content_type, expected_name)
        hint = str(exc).partition(". Is the path")[2]
        if hint:
            answer.path_hint = visible("Is the path" + hint, limit=300)
        raise answer from None


def install() -> None:
    """Silence libxml2 and hook the SDK's reader and content-type check (once)."""
    global _installed, _original_read, _original_check, _set_for_thread
    with _install_lock:
        if _installed:
            return
        try:
            lib = _libxml2()
            set_func = lib.xmlSetStructuredErrorFunc
            set_func.argtypes = [ctypes.c_void_p, _HANDLER_TYPE]
            set_func.restype = None
            set_func(None, _handler)
            _local.silenced = True
            set_default = getattr(lib, "xmlThrDefSetStructuredErrorFunc", None)
            if set_default is not None:  # threads created from now on start silenced
                set_default.argtypes = [ctypes.c_void_p, _HANDLER_TYPE]
                set_default.restype = None
                set_default(None, _handler)
            _set_for_thread = set_func
        except (OSError, AttributeError):  # no libxml2 reachable: the reader hook still helps
            _set_for_thread = None
        reader_cls = ovirtsdk4.reader.Reader
        _original_read = reader_cls.__dict__["read"]
        reader_cls.read = classmethod(_read)
        _original_check = ovirtsdk4.Connection._check_content_type
        ovirtsdk4.Connection._check_content_type = _check_content_type
        _installed = True
