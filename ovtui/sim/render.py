"""XML rendering: the SDK's writers, plus the ``<actions>`` and ``<link rel>`` an engine adds.

Each entity is rendered on its own, so a page costs only its rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from xml.sax.saxutils import quoteattr

from ovirtsdk4 import types as T
from ovirtsdk4 import writers

from ovtui.sim import fastxml
from ovtui.xmlwriter import XmlWriter

XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Action verbs and sub-collection rels per element, as a 4.5 engine publishes them
# (taken from shared/conformance/engine-recordings).
ACTIONS: dict[str, list[str]] = {
    "vm": "detach export commitsnapshot clone reordermacaddresses logon maintenance previewsnapshot ticket thawfilesystems undosnapshot freezefilesystems cancelmigration reboot reset migrate shutdown start stop suspend".split(),
    "host": "refresh install activate deactivate upgrade unregisteredstoragedomainsdiscover upgradecheck syncallnetworks setupnetworks approve commitnetconfig enrollcertificate fence forceselectspm iscsidiscover iscsilogin".split(),
    "cluster": ["resetemulatedmachine", "upgrade", "syncallnetworks"],
    "data_center": ["setmaster", "cleanfinishedtasks"],
    "disk": ["reduce", "copy", "export", "move", "sparsify", "refreshlun"],
    "storage_domain": ["isattached", "reduceluns", "updateovfstore", "refreshluns"],
    "attached_storage_domain": ["activate", "deactivate"],
    "template": ["export"],
    "nic": ["activate", "deactivate"],
    "snapshot": ["restore"],
    "job": ["clear", "end"],
    "graphics_console": ["remoteviewerconnectionfile", "ticket"],
}
LINKS: dict[str, list[str]] = {
    "vm": "applications cdroms diskattachments watchdogs graphicsconsoles hostdevices nics numanodes sessions reporteddevices snapshots backups affinitylabels katelloerrata permissions tags statistics".split(),
    "host": "fenceagents devices hooks nics numanodes storage networkattachments storageconnectionextensions unmanagednetworks externalnetworkproviderconfigurations affinitylabels katelloerrata permissions tags statistics".split(),
    "cluster": "affinitygroups glusterhooks glustervolumes enabledfeatures externalnetworkproviders cpuprofiles networkfilters networks permissions".split(),
    "data_center": "clusters networks quotas qoss iscsibonds storagedomains permissions".split(),
    "disk": ["permissions", "statistics"],
    "host_nic": [
        "linklayerdiscoveryprotocolelements",
        "networklabels",
        "networkattachments",
        "statistics",
    ],
    "network": ["networklabels", "permissions", "vnicprofiles"],
    "nic": ["reporteddevices", "networkfilterparameters", "statistics"],
    "snapshot": ["cdroms", "disks", "nics"],
    "storage_domain": "disks diskprofiles disksnapshots storageconnections permissions templates vms images files".split(),
    "template": "cdroms diskattachments watchdogs graphicsconsoles nics permissions tags".split(),
    "vnic_profile": ["permissions"],
    "job": ["steps"],
    "affinity_group": ["vms", "hosts"],
    "user": "groups permissions roles sshpublickeys tags eventsubscriptions options".split(),
}


def writer_for(obj: Any) -> Any:
    return getattr(writers, type(obj).__name__ + "Writer")


def write_plain(obj: Any, tag: str) -> str:
    """The SDK writer's rendering of ``obj`` as element ``tag`` (no additions), through the
    writers translated by ``fastxml`` (byte for byte what ``write_plain_sdk`` writes)."""
    return fastxml.write(obj, tag)


def write_plain_sdk(obj: Any, tag: str) -> str:
    """``write_plain`` by the SDK's own writer driving ``ovtui.xmlwriter`` (slower)."""
    xw = XmlWriter(None, indent=True)
    try:
        writer_for(obj).write_one(obj, xw, tag)
        return xw.string()
    finally:
        xw.close()


# follow(obj, tag, rel, nested) -> inline XML for the followed sub-collection (or None)
FollowFn = Callable[[Any, str, str, list[str]], "str | None"]


def entity(
    obj: Any,
    tag: str,
    *,
    actions_tag: str | None = None,
    follow: list[str] | None = None,
    follow_fn: FollowFn | None = None,
) -> str:
    """One entity with its actions, links, and followed sub-collections inlined."""
    text = write_plain(obj, tag).rstrip("\n")
    base = obj.href
    extra: list[str] = []
    if base:
        acts = ACTIONS.get(actions_tag or tag, [])
        if actions_tag == "attached_storage_domain":
            acts = ACTIONS["storage_domain"] + acts
        if acts:
            extra.append("<actions>")
            extra.extend(_links(base, acts))
            extra.append("</actions>")
        followed: dict[str, list[str]] = {}
        for f in follow or []:
            head, _, rest = f.partition(".")
            followed.setdefault(head.replace("_", ""), [])
            if rest:
                followed[head.replace("_", "")].append(rest)
        if not followed:
            extra.extend(_links(base, LINKS.get(tag, [])))
        for rel in LINKS.get(tag, []) if followed else []:
            if rel in followed and follow_fn is not None:
                inline = follow_fn(obj, tag, rel, followed[rel])
                if inline is not None:
                    extra.append(inline)
                    continue
            extra.append(_link(base, rel))
    if not extra:
        return text
    if text.endswith("/>") and "\n" not in text:
        return text[:-2] + ">" + "".join(extra) + f"</{tag}>"
    cut = text.index(">") + 1
    return text[:cut] + "\n" + "\n".join(extra) + text[cut:]


def _link(base: str, rel: str) -> str:
    return f'<link href={quoteattr(base + "/" + rel)} rel="{rel}"/>'


_BASE = "\x00"  # where the quoted base goes in a block of links (rels are fixed words)
_LINK_BLOCKS: dict[tuple[str, ...], str] = {}


def _links(base: str, rels: list[str]) -> list[str]:
    """``_link`` for each of ``rels`` (fixed words), as one string of lines."""
    if not rels:
        return []
    quoted = quoteattr(base)
    if quoted[0] != '"':  # a double quote in the href: quote each link on its own
        return [_link(base, rel) for rel in rels]
    key = tuple(rels)
    block = _LINK_BLOCKS.get(key)
    if block is None:
        block = "\n".join(f'<link href={_BASE}/{rel}" rel="{rel}"/>' for rel in rels)
        _LINK_BLOCKS[key] = block
    return [block.replace(_BASE, quoted[:-1])]


def collection(items: Iterable[str], plural: str) -> str:
    """A collection element from already rendered entity strings."""
    body = "\n".join(items)
    if not body:
        return f"<{plural}/>"
    return f"<{plural}>\n{body}\n</{plural}>"


def document(body: str) -> bytes:
    return (XML_DECL + body + "\n").encode("utf-8")


def fault(reason: str, detail: str) -> bytes:
    return document(write_plain(T.Fault(reason=reason, detail=detail), "fault"))


def action_result(status: str, job: Any = None, extra: Any = None) -> bytes:
    act = T.Action(status=status)
    if job is not None:
        act.job = T.Job(id=job.id)
        act.job.href = job.href
    if extra is not None:
        for k, v in extra.items():
            setattr(act, k, v)
    return document(write_plain(act, "action"))
