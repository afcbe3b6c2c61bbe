"""Worker failures, handled in one place.

Thread workers run with ``exit_on_error=False`` and simply raise: an engine error
(``ActionError``) or a bug. Textual then posts ``Worker.StateChanged`` (state ``ERROR``) to the
node that started the worker (the message does not bubble), and this mixin's one handler turns
the exception into an ``ActionError`` and hands it to the node's ``worker_failed``, which says
it where the operator looks. The TUI stays up.
"""

from __future__ import annotations

import logging

from textual.worker import Worker, WorkerState

from ovtui.actions.base import ActionError
from ovtui.actions.errors import translate

log = logging.getLogger("ovtui")


def as_action_error(worker: Worker) -> ActionError:
    """The worker's exception as the ``ActionError`` to show; a bug is logged and named."""
    error = worker.error
    if isinstance(error, ActionError):
        return error
    log.error("worker %s failed", worker.name, exc_info=error)
    if error is None:
        return ActionError("Failed.")
    err = translate(error)
    if type(error).__module__ == "builtins":  # a bug, not the engine: its name helps a report
        err.message = f"{type(error).__name__}: {err.message}"
    return err


class WorkerFailures:
    """Mixin for a Widget, Screen or App whose workers may raise."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        self.worker_failed(event.worker, as_action_error(event.worker))

    def worker_failed(self, worker: Worker, error: ActionError) -> None:
        """Default: a notification (``self.app`` is Textual's)."""
        self.app.notify(error.message, severity="error")  # type: ignore[attr-defined]
