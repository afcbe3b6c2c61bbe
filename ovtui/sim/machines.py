"""The simulator's state machines behind one router: verbs, adds, updates, removes.

Every mutating route is declared in ``Machines`` (``verbs``, ``adders``, ``updaters``,
``removers``; listed by ``route_table()``); anything else is refused (see the package
docstring). The machines themselves live in ``vm_machine``, ``host_machine``,
``storage_machine`` and ``crud``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim import render, routes, xmlcache
from ovtui.sim.admin_machine import AdminMachine
from ovtui.sim.catalog_machine import CatalogMachine
from ovtui.sim.crud import Crud
from ovtui.sim.estate_machine import EstateMachine
from ovtui.sim.faults import FaultInjector
from ovtui.sim.httptypes import HttpError, Request, Response, conflict, not_found
from ovtui.sim.machine_base import Ctx, RouteParts, _type_word, parse_body
from ovtui.sim.pool_machine import PoolMachine
from ovtui.sim.storage_machine import StorageMachine
from ovtui.sim.store import RecordStore
from ovtui.sim.vm_life import VmLifeMachine

Handler = Callable[[Request, routes.Node], Response]


class Machines(
    Crud, StorageMachine, VmLifeMachine, CatalogMachine, EstateMachine, PoolMachine, AdminMachine
):
    """Every machine, and the tables that route a write request to its handler."""

    def __init__(self, world: RecordStore, speed: float, faults: FaultInjector) -> None:
        super().__init__(world, speed, faults)
        self.verbs: dict[tuple[str, str], Callable[[Any, Ctx], Any]] = {
            ("vm", "start"): self.vm_start,
            ("vm", "stop"): self.vm_stop,
            ("vm", "shutdown"): self.vm_shutdown,
            ("vm", "suspend"): self.vm_suspend,
            ("vm", "reboot"): self.vm_reboot,
            ("vm", "reset"): self.vm_reset,
            ("vm", "migrate"): self.vm_migrate,
            ("vm", "cancelmigration"): self.vm_cancel_migration,
            ("vm", "ticket"): self.console_ticket,
            ("graphics_console", "ticket"): self.console_ticket,
            ("graphics_console", "remoteviewerconnectionfile"): self.console_file_action,
            ("host", "deactivate"): self.host_deactivate,
            ("host", "activate"): self.host_activate,
            ("host", "upgradecheck"): self.host_upgrade_check,
            ("host", "upgrade"): self.host_upgrade,
            ("host", "install"): self.host_install,
            ("host", "fence"): self.host_fence,
            ("host", "restart"): self.host_fence,
            ("host", "forceselectspm"): self.host_force_spm,
            ("attached_storage_domain", "deactivate"): self.sd_deactivate,
            ("attached_storage_domain", "activate"): self.sd_activate,
            ("storage_domain", "refreshluns"): self.sd_refresh_luns,
            ("attached_storage_domain", "refreshluns"): self.sd_refresh_luns,
            ("host", "refresh"): self.host_refresh,
            ("host", "setupnetworks"): self.host_setup_networks,
            ("data_center", "setmaster"): self.dc_set_master,
            ("vm", "export"): self.vm_export,
            ("template", "export"): self.template_export,
            ("nic", "activate"): self.nic_activate,
            ("nic", "deactivate"): self.nic_deactivate,
            ("disk", "move"): self.disk_move,
            ("vm", "previewsnapshot"): self.vm_preview_snapshot,
            ("vm", "commitsnapshot"): self.vm_commit_snapshot,
            ("vm", "undosnapshot"): self.vm_undo_snapshot,
            ("snapshot", "restore"): self.snapshot_restore,
            ("vm", "clone"): self.vm_clone,
        }
        # (collection tag, parent tag) -> handler(req, node); a node of a top-level collection
        # has no parent tag
        self.adders: dict[tuple[str, str | None], Handler] = {
            ("vm", None): self._add_vm,
            ("host", None): lambda req, node: self._add_host(req),
            ("event", None): self._add_event,
            ("snapshot", "vm"): self._add_snapshot,
            ("nic", "vm"): lambda req, node: self._add_nic(req, node.parent),
            ("disk_attachment", "vm"): lambda req, node: self._add_disk(req, node.parent),
            ("ssh_public_key", "user"): self._add_ssh_key,
            ("template", None): self._add_template,
        }
        self.updaters: dict[tuple[str, str | None], Handler] = {
            ("vm", None): self._update_vm,
            ("host", None): self._update_host,
            ("disk", None): self._update_disk,
            ("disk_attachment", "vm"): self._update_disk_attachment,
            **{
                k: self._update_plain
                for k in (
                    ("storage_domain", None),
                    ("template", None),
                    ("vnic_profile", None),
                    ("nic", "vm"),
                    ("ssh_public_key", "user"),
                )
            },
        }
        self.removers: dict[tuple[str, str | None], Handler] = {
            ("vm", None): self._remove_vm,
            ("host", None): lambda req, node: self._remove_host(req, node.obj),
            ("snapshot", "vm"): self._remove_snapshot,
            ("event", None): self._remove_event,
            ("nic", "vm"): self._remove_vm_nic,
            ("disk_attachment", "vm"): self._remove_disk_attachment,
            ("ssh_public_key", "user"): self._remove_ssh_key,
            ("template", None): self._remove_template,
        }
        self._merge_route_parts()

    def _merge_route_parts(self) -> None:
        """Add the routes of every mixin method named ``routes_*`` (a :class:`RouteParts`):
        a machine module declares its own routes, and this file only lists its class."""
        for name in sorted(dir(type(self))):
            if not name.startswith("routes_"):
                continue
            parts: RouteParts = getattr(self, name)()
            for mine, theirs in (
                (self.verbs, parts.verbs),
                (self.adders, parts.adders),
                (self.updaters, parts.updaters),
                (self.removers, parts.removers),
            ):
                clash = set(mine) & set(theirs)
                if clash:
                    raise RuntimeError(f"{name} redeclares routes {sorted(clash)}")
                mine.update(theirs)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ HTTP
    def route_table(self) -> list[str]:
        """Every mutating route the simulator serves, as ``KIND tag[.child] [verb]`` keys:
        ``ACTION vm start``, ``ADD vm.snapshot``, ``UPDATE host``, ``REMOVE vm.nic``.

        A request that matches none of them is refused (404, or 409 for an action the engine
        has but the simulator does not do): it never answers 200 with nothing done."""
        out = [f"ACTION {tag} {verb}" for tag, verb in self.verbs]
        for kind, table in (("ADD", self.adders), ("UPDATE", self.updaters)):
            out += [f"{kind} {_route_tag(k)}" for k in table]
        out += [f"REMOVE {_route_tag(k)}" for k in self.removers]
        return sorted(out)

    def handle(self, req: Request) -> Response:
        """POST (actions, adds), PUT (updates) and DELETE (removes); caller holds the lock."""
        w = self.world
        if req.method == "POST":
            node = routes.resolve(w, req.segs)
            if node is not None and node.obj is None:
                add = self.adders.get((node.tag, node.parent_tag))
                if add is None:
                    raise HttpError(405, "Method not allowed.")
                resp = add(req, node)
                xmlcache.touch(node.parent)
                return resp
            node = routes.resolve(w, req.segs[:-1]) if len(req.segs) > 1 else None
            if node is None or node.obj is None:
                raise not_found()
            verb = req.segs[-1]
            action = parse_body(req.body, T.Action) if req.body.strip() else T.Action()
            ctx = Ctx(action, req.correlation_id, self.acting_login(req))  # sim/admin_machine
            tag = node.actions_tag or node.tag
            fn = self.verbs.get((tag, verb))
            if fn is None:
                if verb in render.ACTIONS.get(tag, []) or (
                    tag == "attached_storage_domain" and verb in render.ACTIONS["storage_domain"]
                ):
                    # an action the engine has and the simulator does not do: refused, never
                    # acknowledged (the package docstring's rule)
                    raise conflict(
                        f"Cannot {verb} {_type_word(tag)}. This operation is not supported."
                    )
                raise not_found()
            extra = fn(node.obj, ctx)
            xmlcache.touch(getattr(node.obj, "_sim_source", node.obj))
            is_async = bool(action.async_)
            return Response(
                202 if is_async else 200,
                render.action_result("in_progress" if is_async else "complete", ctx.job, extra),
            )
        if req.method in ("PUT", "DELETE"):
            node = routes.resolve(w, req.segs)
            if node is None:
                raise not_found()
            if node.obj is None:
                raise HttpError(405, "Method not allowed.")
            table = self.updaters if req.method == "PUT" else self.removers
            handler = table.get((node.tag, node.parent_tag))
            if handler is None:
                if req.method == "PUT":
                    raise HttpError(405, "Method not allowed.")
                raise conflict(
                    f"Cannot remove {_type_word(node.tag)}. This operation is not supported."
                )
            resp = handler(req, node)
            # a PUT merges into nested structures, which the record does not see
            xmlcache.touch(getattr(node.obj, "_sim_source", node.obj))
            xmlcache.touch(node.parent)
            return resp
        raise HttpError(405, "Method not allowed.")


def _route_tag(key: tuple[str, str | None]) -> str:
    tag, parent = key
    return f"{parent}.{tag}" if parent else tag


__all__ = ["Machines", "Ctx", "parse_body"]
