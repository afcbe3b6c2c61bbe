"""Hostile engine text: strings an attacker (or a careless admin) can put in an engine.

``HOSTILE`` lists them: ordinary names with brackets (which Textual markup would eat),
markup and ``@click`` actions, unbalanced markup (a ``MarkupError`` crash), terminal control
(CSI, OSC 0 title, OSC 52 clipboard), a C1 CSI, a bidi override, a zero-width space, a CR
that forges a row, a newline, and a 10,000-character string.

``poison_world(world)`` writes them into every text field the TUI and the headless output
show, across the simulator's world: names, descriptions and comments of data centers,
clusters, hosts, VMs, storage domains, templates, disks, networks, vNIC profiles; event and
snapshot descriptions; sub-tab rows (NICs, applications, host devices and hooks, affinity
groups); tags, users, groups, roles, quotas, MAC pools, VM pools, affinity labels, scheduling
policies, image providers and their images; the API's product info; with ``cloud_init=True``
every VM's cloud-init settings (host and user name, DNS, time zone, domain, custom script, a
configured NIC's name). References are by id, so lookups still work; names stay
unique per collection (a repeated string gets `` #N``).

XML 1.0 cannot carry most C0 controls (ESC, BEL...): an engine that sends them sends XML
that libxml2 refuses, which is a different test (a malformed answer). ``XML_SAFE`` holds the
strings that a well-formed answer can carry; ``poison_world`` uses those by default. A
``text_for(collection, field, index)`` callable picks other strings (``None`` keeps a field).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

LONG = "long-" + "0123456789" * 999 + "-end"  # 10,009 characters

HOSTILE: list[str] = [
    "web-[prod]",
    "owner: [ops team]",
    "[@click=app.quit]quit[/]",
    "[@click=screen.verb('vm','start',False)]harmless note[/]",
    "[@click=app.screenshot('/tmp/x')]x",
    "see ticket [/]",
    "[bold red]x[/]",
    "clear\x1b[2Jscreen",
    "title\x1b]0;pwned\x07",
    "clip\x1b]52;c;cm0gLXJmIH4=\x07",
    "c1\x9b31mred",
    "bidi\u202etxt.exe",
    "zero\u200bwidth",
    "a\rforged",
    "line1\nline2",
    LONG,
]


def xml_safe(text: str) -> bool:
    """True if XML 1.0 can carry ``text`` (its Char production; no C0 but tab/LF/CR)."""
    for ch in text:
        c = ord(ch)
        if c < 0x20 and ch not in "\t\n\r":
            return False
        if 0xD800 <= c <= 0xDFFF or c in (0xFFFE, 0xFFFF):
            return False
    return True


XML_SAFE: list[str] = [s for s in HOSTILE if xml_safe(s)]

TextFor = Callable[[str, str, int], "str | None"]


def cycle_text(strings: list[str] | None = None) -> TextFor:
    """Field ``index`` of a collection gets the ``index``-th string (shifted per field, so a
    row's name and description differ)."""
    pool = list(strings if strings is not None else XML_SAFE)
    shift = {"name": 0, "description": 1, "comment": 2}

    def text_for(coll: str, field: str, index: int) -> str | None:
        return pool[(index + shift.get(field, 3)) % len(pool)]

    return text_for


# collection -> text fields shown (name first: it is kept unique)
FIELDS: dict[str, tuple[str, ...]] = {
    "datacenters": ("name", "description", "comment"),
    "clusters": ("name", "description", "comment"),
    "hosts": ("name", "description", "comment"),
    "vms": ("name", "description", "comment"),
    "storagedomains": ("name", "description", "comment"),
    "templates": ("name", "description", "comment"),
    "disks": ("name", "alias", "description"),
    "networks": ("name", "description", "comment"),
    "vnicprofiles": ("name", "description"),
    "affinitygroups": ("name", "description"),
    "events": ("description",),
    "jobs": ("description",),
    "tags": ("name", "description"),
    "users": ("name", "last_name", "department", "email"),
    "groups": ("name",),
    "roles": ("name", "description"),
    "quotas": ("name", "description"),
    "macpools": ("name", "description"),
    "vmpools": ("name", "description", "comment"),
    "affinitylabels": ("name",),
    "openstackimageproviders": ("name", "description"),
    "schedulingpolicies": ("name",),
}

# a VM's cloud-init (``initialization``) fields the General sub-tab shows
INIT_FIELDS: tuple[str, ...] = (
    "host_name",
    "user_name",
    "dns_servers",
    "dns_search",
    "timezone",
    "domain",
)

# (parent collection, sub-collection) -> text fields of its items
SUB_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("vms", "nics"): ("name", "description"),
    ("vms", "snapshots"): ("description",),
    ("vms", "applications"): ("name",),
    ("hosts", "nics"): ("name",),
    ("hosts", "devices"): ("name",),
    ("hosts", "hooks"): ("name",),
    ("templates", "nics"): ("name",),
}


class _Namer:
    """Unique values per (collection, field) for names: a repeat gets `` #N``."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], set[str]] = {}

    def unique(self, coll: str, field: str, text: str) -> str:
        seen = self.seen.setdefault((coll, field), set())
        out, n = text, 1
        while out in seen:
            n += 1
            out = f"{text} #{n}"
        seen.add(out)
        return out


def _poison(
    obj: Any, coll: str, fields: tuple[str, ...], index: int, text_for: TextFor, namer: _Namer
) -> None:
    for field in fields:
        text = text_for(coll, field, index)
        if text is None:
            continue
        if field in ("name", "alias"):
            text = namer.unique(coll, field, text)
        setattr(obj, field, text)


def poison_world(
    world: Any, text_for: TextFor | None = None, product: bool = True, cloud_init: bool = False
) -> None:
    """Put hostile text into every shown text field of ``world`` (see the module doc).

    Sub-collections generated later (snapshots, NICs...) are poisoned as they are generated;
    every disk is generated now. ``product`` also poisons the API root's product info;
    ``cloud_init`` every VM's cloud-init settings (off by default: a VM's own XML then stays
    what tests/perf's golden outputs hold).
    """
    pick = text_for or cycle_text()
    namer = _Namer()
    with world.lock:
        world.all_disks()
        for coll, fields in FIELDS.items():
            for i, obj in enumerate(world.coll.get(coll, {}).values()):
                _poison(obj, coll, fields, i, pick, namer)
        _poison_images(world, pick)
        if cloud_init:
            _poison_cloud_init(world, pick)
        # items already generated, then every later generation
        counters: dict[tuple[str, str], int] = {}
        for (pcoll, _pid, name), items in list(world._subs.items()):
            sub_fields = SUB_FIELDS.get((pcoll, name))
            if sub_fields:
                for obj in items:
                    k = counters[(pcoll, name)] = counters.get((pcoll, name), -1) + 1
                    _poison(obj, f"{pcoll}/{name}", sub_fields, k, pick, _Namer())
        for key, fields in SUB_FIELDS.items():
            gen = world.sub_generators.get(key)
            if gen is not None:
                world.sub_generators[key] = _poisoned_generator(gen, key, fields, pick)
        if product:
            world.hostile_product = {
                "name": pick("api", "name", 0) or "",
                "vendor": pick("api", "vendor", 1) or "",
                "full_version": pick("api", "full_version", 2) or "",
            }
            _install_product_hook()


def _poison_images(world: Any, pick: TextFor) -> None:
    """The image providers' images (kept on the provider, not in a collection)."""
    namer = _Namer()
    k = 0
    for prov in world.coll.get("openstackimageproviders", {}).values():
        for img in getattr(prov, "_sim_images", None) or []:
            _poison(img, "openstackimages", ("name",), k, pick, namer)
            k += 1


def _poison_cloud_init(world: Any, pick: TextFor) -> None:
    """Every VM's cloud-init settings, and one configured NIC named with hostile text."""
    from ovirtsdk4 import types as T

    from ovtui.sim import xmlcache
    from ovtui.sim.records import mk

    for i, vm in enumerate(world.coll.get("vms", {}).values()):
        init = vm.initialization
        if init is None:
            init = vm.initialization = mk(T.Initialization)
        for k, field in enumerate(INIT_FIELDS):  # each row a different string
            text = pick("initialization", field, i + k)
            if text is not None:
                setattr(init, field, text)
        init.custom_script = pick("initialization", "custom_script", i)
        nic_name = pick("initialization", "nic", i + 1)
        if nic_name is not None:
            init.nic_configurations = [
                mk(T.NicConfiguration, name=nic_name, boot_protocol=T.BootProtocol.DHCP)
            ]
        xmlcache.touch(vm)


def _poisoned_generator(
    gen: Callable, key: tuple[str, str], fields: tuple[str, ...], pick: TextFor
) -> Callable:
    def generate(parent: Any, rng: Any) -> list[Any]:
        items = gen(parent, rng)
        namer = _Namer()
        for k, obj in enumerate(items):
            _poison(obj, f"{key[0]}/{key[1]}", fields, k, pick, namer)
        return items

    return generate


_hook_lock = threading.Lock()


def _xml_text(text: str) -> str:
    return escape(text).replace("\r", "&#13;")


def _install_product_hook() -> None:
    """The API root's product info is built in ``routes.api_root``; a world that carries
    ``hostile_product`` gets it there (other worlds are untouched)."""
    from ovtui.sim import routes

    with _hook_lock:
        if getattr(routes.api_root, "_hostile", False):
            return
        original = routes.api_root

        def api_root(world: Any, user: str) -> str:
            text = original(world, user)
            prod = getattr(world, "hostile_product", None)
            if not prod:
                return text
            for tag, old in (
                ("name", "oVirt Engine"),
                ("vendor", "ovirt.org"),
                ("full_version", "4.5.4-1.el8"),
            ):
                text = text.replace(
                    f"<{tag}>{old}</{tag}>", f"<{tag}>{_xml_text(prod[tag])}</{tag}>", 1
                )
            return text

        api_root._hostile = True  # type: ignore[attr-defined]
        routes.api_root = api_root
