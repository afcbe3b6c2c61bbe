"""Shown when no config was found: where the config goes, and a demo on the simulator."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Static

from ovtui.widgets.footer import Footer

EXAMPLE = """[api]
url = https://engine.example.com/ovirt-engine/api
username = admin@internal
password_file = ~/.config/ovtui/password
ca_file = /etc/pki/ovirt-engine/ca.pem"""


def _paths() -> list[str]:
    try:
        from ovtui.config import config_search_paths

        return [str(p) for p in config_search_paths()]
    except Exception:  # noqa: BLE001
        return ["~/.config/ovtui/config.ini"]


class ConnectScreen(Screen):
    BINDINGS = [
        Binding("d", "demo", "Start the demo"),
        Binding("c", "config_init", "Set up an engine"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, error: str | None = None) -> None:
        super().__init__()
        self.error = error

    def compose(self) -> ComposeResult:
        paths = "\n".join(f"  {p}" for p in _paths())
        err = f"[red]{self.error}[/red]\n\n" if self.error else ""
        with Vertical(classes="dialog connect"):
            yield Static("[b]ovtui[/b]: no engine configured", classes="dialog-title")
            yield Static(
                f"{err}ovtui looks for its config (INI) in, in order:\n{paths}\n"
                "(or -c FILE, or $OVCONFIG). A minimal one:",
                markup=True,
            )
            yield Static(EXAMPLE, markup=False, classes="example")
            yield Static("Or try it now on the embedded engine simulator (50 VMs, 6 hosts).")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Start the demo [d]", variant="primary", id="demo")
                yield Button("Set up an engine [c]", id="config-init")
                yield Button("Quit [q]", id="quit")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#demo", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "demo":
            self.action_demo()
        elif event.button.id == "config-init":
            self.action_config_init()
        else:
            self.app.exit()

    def action_demo(self) -> None:
        self.query_one("#demo", Button).label = "Starting the simulator..."
        self.app.start_demo()

    def action_config_init(self) -> None:
        """``ovtui config init`` on the terminal (the TUI suspended), then that engine."""
        from ovtui import config_init
        from ovtui.actions.base import ActionError

        profile = None
        with self.app.suspend():
            try:
                profile = config_init.interactive(None, None)
            except (ActionError, EOFError, KeyboardInterrupt) as err:
                lines = err.lines() if isinstance(err, ActionError) else ["interrupted"]
                print("ovtui: " + "\n".join(lines))
                input("Press Enter to return to ovtui. ")
        if profile is not None:
            self.app._open(profile)  # type: ignore[attr-defined]
