"""The host state machine: maintenance (VMs migrate away), activate, install, upgrade,
restart, SPM, refresh, network setup."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim import events as ev
from ovtui.sim import xmlcache
from ovtui.sim.estate_views import cluster_network_roles
from ovtui.sim.httptypes import HttpError, bad_request, conflict
from ovtui.sim.machine_base import (
    HS,
    ON_HOST,
    T_HOST_STEP,
    T_INSTALL,
    T_REBOOT_HOST,
    VS,
    Ctx,
    RouteParts,
)
from ovtui.sim.records import href, mk, ref, set_private
from ovtui.sim.vm_machine import VmMachine


class HostMachine(VmMachine):
    """Host verbs; maintenance moves the host's VMs with the VM machine's migration."""

    def routes_host_network(self) -> RouteParts:
        return RouteParts(verbs={("host", "commitnetconfig"): self.host_commit_net_config})

    # ------------------------------------------------------------- host verbs
    def _spm_handover(self, host: T.Host) -> None:
        if host.spm is None or host.spm.status != T.SpmStatus.SPM:
            return
        host.spm = mk(T.Spm, priority=5, status=T.SpmStatus.NONE)
        dc = self.world.cluster_dc(host.cluster.id)
        for h in self.world.coll["hosts"].values():
            if (
                h.id != host.id
                and h.status == HS.UP
                and self.world.cluster_dc(h.cluster.id).id == dc.id
            ):
                h.spm = mk(T.Spm, priority=5, status=T.SpmStatus.SPM)
                return

    def _spm_hosts(self, host: T.Host) -> list[T.Host]:
        """The hosts that are SPM in ``host``'s data center (one, or none)."""
        dc = self.world.cluster_dc(host.cluster.id)
        return [
            h
            for h in self.world.coll["hosts"].values()
            if self.world.cluster_dc(h.cluster.id).id == dc.id
            and h.spm
            and h.spm.status == T.SpmStatus.SPM
        ]

    def _ensure_spm(self, host: T.Host) -> None:
        if not self._spm_hosts(host):
            host.spm = mk(T.Spm, priority=5, status=T.SpmStatus.SPM)

    def host_deactivate(self, host: T.Host, ctx: Ctx) -> None:
        if host.status == HS.MAINTENANCE:
            raise conflict(
                "Cannot switch Host to Maintenance mode. Host is already in Maintenance mode."
            )
        if host.status == HS.PREPARING_FOR_MAINTENANCE:
            raise conflict(
                "Cannot switch Host to Maintenance mode. Host is already switching to Maintenance mode."
            )
        if host.status not in (
            HS.UP,
            HS.NON_OPERATIONAL,
            HS.NON_RESPONSIVE,
            HS.INSTALL_FAILED,
            HS.ERROR,
            HS.CONNECTING,
            HS.DOWN,
        ):
            raise conflict(
                f"Cannot switch Host to Maintenance mode. Host status is {host.status.value}."
            )
        self._job(
            ctx,
            f"Moving Host {host.name} to Maintenance",
            ["Migrating VMs" if self.world.vms_on_host(host.id) else "Moving host to maintenance"],
        )
        reason = f" with reason: {ctx.action.reason}" if ctx.action.reason else ""
        ev.emit(self.world, 600, host=host, correlation_id=ctx.cid, user=ctx.user, extra=reason)
        job = ctx.job
        self.to_maintenance(host, ctx.cid, lambda ok: ev.end_job(self.world, job, ok))

    def to_maintenance(
        self, host: T.Host, cid: str | None, on_done: Callable[[bool], None]
    ) -> None:
        """preparing_for_maintenance -> VMs migrate away -> maintenance (or back to up, event 17)."""
        w = self.world
        op = self._begin(host)
        self.set_status(host, HS.PREPARING_FOR_MAINTENANCE)
        vms = [v for v in w.vms_on_host(host.id) if v.status in ON_HOST]
        reserved: dict[str, int] = {}
        moves, stuck = [], []
        for vm in vms:
            dst = (
                None
                if self.pinned(vm) or vm.status not in (VS.UP, VS.PAUSED)
                else self.place(vm, exclude={host.id}, reserved=reserved)
            )
            if dst is None:
                stuck.append(vm)
            else:
                reserved[dst.id] = reserved.get(dst.id, 0) + (vm.memory or 0)
                moves.append((vm, dst))
        pending = {"n": len(moves), "failed": False}

        def finish() -> None:
            if getattr(host, "_sim_op", 0) != op:
                return
            if stuck or pending["failed"]:
                self.set_status(host, HS.UP)
                names = ", ".join(v.name for v in stuck) or "migration failure"
                ev.emit(
                    w,
                    17,
                    host=host,
                    correlation_id=cid,
                    extra=f"No host is available to migrate these VMs to: {names}.",
                )
                on_done(False)
                return
            self.set_status(host, HS.MAINTENANCE)
            self._spm_handover(host)
            ev.emit(w, 15, host=host, correlation_id=cid)
            on_done(True)

        def one_done(ok: bool) -> None:
            pending["n"] -= 1
            if not ok:
                pending["failed"] = True
            if pending["n"] <= 0:
                self.after(T_HOST_STEP / 2, finish)

        for vm, dst in moves:
            job = ev.start_job(
                w,
                f"Migrating VM {vm.name} from Host {host.name} to Host {dst.name}",
                cid,
                ["Migrating VM"],
            )
            self.migrate(vm, dst, cid, job, on_done=one_done)
        if not moves:
            self.after(T_HOST_STEP, finish)

    def host_activate(self, host: T.Host, ctx: Ctx) -> None:
        # HostValidator.validateStatusForActivation
        if host.status == HS.UP:
            raise conflict("Cannot activate Host. Host in Up status.")
        if host.status == HS.NON_RESPONSIVE:
            raise conflict("Cannot activate Host. Host is in non responsive state.")
        if host.status in (
            HS.INSTALLING,
            HS.PREPARING_FOR_MAINTENANCE,
            HS.REBOOT,
            HS.UNASSIGNED,
            HS.INITIALIZING,
        ):
            raise conflict(f"Cannot activate Host. Host is in {host.status.value} status.")
        self._job(ctx, f"Activating Host {host.name}")
        ev.emit(self.world, 16, host=host, correlation_id=ctx.cid, user=ctx.user)
        job = ctx.job
        self.activate(host, ctx.cid, lambda: ev.end_job(self.world, job))

    def activate(
        self, host: T.Host, cid: str | None, on_done: Callable[[], None] | None = None
    ) -> None:
        """unassigned -> initializing -> up."""
        op = self._begin(host)

        def up() -> None:
            self.set_status(host, HS.UP)
            self._ensure_spm(host)
            ev.emit(self.world, 13, host=host, correlation_id=cid)
            if on_done:
                on_done()

        self._go_through(
            host, op, [(HS.UNASSIGNED, T_HOST_STEP), (HS.INITIALIZING, T_HOST_STEP)], up
        )

    def _bring_back(self, host: T.Host, cid: str | None, job: T.Job | None, activate: bool) -> None:
        """After install / upgrade / restart: activate the host (job ends once it is up) or
        leave it in maintenance (job ends now)."""
        if activate:
            self.activate(host, cid, lambda: ev.end_job(self.world, job))
        else:
            self.set_status(host, HS.MAINTENANCE)
            ev.end_job(self.world, job)

    def host_upgrade_check(self, host: T.Host, ctx: Ctx) -> None:
        if host.status not in (HS.UP, HS.NON_OPERATIONAL, HS.MAINTENANCE):
            raise conflict(
                f"Cannot check for available updates for Host {host.name}: Host status is {host.status.value}."
            )
        self._job(ctx, f"Checking for available updates on Host {host.name}")
        ev.emit(self.world, 884, host=host, correlation_id=ctx.cid)
        job = ctx.job

        def done() -> None:
            has = getattr(host, "_sim_has_updates", bool(host.update_available))
            if has:
                host.update_available = True
                ev.emit(
                    self.world,
                    843,
                    host=host,
                    correlation_id=ctx.cid,
                    extra="vdsm, ovirt-host, vdsm-client",
                )
                ev.emit(
                    self.world,
                    885,
                    host=host,
                    correlation_id=ctx.cid,
                    extra="found updates for packages vdsm, ovirt-host, vdsm-client",
                )
            else:
                host.update_available = False
                ev.emit(
                    self.world, 885, host=host, correlation_id=ctx.cid, extra="no updates found."
                )
            ev.end_job(self.world, job)

        self.after(T_HOST_STEP, done)

    def host_upgrade(self, host: T.Host, ctx: Ctx) -> None:
        if host.status not in (HS.UP, HS.MAINTENANCE, HS.NON_OPERATIONAL, HS.INSTALL_FAILED):
            raise conflict(f"Cannot upgrade Host. Host status is {host.status.value}.")
        if not host.update_available:
            raise conflict("There are no available updates for the host.")
        reboot = ctx.action.reboot if ctx.action.reboot is not None else True
        was_up = host.status == HS.UP
        self._job(ctx, f"Upgrading Host {host.name}", ["Upgrading host"])
        ev.emit(self.world, 840, host=host, correlation_id=ctx.cid, user=ctx.user)
        job, cid, w = ctx.job, ctx.cid, self.world

        def install() -> None:
            op = self._begin(host)
            self.set_status(host, HS.INSTALLING)
            ev.progress_job(self.world, job, 30)

            def installed() -> None:
                if host.name in self.faults.fail_upgrade:
                    self.faults.fail_upgrade.discard(host.name)
                    self.set_status(host, HS.INSTALL_FAILED)
                    ev.emit(w, 841, host=host, correlation_id=cid)
                    ev.end_job(self.world, job, ok=False)
                    return
                host.update_available = False
                set_private(host, _sim_has_updates=False)
                host.version = mk(
                    T.Version,
                    full_version="vdsm-4.50.3.5-1.el8",
                    major=4,
                    minor=50,
                    build=3,
                    revision=5,
                )
                if reboot:
                    ev.emit(w, 888, host=host, correlation_id=cid)
                    self._go_through(
                        host,
                        op,
                        [
                            (HS.REBOOT, T_REBOOT_HOST / 2),
                            (HS.NON_RESPONSIVE, T_REBOOT_HOST / 2, booted),
                        ],
                        back,
                    )
                else:
                    ev.emit(w, 842, host=host, correlation_id=cid)
                    back()

            def booted() -> None:
                set_private(host, _sim_boot=self.world.clock.time())

            def back() -> None:
                ev.progress_job(self.world, job, 90)
                self._bring_back(host, cid, job, was_up)

            self._later(host, op, T_INSTALL, installed)

        if was_up:

            def in_maintenance(ok: bool) -> None:
                if ok:
                    install()
                else:
                    ev.emit(w, 841, host=host, correlation_id=cid)
                    ev.end_job(self.world, job, ok=False)

            self.to_maintenance(host, cid, in_maintenance)
        else:
            install()

    def host_install(self, host: T.Host, ctx: Ctx) -> None:
        if host.status not in (HS.MAINTENANCE, HS.INSTALL_FAILED, HS.NON_OPERATIONAL, HS.DOWN):
            raise conflict("Cannot install Host. Please move Host to Maintenance mode first.")
        activate = ctx.action.activate if ctx.action.activate is not None else True
        self._job(ctx, f"Installing Host {host.name}", ["Installing host"])
        op = self._begin(host)
        self.set_status(host, HS.INSTALLING)
        job, cid = ctx.job, ctx.cid

        def done() -> None:
            ev.emit(self.world, 504, host=host, correlation_id=cid)
            self._bring_back(host, cid, job, activate)

        self._later(host, op, T_INSTALL, done)

    def _fence_restart(self, host: T.Host, ctx: Ctx) -> None:
        self._job(ctx, f"Restarting Host {host.name}")
        was_maint = host.status == HS.MAINTENANCE
        for vm in self.world.vms_on_host(host.id):
            self._begin(vm)
            self._go_down(vm, cid=ctx.cid, extra="Exit message: Host restarted")
        op = self._begin(host)
        self.set_status(host, HS.REBOOT)
        ev.emit(self.world, 1001, host=host, correlation_id=ctx.cid, user=ctx.user)
        job, cid = ctx.job, ctx.cid

        def back() -> None:
            set_private(host, _sim_boot=self.world.clock.time())
            self._bring_back(host, cid, job, not was_maint)

        self._later(host, op, T_REBOOT_HOST, back)

    def host_force_spm(self, host: T.Host, ctx: Ctx) -> None:
        if host.status != HS.UP:
            raise conflict("Cannot force select SPM. Host is not up.")
        self._job(ctx, f"Force selecting {host.name} as SPM")
        for h in self._spm_hosts(host):
            h.spm = mk(T.Spm, priority=5, status=T.SpmStatus.NONE)
        host.spm = mk(T.Spm, priority=5, status=T.SpmStatus.SPM)
        ev.end_job(self.world, ctx.job)

    def host_refresh(self, host: T.Host, ctx: Ctx) -> None:
        """RefreshHostCapabilities: synchronous; event 606 HOST_REFRESHED_CAPABILITIES."""
        if host.status not in (HS.UP, HS.MAINTENANCE, HS.NON_OPERATIONAL):
            # AppErrors VAR__HOST_STATUS__UP_MAINTENANCE_OR_NON_OPERATIONAL
            raise conflict(
                "Cannot refresh Host capabilities. Host status must be Up, Maintenance or "
                "Non operational."
            )
        self._job(ctx, f"Refresh Host capabilities for {host.name}")
        ev.emit(self.world, 606, host=host, correlation_id=ctx.cid)
        ev.end_job(self.world, ctx.job)

    def host_commit_net_config(self, host: T.Host, ctx: Ctx) -> None:
        """CommitNetworkChanges: what setupnetworks applied survives a reboot (event 1104)."""
        self._job(ctx, f"Committing network changes on Host {host.name}")
        set_private(host, _sim_net_unsaved=False)
        ev.emit(
            self.world,
            1104,
            host=host,
            correlation_id=ctx.cid,
            extra=f"Network changes were saved on host {host.name}",
        ).description = f"Network changes were saved on host {host.name}"
        ev.end_job(self.world, ctx.job)

    def host_setup_networks(self, host: T.Host, ctx: Ctx) -> None:
        """HostSetupNetworks: bonds created / changed / removed, network attachments added,
        moved (with their IP configuration: none, dhcp, static) and removed.

        Validated as the engine's HostSetupNetworksValidator and NetworkAttachmentValidator
        do for what the simulator models: the host's status, interfaces that exist, bonds of
        two or more interfaces named ``bond*``, a slave that carries no network, bonds and
        attachments to remove that exist (a bond still carrying networks is not removed),
        networks of the host's cluster, static addresses with a netmask. With
        ``commit_on_success`` the change is saved at once (event 1104); without, it waits for
        ``commitnetconfig``. The fault ``setupnetworks_ignored`` (host names) makes the
        engine answer OK and apply nothing, once per name."""
        w = self.world
        a = ctx.action
        pre = "Cannot setup Networks."
        if host.status not in (HS.UP, HS.MAINTENANCE, HS.NON_OPERATIONAL):
            # ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL
            raise conflict(
                f"{pre} Operation can be performed only when Host status is Maintenance, Up, "
                "NonOperational."
            )
        nics = w.sub_items("hosts", host, "nics")
        atts = w.sub_items("hosts", host, "networkattachments")

        def find(r: Any) -> Any:
            if r is None:
                return None
            return next(
                (n for n in nics if (r.id and n.id == r.id) or (r.name and n.name == r.name)),
                None,
            )

        missing: list[str] = []
        bonds_in = list(a.modified_bonds or [])
        new_names = {b.name for b in bonds_in if b.name}
        for b in bonds_in:
            if not b.name and not b.id:
                raise bad_request("HostNic [name] required for setupnetworks")
            if b.name and not re.fullmatch(r"bond[A-Za-z0-9_]+", b.name):
                raise conflict(
                    f"Bond name '{b.name}' does not follow naming criteria. For host compatibility "
                    "version 4.3 or greater, custom bond names must begin with the prefix 'bond'  "
                    "followed by 'a-z', 'A-Z', '0-9', or '_' characters."
                )
            slaves = b.bonding.slaves if b.bonding is not None and b.bonding.slaves else []
            missing += [s.name or s.id for s in slaves if find(s) is None]
        att_in = list(a.modified_network_attachments or [])
        for att in att_in:
            r = att.host_nic
            if r is not None and find(r) is None and r.name not in new_names:
                missing.append(r.name or r.id)
        if missing:
            # AppErrors NETWORK_INTERFACES_DONT_EXIST
            raise conflict(
                f"{pre} The following Network Interfaces do not exist on the "
                f"Host: {', '.join(dict.fromkeys(missing))}."
            )
        short = [
            b.name
            for b in bonds_in
            if b.bonding is None or len(b.bonding.slaves or []) < 2
            if find(b) is None or b.bonding is not None
        ]
        if short:
            # AppErrors NETWORK_BONDS_INVALID_SLAVE_COUNT
            raise conflict(
                f"{pre} The following bonds consist of less than two Network "
                f"Interfaces: {', '.join(short)}."
            )
        gone = [r for r in a.removed_bonds or [] if find(r) is None or find(r).bonding is None]
        if gone:
            # AppErrors NETWORK_BOND_RECORDS_DOES_NOT_EXISTS
            raise conflict(
                f"Following bonds do not exist: {', '.join(r.name or r.id for r in gone)}."
            )
        removed_ids = {r.id for r in a.removed_network_attachments or [] if r.id}
        unknown = sorted(removed_ids - {x.id for x in atts})
        if unknown:
            # AppErrors NETWORK_ATTACHMENTS_TO_BE_REMOVED_DOES_NOT_EXISTS
            raise conflict(
                f"{pre} Cannot remove following Network Attachments, because they do not exist: "
                f"{', '.join(unknown)}."
            )
        cl = w.coll["clusters"][host.cluster.id]
        in_cluster = cluster_network_roles(w, cl)
        dc_id = w.cluster_dc(host.cluster.id).id
        nets = []
        for att in att_in:
            r = att.network
            net = None
            if r is not None:
                net = next(
                    (
                        n
                        for n in w.coll["networks"].values()
                        if n.data_center.id == dc_id
                        and ((r.id and n.id == r.id) or (r.name and n.name == r.name))
                    ),
                    None,
                )
            if net is None:
                what = (r.name or r.id) if r is not None else ""
                raise HttpError(404, f"Entity not found: Network: name={what}")
            if net.id not in in_cluster:
                # AppErrors NETWORK_OF_GIVEN_NAME_NOT_EXISTS_IN_CLUSTER
                raise conflict(f"Logical Network '{net.name}' does not exist in Cluster.")
            for ip in att.ip_address_assignments or []:
                if ip.assignment_method == T.BootProtocol.STATIC and (
                    ip.ip is None or not ip.ip.address or not ip.ip.netmask
                ):
                    nic_name = att.host_nic.name if att.host_nic is not None else ""
                    raise conflict(
                        f"Insufficient ip configuration of Network attachment for Network "
                        f"{net.name}, Interface {nic_name}. Must define ip address and netmask "
                        "when boot protocol is static."
                    )
            nets.append((att, net))
        twice = sorted({n.name for _a, n in nets if sum(1 for _b, m in nets if m.id == n.id) > 1})
        if twice:
            # AppErrors NETWORKS_ALREADY_ATTACHED_TO_IFACES
            raise conflict(
                f"{pre} The following Logical Networks are attached to more than one Network "
                f"Interface: {', '.join(twice)}."
            )
        moved = {n.id for _a, n in nets}
        staying = [x for x in atts if x.id not in removed_ids and x.network.id not in moved]
        for b in bonds_in:
            for s in (b.bonding.slaves if b.bonding is not None else None) or []:
                nic = find(s)
                carried = [x for x in staying if nic is not None and x.host_nic.id == nic.id]
                if carried:
                    net_name = w.name_of("networks", carried[0].network.id)
                    # AppErrors NETWORK_INTERFACE_ATTACHED_TO_NETWORK_CANNOT_BE_SLAVE
                    raise conflict(
                        f"{pre} Network Interface '{nic.name}' cannot become slave, there's "
                        f"network '{net_name}' attached to it."
                    )
        for r in a.removed_bonds or []:
            bond = find(r)
            used = [x.id for x in staying if x.host_nic.id == bond.id]
            if used:
                # AppErrors BOND_USED_BY_NETWORK_ATTACHMENTS
                raise conflict(
                    f"Cannot remove bond {bond.name}, because it's used by Network Attachments: "
                    f"{', '.join(used)}."
                )
        self._job(ctx, f"Setup Networks on Host {host.name}")
        if host.name in self.faults.setupnetworks_ignored:
            # the engine said yes and did nothing (a lost update on the host)
            self.faults.setupnetworks_ignored.discard(host.name)
            ev.end_job(self.world, ctx.job)
            return
        self._apply_setup(
            host, nics, atts, bonds_in, [find(r) for r in a.removed_bonds or []], nets,
            removed_ids, find,
        )  # fmt: skip
        if a.commit_on_success:
            set_private(host, _sim_net_unsaved=False)
            ev.emit(
                w, 1104, host=host, correlation_id=ctx.cid
            ).description = f"Network changes were saved on host {host.name}"
        else:
            set_private(host, _sim_net_unsaved=True)
        ev.end_job(self.world, ctx.job)

    def _apply_setup(
        self,
        host: T.Host,
        nics: list[Any],
        atts: list[Any],
        bonds_in: list[Any],
        removed_bonds: list[Any],
        nets: list[tuple[Any, Any]],
        removed_ids: set[str],
        find: Callable[[Any], Any],
    ) -> None:
        """Make the change: bonds, then removed attachments and bonds, then attachments."""
        w = self.world
        for b in bonds_in:
            bond = find(b)
            slaves = [find(x) for x in (b.bonding.slaves if b.bonding else None) or []]
            if bond is None:
                bid = w.new_id()
                bond = mk(
                    T.HostNic,
                    id=bid,
                    href=href("hosts", host.id, "nics", bid),
                    name=b.name,
                    host=ref(T.Host, "hosts", host.id),
                    boot_protocol=T.BootProtocol.NONE,
                    bridged=False,
                    status=T.NicStatus.UP,
                    mac=mk(T.Mac, address=slaves[0].mac.address),
                    mtu=1500,
                    ip=mk(T.Ip, address="", version=T.IpVersion.V4),
                    properties=[],
                )
                nics.append(bond)
            if slaves:
                bond.speed = sum(x.speed or 0 for x in slaves)
                bond.bonding = mk(
                    T.Bonding,
                    slaves=[mk(T.HostNic, id=x.id, href=x.href, name=x.name) for x in slaves],
                    options=(b.bonding.options if b.bonding and b.bonding.options else None)
                    or [mk(T.Option, name="mode", value="4")],
                )
            if b.mtu:
                bond.mtu = b.mtu
            xmlcache.touch(bond)
        for att in [x for x in atts if x.id in removed_ids]:
            atts.remove(att)
            nic = find(att.host_nic)
            if nic is not None and nic.network is not None and nic.network.id == att.network.id:
                self._clear_nic(nic)
        for bond in removed_bonds:
            nics.remove(bond)
        for att_in, net in nets:
            nic = find(att_in.host_nic)
            att = next((x for x in atts if x.network.id == net.id), None)
            if att is None:
                aid = w.new_id()
                att = mk(
                    T.NetworkAttachment,
                    id=aid,
                    href=href("hosts", host.id, "networkattachments", aid),
                    host=ref(T.Host, "hosts", host.id),
                    network=ref(T.Network, "networks", net.id),
                    in_sync=True,
                )
                atts.append(att)
            else:
                old = find(att.host_nic)
                if old is not None and old.id != nic.id:
                    if att_in.ip_address_assignments is None:  # the address moves with it
                        nic.ip, nic.boot_protocol = old.ip, old.boot_protocol
                        att_in.ip_address_assignments = att.ip_address_assignments
                    self._clear_nic(old)
                    nic.bridged = old.bridged
            att.host_nic = mk(T.HostNic, id=nic.id, href=nic.href, name=nic.name)
            if net.vlan is None:
                nic.network = ref(T.Network, "networks", net.id)
                nic.bridged = T.NetworkUsage.VM in (net.usages or [])
            assignments = att_in.ip_address_assignments
            if assignments is not None:
                att.ip_address_assignments = [self._assigned(nic, ip) for ip in assignments]
            elif att.ip_address_assignments is None:
                att.ip_address_assignments = [
                    mk(T.IpAddressAssignment, assignment_method=T.BootProtocol.NONE)
                ]
            xmlcache.touch(att)
            xmlcache.touch(nic)

    @staticmethod
    def _clear_nic(nic: Any) -> None:
        nic.network = None
        nic.bridged = False
        nic.boot_protocol = T.BootProtocol.NONE
        nic.ip = mk(T.Ip, address="", version=T.IpVersion.V4)
        xmlcache.touch(nic)

    def _assigned(self, nic: Any, ip_in: Any) -> Any:
        """An IP assignment as the host reports it: static as given, DHCP with the address
        the DHCP server gave, none without one; the NIC shows it."""
        method = ip_in.assignment_method or T.BootProtocol.NONE
        if method == T.BootProtocol.STATIC:
            ip = mk(
                T.Ip,
                address=ip_in.ip.address,
                netmask=ip_in.ip.netmask,
                gateway=ip_in.ip.gateway,
                version=T.IpVersion.V4,
            )
        elif method == T.BootProtocol.DHCP:
            ip = mk(
                T.Ip,
                address=self.world.next_ip(),
                netmask="255.255.0.0",
                gateway="10.0.0.1",
                version=T.IpVersion.V4,
            )
        else:
            ip = mk(T.Ip, address="", version=T.IpVersion.V4)
        nic.boot_protocol = method
        nic.ip = ip
        return mk(T.IpAddressAssignment, assignment_method=method, ip=ip)

    # ------------------------------------------------------------- fencing
    def _power_management_on(self, host: T.Host) -> None:
        pm = host.power_management
        if pm is None or not pm.enabled:
            # AppErrors VDS_FENCE_DISABLED
            raise conflict("Cannot fence Host, Host fence is disabled.")

    def host_fence(self, host: T.Host, ctx: Ctx) -> dict[str, Any] | None:
        """Power management: ``status`` (ON, or OFF once stopped), ``stop`` (a host in
        maintenance, event 21), ``start`` (down / non responsive / maintenance, event 20;
        back in maintenance), ``restart``; status, start and stop only where power management
        is enabled."""
        ftype = (ctx.action.fence_type or "restart").lower()
        if ftype == "status":
            self._power_management_on(host)
            off = getattr(host, "_sim_powered_off", False)
            status = T.PowerManagementStatus.OFF if off else T.PowerManagementStatus.ON
            return {"power_management": T.PowerManagement(status=status)}
        if ftype == "stop":
            self._fence_stop(host, ctx)
        elif ftype == "start":
            self._fence_start(host, ctx)
        else:
            self._fence_restart(host, ctx)
        return None

    def _fence_stop(self, host: T.Host, ctx: Ctx) -> None:
        self._power_management_on(host)
        if host.status != HS.MAINTENANCE:
            # AppErrors VDS_STATUS_NOT_VALID_FOR_STOP
            raise conflict(
                "Cannot perform Stop operation, Host has to be in Maintenance mode in order to "
                "be stopped."
            )
        self._job(ctx, f"Stopping Host {host.name}")
        self._begin(host)
        self.set_status(host, HS.DOWN)
        set_private(host, _sim_powered_off=True)
        ev.emit(
            self.world, 21, host=host, correlation_id=ctx.cid
        ).description = f"Host {host.name} was stopped by {ctx.user}."
        ev.end_job(self.world, ctx.job)

    def _fence_start(self, host: T.Host, ctx: Ctx) -> None:
        self._power_management_on(host)
        if host.status not in (HS.DOWN, HS.NON_RESPONSIVE, HS.MAINTENANCE):
            # AppErrors VDS_STATUS_NOT_VALID_FOR_START
            raise conflict(
                "Cannot perform Start operation, Host has to be in one of the following "
                "statuses: Down ,Non Responsive or Maintenance."
            )
        self._job(ctx, f"Starting Host {host.name}")
        op = self._begin(host)
        set_private(host, _sim_powered_off=False)
        self.set_status(host, HS.REBOOT)
        ev.emit(
            self.world, 20, host=host, correlation_id=ctx.cid
        ).description = f"Host {host.name} was started by {ctx.user}."
        job = ctx.job

        def booted() -> None:
            set_private(host, _sim_boot=self.world.clock.time())
            self.set_status(host, HS.MAINTENANCE)
            ev.end_job(self.world, job)

        self._later(host, op, T_REBOOT_HOST, booted)
