"""The estate machine: data centers, clusters, logical networks, cluster networks, vNIC
profiles and iSCSI discovery, validated as the engine's commands validate them.

Wordings are the engine's (AppErrors.properties of oVirt/ovirt-engine: ``Cannot ${action}
${type}. ...`` with the command's action and type words); events are the engine's audit log
codes (AuditLogType) with its message; every write records a job under the request's
correlation id. Multi-line engine messages (``\\n-Please ...``) are joined with a space.

A cluster's networks: a cluster made here records which networks are attached to it, with
their roles (``_sim_networks``: network id -> (required, usages)); a seeded cluster that
never had a network attached or detached has every network of its data center, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ovirtsdk4 import types as T

from ovtui.sim import events as ev
from ovtui.sim import levels, render, xmlcache
from ovtui.sim.estate_views import MGMT_NETWORK, MGMT_ROLES, cluster_network_roles, cluster_networks
from ovtui.sim.httptypes import HttpError, Response, conflict
from ovtui.sim.machine_base import HS, SDS, VS, Ctx, MachineBase, RouteParts, parse_body
from ovtui.sim.records import (
    DEFAULT_MAC_POOL_ID,
    NONE_POLICY_ID,
    href,
    make_cluster,
    mk,
    ref,
    set_private,
)

if TYPE_CHECKING:
    from ovtui.sim.httptypes import Request

# compatibility versions the engine supports (sim/levels: /clusterlevels)
COMPAT_VERSIONS: tuple[tuple[int, int], ...] = tuple(
    (int(v.split(".")[0]), int(v.split(".")[1])) for v in levels.LEVELS
)


def cpu_types(version: tuple[int, int]) -> list[str]:
    """The CPU type names a cluster of ``version`` may have (its cluster level's)."""
    return [c.name for c in levels.cluster_level(f"{version[0]}.{version[1]}").cpu_types or []]


# the roles a network has in a cluster; display, migration and default_route belong to one
# network of a cluster at a time (setting one moves it)
EXCLUSIVE_ROLES = (
    T.NetworkUsage.DISPLAY,
    T.NetworkUsage.MIGRATION,
    T.NetworkUsage.DEFAULT_ROUTE,
    T.NetworkUsage.MANAGEMENT,
)
MAC_POOL_ID = DEFAULT_MAC_POOL_ID
POLICY_IDS = {
    "none": NONE_POLICY_ID,
    "evenly_distributed": "20d25257-b4bd-4589-92a6-c4c5c5d3fd1a",
    "power_saving": "5a2b0939-7d46-4b73-a469-e9c2c7fc6a53",
    "vm_evenly_distributed": "8d5d7bec-68de-4a67-b53e-0ac54686d579",
    "cluster_maintenance": "7677771e-5eab-422e-83fa-dc04080d21b7",
}
MIGRATION_POLICY_IDS = {
    "minimal_downtime": "80554327-0569-496b-bdeb-fcbbf52b827b",
    "post_copy": "a7aeedb2-8d66-4e51-bb22-32595027ce71",
    "suspend_workload": "80554327-0569-496b-bdeb-fcbbf52b827c",
    "legacy": "00000000-0000-0000-0000-000000000000",
}


def version_pair(v: Any) -> tuple[int, int] | None:
    if v is None or v.major is None:
        return None
    return (int(v.major), int(v.minor or 0))


def _v(pair: tuple[int, int]) -> T.Version:
    return mk(T.Version, major=pair[0], minor=pair[1])


def _one_line(text: str) -> str:
    return " ".join(p.strip() for p in text.split("\n"))


class EstateMachine(MachineBase):
    """Data centers, clusters, networks, cluster networks, vNIC profiles, iSCSI discovery."""

    if TYPE_CHECKING:  # from Crud (the same Machines object)

        def _merge(self, dst: Any, src: Any, skip: frozenset[str] = frozenset()) -> None: ...
        def _updated(self, node: Any) -> Any: ...

    def routes_estate(self) -> RouteParts:
        return RouteParts(
            verbs={
                ("host", "iscsidiscover"): self.host_iscsi_discover,
                ("host", "discoveriscsi"): self.host_iscsi_discover,
                ("host", "unregisteredstoragedomainsdiscover"): self.host_unregistered_domains,
            },
            adders={
                ("data_center", None): self._add_dc,
                ("cluster", None): self._add_cluster,
                ("network", None): self._add_network,
                ("network", "cluster"): self._attach_cluster_network,
                ("vnic_profile", None): self._add_vnic_profile,
            },
            updaters={
                ("data_center", None): self._update_dc,
                ("network", None): self._update_network,
                ("network", "cluster"): self._update_cluster_network,
            },
            removers={
                ("data_center", None): self._remove_dc,
                ("cluster", None): self._remove_cluster,
                ("network", None): self._remove_network,
                ("network", "cluster"): self._detach_cluster_network,
                ("vnic_profile", None): self._remove_vnic_profile,
            },
        )

    # ----------------------------------------------------------------- helpers
    def _text_event(self, code: int, text: str, cid: str | None, **kw: Any) -> Any:
        event = ev.emit(self.world, code, correlation_id=cid, **kw)
        event.description = text
        return event

    def _one_job(self, cid: str | None, description: str, fn: Callable[[], None]) -> None:
        """A synchronous engine command: its job starts, ``fn`` runs, the job ends."""
        job = ev.start_job(self.world, description, cid)
        fn()
        ev.end_job(self.world, job)

    def _by(self, coll: str, r: Any, what: str) -> Any:
        """The object a reference names (id or name); 404 as the engine's REST layer says it."""
        if r is None or not (r.id or r.name):
            return None
        if r.id:
            obj = self.world.get(coll, r.id)
        else:
            obj = next((o for o in self.world.coll[coll].values() if o.name == r.name), None)
        if obj is None:
            key, val = ("id", r.id) if r.id else ("name", r.name)
            raise HttpError(404, f"Entity not found: {what}: {key}={val}")
        return obj

    @staticmethod
    def _missing(kind: str, obj: Any, fields: list[tuple[str, Any]]) -> None:
        missing = [name for name, val in fields if val in (None, "")]
        if missing:
            raise HttpError(
                400, f"{kind} [{', '.join(missing)}] required for add", "Incomplete parameters"
            )

    def _name_free(self, coll: str, name: str | None, refusal: str, current: Any = None) -> None:
        """409 ``refusal`` when another object of ``coll`` is named ``name`` (an add's name,
        or an edit's new name: ``current``, the object edited, may keep its own)."""
        if not name or (current is not None and name == current.name):
            return
        if any(o.name == name for o in self.world.coll[coll].values()):
            raise conflict(refusal)

    def _dc_clusters(self, dc: Any) -> list[Any]:
        return [
            c
            for c in self.world.coll["clusters"].values()
            if c.data_center is not None and c.data_center.id == dc.id
        ]

    def _dc_domains(self, dc: Any) -> list[Any]:
        return [
            sd
            for sd in self.world.coll["storagedomains"].values()
            if sd.data_centers and sd.data_centers[0].id == dc.id
        ]

    def _created(self, obj: Any, tag: str) -> Response:
        return Response(
            201, render.document(render.entity(obj, tag)), headers={"Location": obj.href}
        )

    # ------------------------------------------------------------ data centers
    def _add_dc(self, req: Request, node: Any) -> Response:
        """AddEmptyStoragePool: an uninitialized data center with the management network
        and its vNIC profile (event 950 USER_ADD_STORAGE_POOL)."""
        w = self.world
        dc_in = parse_body(req.body, T.DataCenter)
        self._missing("DataCenter", dc_in, [("name", dc_in.name), ("local", dc_in.local)])
        pre = "Cannot create Data Center."
        self._name_free("datacenters", dc_in.name, f"{pre} The Data Center name is already in use.")
        version = version_pair(dc_in.version) or COMPAT_VERSIONS[-1]
        if version not in COMPAT_VERSIONS:
            raise conflict(f"{pre} Selected Compatibility Version is not supported.")
        dc_id = w.new_id()
        dc = mk(
            T.DataCenter,
            id=dc_id,
            href=href("datacenters", dc_id),
            name=dc_in.name,
            description=dc_in.description or "",
            comment=dc_in.comment or "",
            local=bool(dc_in.local),
            quota_mode=dc_in.quota_mode or T.QuotaModeType.DISABLED,
            status=T.DataCenterStatus.UNINITIALIZED,
            storage_format=T.StorageFormat.V5,
            version=_v(version),
            supported_versions=[_v(p) for p in COMPAT_VERSIONS if p >= version],
            mac_pool=ref(T.MacPool, "macpools", MAC_POOL_ID),
        )
        w.log_status(dc_id, dc.status)

        def add() -> None:
            w.coll["datacenters"][dc_id] = dc
            self._new_network(dc, MGMT_NETWORK, "Management Network", vm=True, required=True)
            quota = str(getattr(dc.quota_mode, "value", "disabled")).upper()
            self._text_event(
                950,
                f"Data Center {dc.name}, Compatibility Version {version[0]}.{version[1]} and "
                f"Quota Type {quota} was added by admin@internal",
                req.correlation_id,
                dc=dc,
            )

        self._one_job(req.correlation_id, f"Adding new Data Center {dc.name}", add)
        return self._created(dc, "data_center")

    def _update_dc(self, req: Request, node: Any) -> Response:
        """UpdateStoragePool: name, description, quota mode, local and the compatibility
        version (never lowered, never above a cluster's) (event 952)."""
        dc = node.obj
        dc_in = parse_body(req.body, T.DataCenter)
        pre = "Cannot edit Data Center."
        self._name_free(
            "datacenters", dc_in.name, f"{pre} The Data Center name is already in use.", dc
        )
        new = version_pair(dc_in.version)
        old = version_pair(dc.version) or COMPAT_VERSIONS[-1]
        if new is not None and new != old:
            if new not in COMPAT_VERSIONS:
                raise conflict(f"{pre} Selected Compatibility Version is not supported.")
            if new < old:
                raise conflict("Cannot decrease data center compatibility version.")
            lower = [
                c.name for c in self._dc_clusters(dc) if (version_pair(c.version) or old) < new
            ]
            if lower:
                raise conflict(
                    "Cannot update Data Center compatibility version to a value that is greater "
                    f"than its cluster's version. The following clusters should be upgraded: "
                    f"{', '.join(sorted(lower))}."
                )
        if dc_in.local is not None and dc_in.local != dc.local and not dc_in.local:
            if any(
                sd.storage is not None and sd.storage.type == T.StorageType.LOCALFS
                for sd in self._dc_domains(dc)
            ):
                raise conflict(
                    "Cannot change Data Center type to shared while local Storage Domains are "
                    "still attached to it. -Please detach all local Storage Domains and retry."
                )

        def apply() -> None:
            self._merge(
                dc, dc_in, skip=frozenset({"version", "supported_versions", "storage_format"})
            )
            if new is not None:
                dc.version = _v(new)
                dc.supported_versions = [_v(p) for p in COMPAT_VERSIONS if p >= new]
            self._text_event(
                952,
                f"Data Center {dc.name} was updated by admin@internal",
                req.correlation_id,
                dc=dc,
            )

        self._one_job(req.correlation_id, f"Editing Data Center {dc.name}", apply)
        return self._updated(node)

    def _remove_dc(self, req: Request, node: Any) -> Response:
        """RemoveStoragePool, validated as the engine does (``force`` skips the one-domain
        rule and needs every host of the data center in maintenance). Its networks and
        vNIC profiles go with it. A data center that still has clusters is refused: the
        engine leaves them without a data center, which the simulator does not model."""
        w = self.world
        dc = node.obj
        force = req.flag("force")
        if dc.status == T.DataCenterStatus.UP or any(
            sd.master and sd._sim_dc_status == SDS.ACTIVE for sd in self._dc_domains(dc)
        ):
            # ERROR_CANNOT_REMOVE_ACTIVE_STORAGE_POOL
            raise conflict("Cannot remove an active Data Center.")
        domains = self._dc_domains(dc)
        if any(sd._sim_dc_status != SDS.MAINTENANCE for sd in domains):
            # ERROR_CANNOT_REMOVE_POOL_WITH_ACTIVE_DOMAINS
            raise conflict(
                "Cannot remove Data Center which contains Storage Domains that are not in "
                "Maintenance status. -Please deactivate all domains and wait for tasks to finish "
                "before removing the Data Center."
            )
        clusters = self._dc_clusters(dc)
        hosts = [h for h in w.coll["hosts"].values() if any(h.cluster.id == c.id for c in clusters)]
        if not force and len(domains) > 1:
            raise conflict(
                "Cannot remove Data Center when more than one Storage Domain is attached."
            )
        if force and any(h.status != HS.MAINTENANCE for h in hosts):
            # ERROR_CANNOT_FORCE_REMOVE_STORAGE_POOL_WITH_VDS_NOT_IN_MAINTENANCE
            raise conflict(
                "Cannot remove Data Center while there are Hosts that are not in Maintenance mode."
            )
        if clusters:
            raise conflict(
                "Cannot remove Data Center. This operation is not supported while it has "
                f"clusters (the simulator does not model clusters without a data center): "
                f"{', '.join(sorted(c.name for c in clusters))}."
            )

        def remove() -> None:
            for net in [n for n in w.coll["networks"].values() if n.data_center.id == dc.id]:
                self._drop_network(net)
            for sd in domains:  # the master is formatted, the others detached
                sd.data_centers = []
                set_private(sd, _sim_dc_status=SDS.UNATTACHED)
                sd.master = False
                xmlcache.touch(sd)
            del w.coll["datacenters"][dc.id]
            w.drop_subs("datacenters", dc.id)
            code, how = (918, "forcibly removed") if force else (954, "removed")
            self._text_event(
                code, f"Data Center {dc.name} was {how} by admin@internal", req.correlation_id
            )

        self._one_job(req.correlation_id, f"Removing Data Center {dc.name}", remove)
        return Response(200, b"")

    # ---------------------------------------------------------------- clusters
    def _cpu_ok(self, name: str | None, version: tuple[int, int]) -> bool:
        return name is None or name in cpu_types(version)

    def _add_cluster(self, req: Request, node: Any) -> Response:
        """AddCluster: in a data center, with a CPU type of its level; the data center's
        management network is attached with every role (event 809 USER_ADD_CLUSTER)."""
        w = self.world
        cl_in = parse_body(req.body, T.Cluster)
        dc_ref = cl_in.data_center
        self._missing(
            "Cluster",
            cl_in,
            [
                ("name", cl_in.name),
                ("dataCenter.name|id", (dc_ref.id or dc_ref.name) if dc_ref else None),
            ],
        )
        dc = self._by("datacenters", dc_ref, "DataCenter")
        pre = "Cannot create Cluster."
        self._name_free("clusters", cl_in.name, f"{pre} Cluster name is already in use.")
        dc_version = version_pair(dc.version) or COMPAT_VERSIONS[-1]
        version = version_pair(cl_in.version) or dc_version
        if version not in COMPAT_VERSIONS:
            raise conflict(f"{pre} Selected Compatibility Version is not supported.")
        if version < dc_version:
            raise conflict(
                "Cannot add Cluster with Compatibility Version that is lower than the Data Center "
                "Compatibility Version. -Please upgrade your Cluster to a later Compatibility "
                "version first."
            )
        cpu_type = cl_in.cpu.type if cl_in.cpu is not None else None
        if not self._cpu_ok(cpu_type, version):
            raise conflict(f"{pre} The chosen CPU is not supported.")
        if dc.local and self._dc_clusters(dc):
            raise conflict(
                'Cannot add more than one Cluster to a Data Center with "Local Storage".'
            )
        mgmt = next(
            (
                n
                for n in w.coll["networks"].values()
                if n.data_center.id == dc.id and n.name == MGMT_NETWORK
            ),
            None,
        )
        if mgmt is None:
            # ACTION_TYPE_FAILED_DEFAULT_MANAGEMENT_NETWORK_NOT_FOUND
            raise conflict(
                f"{pre} No single suitable network was found to serve as the management network."
            )
        cid = w.new_id()
        cl = make_cluster(
            cid,
            cl_in.name,
            dc.id,
            description=cl_in.description or "",
            comment=cl_in.comment or "",
            cpu_type=cpu_type,
            version=version,
            migration_policy_id=MIGRATION_POLICY_IDS["minimal_downtime"],
        )
        self._apply_cluster_fields(cl, cl_in)
        set_private(cl, _sim_networks={mgmt.id: (True, [*MGMT_ROLES, T.NetworkUsage.VM])})

        def add() -> None:
            w.coll["clusters"][cid] = cl
            self._text_event(
                809, f"Cluster {cl.name} was added by admin@internal", req.correlation_id,
                cluster=cl, dc=dc,
            )  # fmt: skip

        self._one_job(req.correlation_id, f"Adding Cluster {cl.name}", add)
        return self._created(cl, "cluster")

    def _apply_cluster_fields(self, cl: Any, cl_in: Any) -> None:
        """What a cluster add / update sets besides name, data center, CPU and version."""
        self._merge(
            cl,
            cl_in,
            skip=frozenset(
                {"name", "data_center", "cpu", "version", "scheduling_policy", "migration"}
            ),
        )
        if cl_in.name:
            cl.name = cl_in.name
        sp = cl_in.scheduling_policy
        if sp is not None and (sp.id or sp.name):
            known = self.world.coll.get("schedulingpolicies") or {}
            by_name = {p.name: p.id for p in known.values()} or POLICY_IDS
            pid = sp.id or by_name.get(sp.name or "")
            if pid not in (set(known) or set(POLICY_IDS.values())):
                what = f"id={sp.id}" if sp.id else f"name={sp.name}"
                raise HttpError(404, f"Entity not found: SchedulingPolicy: {what}")
            cl.scheduling_policy = ref(T.SchedulingPolicy, "schedulingpolicies", pid)
        mig = cl_in.migration
        if mig is not None:
            pol = mig.policy
            if pol is not None and (pol.id or pol.name):
                pid = pol.id or MIGRATION_POLICY_IDS.get(pol.name or "")
                if pid not in MIGRATION_POLICY_IDS.values():
                    raise conflict("Cannot edit Cluster. Migration policy does not exist.")
            if cl.migration is None:
                cl.migration = T.MigrationOptions()
            self._merge(cl.migration, mig, skip=frozenset({"policy"}))
            if pol is not None and (pol.id or pol.name):
                cl.migration.policy = mk(T.MigrationPolicy, id=pid)
        xmlcache.touch(cl)

    def check_cluster_update(self, cl: Any, cl_in: Any) -> None:
        """UpdateCluster's own refusals: the data center never changes, the compatibility
        version is one the engine has, not lowered with hosts nor below the data center's,
        the CPU type is of the cluster's level and changes only with every host in
        maintenance. (``PUT /clusters/ID`` is routed by sim/catalog_machine, which should
        call this first.)"""
        w = self.world
        pre = "Cannot edit Cluster."
        self._name_free("clusters", cl_in.name, f"{pre} Cluster name is already in use.", cl)
        dc_ref = cl_in.data_center
        if dc_ref is not None and (dc_ref.id or dc_ref.name):
            dc = self._by("datacenters", dc_ref, "DataCenter")
            if cl.data_center is None or dc.id != cl.data_center.id:
                raise conflict("Cannot change Data Center association when editing a Cluster.")
        hosts = [h for h in w.coll["hosts"].values() if h.cluster.id == cl.id]
        new = version_pair(cl_in.version)
        old = version_pair(cl.version) or COMPAT_VERSIONS[-1]
        if new is not None and new != old:
            if new not in COMPAT_VERSIONS:
                raise conflict(f"{pre} Selected Compatibility Version is not supported.")
            dc = w.get("datacenters", cl.data_center.id)
            if new < old and hosts:
                raise conflict(
                    "Cluster compatibility version can't be decreased if there are hosts in the "
                    "Cluster."
                )
            if dc is not None and new < (version_pair(dc.version) or new):
                raise conflict(
                    "Cannot decrease cluster compatibility version beneath data center "
                    "compatibility version."
                )
        cpu_type = cl_in.cpu.type if cl_in.cpu is not None else None
        if cpu_type is not None and cpu_type != (cl.cpu.type if cl.cpu else None):
            if not self._cpu_ok(cpu_type, new or old):
                raise conflict(f"{pre} The chosen CPU is not supported.")
            if any(h.status != HS.MAINTENANCE for h in hosts):
                raise conflict(
                    "Cannot change Cluster CPU type unless all Hosts attached to this Cluster "
                    "are in Maintenance."
                )

    def _remove_cluster(self, req: Request, node: Any) -> Response:
        """RemoveCluster: refused while hosts, VMs or templates are in it (every reason the
        engine finds, together); event 813 USER_REMOVE_CLUSTER."""
        w = self.world
        cl = node.obj
        pre = "Cannot remove Cluster."
        reasons = []
        if any(h.cluster.id == cl.id for h in w.coll["hosts"].values()):
            reasons.append(f"{pre} Cluster contains one or more Hosts")
        if any(v.cluster.id == cl.id for v in w.coll["vms"].values()):
            reasons.append(f"{pre} One or more VMs are still assigned to the Cluster")
        if any(
            t.cluster is not None and t.cluster.id == cl.id for t in w.coll["templates"].values()
        ):
            reasons.append(f"{pre} One or more Template(s) are still associated with the Cluster")
        if reasons:
            raise conflict(", ".join(reasons))

        def remove() -> None:
            del w.coll["clusters"][cl.id]
            w.drop_subs("clusters", cl.id)
            for g in [g for g in w.coll["affinitygroups"].values() if g.cluster.id == cl.id]:
                del w.coll["affinitygroups"][g.id]
            self._text_event(
                813, f"Host cluster {cl.name} was removed by admin@internal", req.correlation_id
            )

        self._one_job(req.correlation_id, f"Removing Cluster {cl.name}", remove)
        return Response(200, b"")

    # ------------------------------------------------------- cluster networks
    def _roles_in(self, net_in: Any) -> list[Any] | None:
        usages = list(net_in.usages) if net_in.usages is not None else None
        if net_in.display and usages is not None and T.NetworkUsage.DISPLAY not in usages:
            usages.append(T.NetworkUsage.DISPLAY)
        if net_in.display and usages is None:
            usages = [T.NetworkUsage.DISPLAY]
        return usages

    def _set_roles(self, cl: Any, nid: str, required: bool, usages: list[Any]) -> None:
        """Attach / change network ``nid`` in ``cl``: an exclusive role moves to it."""
        roles = cluster_network_roles(self.world, cl)
        net = self.world.coll["networks"][nid]
        if T.NetworkUsage.VM in (net.usages or []) and T.NetworkUsage.VM not in usages:
            usages = [*usages, T.NetworkUsage.VM]
        for other, (req_, us) in list(roles.items()):
            if other == nid:
                continue
            kept = [u for u in us if u not in EXCLUSIVE_ROLES or u not in usages]
            if len(kept) != len(us):
                roles[other] = (req_, kept)
        roles[nid] = (required, usages)
        set_private(cl, _sim_networks=roles)
        xmlcache.touch(cl)

    def _attach_cluster_network(self, req: Request, node: Any) -> Response:
        """AttachNetworkToCluster (POST /clusters/ID/networks; event 946)."""
        w = self.world
        cl = node.parent
        net_in = parse_body(req.body, T.Network)
        if not (net_in.id or net_in.name):
            raise HttpError(400, "Network [id|name] required for add", "Incomplete parameters")
        candidates = [
            n
            for n in w.coll["networks"].values()
            if (net_in.id and n.id == net_in.id) or (not net_in.id and n.name == net_in.name)
        ]
        in_dc = [n for n in candidates if n.data_center.id == cl.data_center.id]
        if not candidates:
            key, val = ("id", net_in.id) if net_in.id else ("name", net_in.name)
            raise HttpError(404, f"Entity not found: Network: {key}={val}")
        if not in_dc:
            raise conflict("The specified Logical Network doesn't exist.")
        net = in_dc[0]
        if net.id in cluster_network_roles(w, cl):
            raise conflict("Logical Network is already attached to Cluster.")
        usages = self._roles_in(net_in) or []
        required = True if net_in.required is None else bool(net_in.required)

        def attach() -> None:
            self._set_roles(cl, net.id, required, usages)
            self._text_event(
                946, f"Network {net.name} attached to Cluster {cl.name}", req.correlation_id,
                cluster=cl,
            )  # fmt: skip

        self._one_job(
            req.correlation_id, f"Attaching Network {net.name} to Cluster {cl.name}", attach
        )
        view = next(v for v in cluster_networks(w, cl) if v.id == net.id)
        return self._created(view, "network")

    def _update_cluster_network(self, req: Request, node: Any) -> Response:
        """UpdateNetworkOnCluster: required and roles (PUT /clusters/ID/networks/NID)."""
        w = self.world
        cl, view = node.parent, node.obj
        net_in = parse_body(req.body, T.Network)
        required, usages = cluster_network_roles(w, cl)[view.id]
        new_usages = self._roles_in(net_in)
        if new_usages is not None:
            if T.NetworkUsage.MANAGEMENT in usages and T.NetworkUsage.MANAGEMENT not in new_usages:
                # ACTION_TYPE_FAILED_MANAGEMENT_NETWORK_UNSET
                raise conflict(
                    "Cannot attach Network. Unsetting management network property is not "
                    "allowed. It is done automatically when moving the role to another network."
                )
            usages = new_usages
        if net_in.required is not None:
            if T.NetworkUsage.MANAGEMENT in usages and not net_in.required:
                raise conflict(
                    f"Cannot attach Network. The management network '{view.name}' must be "
                    "required, please change the network to be required and try again."
                )
            required = bool(net_in.required)
        self._set_roles(cl, view.id, required, usages)
        node.obj = next(v for v in cluster_networks(w, cl) if v.id == view.id)
        return Response(200, render.document(render.entity(node.obj, "network")))

    def _detach_cluster_network(self, req: Request, node: Any) -> Response:
        """DetachNetworkToCluster (DELETE /clusters/ID/networks/NID; event 948): never the
        management network, never while VMs running in the cluster use it."""
        w = self.world
        cl, view = node.parent, node.obj
        roles = cluster_network_roles(w, cl)
        if T.NetworkUsage.MANAGEMENT in roles.get(view.id, (False, []))[1]:
            raise conflict(
                f"The Management Network ('{view.name}') is mandatory and cannot be removed."
            )
        users = self._vms_on_network(view.id, running_in=cl.id)
        if users:
            raise conflict(
                f"Cannot detach Network. The following Logical Network: '{view.name}' is being "
                f"used by the following VM(s): '{', '.join(users)}' . Please stop the VM(s) and "
                "try again."
            )

        def detach() -> None:
            roles.pop(view.id, None)
            set_private(cl, _sim_networks=roles)
            xmlcache.touch(cl)
            self._text_event(
                948, f"Network {view.name} detached from Cluster {cl.name}", req.correlation_id,
                cluster=cl,
            )  # fmt: skip

        self._one_job(
            req.correlation_id, f"Detaching Network {view.name} from Cluster {cl.name}", detach
        )
        return Response(200, b"")

    def _vms_on_network(self, nid: str, running_in: str | None = None) -> list[str]:
        """Names of the VMs with a NIC on a profile of network ``nid`` (running ones in
        cluster ``running_in`` when given)."""
        w = self.world
        profiles = {p.id for p in w.coll["vnicprofiles"].values() if p.network.id == nid}
        out = []
        for vm in w.coll["vms"].values():
            if running_in is not None and (
                vm.cluster.id != running_in or vm.status in (VS.DOWN, VS.SUSPENDED)
            ):
                continue
            nics = w.sub("vms", vm, "nics") or []
            if any(n.vnic_profile is not None and n.vnic_profile.id in profiles for n in nics):
                out.append(vm.name)
        return sorted(out)

    # ---------------------------------------------------------------- networks
    def _new_network(
        self,
        dc: Any,
        name: str,
        description: str,
        *,
        vm: bool,
        required: bool,
        vlan: int | None = None,
        mtu: int = 0,
        comment: str = "",
        stp: bool = False,
    ) -> Any:
        w = self.world
        nid = w.new_id()
        net = mk(
            T.Network,
            id=nid,
            href=href("networks", nid),
            name=name,
            description=description,
            comment=comment,
            data_center=ref(T.DataCenter, "datacenters", dc.id),
            mtu=mtu,
            stp=stp,
            usages=[T.NetworkUsage.VM] if vm else [],
            vlan=mk(T.Vlan, id=vlan) if vlan is not None else None,
            required=required,
        )
        set_private(net, _sim_added=True)
        w.coll["networks"][nid] = net
        if vm:
            self._new_profile(net, name)
        return net

    def _new_profile(self, net: Any, name: str, description: str = "") -> Any:
        pid = self.world.new_id()
        profile = mk(
            T.VnicProfile,
            id=pid,
            href=href("vnicprofiles", pid),
            name=name,
            description=description,
            network=ref(T.Network, "networks", net.id),
            pass_through=mk(T.VnicPassThrough, mode=T.VnicPassThroughMode.DISABLED),
            port_mirroring=False,
            network_filter=mk(
                T.NetworkFilter,
                id="d2370ab4-fee3-11e9-a310-8c1645ce738e",
                href=href("networkfilters", "d2370ab4-fee3-11e9-a310-8c1645ce738e"),
            ),
        )
        self.world.coll["vnicprofiles"][pid] = profile
        return profile

    def _check_network(self, net_in: Any, dc: Any, pre: str, same: Any = None) -> None:
        w = self.world
        name = net_in.name
        if name and name.startswith("bond"):
            raise conflict("Bad network name, network cannot start with 'bond'")
        if name and any(
            n.name == name and n.data_center.id == dc.id and n is not same
            for n in w.coll["networks"].values()
        ):
            raise conflict(
                f"{pre} The name of the logical network '{name}' is already used by an existing "
                "logical network in the same data-center. -Please choose a different name."
            )
        vlan = net_in.vlan.id if net_in.vlan is not None else None
        if vlan is not None:
            if not 0 <= vlan <= 4094:
                raise conflict("VLAN ID must be a number between 0 and 4094.")
            if any(
                n.vlan is not None
                and n.vlan.id == vlan
                and n.data_center.id == dc.id
                and n is not same
                for n in w.coll["networks"].values()
            ):
                raise conflict(f"The specified VLAN ID ({vlan}) is already in use.")
        if net_in.mtu is not None and not (net_in.mtu == 0 or 68 <= net_in.mtu <= 65520):
            raise HttpError(400, f"{pre} The MTU must be 0 (default) or between 68 and 65520.")

    def _add_network(self, req: Request, node: Any) -> Response:
        """AddNetwork: a logical network of a data center (a VM network gets its vNIC
        profile of the same name); event 942 NETWORK_ADD_NETWORK."""
        net_in = parse_body(req.body, T.Network)
        dc_ref = net_in.data_center
        self._missing(
            "Network",
            net_in,
            [
                ("name", net_in.name),
                ("dataCenter.name|id", (dc_ref.id or dc_ref.name) if dc_ref else None),
            ],
        )
        dc = self._by("datacenters", dc_ref, "DataCenter")
        pre = "Cannot add Network."
        self._check_network(net_in, dc, pre)
        usages = net_in.usages
        vm = True if usages is None else T.NetworkUsage.VM in usages
        if net_in.stp and not vm:
            raise conflict(f"{pre} STP can only be enabled on VM Networks.")
        out: list[Any] = []

        def add() -> None:
            net = self._new_network(
                dc,
                net_in.name,
                net_in.description or "",
                vm=vm,
                required=True if net_in.required is None else bool(net_in.required),
                vlan=net_in.vlan.id if net_in.vlan is not None else None,
                mtu=net_in.mtu or 0,
                comment=net_in.comment or "",
                stp=bool(net_in.stp),
            )
            out.append(net)
            self._text_event(
                942, f"Finished adding Network {net.name} to Data Center: {dc.name}",
                req.correlation_id, dc=dc,
            )  # fmt: skip

        self._one_job(req.correlation_id, f"Adding Network {net_in.name}", add)
        return self._created(out[0], "network")

    def _update_network(self, req: Request, node: Any) -> Response:
        """UpdateNetwork (event 1114 NETWORK_UPDATE_NETWORK); a VM network that becomes a
        non-VM one while VMs use it is refused."""
        w = self.world
        net = node.obj
        net_in = parse_body(req.body, T.Network)
        dc = w.coll["datacenters"][net.data_center.id]
        pre = "Cannot edit Network."
        if net_in.data_center is not None and (net_in.data_center.id or net_in.data_center.name):
            other = self._by("datacenters", net_in.data_center, "DataCenter")
            if other.id != dc.id:
                raise conflict(f"{pre} The Data Center of a network cannot be changed.")
        self._check_network(net_in, dc, pre, same=net)
        if net_in.usages is not None and T.NetworkUsage.VM not in net_in.usages:
            users = self._vms_on_network(net.id)
            if users:
                raise conflict(
                    f"{pre} This logical network is used by virtual machines: ({len(users)}): "
                    f"{', '.join(users)} - Please detach virtual machines using this logical "
                    "network and try again."
                )

        def apply() -> None:
            self._merge(net, net_in, skip=frozenset({"data_center", "vlan"}))
            if net_in.vlan is not None:  # its id is the tag (a plain merge keeps ids)
                net.vlan = mk(T.Vlan, id=net_in.vlan.id) if net_in.vlan.id is not None else None
            xmlcache.touch(net)
            self._text_event(
                1114, f"Finished Network {net.name} update on Data Center: {dc.name}",
                req.correlation_id, dc=dc,
            )  # fmt: skip

        self._one_job(req.correlation_id, f"Editing Network {net.name}", apply)
        return self._updated(node)

    def _network_users(self, net: Any) -> tuple[str, list[str]] | None:
        """What uses a network (VMs, then hosts), as the engine names them."""
        vms = self._vms_on_network(net.id)
        if vms:
            return "virtual machine", vms
        hosts = []
        for h in self.world.coll["hosts"].values():
            atts = self.world.sub("hosts", h, "networkattachments") or []
            if any(a.network is not None and a.network.id == net.id for a in atts):
                hosts.append(h.name)
        if hosts:
            return "host", sorted(hosts)
        return None

    def _remove_network(self, req: Request, node: Any) -> Response:
        """RemoveNetwork: never the management network of a cluster, never while VMs or
        hosts use it; its vNIC profiles go with it (event 944 NETWORK_REMOVE_NETWORK)."""
        w = self.world
        net = node.obj
        pre = "Cannot remove Network."
        for cl in w.coll["clusters"].values():
            if cl.data_center is None or cl.data_center.id != net.data_center.id:
                continue
            _req, usages = cluster_network_roles(w, cl).get(net.id, (False, []))
            if T.NetworkUsage.MANAGEMENT in usages:
                raise conflict(
                    f"The Management Network ('{net.name}') is mandatory and cannot be removed."
                )
        used = self._network_users(net)
        if used:
            kind, names = used
            if len(names) == 1:
                raise conflict(
                    f"{pre} This logical network is used by {kind}: {names[0]} - Please remove it "
                    f"from this {kind} and try again."
                )
            raise conflict(
                f"{pre} This logical network is used by {kind}s: ({len(names)}): "
                f"{', '.join(names)} - Please detach {kind}s using this logical network and try "
                "again."
            )
        dc = w.get("datacenters", net.data_center.id)

        def remove() -> None:
            self._drop_network(net)
            self._text_event(
                944,
                f"Finished Network {net.name} removal from Data Center: "
                f"{dc.name if dc is not None else ''}",
                req.correlation_id, dc=dc,
            )  # fmt: skip

        self._one_job(req.correlation_id, f"Removing Network {net.name}", remove)
        return Response(200, b"")

    def _drop_network(self, net: Any) -> None:
        w = self.world
        for p in [p for p in w.coll["vnicprofiles"].values() if p.network.id == net.id]:
            del w.coll["vnicprofiles"][p.id]
        for cl in w.coll["clusters"].values():
            own = getattr(cl, "_sim_networks", None)
            if own is not None and net.id in own:
                own = dict(own)
                own.pop(net.id)
                set_private(cl, _sim_networks=own)
        w.coll["networks"].pop(net.id, None)
        w.drop_subs("networks", net.id)

    # ------------------------------------------------------------ vnic profiles
    def _add_vnic_profile(self, req: Request, node: Any) -> Response:
        """AddVnicProfile (event 1122 ADD_VNIC_PROFILE)."""
        w = self.world
        p_in = parse_body(req.body, T.VnicProfile)
        net_ref = p_in.network
        self._missing(
            "VnicProfile",
            p_in,
            [("name", p_in.name), ("network.id", net_ref.id if net_ref else None)],
        )
        net = self._by("networks", net_ref, "Network")
        pre = "Cannot add VM network interface profile."
        if T.NetworkUsage.VM not in (net.usages or []):
            raise conflict(
                f"{pre} VM network interface profiles cannot be added to a non-VM network. "
                "Please make sure the network is a VM network."
            )
        if any(
            p.name == p_in.name and p.network.id == net.id for p in w.coll["vnicprofiles"].values()
        ):
            raise conflict(
                f"{pre} The VM network interface profile's name is already used by an existing "
                "profile for the same network. -Please choose a different name."
            )
        dc = w.get("datacenters", net.data_center.id)
        out: list[Any] = []

        def add() -> None:
            prof = self._new_profile(net, p_in.name, p_in.description or "")
            if p_in.port_mirroring is not None:
                prof.port_mirroring = p_in.port_mirroring
            out.append(prof)
            self._text_event(
                1122,
                f"VM network interface profile {prof.name} was added to network {net.name} in "
                f"Data Center: {dc.name if dc else ''}. (User: admin@internal)",
                req.correlation_id, dc=dc,
            )  # fmt: skip

        self._one_job(req.correlation_id, f"Adding vNIC profile {p_in.name}", add)
        return self._created(out[0], "vnic_profile")

    def _remove_vnic_profile(self, req: Request, node: Any) -> Response:
        """RemoveVnicProfile: refused while a VM NIC uses it (event 1126)."""
        w = self.world
        prof = node.obj
        users = []
        for vm in w.coll["vms"].values():
            nics = w.sub("vms", vm, "nics") or []
            if any(n.vnic_profile is not None and n.vnic_profile.id == prof.id for n in nics):
                users.append(vm.name)
        pre = "Cannot remove VM network interface profile."
        if len(users) == 1:
            raise conflict(
                f"{pre} This VM network interface profile is used by virtual machine:  "
                f"{users[0]}. - Please remove it from this virtual machine and try again."
            )
        if users:
            raise conflict(
                f"{pre} This VM network interface profile is used by virtual machines "
                f"({len(users)}): {', '.join(sorted(users))} - Please detach virtual machines "
                "using this profile and try again."
            )
        net = w.get("networks", prof.network.id)
        dc = w.get("datacenters", net.data_center.id) if net is not None else None

        def remove() -> None:
            del w.coll["vnicprofiles"][prof.id]
            self._text_event(
                1126,
                f"VM network interface profile {prof.name} was removed from network "
                f"{net.name if net else ''} in Data Center: {dc.name if dc else ''}. "
                "(User: admin@internal)",
                req.correlation_id, dc=dc,
            )  # fmt: skip

        self._one_job(req.correlation_id, f"Removing vNIC profile {prof.name}", remove)
        return Response(200, b"")

    # --------------------------------------------------------- iSCSI discovery
    def iscsi_targets(self, address: str, port: int) -> list[tuple[str, str]] | None:
        """What an iSCSI portal at ``address:port`` offers: (target, portal) pairs; None
        when nothing answers there. The storage server is the one the seeded iSCSI domains
        use; it also has a spare target whose LUNs no domain uses yet."""
        targets: dict[str, str] = {}
        for sd in self.world.coll["storagedomains"].values():
            vg = sd.storage.volume_group if sd.storage is not None else None
            for lu in (vg.logical_units if vg is not None else None) or []:
                if lu.address == address and (lu.port or 3260) == port and lu.target:
                    targets.setdefault(lu.target, lu.portal or f"{address}:{port},1")
        if not targets:
            return None
        targets.setdefault("iqn.2003-01.org.linux-iscsi.storage.x8664:spare", f"{address}:{port},1")
        return sorted(targets.items())

    def host_iscsi_discover(self, host: T.Host, ctx: Ctx) -> dict[str, Any]:
        """DiscoverSendTargets from ``host``: the targets of a portal (iscsidiscover and
        discoveriscsi, as the engine serves both)."""
        iscsi = ctx.action.iscsi
        if iscsi is None or not iscsi.address:
            raise HttpError(
                400, "Action [iscsi.address] required for iscsiDiscover", "Incomplete parameters"
            )
        if host.status != HS.UP:
            raise conflict(
                "Cannot discover iSCSI targets. Operation can be performed only when Host status "
                "is Up."
            )
        port = int(iscsi.port or 3260)
        found = self.iscsi_targets(iscsi.address, port)
        if found is None:
            # vdsm's error for a portal that does not answer (VdsmErrors iSCSIDiscoveryError)
            raise HttpError(
                400,
                f"Failed to discover iSCSI targets on {iscsi.address}:{port}.",
                "Operation Failed",
            )
        return {
            "iscsi_targets": [t for t, _p in found],
            "discovered_targets": [
                mk(T.IscsiDetails, address=iscsi.address, port=port, portal=p, target=t)
                for t, p in found
            ],
        }

    def host_unregistered_domains(self, host: T.Host, ctx: Ctx) -> dict[str, Any]:
        """UnregisteredStorageDomainsDiscover: the block domains the host's storage holds
        that the engine does not know (removed without format or destroyed; see
        sim/storage_admin ``_sim_on_storage``), ready to be imported."""
        if host.status != HS.UP:
            raise conflict(
                "Cannot discover unregistered Storage Domains. Operation can be performed only "
                "when Host status is Up."
            )
        held: dict[tuple[str, ...], dict[str, Any]] = getattr(self.world, "_sim_on_storage", {})
        found = []
        for key, info in sorted(held.items(), key=lambda kv: str(kv[1].get("name"))):
            if not key or ":" in key[0] or "/" in "".join(key):
                continue  # a file domain (address, path): not discovered here
            found.append(
                mk(
                    T.StorageDomain,
                    id=info.get("id"),
                    name=info.get("name"),
                    type=info.get("type"),
                    storage=mk(
                        T.HostStorage,
                        type=T.StorageType.ISCSI,
                        volume_group=mk(
                            T.VolumeGroup,
                            logical_units=[mk(T.LogicalUnit, id=lun) for lun in key],
                        ),
                    ),
                )
            )
        return {"storage_domains": found}
