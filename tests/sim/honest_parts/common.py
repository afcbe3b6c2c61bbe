"""What the effect checks share (no ``CHECKS`` here): seeing the engine refuse a change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ovirtsdk4 as sdk
import pytest


def refused(fn: Callable[[], Any], code: int, detail: str | None = None) -> None:
    """``fn()`` fails with HTTP ``code`` and, when given, the engine's fault detail ``detail``."""
    with pytest.raises(sdk.Error) as info:
        fn()
    assert info.value.code == code, info.value
    if detail is not None:
        assert info.value.fault.detail == f"[{detail}]"
