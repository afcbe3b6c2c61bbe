"""The simulator's record store: every engine object, by collection, and its lookups.

Records are plain ``ovirtsdk4.types`` objects so that the SDK's own writers render them.
Sub-collections (nics, disks, snapshots, ...) are made on first use by the generator
registered for them in ``sub_generators`` (``(parent, rng) -> items``), from an RNG seeded by
(world seed, parent id, sub-collection name), so they do not depend on the order of reads.
What fills the store is ``ovtui.sim.seed``; ``ovtui.sim.world.World`` puts the two together.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import uuid
from collections.abc import Callable
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim.clock import Clock, SystemClock

GiB = 1024**3

# kind -> top-level collection name
KIND_COLLECTION = {
    "vm": "vms",
    "host": "hosts",
    "cluster": "clusters",
    "datacenter": "datacenters",
    "storagedomain": "storagedomains",
    "template": "templates",
    "disk": "disks",
    "network": "networks",
    "vnicprofile": "vnicprofiles",
    "event": "events",
    "job": "jobs",
    "tag": "tags",
    "user": "users",
    "group": "groups",
    "operatingsystem": "operatingsystems",
}

SubGenerator = Callable[[Any, random.Random], list[Any]]


class RecordStore:
    """All engine state. Mutate only while holding ``lock``."""

    def __init__(self, seed: int = 0, clock: Clock | None = None) -> None:
        self.lock = threading.RLock()
        self.clock: Clock = clock or SystemClock()
        self.seed = seed
        self.rng = random.Random(seed)
        self.started = self.clock.time()
        self.coll: dict[str, dict[str, Any]] = {name: {} for name in KIND_COLLECTION.values()}
        self.coll["affinitygroups"] = {}
        self.coll["permissions"] = {}
        self.coll["snapshots"] = {}
        for name in ("quotas", "macpools", "affinitylabels", "schedulingpolicies"):
            self.coll[name] = {}  # sim/catalog_machine's
        self.coll["schedulingpolicyunits"] = {}
        self._subs: dict[tuple[str, str, str], list[Any]] = {}
        self.sub_generators: dict[tuple[str, str], SubGenerator] = {}
        self.next_event_id = 1000
        self.status_log: dict[str, list[str]] = {}
        self.mac_counter = 0
        self.ip_counter = 10
        self.disks_complete = False
        self.mac_allocator: Callable[[str], str] | None = None  # see mac_for_vm

    def now(self) -> dt.datetime:
        """The engine's current time (the injected clock)."""
        return self.clock.now()

    def new_id(self, rng: random.Random | None = None) -> str:
        r = rng or self.rng
        return str(uuid.UUID(int=r.getrandbits(128), version=4))

    def sub_rng(self, parent_id: str, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{parent_id}:{name}")

    def next_mac(self) -> str:
        self.mac_counter += 1
        n = self.mac_counter
        return (
            f"56:6f:{(n >> 24) & 255:02x}:{(n >> 16) & 255:02x}:{(n >> 8) & 255:02x}:{n & 255:02x}"
        )

    def mac_for_vm(self, vm_id: str) -> str:
        """A MAC for a new NIC of the VM: from its cluster's MAC pool once the machines are
        there (sim/catalog_machine sets ``mac_allocator``), else the next of the sequence."""
        return self.mac_allocator(vm_id) if self.mac_allocator else self.next_mac()

    def next_ip(self) -> str:
        self.ip_counter += 1
        n = self.ip_counter
        return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def get(self, coll: str, obj_id: str) -> Any | None:
        return self.coll.get(coll, {}).get(obj_id)

    def log_status(self, obj_id: str, status: Any) -> None:
        """Record a status change of an object (the state machines call this)."""
        self.status_log.setdefault(obj_id, []).append(getattr(status, "value", str(status)))

    def status_path(self, obj_id: str) -> list[str]:
        """Every status the object went through since the world started, in order."""
        with self.lock:
            return list(self.status_log.get(obj_id, []))

    def find(self, kind: str, name: str) -> Any:
        """The object of ``kind`` (``vm``, ``host``...) named ``name``; KeyError if none."""
        coll = KIND_COLLECTION.get(kind, kind)
        if kind == "disk":
            self.all_disks()
        with self.lock:
            for obj in self.coll[coll].values():
                if getattr(obj, "name", None) == name:
                    return obj
        raise KeyError(f"no {kind} named {name!r}")

    def name_of(self, coll: str, obj_id: str | None) -> str | None:
        if obj_id is None:
            return None
        obj = self.get(coll, obj_id)
        return getattr(obj, "name", None) if obj else None

    def sub(self, coll: str, parent: Any, name: str) -> list[Any] | None:
        """Items of sub-collection ``name`` of ``parent`` (generated on first use)."""
        key = (coll, parent.id, name)
        items = self._subs.get(key)
        if items is None:
            gen = self.sub_generators.get((coll, name))
            if gen is None:
                return None
            items = gen(parent, self.sub_rng(parent.id, name))
            self._subs[key] = items
        return items

    def sub_items(self, coll: str, parent: Any, name: str) -> list[Any]:
        """``sub()`` of a sub-collection that every record of ``coll`` has (KeyError if not):
        for the verbs that change it in place."""
        items = self.sub(coll, parent, name)
        if items is None:
            raise KeyError(f"{coll} have no sub-collection {name!r}")
        return items

    def made_sub(self, coll: str, parent_id: str, name: str) -> list[Any] | None:
        """A sub-collection's items if they were made already (None: not yet; none made)."""
        return self._subs.get((coll, parent_id, name))

    def set_sub(self, coll: str, parent_id: str, name: str, items: list[Any]) -> None:
        self._subs[(coll, parent_id, name)] = items

    def drop_subs(self, coll: str, parent_id: str) -> None:
        for key in [k for k in self._subs if k[0] == coll and k[1] == parent_id]:
            del self._subs[key]

    def all_disks(self) -> dict[str, Any]:
        """Every disk; forces generation of every VM's and template's disks once."""
        with self.lock:
            if not self.disks_complete:
                for vm in list(self.coll["vms"].values()):
                    self.sub("vms", vm, "diskattachments")
                for tpl in list(self.coll["templates"].values()):
                    self.sub("templates", tpl, "diskattachments")
                self.disks_complete = True
            return self.coll["disks"]

    def vms_on_host(self, host_id: str) -> list[T.Vm]:
        return [v for v in self.coll["vms"].values() if v.host is not None and v.host.id == host_id]

    def host_used_memory(self, host_id: str) -> int:
        return sum(v.memory or 0 for v in self.vms_on_host(host_id))

    def host_free_memory(self, host: T.Host) -> int:
        return (host.memory or 0) - self.host_used_memory(host.id) - 2 * GiB

    def cluster_dc(self, cluster_id: str) -> T.DataCenter:
        cl = self.coll["clusters"][cluster_id]
        return self.coll["datacenters"][cl.data_center.id]

    def data_domains(self, dc_id: str) -> list[T.StorageDomain]:
        return [
            sd
            for sd in self.coll["storagedomains"].values()
            if sd.type == T.StorageDomainType.DATA
            and sd.data_centers
            and sd.data_centers[0].id == dc_id
        ]

    def resize_lun(self, sd_name: str, lun_id: str, size: int) -> None:
        """Grow a LUN on the (simulated) storage server; ``refreshluns`` makes the engine see it."""
        with self.lock:
            sd = self.find("storagedomain", sd_name)
            vg = sd.storage.volume_group if sd.storage is not None else None
            for lu in (vg.logical_units if vg is not None else None) or []:
                if lu.id == lun_id:
                    lu._sim_device_size = size
                    return
            raise KeyError(f"no LUN {lun_id!r} in storage domain {sd_name!r}")
