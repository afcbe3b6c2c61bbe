"""What was typed in the ``/`` search bar and the ``:`` command bar, kept across runs.

One JSON file in platformdirs' user state dir (``~/.local/state/ovtui/history.json`` on
Linux; ``$XDG_STATE_HOME`` moves it), mode 600, written whole through a temporary file and
a rename, so a crash never leaves half of it. Bounded: ``LIMIT`` entries a kind, each at most
``MAX_ENTRY`` characters, a file over ``MAX_BYTES`` is not read. A file that cannot be read
or written costs the history, never the TUI.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

LIMIT = 500
MAX_ENTRY = 2000
MAX_BYTES = 1024 * 1024


def default_path() -> Path:
    import platformdirs

    return platformdirs.user_state_path("ovtui") / "history.json"


class History:
    """``entries(kind)`` oldest first; ``add(kind, text)`` appends (an entry typed again moves
    to the end) and saves."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_path()
        self._data: dict[str, list[str]] = self._load()

    def _load(self) -> dict[str, list[str]]:
        try:
            if self.path.stat().st_size > MAX_BYTES:
                return {}
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(raw, dict):
            return {}
        out: dict[str, list[str]] = {}
        for kind, items in raw.items():
            if isinstance(kind, str) and isinstance(items, list):
                out[kind] = [i[:MAX_ENTRY] for i in items if isinstance(i, str)][-LIMIT:]
        return out

    def entries(self, kind: str) -> list[str]:
        return list(self._data.get(kind, []))

    def add(self, kind: str, text: str) -> None:
        text = text.strip()[:MAX_ENTRY]
        if not text:
            return
        items = [i for i in self._data.get(kind, []) if i != text]
        items.append(text)
        self._data[kind] = items[-LIMIT:]
        self.save()

    def save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(prefix=".history-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(self._data, f, ensure_ascii=False, indent=0)
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass  # no history this time; the TUI goes on


class Recall:
    """Walking one kind's history with up/down from what is being typed (the draft)."""

    def __init__(self, items: list[str], draft: str = "") -> None:
        self.items = items
        self.pos = len(items)  # len(items): the draft
        self.draft = draft

    def older(self, current: str) -> str | None:
        if self.pos == len(self.items):
            self.draft = current
        if self.pos == 0:
            return None
        self.pos -= 1
        return self.items[self.pos]

    def newer(self) -> str | None:
        if self.pos >= len(self.items):
            return None
        self.pos += 1
        return self.draft if self.pos == len(self.items) else self.items[self.pos]
