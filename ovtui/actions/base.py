"""The action protocol shared by the TUI and the headless CLI.

An :class:`Action` is one verb on one noun (``vm start``) and the only place its policy lives:
its parameters (which drive the argparse parser of ``ovtui run`` and the TUI forms), whether it
changes anything (``mutating``: :meth:`Action.perform` refuses it in read-only mode), whether
it asks first (``dangerous``, with the one :meth:`Action.confirmation` sentence both faces
show), what it will do before it asks (``plan``) and how long it waits (``wait``). The CLI and
the TUI pick objects, ask the action, run it and render its :class:`Progress`.

Its ``run`` callable gets an :class:`ActionContext` and reports :class:`Progress` through it;
it returns a :class:`Result` or raises an :class:`ActionError` subclass carrying the exit code.

Nothing here imports textual: the TUI renders ``Progress`` in its tasks pane, the CLI on stderr.
"""

from __future__ import annotations

import itertools
import re
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import ovirtsdk4
from ovirtsdk4 import services

from .nouns import NOUNS

# Exit codes of DESIGN section 3 (contract).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_CONNECT = 3
EXIT_NO_MATCH = 4
EXIT_INTERRUPTED = 130


class ActionError(Exception):
    """An error the user must read: one line saying what, an optional line saying what to do."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def lines(self) -> list[str]:
        return [self.message] + ([self.hint] if self.hint else [])


class EngineRefused(ActionError):
    """The engine refused the request, or the action ended in failure (exit 1)."""

    exit_code = EXIT_FAILED


class WaitTimeout(EngineRefused):
    """A wait ran out of time: the engine may still be working (exit 1)."""


class UsageError(ActionError):
    """Bad command line, config or template (exit 2)."""

    exit_code = EXIT_USAGE


class ReadOnlyRefused(UsageError):
    """A verb that changes the engine, asked for in read-only mode (exit 2). One line, the
    same in the CLI and the TUI: nothing was sent."""

    def __init__(self, label: str) -> None:
        super().__init__(f"{label} changes the engine: refused in read-only mode.")


class ConnectError(ActionError):
    """Cannot reach or authenticate to the engine (exit 3)."""

    exit_code = EXIT_CONNECT


class ReplyLost(ConnectError):
    """A write (POST/PUT/DELETE) reached the engine but its reply never came back (exit 3).

    The engine may have done it, and nothing sends it again (``ovtui.transport``). The action
    layer catches this, reads back what the engine did (the object, or the job and events of
    ``correlation_id``) and reports that with its own exit code; this error reaches the user
    only when the read-back could not tell either: exit 3, like any broken connection.
    """

    def __init__(
        self,
        method: str,
        path: str,
        reason: str,
        correlation_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.method, self.path, self.reason = method, path, reason
        self.correlation_id = correlation_id
        super().__init__(
            f"The reply to {method} {path} was lost ({reason}): the engine may have done it.",
            hint or "Check the object on the engine before asking again; ovtui sent it once.",
        )


class ResponseTooLarge(ActionError):
    """An engine answer above the size cap (``max_response_mb``); ovtui stopped reading (exit 1)."""

    exit_code = EXIT_FAILED


class NoMatch(ActionError):
    """No object, or more than one for a single-object verb, matches the selector (exit 4)."""

    exit_code = EXIT_NO_MATCH


class Cancelled(ActionError):
    """The user stopped waiting (exit 130). The engine's own work goes on."""

    exit_code = EXIT_INTERRUPTED


@dataclass(frozen=True)
class EventInfo:
    """An engine event, as shown next to an action's progress."""

    id: int
    code: int | None
    severity: str
    time: str
    description: str


Level = Literal["info", "warning", "error"]


@dataclass(frozen=True)
class Progress:
    """One progress report of a running action.

    ``step`` is a short machine-ish name (``accepted``, ``status``, ``migrating``, ``event``,
    ``done``); ``message`` the human line; ``fraction`` 0..1 when known; ``status`` the entity
    status when it changed; ``event`` an engine event belonging to this action.
    """

    step: str
    message: str
    fraction: float | None = None
    status: str | None = None
    event: EventInfo | None = None
    level: Level = "info"
    subject: str | None = None  # the object the line is about, when not the action's target


@dataclass
class Result:
    """What an action ends with. ``data`` is what output renders (SDK objects, lists, dicts)."""

    ok: bool = True
    message: str = ""
    data: Any = None
    columns: tuple[str, ...] | None = None  # table columns (dotted paths) for list data
    names: dict[str, str] | None = None  # id -> name of referenced objects, for tables
    root: str | None = None  # XML root element for list data ("vms", "nics")


@dataclass(frozen=True)
class Param:
    """One option of a verb, usable by argparse and by a TUI form.

    ``flags`` are argparse flags (``("--host",)``) or a single positional name.
    ``kind`` tells a form what to offer: ``text``, ``int``, ``flag``, ``choice``, ``host``,
    ``cluster``, ``template``, ``storagedomain``, ``network``, ``file``, ``list``.
    """

    name: str
    flags: tuple[str, ...]
    help: str
    kind: str = "text"
    default: Any = None
    required: bool = False
    choices: tuple[str, ...] | None = None
    repeat: bool = False  # may be given several times (argparse append)
    nargs: str | int | None = None
    metavar: str | tuple[str, ...] | None = None  # a tuple names each of nargs values

    def argparse_kwargs(self) -> dict[str, Any]:
        kw: dict[str, Any] = {"help": self.help}
        positional = not self.flags[0].startswith("-")
        if not positional:
            kw["dest"] = self.name
        if self.kind == "flag":
            kw["action"] = "store_true"
            kw["default"] = bool(self.default)
            return kw
        if self.repeat:
            kw["action"] = "append"
        if self.kind == "int":
            kw["type"] = int
        elif self.kind == "float":
            kw["type"] = float
        if self.choices:
            kw["choices"] = self.choices
        if self.nargs is not None:
            kw["nargs"] = self.nargs
        if self.metavar:
            kw["metavar"] = self.metavar
        kw["default"] = self.default
        if self.required and not positional:
            kw["required"] = True
        return kw


Target = Literal["none", "one", "many"]

# A wait nothing more specific bounds (seconds); verbs declare their own (``Action.wait``).
DEFAULT_WAIT = 1800.0


@dataclass
class Preview:
    """What a verb will do, computed before its confirmation: ``lines`` to show, ``blocked``
    saying why it cannot go as planned (empty: it can)."""

    lines: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    total: int | None = None  # hosts of a rolling upgrade, for the task's "done / total"

    @property
    def ok(self) -> bool:
        return not self.blocked


def object_name(obj: Any) -> str:
    """How a confirmation or a task names an object: its name, else its id."""
    return getattr(obj, "name", None) or getattr(obj, "id", None) or "?"


@dataclass(frozen=True)
class Action:
    """A verb of a noun.

    ``target``: ``none`` (the verb works on the noun: list, create; it gets ``target=None`` and
    may read ``ctx.selector``), ``one`` (exactly one object must match the selector) or ``many``
    (run once per matching object). ``run(ctx, target, **params) -> Result``.
    ``wait``: the verb's own default wait in seconds (a user's ``--timeout`` replaces it).
    ``plan(ctx, targets, params) -> Preview``: what the verb will do, shown with its question.
    """

    noun: str
    verb: str
    help: str
    run: Callable[..., Result]
    params: tuple[Param, ...] = ()
    target: Target = "one"
    mutating: bool = False
    dangerous: bool = False
    waits: bool = False  # waits for the engine to finish; gets -a/--async and --timeout
    wait: float | None = None
    plan: Callable[[ActionContext, list[Any], dict[str, Any]], Preview] | None = None
    key: str | None = None  # suggested TUI key
    aliases: tuple[str, ...] = ()
    description: str = ""
    # A verb on a sub-object lives on that sub-tab of the noun's detail screen: ``subtab`` is
    # its SUBTAB_FETCH key (``vm_disks``), ``subject`` the param the selected row of that
    # sub-tab fills in (``disk``), or None when the verb needs no row (docs/tui-subtabs.md).
    subtab: str | None = None
    subject: str | None = None

    @property
    def label(self) -> str:
        return f"{self.noun} {self.verb}"

    @property
    def has_plan(self) -> bool:
        return self.plan is not None

    def check_allowed(self, readonly: bool) -> None:
        """Raise :class:`ReadOnlyRefused` when read-only mode forbids this verb."""
        if readonly and self.mutating:
            raise ReadOnlyRefused(self.label)

    def needs_confirmation(self, params: dict[str, Any]) -> bool:
        """Dangerous verbs ask first; a dry run changes nothing, so it does not ask."""
        return self.dangerous and not params.get("dry_run")

    def confirmation(self, targets: Sequence[Any]) -> str:
        """The question both faces ask: ``vm stop app01?``, ``vm stop on 5 vms?``.

        Object names are engine text: the CLI prints it through ``visible()``, the TUI as Text.
        """
        names = [object_name(t) for t in targets if t is not None]
        if not names:
            return f"{self.label}?"
        if len(names) == 1:
            return f"{self.label} {names[0]}?"
        return f"{self.label} on {len(names)} {NOUNS[self.noun].plural}?"

    def preview(self, ctx: ActionContext, targets: list[Any], params: dict[str, Any]) -> Preview:
        """The verb's plan for ``targets`` (reads only); an empty Preview when it has none."""
        return self.plan(ctx, targets, params) if self.plan is not None else Preview()

    def perform(self, ctx: ActionContext, target: Any, params: dict[str, Any]) -> Result:
        """Run the verb on one target: refused before any request in read-only mode."""
        self.check_allowed(ctx.readonly)
        return self.run(ctx, target, **params)


@dataclass(frozen=True)
class Selector:
    """``-i ID`` / ``-n NAME`` / ``-s SEARCH`` of the command line, or the TUI's selection."""

    id: str | None = None
    name: str | None = None
    search: str | None = None

    @property
    def given(self) -> bool:
        return bool(self.id or self.name or self.search)

    def describe(self) -> str:
        if self.id:
            return f"id {self.id}"
        if self.name:
            return f"name {self.name}"
        if self.search:
            return f"search '{self.search}'"
        return "no selector"


_correlation_counter = itertools.count(1)


def new_correlation_id(verb: str = "ovtui") -> str:
    """A correlation id the engine stamps on the events and job of one request."""
    label = re.sub(r"[^A-Za-z0-9_-]+", "-", verb).strip("-") or "ovtui"
    return f"ovtui-{label}-{next(_correlation_counter)}-{uuid.uuid4().hex[:8]}"


@dataclass
class ActionContext:
    """Everything an action needs: the SDK connection, where progress goes, how long to wait.

    ``report`` is called from the worker thread; the TUI posts it to the UI thread, the CLI
    writes it to stderr. ``cancel`` set by the user stops the waiting (not the engine's work).
    ``timeout`` is the user's choice (``--timeout``) or None: each wait then uses its own
    default, through :meth:`timeout_for`.
    """

    connection: ovirtsdk4.Connection
    report: Callable[[Progress], None] = lambda p: None
    cancel: threading.Event = field(default_factory=threading.Event)
    selector: Selector = field(default_factory=Selector)
    async_: bool = False
    timeout: float | None = None
    poll_interval: float = 1.0
    readonly: bool = False
    emit: Callable[[Any], None] | None = None  # streams output objects (event list --follow)

    @property
    def system(self) -> services.SystemService:
        return self.connection.system_service()

    def progress(self, step: str, message: str, **kw: Any) -> None:
        self.report(Progress(step=step, message=message, **kw))

    def check_cancelled(self) -> None:
        if self.cancel.is_set():
            raise Cancelled(
                "Stopped waiting; the engine goes on with what it was asked to do.",
            )

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` or until cancelled (the only sleep actions should use)."""
        if self.cancel.wait(seconds):
            self.check_cancelled()

    def timeout_for(self, default: float = DEFAULT_WAIT) -> float:
        """How long a wait may last: the user's timeout when given, else ``default``."""
        return self.timeout if self.timeout is not None else default
