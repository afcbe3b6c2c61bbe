"""Engine text into widgets: always a Rich ``Text`` (never markup), controls visible, long cut.

Every widget sink (table cell, title, message line, pane, dialog, palette entry) takes its
engine text through here, so no style, link or ``@click`` action can come from the engine and
no control character reaches the terminal (see ``ovtui.textsafe``). ovtui's own styling is
built as ``Text`` spans around the engine text: ``styled(("Hosts", "bold"), " › ", name)``.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.markup import escape as _escape

from ovtui.textsafe import plain, visible

CELL = 200  # characters of engine text in one table cell
LINE = 300  # in a title or a one-line message
MESSAGE = 1000  # in a notification or an error message


def cell(value: Any, limit: int = CELL) -> Text:
    """A table cell: ``Text`` kept (its style is ovtui's), its characters made visible."""
    if isinstance(value, Text):
        s = value.plain
        safe = visible(s, limit)
        if safe == s:
            return value
        return Text(safe, style=value.style, justify=value.justify)
    return plain("" if value is None else value, limit=limit)


def cells(values: Any, limit: int = CELL) -> tuple[Text, ...]:
    return tuple(cell(v, limit) for v in values)


def styled(*parts: Any, limit: int = LINE) -> Text:
    """Concatenate: a ``Text`` is ovtui's own (kept), ``(text, style)`` and ``str`` are
    engine text (made visible, cut at ``limit``), ``None`` is skipped."""
    out = Text()
    for part in parts:
        if part is None:
            continue
        if isinstance(part, Text):
            out.append_text(part)
        elif isinstance(part, tuple):
            text, style = part
            out.append(visible(text, limit), style=style or None)
        else:
            out.append(visible(part, limit))
    return out


def lines(*rows: Any, limit: int = LINE) -> Text:
    """One ``Text`` of several lines, each row as ``styled`` (a row may be a tuple of parts)."""
    out = Text()
    for i, row in enumerate(rows):
        if i:
            out.append("\n")
        parts = row if isinstance(row, list) else [row]
        out.append_text(styled(*parts, limit=limit))
    return out


def message(text: Any, style: str = "", limit: int = MESSAGE) -> Text:
    """A message line that may hold engine text (an error, a fault detail)."""
    return plain("" if text is None else text, style=style, limit=limit)


def markup_escape(text: str) -> str:
    """Text for a place Textual reads as markup (a palette help line, a label): its
    brackets kept literal. Engine text goes through ``styled``/``cell`` instead."""
    return _escape(visible(text, LINE))
