"""cloud-init payloads for ``vm create`` and ``vm start --cloud-init`` (run once).

The password comes from a file (``--ci-password-file``) or a prompt on a terminal
(``--ci-password-prompt``), never from the command line; it is never printed, and the SDK's
debug log gets a filter that blanks ``<root_password>`` in request bodies. SSH keys and the
custom script are read from files (bounded, regular files only).
"""

from __future__ import annotations

import getpass
import logging
import re
import sys
from pathlib import Path
from typing import Any

from ..safefile import KIB, read_regular
from .base import Param, UsageError

MAX_FILE = 64 * KIB

CLOUD_INIT_PARAMS = (
    Param("ci_hostname", ("--ci-hostname",), "cloud-init: host name", "text"),
    Param("ci_user", ("--ci-user",), "cloud-init: user name (default root)", "text"),
    Param("ci_password_file", ("--ci-password-file",), "cloud-init: the user's password, from"
          " this file", "file"),
    Param("ci_password_prompt", ("--ci-password-prompt",), "cloud-init: ask the password on"
          " the terminal", "flag"),
    Param("ci_ssh_key", ("--ci-ssh-key",), "cloud-init: authorized SSH public key file (repeat)",
          "file", repeat=True),
    Param("ci_dns", ("--ci-dns",), "cloud-init: DNS server (repeat)", "text", repeat=True),
    Param("ci_search", ("--ci-search",), "cloud-init: DNS search domain (repeat)", "text",
          repeat=True),
    Param("ci_nic", ("--ci-nic",), "cloud-init: NIC config, eth0:dhcp or"
          " eth0:ADDRESS/NETMASK[:GATEWAY] (repeat)", "text", repeat=True),
    Param("ci_timezone", ("--ci-timezone",), "cloud-init: time zone (Etc/UTC)", "text"),
    Param("ci_regenerate_ssh_keys", ("--ci-regenerate-ssh-keys",), "cloud-init: new host SSH"
          " keys", "flag"),
    Param("ci_script", ("--ci-script",), "cloud-init: custom script (cloud-config) file", "file"),
    Param("ci_custom_script", ("--ci-custom-script",), "cloud-init: custom script text (for"
          " -T templates; a file: --ci-script)", "text"),
)  # fmt: skip
CI_NAMES = frozenset(p.name for p in CLOUD_INIT_PARAMS)


class _HidePassword(logging.Filter):
    """Blanks cloud-init passwords in the SDK's debug log (request bodies)."""

    _RE = re.compile(r"(<root_password>)[^<]*(</root_password>)")

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if "<root_password>" in text:
            record.msg = self._RE.sub(r"\1********\2", text)
            record.args = None
        return True


def hide_passwords_in_logs() -> None:
    """Install the filter on the SDK's logger (once); its handlers see redacted records."""
    log = logging.getLogger("ovtui.sdk")
    if not any(isinstance(f, _HidePassword) for f in log.filters):
        log.addFilter(_HidePassword())


def given(params: dict[str, Any]) -> bool:
    """Whether any cloud-init parameter was given."""
    return any(params.get(n) not in (None, "", [], False) for n in CI_NAMES)


def _text(path: str, what: str) -> str:
    raw = read_regular(Path(path), MAX_FILE, what)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{what} {path} is not UTF-8 text.") from None


def _password(params: dict[str, Any]) -> str | None:
    if params.get("ci_password_file"):
        return _text(params["ci_password_file"], "cloud-init password file").rstrip("\r\n")
    if params.get("ci_password_prompt"):
        if not sys.stdin.isatty():
            raise UsageError(
                "--ci-password-prompt needs a terminal.", "Give --ci-password-file FILE instead."
            )
        return getpass.getpass("cloud-init password: ")
    return None


def _nic(spec: str) -> Any:
    from ovirtsdk4 import types

    parts = spec.split(":")
    if len(parts) < 2 or not parts[0]:
        raise UsageError(f"--ci-nic {spec!r}: write eth0:dhcp or eth0:ADDRESS/NETMASK[:GATEWAY].")
    name, how = parts[0], parts[1]
    if how == "dhcp":
        return types.NicConfiguration(
            name=name, boot_protocol=types.BootProtocol.DHCP, on_boot=True
        )
    addr, _, mask = how.partition("/")
    if not addr or not mask:
        raise UsageError(f"--ci-nic {spec!r}: a static address needs ADDRESS/NETMASK.")
    return types.NicConfiguration(
        name=name,
        boot_protocol=types.BootProtocol.STATIC,
        on_boot=True,
        ip=types.Ip(address=addr, netmask=mask, gateway=parts[2] if len(parts) > 2 else None),
    )


def _many(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    items = value if isinstance(value, list | tuple) else [value]
    return [str(i) for i in items]


def build_initialization(params: dict[str, Any]) -> Any:
    """The ``types.Initialization`` of the cloud-init parameters (files read, checked)."""
    from ovirtsdk4 import types

    password = _password(params)
    if password is not None:
        hide_passwords_in_logs()
    keys = [_text(f, "SSH key file").strip() for f in _many(params.get("ci_ssh_key"))]
    init = types.Initialization(
        host_name=params.get("ci_hostname"),
        user_name=params.get("ci_user") or ("root" if password else None),
        root_password=password,
        authorized_ssh_keys="\n".join(keys) or None,
        dns_servers=" ".join(_many(params.get("ci_dns"))) or None,
        dns_search=" ".join(_many(params.get("ci_search"))) or None,
        timezone=params.get("ci_timezone"),
        regenerate_ssh_keys=True if params.get("ci_regenerate_ssh_keys") else None,
        custom_script=_text(params["ci_script"], "cloud-init script")
        if params.get("ci_script")
        else params.get("ci_custom_script") or None,
    )
    nics = [_nic(s) for s in _many(params.get("ci_nic"))]
    if nics:
        init.nic_configurations = nics
    return init
