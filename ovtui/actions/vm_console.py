"""Console verbs: ``ticket`` (a spice:// or vnc:// URL with its password), ``viewer``
(a remote-viewer ``.vv`` file, mode 600 since it holds the password) and ``console`` (that
file opened in ``remote-viewer`` when it is installed, else the command to run).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import stat
import subprocess
import tempfile
import time
from typing import Any
from urllib.parse import quote as urlquote

import ovirtsdk4

from ..textsafe import is_unsafe, visible
from .base import ActionContext, EngineRefused, Param, Result
from .declare import verb
from .errors import engine_errors
from .vm_common import fetch_vm, name_of, vm_service
from .waiters import status_of

DEFAULT_EXPIRY = 120  # seconds a console password stays valid


def _console(ctx: ActionContext, vm: Any, protocol: str | None = None) -> tuple[Any, Any]:
    """The VM's current graphics console (spice preferred) and its service."""
    if status_of(vm) not in ("up", "powering_up", "reboot_in_progress", "migrating", "paused"):
        raise EngineRefused(
            f"Cannot connect to the console of VM {vm.name}: it is {status_of(vm)}, not running."
        )
    consoles_svc = vm_service(ctx, vm).graphics_consoles_service()
    with engine_errors(f"reading the consoles of VM {vm.name}"):
        consoles = list(consoles_svc.list(current=True))
    if protocol:
        consoles = [c for c in consoles if _proto(c) == protocol]
    if not consoles:
        wanted = f"{protocol} " if protocol else ""
        raise EngineRefused(f"VM {vm.name} has no {wanted}graphics console.")
    consoles.sort(key=lambda c: 0 if _proto(c) == "spice" else 1)
    console = consoles[0]
    svc = consoles_svc.console_service(console.id)
    if console.address is None or console.port is None:
        with engine_errors(f"reading the console of VM {vm.name}"):
            console = svc.get(current=True)
    return console, svc


def _proto(console: Any) -> str:
    p = getattr(console, "protocol", None)
    return getattr(p, "value", str(p or "")).lower()


def new_ticket(ctx: ActionContext, vm: Any, protocol: str | None, expiry: int) -> dict[str, Any]:
    """Set a console password on the engine; return what a client needs to connect."""
    from ovirtsdk4 import types

    console, svc = _console(ctx, vm, protocol)
    address, port, tls_port = console.address, console.port, console.tls_port
    display = getattr(vm, "display", None)
    if (address is None or port is None) and display is not None and display.port:
        address, port, tls_port = display.address, display.port, display.secure_port
    if address is None or port is None:
        # Some engines only say where the console listens in their remote-viewer file (which
        # also sets a fresh password): take everything from it.
        text = engine_viewer_file(ctx, vm, protocol)
        if text is not None:
            info = dict(parse_vv(text), vm=vm.name)
            info["url"] = ticket_url(info)
            return info
    with engine_errors(f"setting a console ticket on VM {vm.name}"):
        ticket = svc.ticket(ticket=types.Ticket(expiry=int(expiry)))
    proto = _proto(console)
    info = {
        "vm": vm.name,
        "protocol": proto,
        "host": address,
        "port": port,
        "tls_port": tls_port,
        "password": ticket.value,
        "expiry": ticket.expiry if ticket.expiry is not None else expiry,
    }
    info["url"] = ticket_url(info)
    return info


def parse_vv(text: str) -> dict[str, Any]:
    """protocol / host / port / tls_port / password / expiry of a .vv file's text."""
    kv: dict[str, str] = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            k, v = line.split("=", 1)
            kv[k.strip()] = v.strip()

    def num(key: str) -> int | None:
        try:
            return int(kv[key]) if int(kv[key]) > 0 else None
        except (KeyError, ValueError):
            return None

    m = re.search(r"valid for (\d+) seconds", text)
    return {
        "protocol": kv.get("type", "spice"),
        "host": kv.get("host"),
        "port": num("port"),
        "tls_port": num("tls-port"),
        "password": kv.get("password", ""),
        "expiry": int(m.group(1)) if m else None,
    }


def ticket_url(info: dict[str, Any]) -> str:
    """``spice://host:port?tls-port=N&password=P`` or ``vnc://:P@host:port``."""
    pw = urlquote(str(info["password"] or ""), safe="")
    if info["protocol"] == "vnc":
        return f"vnc://:{pw}@{info['host']}:{info['port']}"
    url = f"spice://{info['host']}:{info['port'] or ''}"
    query = []
    if info.get("tls_port"):
        query.append(f"tls-port={info['tls_port']}")
    query.append(f"password={pw}")
    return url + "?" + "&".join(query)


def viewer_text(info: dict[str, Any]) -> str:
    """A .vv file's text. Engine values go through ``visible()``: a newline in a VM name
    cannot add a line (a key) to the file."""
    info = {k: visible(v) if isinstance(v, str) else v for k, v in info.items()}
    lines = [
        "[virt-viewer]",
        f"type={info['protocol']}",
        f"host={info['host']}",
        f"port={info['port'] if info['port'] is not None else -1}",
        f"password={info['password']}",
        "delete-this-file=1",
        f"title={info['vm']}:%d",
        "fullscreen=0",
        "toggle-fullscreen=shift+f11",
        "release-cursor=shift+f12",
        "secure-attention=ctrl+alt+end",
    ]
    if info.get("tls_port"):
        lines.insert(4, f"tls-port={info['tls_port']}")
    if info.get("expiry"):
        lines.append(f"# the password expires {info['expiry']} s after it was issued")
    return "\n".join(lines) + "\n"


def write_private(path: str, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only (it holds a password)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an existing file keeps its mode through O_CREAT
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


def engine_viewer_file(ctx: ActionContext, vm: Any, protocol: str | None) -> str | None:
    """The engine's .vv text for the console, or None when it has none (or an incomplete one)."""
    _, svc = _console(ctx, vm, protocol)
    try:
        text = svc.remote_viewer_connection_file()
    except ovirtsdk4.Error:
        return None
    if not text or "[virt-viewer]" not in text:
        return None
    keys = [line.split("=", 1)[0].strip() for line in text.splitlines() if "=" in line]
    if len(keys) != len(set(keys)):
        return None  # a key said twice: engine text (a VM name) added lines; build our own
    return text if {"type", "host", "port", "password"} <= set(keys) else None


MAX_NAME_BYTES = 100  # of the file name built from a VM name (file systems allow 255)


def safe_file_name(name: str, suffix: str = ".vv", fallback: str = "vm") -> str:
    """A file name made from engine text: one path component, never hidden or special.

    Path separators, control/bidi/invisible characters and spaces become ``_``, leading dots
    go (no ``..``, no hidden file), the length is bounded (in UTF-8 bytes); an empty result
    is ``fallback``.
    """
    chars = ["_" if ch in "/\\" or ch.isspace() or is_unsafe(ch) else ch for ch in name]
    base = "".join(chars).lstrip(".")
    encoded = base.encode("utf-8", "replace")[:MAX_NAME_BYTES]
    base = encoded.decode("utf-8", "ignore").rstrip(".")  # no cut-off character, no "x."
    if not base.strip("_"):
        base = fallback
    return base + suffix


def _private_dir(d: str) -> str:
    """``d`` (made if needed) as a directory only we own and can enter; else EngineRefused."""
    os.makedirs(d, mode=0o700, exist_ok=True)
    st = os.lstat(d)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
        raise EngineRefused(
            f"Cannot write the console file in {d}: it is not a directory of yours.",
            "Give the file's path with --output FILE.",
        )
    if stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(d, 0o700)
    return d


def default_path(vm: Any, directory: str | None = None) -> str:
    """``DIR/NAME.vv`` for the VM, NAME made safe; DIR is ``directory`` or a private one in
    the temp dir. The path is always inside DIR, whatever the engine calls the VM."""
    if directory is None:
        d = _private_dir(os.path.join(tempfile.gettempdir(), f"ovtui-{os.getuid()}"))
    else:
        d = directory
    fallback = safe_file_name(str(getattr(vm, "id", "") or "vm"), suffix="")
    path = os.path.join(d, safe_file_name(name_of(vm), fallback=fallback))
    if os.path.dirname(os.path.abspath(path)) != os.path.abspath(d):  # pragma: no cover
        raise EngineRefused(f"Cannot build a console file name for VM {visible(name_of(vm))}.")
    return path


def write_viewer_file(
    ctx: ActionContext, vm: Any, output: str | None, protocol: str | None = None
) -> str:
    """Write the .vv file; return its path.

    The engine's own file (``remoteviewerconnectionfile``: CA, proxy, secure channels, a fresh
    password) is used when it gives a complete one; otherwise one is built from a new ticket.
    """
    text = engine_viewer_file(ctx, vm, protocol)
    if text is None:
        text = viewer_text(new_ticket(ctx, vm, protocol, DEFAULT_EXPIRY))
    if output and os.path.isdir(output):
        path = default_path(vm, output)  # --output DIR: the VM's file in that directory
    else:
        path = output or default_path(vm)
    try:
        write_private(path, text)
    except OSError as exc:
        raise EngineRefused(f"Cannot write the console file {path}: {exc.strerror}.") from None
    return path


PROTOCOL = Param(
    "protocol", ("--protocol",), "console protocol (default: spice if the VM has one)",
    "choice", choices=("spice", "vnc"),
)  # fmt: skip


@verb(
    "vm",
    "ticket",
    "Print a console URL (spice:// or vnc://) with a fresh password",
    params=(
        PROTOCOL,
        Param("expiry", ("--expiry",), "seconds the password stays valid", "int", DEFAULT_EXPIRY),
    ),
    target="one",
    mutating=True,
    key="T",
)
def ticket(
    ctx: ActionContext, target: Any, protocol: str | None = None, expiry: int = DEFAULT_EXPIRY
) -> Result:
    """Sets a console password on the engine (valid --expiry seconds) and prints the URL."""
    vm = fetch_vm(ctx, target)
    info = new_ticket(ctx, vm, protocol, expiry or DEFAULT_EXPIRY)
    return Result(
        ok=True, message=info["url"], data=info, columns=("vm", "protocol", "expiry", "url")
    )


@verb(
    "vm",
    "viewer",
    "Write a remote-viewer .vv console file (mode 600) and print its path",
    params=(
        PROTOCOL,
        Param("output", ("--output", "-O"), "the .vv file (or a directory for it)", "file"),
    ),
    target="one",
    mutating=True,
    key="v",
)
def viewer(
    ctx: ActionContext, target: Any, protocol: str | None = None, output: str | None = None
) -> Result:
    """The file holds a one-time password: open it with ``remote-viewer FILE`` soon."""
    vm = fetch_vm(ctx, target)
    path = write_viewer_file(ctx, vm, output, protocol)
    return Result(ok=True, message=path, data={"vm": vm.name, "path": path}, columns=("vm", "path"))


VIEWER = "remote-viewer"
VIEWER_READ_WAIT = 30.0  # seconds remote-viewer gets to read the file before it is removed
VIEWER_POLL = 0.05


def _gone(path: str) -> bool:
    return not os.path.lexists(path)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _stderr_tail(f: Any) -> str:
    """The last line remote-viewer wrote on its stderr (made visible: it is not ours)."""
    f.seek(0)
    lines = [ln for ln in f.read(65536).decode("utf-8", "replace").splitlines() if ln.strip()]
    return visible(lines[-1].strip()) if lines else ""


def open_viewer(ctx: ActionContext, vm_name: str, path: str, viewer: str) -> dict[str, Any]:
    """Start ``viewer path`` in its own session (it outlives ovtui) and wait until it has read
    the file (remote-viewer deletes it: ``delete-this-file=1``) or has exited, at most
    ``VIEWER_READ_WAIT`` s; the file is removed in any case before this returns."""
    limit = ctx.timeout_for(VIEWER_READ_WAIT)
    with tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(
                [viewer, path], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=err, start_new_session=True, close_fds=True,
            )  # fmt: skip
        except OSError as exc:
            _remove(path)
            raise EngineRefused(f"Cannot run {viewer}: {exc.strerror}.") from None
        ctx.progress("viewer", f"{VIEWER} started (pid {proc.pid}) for VM {vm_name}")
        deadline = time.monotonic() + limit
        try:
            while proc.poll() is None and not _gone(path) and time.monotonic() < deadline:
                ctx.sleep(VIEWER_POLL)
        finally:
            _remove(path)  # read, exited, timed out or cancelled: the password goes
        code = proc.poll()
        if code not in (None, 0):
            tail = _stderr_tail(err)
            raise EngineRefused(
                f"{VIEWER} exited with status {code}" + (f": {tail}" if tail else "."),
                f"Its console file was removed; ask again with: ovtui run vm -n {vm_name} console",
            )
    return {"pid": proc.pid, "running": code is None}


@verb(
    "vm",
    "console",
    "Open the VM's console in remote-viewer (or print what to run)",
    params=(PROTOCOL,),
    target="one",
    mutating=True,
    key="V",
)
def console(ctx: ActionContext, target: Any, protocol: str | None = None) -> Result:
    """Writes the console file (mode 600, a one-time password) and opens it with
    ``remote-viewer`` when that is on PATH; the file is removed once remote-viewer has read
    it (or exited). Without remote-viewer, prints the file and the command to open it."""
    vm = fetch_vm(ctx, target)
    name = visible(name_of(vm))
    path = write_viewer_file(ctx, vm, None, protocol)
    command = f"{VIEWER} {shlex.quote(path)}"
    data: dict[str, Any] = {"vm": vm.name, "path": path, "command": command}
    viewer = shutil.which(VIEWER)
    if viewer is None:
        data.update(viewer=None, pid=None)
        return Result(
            ok=True,
            message=f"{VIEWER} is not installed here; open the console of VM {name} with: "
            f"{command}  (the file's password expires in {DEFAULT_EXPIRY} s)",
            data=data,
            columns=("vm", "command"),
        )
    state = open_viewer(ctx, name, path, viewer)
    data.update(viewer=viewer, **state)
    how = f"running, pid {state['pid']}" if state["running"] else "exited"
    return Result(
        ok=True,
        message=f"console of VM {name} opened in {VIEWER} ({how}); its file {path} is removed",
        data=data,
        columns=("vm", "viewer", "pid"),
    )


__all__ = ["console", "open_viewer", "ticket", "viewer", "write_viewer_file"]
