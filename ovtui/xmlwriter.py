"""A pure-Python stand-in for ``ovirtsdk4.xml.XmlWriter``, byte for byte the same output.

The SDK's C writer leaks: its output callback never releases the bytes it hands to the IO
object, and with ``io=None`` the BytesIO it makes is never freed either (ovirtsdk4 4.6.3,
``ext/ov_xml_writer.c``), about twice the size of every document written. The simulator renders
every answer through the SDK's writers, so ``ovtui demo`` (engine and TUI in one process) and
a long ``ovtui sim`` grew by the size of what they served. The SDK's ``*Writer.write_one`` take
any object with this interface, so they write through this class instead.

Formatting is libxml2's ``xmlTextWriter`` with indentation, as the SDK sets it up (no encoding
declared): two spaces a level, an element holding text on one line, an empty one as ``<x/>``.
Escaping is libxml2's too: in text ``& < > "`` and CR; in attributes also LF and TAB, and every
non-ASCII character as a character reference. A NUL ends a value, as the C string it was.
``tests/sim/test_xmlwriter.py`` compares both writers on the whole seeded world.
"""

from __future__ import annotations

import re

_TEXT = re.compile('[&<>"\r]')
_TEXT_REPL = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;"}
_ATTR = re.compile('[&<>"\n\r\t]|[^\x00-\x7f]')
_ATTR_REPL = {**_TEXT_REPL, "\n": "&#10;", "\t": "&#9;"}


def _c_string(value: str) -> str:
    nul = value.find("\x00")
    return value if nul < 0 else value[:nul]


def escape_text(value: str) -> str:
    value = _c_string(value)
    return _TEXT.sub(lambda m: _TEXT_REPL[m.group(0)], value) if _TEXT.search(value) else value


def escape_attribute(value: str) -> str:
    value = _c_string(value)
    if not _ATTR.search(value):
        return value

    def repl(m: re.Match[str]) -> str:
        ch = m.group(0)
        return _ATTR_REPL.get(ch) or f"&#x{ord(ch):X};"

    return _ATTR.sub(repl, value)


class XmlWriter:
    """The SDK writer's interface: write_start/attribute/element/end, string, flush, close."""

    def __init__(self, io: object = None, indent: bool = False) -> None:
        if io is not None:
            raise ValueError("ovtui.xmlwriter.XmlWriter writes to memory only (io=None)")
        self.indent = indent
        self._parts: list[str] = []
        self._open = False  # a start tag whose ">" is not written yet
        self._open_elements: list[tuple[str, bool]] = []  # (name, has element children)

    def _newline(self) -> None:
        if self.indent and self._parts:
            self._parts.append("\n" + "  " * len(self._open_elements))

    def _child(self) -> None:
        """Before an element: end the parent's start tag, note that it has children."""
        if self._open:
            self._parts.append(">")
            self._open = False
        if self._open_elements:
            self._open_elements[-1] = (self._open_elements[-1][0], True)
        self._newline()

    def write_start(self, name: str) -> None:
        self._child()
        self._parts.append(f"<{name}")
        self._open = True
        self._open_elements.append((name, False))

    def write_attribute(self, name: str, value: str) -> None:
        self._parts.append(f' {name}="{escape_attribute(value)}"')

    def write_element(self, name: str, value: str) -> None:
        self._child()
        self._parts.append(f"<{name}>{escape_text(value)}</{name}>")

    def write_end(self) -> None:
        name, had_children = self._open_elements.pop()
        if self._open:
            self._parts.append("/>")
            self._open = False
            return
        if had_children:
            self._newline()
        self._parts.append(f"</{name}>")

    def string(self) -> str:
        return "".join(self._parts) + "\n" if self._parts else ""

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._parts = []


def to_xml(obj: object, root: str | None = None) -> str:
    """``ovirtsdk4.writer.Writer.write(obj, root=root, indent=True)`` through this writer."""
    from ovirtsdk4.writer import Writer  # the registry of the SDK's per-type writers

    cursor = XmlWriter(indent=True)

    def write(item: object, tag: str | None) -> None:
        method = Writer._writers.get(type(item))  # noqa: SLF001 - the SDK's own registry
        if method is None:
            raise TypeError(f"no XML writer for {type(item).__name__}")
        method(item, cursor, tag)

    if isinstance(obj, list):
        if root is None:
            raise ValueError("a list needs the root tag")
        cursor.write_start(root)
        for item in obj:
            write(item, None)
        cursor.write_end()
    else:
        write(obj, root)
    return cursor.string()
