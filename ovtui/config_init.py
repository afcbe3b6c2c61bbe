"""``ovtui config init``: a first config written by asking, not by hand.

Asks for the engine URL and user, fetches the engine's CA certificate from its
``pki-resource`` URL (the certificate the engine publishes for exactly this), shows its
SHA-256 fingerprint and asks whether to trust it, asks the password (on the terminal, never
on the command line), logs in with TLS verified against that CA, and only then writes the CA
file and the config (mode 600). With a config already there, it adds a ``[profile:NAME]``.
The choices made here are in docs/engines.md.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import os
import ssl
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from .actions.base import EXIT_OK, ActionError, UsageError

if TYPE_CHECKING:
    from .config import Profile

PKI_PATH = "/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA"
CA_MAX_BYTES = 64 * 1024  # a CA certificate is 1-2 KiB
FETCH_TIMEOUT = 20.0


class CannotFetch(ActionError):
    exit_code = 3


def add_parser(sub: argparse._SubParsersAction) -> None:
    cfg = sub.add_parser("config", help="write a config: ovtui config init")
    verbs = cfg.add_subparsers(dest="config_verb", metavar="init", required=True)
    init = verbs.add_parser(
        "init",
        help="ask for the engine URL and user, trust its CA, test the login, write the config",
        description="Ask for the engine URL and user, fetch the engine's CA from its"
        " pki-resource URL and show its SHA-256 fingerprint, test the login, then write the"
        " config (mode 600) and the CA file. Run again to add a [profile:NAME].",
    )
    init.add_argument("-c", "--config", dest="init_config", help="config file to write")
    init.add_argument("-p", "--profile", dest="init_profile", help="profile name to add")
    init.set_defaults(handler=run)


def default_path() -> Path:
    from .config import config_search_paths

    env = os.environ.get("OVCONFIG")
    return Path(env).expanduser() if env else config_search_paths()[0]


def normalize_url(text: str) -> str:
    """``engine.example.com`` -> ``https://engine.example.com/ovirt-engine/api``."""
    text = text.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    path = parts.path.rstrip("/")
    if not path:
        path = "/ovirt-engine/api"
    elif path == "/ovirt-engine":
        path += "/api"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def pki_url(api_url: str) -> str:
    parts = urlsplit(api_url)
    return f"{parts.scheme}://{parts.netloc}{PKI_PATH}"


def fetch_ca(api_url: str) -> str:
    """The engine's CA certificate (PEM text), fetched without verifying (there is nothing
    to verify it with yet: the operator checks the fingerprint)."""
    url = pki_url(api_url)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT, context=ctx) as resp:  # noqa: S310
            data = resp.read(CA_MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise CannotFetch(
            f"The engine answered {exc.code} for its CA certificate at {url}.",
            "Is the URL an oVirt engine? Or get the CA from the engine host"
            " (/etc/pki/ovirt-engine/ca.pem) and set ca_file = PATH.",
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CannotFetch(f"Cannot fetch the engine's CA from {url}: {reason}") from None
    if len(data) > CA_MAX_BYTES:
        raise CannotFetch(f"The answer at {url} is too large for a CA certificate.")
    text = data.decode("ascii", "replace")
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise CannotFetch(f"The answer at {url} is not a PEM certificate.")
    start = text.index("-----BEGIN CERTIFICATE-----")
    end = text.find("-----END CERTIFICATE-----", start)
    if end < 0:
        raise CannotFetch(f"The answer at {url} is not a complete PEM certificate.")
    return text[start : end + len("-----END CERTIFICATE-----")] + "\n"


def fingerprint(pem: str) -> str:
    """SHA-256 of the certificate's DER, as ``openssl x509 -fingerprint -sha256`` shows it."""
    try:
        der = ssl.PEM_cert_to_DER_cert(pem)
    except ValueError:
        raise CannotFetch("The engine's CA certificate cannot be read.") from None
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def ask(prompt: str, default: str | None = None) -> str:
    shown = f"{prompt} [{default}]: " if default else f"{prompt}: "
    sys.stderr.write(shown)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise UsageError("No answer (end of input); nothing was written.")
    return line.strip() or (default or "")


def yes(prompt: str, default: bool = False) -> bool:
    answer = ask(f"{prompt} ({'Y/n' if default else 'y/N'})").lower()
    return default if not answer else answer in ("y", "yes")


def _sections(path: Path) -> list[str]:
    from .config import _read_ini

    return _read_ini(path).sections() if path.exists() else []


def _write_private(path: Path, text: str, mode: int = 0o600) -> None:
    """Write ``text`` to ``path`` atomically, the file created with ``mode``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    os.chmod(path, mode)


def _test_login(url: str, username: str, password: str, ca_file: str | None) -> str:
    """Log in with TLS verified; the product name and version, or ActionError."""
    from . import connection
    from .config import Profile

    profile = Profile(name="init", url=url, username=username, password=password, ca_file=ca_file)
    conn = connection.connect(profile)
    try:
        api = connection.check(conn)
        info = getattr(api, "product_info", None)
        name = getattr(info, "name", None) or "the engine"
        version = getattr(getattr(info, "version", None), "full_version", None) or ""
        return f"{name} {version}".strip()
    finally:
        connection.close(conn)


def run(args: argparse.Namespace) -> int:
    explicit = args.init_config or getattr(args, "config", None)
    interactive(explicit, args.init_profile or getattr(args, "profile", None))
    return EXIT_OK


def interactive(explicit: str | None, profile: str | None) -> Profile:
    """Ask, check, write; the new profile (its password set) once written."""
    from .config import check_url, load_profile
    from .textsafe import visible

    path = Path(explicit or default_path()).expanduser()
    sections = _sections(path)
    print(f"ovtui config init: writing {path}", file=sys.stderr)
    url = normalize_url(ask("Engine URL (https://ENGINE/ovirt-engine/api, or the host name)"))
    check_url(url, "Engine URL")
    username = ask("User", "admin@internal")
    host = urlsplit(url).hostname or "engine"
    if "api" in sections:
        taken = {s.split(":", 1)[1] for s in sections if s.startswith("profile:")}
        if not profile:
            profile = ask("Profile name (this file already has [api])", host.split(".")[0])
        if profile in taken or profile == "default":
            raise UsageError(f"{path} already has a profile {profile!r}; pick another name.")
        section = f"profile:{profile}"
    else:
        section = "api"
        profile = "default"
    ca_text = None
    if url.startswith("https://"):
        print(f"Fetching the engine's CA from {pki_url(url)}", file=sys.stderr)
        ca_text = fetch_ca(url)
        print(f"CA certificate SHA-256 fingerprint:\n  {fingerprint(ca_text)}", file=sys.stderr)
        print(
            "Compare it on the engine host: openssl x509 -in /etc/pki/ovirt-engine/ca.pem"
            " -noout -fingerprint -sha256",
            file=sys.stderr,
        )
        if not yes("Trust this CA?"):
            raise UsageError("The CA was not trusted; nothing was written.")
    else:
        print(
            "warning: plain http: the password goes over the network unencrypted.", file=sys.stderr
        )
    password = getpass.getpass(f"Password for {username}: ")
    if not password:
        raise UsageError("No password given; nothing was written.")
    safe_name = "".join(c if c.isalnum() or c in "-_." else "_" for c in profile)
    ca_path = path.parent / f"ca-{safe_name}.pem"
    with tempfile.TemporaryDirectory() as tmp:
        tmp_ca = None
        if ca_text is not None:
            tmp_ca = Path(tmp) / "ca.pem"
            tmp_ca.write_text(ca_text, encoding="ascii")
        print("Logging in (TLS verified against that CA)...", file=sys.stderr)
        product = _test_login(url, username, password, str(tmp_ca) if tmp_ca else None)
    print(f"Logged in: {visible(product)}", file=sys.stderr)
    keep = yes(f"Store the password in {path} (mode 600)? Otherwise ovtui asks for it")
    lines = [f"[{section}]", f"url = {url}", f"username = {username}"]
    if keep:
        lines.append(f"password = {password}")
    if ca_text is not None:
        _write_private(ca_path, ca_text, 0o644)
        lines.append(f"ca_file = {ca_path}")
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    sep = "" if not old or old.endswith("\n\n") else ("\n" if old.endswith("\n") else "\n\n")
    _write_private(path, old + sep + "\n".join(lines) + "\n")
    use = "" if section == "api" else f" -p {profile}"
    print(f"Wrote [{section}] to {path} (mode 600).", file=sys.stderr)
    if ca_text is not None:
        print(f"Wrote the CA to {ca_path}.", file=sys.stderr)
    cfg = f" -c {path}" if explicit else ""
    print(f"Try: ovtui{cfg}{use}   or   ovtui run{cfg}{use} vm list", file=sys.stderr)
    written = load_profile(str(path), None if section == "api" else profile)
    written.password = password
    return written
