"""The INI config: lookup order, profiles, validation, the permission warning.

Compatible with ovirtcmd's ``[api]``, ``[logging]`` and ``[kerberos]`` sections: its
``sample_config.ini`` loads as it ships (``debug`` is ovtui's debug log, ``[logging] filters``
picks what of it is written, a ``[kerberos] keytab`` means a Kerberos login). A key ovtui does
not know is a warning naming it; a bad value of a known key is an error. Extra engines are
``[profile:NAME]`` sections with the ``[api]`` keys (and ``kerberos_*`` keys), picked with -p.
"""

from __future__ import annotations

import configparser
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from .actions.base import UsageError
from .safefile import MIB, is_readable_by_others, read_regular

APP = "ovtui"
API_KEYS = (
    "url",
    "username",
    "password",
    "password_file",
    "ca_file",
    "insecure",
    "kerberos",
    "timeout",
    "connections",
    "max_response_mb",
    "debug",
    "filter",
)
KERBEROS_KEYS = ("keytab", "ccache", "principal")
OVTUI_KEYS = ("refresh", "readonly", "theme", "page_size", "start")
LOGGING_KEYS = ("filters",)
# ovirtcmd's [logging] filters: the kinds of libcurl debug output written to the debug log
# (its CurlDebugType names). The SDK never logs TLS data, so "ssl" adds nothing.
LOG_FILTERS = ("text", "header", "data", "ssl")
SECTIONS = ("api", "kerberos", "ovtui", "bookmarks", "logging")
CONFIG_MAX_BYTES = MIB  # a config is a few lines; anything bigger is the wrong file

# (minimum, maximum, unit) of the numeric settings: a value outside is a usage error, so a
# typo cannot spin the TUI (refresh = nan), overflow a timer (timeout = 1e20) or ask the
# engine for pages it takes minutes to serve.
# The default response cap keeps the process under 300 MB whatever the engine sends (the
# buffer plus Python itself); a 10,000-VM list in one answer is about 71 MB.
DEFAULT_MAX_RESPONSE_MB = 200

LIMITS: dict[str, tuple[float, float, str]] = {
    "timeout": (1, 86400, "seconds"),
    "connections": (1, 32, "connections"),
    "max_response_mb": (1, 4096, "MiB"),
    "refresh": (0.5, 3600, "seconds"),
    "page_size": (1, 1000, "rows"),
}


@dataclass
class Profile:
    """One engine to talk to, with every setting resolved."""

    name: str = "default"
    url: str = ""
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    password_file: str | None = None
    ca_file: str | None = None
    insecure: bool = False
    kerberos: bool = False
    timeout: int = 60
    connections: int = 4
    max_response_mb: int = DEFAULT_MAX_RESPONSE_MB
    keytab: str | None = None
    ccache: str | None = None
    principal: str | None = None
    refresh: float = 5.0
    readonly: bool = False
    theme: str | None = None
    page_size: int = 100
    start: str = "vms"  # [ovtui] start: the TUI's first screen, vms or dashboard
    kerberos_set: bool = field(default=False, repr=False)  # kerberos = was written
    keytab_from: str | None = field(default=None, repr=False)  # where keytab was set
    bookmarks: dict[str, str] = field(default_factory=dict)
    debug: bool = False  # ovirtcmd's [api] debug: the debug log, as -d
    filter: bool = False  # [api] filter: the user-level API (Filter: true), docs/admin.md
    log_filters: tuple[str, ...] | None = None  # [logging] filters; None: everything
    source: Path | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def engine_label(self) -> str:
        """Host part of the URL, for headers and messages."""
        from urllib.parse import urlparse

        return urlparse(self.url).netloc or self.url


def config_search_paths() -> list[Path]:
    """Where the config is looked for, after ``-c`` and ``$OVCONFIG``."""
    return [
        Path(platformdirs.user_config_dir(APP)) / "config.ini",
        Path(platformdirs.site_config_dir(APP)) / "config.ini",
    ]


def find_config(explicit: str | None) -> Path | None:
    """The config file to read: ``-c``, then ``$OVCONFIG``, then the user and site dirs."""
    if explicit:
        p = Path(explicit).expanduser()
        if not p.exists():
            raise UsageError(f"Config file {p} does not exist.", "Check the path given with -c.")
        return p
    env = os.environ.get("OVCONFIG")
    if env:
        p = Path(env).expanduser()
        if not p.exists():
            raise UsageError(
                f"Config file {p} (from $OVCONFIG) does not exist.", "Fix or unset OVCONFIG."
            )
        return p
    for p in config_search_paths():
        if p.exists():
            return p
    return None


def _read_ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        data = read_regular(path, CONFIG_MAX_BYTES, "Config file")
        parser.read_string(data.decode("utf-8"), source=str(path))
    except configparser.Error as exc:
        first = str(exc).splitlines()[0]
        raise UsageError(
            f"Config file {path} is not a valid INI file: {first}",
            "Each setting goes under a [section] as key = value; see sample_config.ini.",
        ) from None
    except UnicodeDecodeError:
        raise UsageError(f"Config file {path} is not UTF-8 text.") from None
    return parser


def _bool(path: Path, section: str, key: str, value: str) -> bool:
    v = value.strip().lower()
    if v in ("1", "yes", "true", "on"):
        return True
    if v in ("0", "no", "false", "off", ""):
        return False
    raise UsageError(
        f"{path}: [{section}] {key} = {value!r} is not a boolean.", "Use true or false."
    )


def _number(path: Path, section: str, key: str, value: str, kind: type) -> float:
    """``value`` as ``kind`` (int or float), finite and within ``LIMITS[key]``."""
    low, high, unit = LIMITS[key]
    span = f"from {low:g} to {high:g} {unit}"
    try:
        n = kind(value.strip())
    except (ValueError, OverflowError):
        raise UsageError(
            f"{path}: [{section}] {key} = {value!r} is not a number.",
            f"Use a {'whole ' if kind is int else ''}number {span}.",
        ) from None
    if not math.isfinite(n) or not low <= n <= high:
        raise UsageError(
            f"{path}: [{section}] {key} = {value.strip()} is out of range.",
            f"Use a number {span}.",
        )
    return n


def _path(path: Path, section: str, key: str, value: str) -> str:
    """A file path setting, ``~`` expanded."""
    if "\x00" in value:
        raise UsageError(f"{path}: [{section}] {key} has a NUL character in it.")
    return os.path.expanduser(value.strip())


def _apply_api(profile: Profile, path: Path, section: str, items: dict[str, str]) -> None:
    for key, value in items.items():
        k = key.replace("-", "_")
        if k in ("url", "username", "ca_file", "password_file"):
            setattr(
                profile,
                k,
                _path(path, section, key, value) if k.endswith("file") else value.strip(),
            )
        elif k == "password":
            profile.password = value
        elif k in ("insecure", "kerberos", "debug", "filter"):
            setattr(profile, k, _bool(path, section, key, value))
            if k == "kerberos":
                profile.kerberos_set = True
        elif k in ("timeout", "connections", "max_response_mb"):
            setattr(profile, k, int(_number(path, section, key, value, int)))
        elif k.startswith("kerberos_") and k[9:] in KERBEROS_KEYS:
            setattr(profile, k[9:], _path(path, section, key, value))
            if k == "kerberos_keytab":
                profile.keytab_from = f"[{section}] {key}"
        elif section.startswith("profile:") and k in OVTUI_KEYS:
            _apply_ovtui(profile, path, section, {key: value})
        else:
            _unknown_key(profile, path, section, key, API_KEYS)


def _apply_ovtui(profile: Profile, path: Path, section: str, items: dict[str, str]) -> None:
    for key, value in items.items():
        if key == "refresh":
            profile.refresh = float(_number(path, section, key, value, float))
        elif key == "readonly":
            profile.readonly = _bool(path, section, key, value)
        elif key == "theme":
            profile.theme = value.strip() or None
        elif key == "page_size":
            profile.page_size = int(_number(path, section, key, value, int))
        elif key == "start":
            profile.start = value.strip().lower()
            if profile.start not in ("vms", "dashboard"):
                raise UsageError(
                    f"{path}: [{section}] start = {value!r} is not a screen.",
                    "Use vms or dashboard.",
                )
        else:
            _unknown_key(profile, path, section, key, OVTUI_KEYS)


def _unknown_key(
    profile: Profile, path: Path, section: str, key: str, accepted: tuple[str, ...]
) -> None:
    """A key ovtui does not know: a warning naming it (ignored), not a refusal."""
    profile.warnings.append(
        f"warning: {path}: [{section}] has an unknown key {key!r}, ignored"
        f" (accepted keys: {', '.join(accepted)})."
    )


def _apply_logging(profile: Profile, path: Path, items: dict[str, str]) -> None:
    """ovirtcmd's ``[logging] filters = text,header,data``: what the debug log keeps."""
    for key, value in items.items():
        if key != "filters":
            _unknown_key(profile, path, "logging", key, LOGGING_KEYS)
            continue
        words = [w.strip().lower() for w in value.split(",") if w.strip()]
        bad = [w for w in words if w not in LOG_FILTERS]
        if bad:
            raise UsageError(
                f"{path}: [logging] filters = {value.strip()!r}: {bad[0]!r} is not a kind of"
                " debug output.",
                f"Use a comma-separated list of {', '.join(LOG_FILTERS)}.",
            )
        profile.log_filters = tuple(dict.fromkeys(words))


def _without_userinfo(url: str) -> str:
    """``url`` with any ``user:password@`` removed (to name it in a message)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    host, slash, tail = rest.partition("/")
    host = host.rpartition("@")[2]
    return f"{scheme}{sep}{host}{slash}{tail}"


def check_url(url: str, where: str = "url") -> None:
    """UsageError unless ``url`` is a plain http(s) URL with a host and no credentials.

    ``where`` prefixes the messages (``"config.ini: [api] url"``). A password in the URL is
    refused without ever being repeated: it would show in the TUI header and in messages.
    """
    setting = "Set url = https://ENGINE/ovirt-engine/api"
    authority = url.partition("://")[2].partition("/")[0] if "://" in url else url
    authority = authority.partition("?")[0].partition("#")[0]
    if "@" in authority:
        raise UsageError(
            f"{where} = {_without_userinfo(url)!r} has a user name or password in it"
            " (hidden here); credentials do not go in the URL.",
            "Put the user in username = and the password in password_file = PATH (mode 600),"
            " or be asked for it on a terminal.",
        )
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise UsageError(f"{where} = {url!r} has spaces or control characters in it.", setting)
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"{where} = {url!r} is not an http(s) URL.", setting)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError as exc:
        raise UsageError(f"{where} = {url!r} is not a valid URL: {exc}.", setting) from None
    if not parts.hostname:
        raise UsageError(f"{where} = {url!r} has no host name.", setting)


def _validate(profile: Profile, path: Path, section: str) -> None:
    if not profile.url:
        raise UsageError(
            f"{path}: [{section}] has no url.",
            "Set url = https://ENGINE/ovirt-engine/api",
        )
    check_url(profile.url, f"{path}: [{section}] url")
    own_keytab = section == "api" or (profile.keytab_from or "").startswith(f"[{section}]")
    if profile.keytab and own_keytab and not profile.kerberos and not profile.kerberos_set:
        # ovirtcmd: a [kerberos] keytab means a Kerberos login (a [profile:NAME] only with its
        # own kerberos_keytab: the shared [kerberos] section does not turn it to Kerberos)
        profile.kerberos = True
    if not profile.kerberos and not profile.username:
        raise UsageError(
            f"{path}: [{section}] has no username.",
            "Set username = admin@internal (or kerberos = true with a [kerberos] keytab).",
        )
    for key in ("ca_file", "password_file", "keytab"):
        value = getattr(profile, key)
        if value and not Path(value).exists():
            where = f"[{section}] {key}"
            if key == "keytab":
                where = profile.keytab_from or "[kerberos] keytab"
            raise UsageError(f"{path}: {where} = {value} does not exist.")


def _permission_warning(path: Path, holds_password: bool) -> str | None:
    if holds_password and is_readable_by_others(path):
        return (
            f"warning: {path} holds a password and is readable by other users;"
            f" run: chmod 600 {path}"
        )
    return None


def _password_file_warning(profile: Profile) -> str | None:
    pw = profile.password_file
    if pw and not profile.password and is_readable_by_others(pw):
        return f"warning: password_file {pw} is readable by other users; run: chmod 600 {pw}"
    return None


def load_profile(explicit: str | None = None, profile_name: str | None = None) -> Profile:
    """Read the config and return the chosen profile; UsageError (exit 2) on any problem."""
    path = find_config(explicit)
    if path is None:
        where = ", ".join(str(p) for p in config_search_paths())
        raise UsageError(
            "No config file found.",
            f"Write one (see sample_config.ini) at {where}, or pass -c FILE; try 'ovtui demo'.",
        )
    parser = _read_ini(path)
    profile = Profile(source=path)
    if profile_name and profile_name != "default":
        section = f"profile:{profile_name}"
        if not parser.has_section(section):
            names = [s.split(":", 1)[1] for s in parser.sections() if s.startswith("profile:")]
            raise UsageError(
                f"{path} has no profile {profile_name!r} (no [{section}] section).",
                f"Profiles there: {', '.join(['default', *names])}.",
            )
    else:
        section = "api"
        if not parser.has_section("api"):
            raise UsageError(
                f"{path} has no [api] section.",
                "Add [api] with url, username and password (see sample_config.ini).",
            )
    profile.name = profile_name or "default"
    for known in parser.sections():
        if known not in SECTIONS and not known.startswith("profile:"):
            profile.warnings.append(
                f"warning: {path} has an unknown section [{known}], ignored (sections:"
                " [api], [kerberos], [logging], [ovtui], [bookmarks], [profile:NAME])."
            )
    if parser.has_section("ovtui"):
        _apply_ovtui(profile, path, "ovtui", dict(parser.items("ovtui")))
    if parser.has_section("kerberos"):
        for key, value in parser.items("kerberos"):
            if key not in KERBEROS_KEYS:
                _unknown_key(profile, path, "kerberos", key, KERBEROS_KEYS)
                continue
            if value.strip().lower() in ("", "none"):
                continue  # ovirtcmd's "keytab = None": not set
            setattr(profile, key, _path(path, "kerberos", key, value))
            if key == "keytab":
                profile.keytab_from = "[kerberos] keytab"
    if parser.has_section("logging"):
        _apply_logging(profile, path, dict(parser.items("logging")))
    if parser.has_section("bookmarks"):
        profile.bookmarks = dict(parser.items("bookmarks"))
    _apply_api(profile, path, section, dict(parser.items(section)))
    _validate(profile, path, section)
    holds_password = any(parser.has_option(s, "password") for s in parser.sections())
    warning = _permission_warning(path, holds_password)
    if warning:
        profile.warnings.append(warning)
    warning = _password_file_warning(profile)
    if warning:
        profile.warnings.append(warning)
    if profile.insecure:
        profile.warnings.append(
            f"warning: TLS verification is off for {profile.engine_label} (insecure = true in {path})."
        )
    return profile


def filter_debug_log(connection: object, profile: Profile) -> None:
    """Keep only the kinds of debug output ``[logging] filters`` names (ovirtcmd's mapping of
    its libcurl debug types): text (``* `` lines), header (request and answer headers), data
    (bodies). Without ``[logging] filters`` the whole debug log is written."""
    kinds = profile.log_filters
    original = getattr(connection, "_curl_debug", None)
    if kinds is None or original is None:
        return
    import pycurl  # noqa: PLC0415 - the SDK's own transport, already loaded

    types = {
        "text": (pycurl.INFOTYPE_TEXT,),
        "header": (pycurl.INFOTYPE_HEADER_IN, pycurl.INFOTYPE_HEADER_OUT),
        "data": (pycurl.INFOTYPE_DATA_IN, pycurl.INFOTYPE_DATA_OUT),
        "ssl": (pycurl.INFOTYPE_SSL_DATA_IN, pycurl.INFOTYPE_SSL_DATA_OUT),
    }
    wanted = {t for kind in kinds for t in types[kind]}

    def filtered(debug_type: int, data: object) -> None:
        if debug_type in wanted:
            original(debug_type, data)

    # the SDK sets its curl DEBUGFUNCTION from this attribute at every request (ovirtcmd
    # replaces it the same way)
    connection._curl_debug = filtered  # type: ignore[attr-defined]
