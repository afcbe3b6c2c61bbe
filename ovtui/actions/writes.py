"""What a write verb ends with, once the engine shows the change done."""

from __future__ import annotations

from typing import Any

from .base import ActionContext, Result


def done(ctx: ActionContext, message: str, data: Any = None, **kw: Any) -> Result:
    """Report ``message`` as the verb's last step (done, fraction 1) and return it as an ok
    Result with ``data`` (``kw``: Result's columns, names, root)."""
    ctx.progress("done", message, fraction=1.0)
    return Result(ok=True, message=message, data=data, **kw)
