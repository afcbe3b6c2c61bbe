"""Generic verb machinery for screens: footer keys from the registry, form, confirm, run.

A screen mixes in :class:`VerbHost` and says which noun it shows (``verb_noun``) and which
objects a verb acts on (``verb_targets``: the marked rows, or the highlighted one). The policy
(read-only refusal, whether and how to ask, the plan) is the action's; this only shows it.

A verb declared with ``subtab=`` (a verb on a sub-object: ``vm disk-resize``) is on only where
the screen says that sub-tab is shown (``verb_subtab``); its form comes with the ``subject``
param filled in with the id of the sub-tab's selected row (``verb_subject``), whose name the
form's title shows; see docs/tui-subtabs.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.binding import Binding

from ovtui.actions import registry
from ovtui.actions.base import Action, ActionContext, ReadOnlyRefused, object_name

from .modals import ConfirmScreen, VerbForm, with_secrets
from .plan_confirm import Answer, PlanConfirmScreen

# Keys of DESIGN section 3 and ovtui's own: a verb whose key is one of these stays in the palette.
RESERVED_KEYS = set("123456789:/ teq?pnoa[]") | {
    "enter",
    "escape",
    "space",
    "question_mark",
    "colon",
    "slash",
    "left_square_bracket",
    "right_square_bracket",
    "ctrl+p",
    "ctrl+r",
    "up",
    "down",
    "left",
    "right",
    "tab",
}


def visible_verbs(noun: str, readonly: bool) -> list[Action]:
    """Verbs the TUI offers on objects of ``noun`` (list/show-like verbs left out)."""
    try:
        acts = registry.verbs(noun)
    except KeyError:
        return []
    out = []
    for a in acts.values():
        if a.target == "none" and not a.mutating:
            continue
        if readonly and a.mutating:
            continue
        if a.verb in ("show", "export", "list"):
            continue
        out.append(a)
    return out


def verb_bindings() -> list[Binding]:
    """A binding for every verb key of every noun, for a screen's ``BINDINGS``: the screen's
    ``check_action`` (:class:`VerbHost`) enables those of the noun it shows. A key that two
    nouns use is listed once per noun; the footer orders keys by their first listing (the
    VM's verbs first). A screen's own binding for a key, listed before these, wins."""
    out: list[Binding] = []
    for noun in ("vm", *sorted(registry.NOUNS)):
        try:
            acts = registry.verbs(noun)
        except KeyError:
            continue
        for a in acts.values():
            if a.key and a.key not in RESERVED_KEYS and a in visible_verbs(noun, False):
                binding = Binding(a.key, f"verb('{a.noun}', '{a.verb}')", a.verb)
                if binding not in out:
                    out.append(binding)
    return out


def subject_prefill(action: Action, row: Any | None) -> tuple[dict[str, Any], str | None]:
    """The form's values for a sub-tab verb's selected row (its id: every sub-object verb
    takes "name or id", and an id names one row only) and how the form names the row."""
    rid = getattr(row, "id", None)
    if action.subject is None or row is None or not rid:
        return {}, None
    name = getattr(row, "name", None) or getattr(row, "description", None) or rid
    return {action.subject: rid}, f"{action.subject} {name}"


class VerbHost:
    """Mixin for a Screen (list ``*verb_bindings()`` in its ``BINDINGS``): the verb keys of the
    noun it shows, in the footer, and running them on the selection."""

    def verb_noun(self) -> str | None:
        raise NotImplementedError

    def verb_targets(self) -> list[Any]:
        raise NotImplementedError

    def verb_subtab(self) -> str | None:
        """The sub-tab shown (its SUBTAB_FETCH key): its verbs are on; None: no sub-tab."""
        return None

    def verb_subject(self, action: Action) -> Any | None:
        """The sub-object a sub-tab verb acts on: the selected row of its sub-tab, or None."""
        return None

    def verb_started(self, action: Action, tasks: list[Any]) -> None:
        """The tasks (``widgets.tasks_pane.Task``) of a verb started from this screen."""

    @property
    def active_bindings(self) -> dict[str, Any]:
        """Screen's, with the verb keys in the order of the noun's verbs (the footer's order;
        ``verb_bindings`` can list a key shared by two nouns only once); the shown sub-tab's
        verbs come first, before the screen's own keys."""
        active: dict[str, Any] = super().active_bindings  # type: ignore[misc]
        acts = visible_verbs(self.verb_noun() or "", False)
        order = {a.verb: i for i, a in enumerate(acts)}
        on_subtab = {a.verb for a in acts if a.subtab}

        def verb_of(item: tuple[str, Any]) -> str | None:
            b = item[1].binding
            return b.action.split("'")[3] if b.action.startswith("verb(") else None

        def rank(item: tuple[str, Any]) -> int:
            v = verb_of(item)
            return -1 if v is None else order.get(v, 0)

        items = list(active.items())
        first = sorted((kv for kv in items if verb_of(kv) in on_subtab), key=rank)
        items = [kv for kv in items if verb_of(kv) not in on_subtab]
        verbs = iter(sorted((kv for kv in items if rank(kv) >= 0), key=rank))
        rest = [kv if rank(kv) < 0 else next(verbs) for kv in items]  # verbs in their slots
        return dict(first + rest)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A verb key is on for the noun shown, and for a mutating verb only when writes are
        allowed (read-only mode hides them)."""
        if action != "verb" or len(parameters) < 2:
            return True
        noun, verb = parameters[0], parameters[1]
        if noun != self.verb_noun():
            return False
        a = registry.get(str(noun), str(verb))
        if a is None or (a.subtab is not None and a.subtab != self.verb_subtab()):
            return False
        return not (a.mutating and self.app.readonly)  # type: ignore[attr-defined]

    def action_verb(self, noun: str, verb: str, with_form: bool | None = None) -> None:
        """Run ``noun verb`` on the targets: form (if it has options), confirm (if dangerous)."""
        app: Any = self.app  # type: ignore[attr-defined]
        action = registry.get(noun, verb)
        if action is None:
            app.notify(f"No verb {noun} {verb}.", severity="error")
            return
        try:
            action.check_allowed(app.readonly)
        except ReadOnlyRefused as refused:
            app.notify(refused.message, severity="warning")
            return
        targets: list[Any] = [None]
        if action.target != "none":
            targets = self.verb_targets() if self.verb_noun() == noun else []
            if not targets:
                app.notify(
                    f"Select a {noun} first (highlight a row, or space to mark).",
                    severity="warning",
                )
                return
            if action.target == "one" and len(targets) > 1:
                app.notify(
                    f"{action.label} works on one object; {len(targets)} are marked.",
                    severity="warning",
                )
                return

        def confirmed(params: dict[str, Any], ok: bool | None, total: int | None = None) -> None:
            if ok:
                before = set(app.tasks)
                run, plain = with_secrets(action, params)
                app.start_action(run, targets, plain, total=total)
                self.verb_started(action, [t for i, t in app.tasks.items() if i not in before])
                clear = getattr(self, "clear_marks", None)
                if clear:
                    clear()

        def got_params(params: dict[str, Any] | None) -> None:
            if params is None:
                return
            if not action.needs_confirmation(params):
                confirmed(params, True)
            elif action.has_plan:
                self._confirm_with_plan(action, targets, params, confirmed)
            else:
                names = [object_name(t) for t in targets if t is not None]
                app.push_screen(
                    ConfirmScreen(action.confirmation(targets), names),
                    lambda ok: confirmed(params, ok),
                )

        prefill, about = subject_prefill(action, self.verb_subject(action))
        show_form = bool(action.params) if with_form is None else with_form
        if show_form and action.params:
            form = VerbForm(action, [t for t in targets if t is not None], prefill, about)
            app.push_screen(form, got_params)
        else:
            defaults = {p.name: p.default for p in action.params if p.default is not None}
            got_params({**defaults, **prefill})

    def _confirm_with_plan(
        self,
        action: Action,
        targets: list[Any],
        params: dict[str, Any],
        confirmed: Callable[..., None],
    ) -> None:
        """The confirmation shows the action's plan: the VMs that move and where (computed
        in a worker)."""
        app: Any = self.app  # type: ignore[attr-defined]
        names = [object_name(t) for t in targets if t is not None]

        def compute() -> Any:
            with app.pool.lease() as conn:
                ctx = ActionContext(connection=conn, readonly=app.readonly)
                return action.preview(ctx, targets, params)

        def answered(answer: Answer | None) -> None:
            choice, pv = answer or (None, None)
            if choice is None:
                return
            total = pv.total if pv is not None else None
            if choice == "force":
                confirmed({**params, "force": True}, True, total)
            else:
                confirmed(params, True, total)

        can_force = any(p.name == "force" for p in action.params)
        question = action.confirmation(targets)
        app.push_screen(PlanConfirmScreen(question, names, compute, can_force), answered)
