"""Engine text is data: show it visibly, never as terminal control or markup.

``visible()`` is the one rule for every string that came from the engine (names,
descriptions, event texts, fault details, product info) before it reaches a terminal: control
characters (C0, C1, DEL), format characters (bidi embeddings/overrides/isolates, zero-width
spaces and joiners, BOM, tag characters) and line/paragraph separators are replaced by a
visible escape (``\\x1b``, ``\\u202e``), so a hostile name cannot move the cursor, change the
title, set the clipboard (OSC 52), forge a line, or hide/reorder what the operator reads.
Tab becomes a space. Printable text, brackets included, is untouched: markup safety in the
TUI is the job of ``rich.text.Text`` (``plain()``), never of escaping.

json/yaml/xml output stays exact; only human-readable output goes through here.
"""

from __future__ import annotations

import re
import unicodedata

from rich.text import Text

_ASCII_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
# Unicode categories escaped outside ASCII: controls, format characters, separators of
# lines/paragraphs, surrogates (only reachable through "surrogateescape" decoding).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def is_unsafe(ch: str) -> bool:
    """True for one character that ``visible()`` escapes."""
    if ch.isascii():
        return _ASCII_UNSAFE.match(ch) is not None
    return unicodedata.category(ch) in _UNSAFE_CATEGORIES


def visible(text: object, limit: int | None = None) -> str:
    """``text`` with every control/bidi/invisible character shown as an escape.

    Newlines and CRs are escaped too (a CR would let an event forge a row); callers that
    want several lines split first. ``limit`` cuts the result to that many characters with
    an ellipsis (a 10,000-character name stays one readable line).
    """
    s = text if isinstance(text, str) else str(text)
    if "\t" in s:
        s = s.replace("\t", " ")
    if s.isascii():
        if _ASCII_UNSAFE.search(s):
            s = _ASCII_UNSAFE.sub(lambda m: _escape_char(m.group(0)), s)
    else:
        s = "".join(_escape_char(ch) if is_unsafe(ch) else ch for ch in s)
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 0)] + "…"
    return s


def plain(text: object, style: str = "", limit: int | None = None) -> Text:
    """A Rich ``Text`` of engine text: never parsed as markup, controls made visible."""
    return Text(visible("" if text is None else text, limit), style=style)
