"""VM pools (webadmin's Pools tab): add, edit, remove, and ``allocatevm`` (take a VM of the
pool and run it for the user), as the engine's commands do them.

``AddVmPoolCommand`` / ``UpdateVmPoolCommand`` (``CommonVmPoolCommand``): the pool's VMs are
made from its template (never Blank), named by ``NameForVmInPoolGenerator`` (``pool-1``,
``pool-2``... or the pool name's ``???`` mask filled in: ``desk-??`` gives ``desk-01``);
each VM is locked while its disks are copied, then down, stateless unless the pool is
stateful. An edit may add VMs (a larger ``size``) but never removes any: a smaller size is
refused (VM_POOL_CANNOT_DECREASE_VMS_FROM_POOL), as the engine refuses it; so are a new name,
type, stateful option or automatic storage selection. ``prestarted_vms`` VMs are started by
the pool monitor (``VmPoolMonitor``) once the VMs exist.

``RemoveVmPoolCommand``: not refused while VMs run; it sets prestarted to 0, stops the running
VMs, and removes the VMs and then the pool once all are down (USER_REMOVE_VM_POOL_INITIATED,
then USER_REMOVE_VM_POOL); meanwhile the pool is "being removed" and refuses other work.

``AttachUserToVmFromPoolAndRunCommand`` (``allocatevm``): a prestarted free VM (up, no user)
else a down free VM, which is then run; the user gets the UserVmManager role on it; the
answer's ``<vm id>`` names it. Refused when no VM is free or the user already has
``max_user_vms`` VMs of the pool.

Wordings: AppErrors.properties (``${action} ${type}`` with VAR__TYPE__DESKTOP_POOL "VM-Pool"),
events: AuditLogMessages.properties, jobs: ExecutionMessages.properties.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ovirtsdk4 import types as T

from ovtui.sim import events as ev
from ovtui.sim import records, render, search, xmlcache
from ovtui.sim.httptypes import HttpError, Request, Response, bad_request, conflict
from ovtui.sim.machine_base import (
    T_ADD_VM,
    VS,
    Ctx,
    MachineBase,
    RouteParts,
    _find_named,
    parse_body,
)
from ovtui.sim.records import href, mk, ref, set_private

if TYPE_CHECKING:
    from ovtui.sim.routes import Node

BLANK_ID = "00000000-0000-0000-0000-000000000000"
USER_VM_MANAGER = "00000000-0000-0000-0001-000000000001"  # PredefinedRoles.ENGINE_USER
T_REMOVE_POLL = 0.5  # engine seconds between the remove callback's looks at the pool's VMs
REMOVE_POLLS = 600  # ...for at most this many looks
MAX_USER_VMS = 32767
# letters, digits, '_', '-', '.' and one mask sequence of '?' (ValidationUtils.POOL_NAME)
POOL_NAME = re.compile(r"^[A-Za-z0-9_.-]*(\?+[A-Za-z0-9_.-]*)?$")
MASK = re.compile(r"\?+")

# words of the engine's messages
POOL = "VM-Pool"
ACTION_WORD = {"add": "create", "update": "edit", "remove": "remove"}


def _refused(action: str, text: str) -> HttpError:
    """``Cannot ${action} VM-Pool. TEXT`` (409)."""
    return conflict(f"Cannot {ACTION_WORD.get(action, action)} {POOL}. {text}")


def vm_names(pool_name: str, taken: set[str]) -> Iterator[str]:
    """Names for the pool's VMs, as NameForVmInPoolGenerator makes them, skipping names in
    use (``taken``, updated as names are handed out)."""
    n = 0
    while True:
        n += 1
        mask = MASK.search(pool_name)
        if mask is not None:
            width = len(mask.group(0))
            name = pool_name[: mask.start()] + f"{n:0{width}d}" + pool_name[mask.end() :]
        else:
            name = f"{pool_name}-{n}"
        if name not in taken:
            taken.add(name)
            yield name


def _say(world: Any, code: int, text: str, **kw: Any) -> T.Event:
    """An event with the engine's code and its text (AuditLogMessages) filled in."""
    event = ev.emit(world, code, **kw)
    event.description = text
    return event


def register_tables() -> None:
    """What the engine publishes about pools in the tables shared by every machine: the
    ``allocatevm`` action and ``permissions`` link of a ``<vm_pool>``, the ``Pools`` search
    fields and the VMs' ``pool`` field (``Vms: pool=NAME``)."""
    render.ACTIONS.setdefault("vm_pool", ["allocatevm"])
    render.LINKS.setdefault("vm_pool", ["permissions"])
    search.ENTITY_WORD.setdefault("vmpools", "Pools")
    search.FIELDS.setdefault(
        "vmpools",
        {
            **search.COMMON,
            "cluster": search._name_of("clusters", "cluster"),
            "template": search._name_of("templates", "template"),
        },
    )
    search.FIELDS["vms"].setdefault("pool", search._name_of("vmpools", "vm_pool"))


register_tables()


SEED_POOL_ID = "5e3d1f0a-7c2b-4a4e-9d6f-000000000301"


def seed_pools(world: Any) -> None:
    """The seeded world's pool: ``desktops`` in the Default cluster, from its first template,
    with no VMs yet (an engine keeps a pool whose VMs were all detached; ``vmpool update
    --size N`` makes them). No RNG is drawn: the rest of the world is the same without it."""
    world.coll.setdefault("vmpools", {})
    cl = next((c for c in world.coll["clusters"].values() if c.name == "Default"), None)
    tpl = next(
        (
            t
            for t in world.coll["templates"].values()
            if t.id != BLANK_ID
            and cl is not None
            and t.cluster is not None
            and t.cluster.id == cl.id
        ),
        None,
    )
    if cl is None or tpl is None:
        return
    pool = mk(
        T.VmPool,
        id=SEED_POOL_ID,
        href=href("vmpools", SEED_POOL_ID),
        name="desktops",
        description="training desktops",
        comment="",
        size=0,
        prestarted_vms=0,
        max_user_vms=1,
        cluster=ref(T.Cluster, "clusters", cl.id),
        template=ref(T.Template, "templates", tpl.id),
        type=T.VmPoolType.AUTOMATIC,
        stateful=False,
        auto_storage_select=False,
        soundcard_enabled=False,
        use_latest_template_version=False,
    )
    set_private(pool, _sim_permissions=[], _sim_removing=False)
    world.coll["vmpools"][pool.id] = pool


def pool_vms(world: Any, pool: Any) -> list[Any]:
    """The pool's VMs, by name."""
    return sorted(
        (
            v
            for v in world.coll["vms"].values()
            if v.vm_pool is not None and v.vm_pool.id == pool.id
        ),
        key=lambda v: v.name,
    )


class PoolMachine(MachineBase):
    """Add / edit / remove of VM pools and ``allocatevm``."""

    if TYPE_CHECKING:  # the VM machine's and Crud's, through Machines' bases

        def vm_start(self, vm: Any, ctx: Ctx) -> None: ...

        def vm_stop(self, vm: Any, ctx: Ctx) -> None: ...

        def _copy_template_devices(self, vm: Any, tpl: Any) -> None: ...

    def routes_pools(self) -> RouteParts:
        self.world.coll.setdefault("vmpools", {})
        return RouteParts(
            verbs={("vm_pool", "allocatevm"): self.pool_allocate_vm},
            adders={("vm_pool", None): self._add_pool},
            updaters={("vm_pool", None): self._update_pool},
            removers={("vm_pool", None): self._remove_pool},
        )

    # ------------------------------------------------------------------ add
    def _add_pool(self, req: Request, node: Node) -> Response:
        w = self.world
        cid = req.correlation_id
        pin = parse_body(req.body, T.VmPool)
        # BackendVmPoolsResource.add: validateParameters(pool, "name", "template.id|name",
        # "cluster.id|name")
        for attr, what in (("name", "name"), ("template", "template.id|name"),
                           ("cluster", "cluster.id|name")):  # fmt: skip
            value = getattr(pin, attr)
            if not value or (attr != "name" and not (value.id or value.name)):
                raise bad_request(
                    f"VmPool [{what}] required for add"
                )  # the API's "required for add" wording
        cl = _find_named(w, "clusters", pin.cluster)
        if cl is None:
            raise HttpError(404)  # getEntity of a cluster that is not there
        tpl = _find_named(w, "templates", pin.template)
        if tpl is None:
            raise HttpError(404)
        name = pin.name
        if not POOL_NAME.match(name):
            raise bad_request(
                f"Can not create {POOL}. The given name is invalid for pool name. Only lower-case"
                " and upper-case letters, numbers, '_', '-', '.', and one mask sequence are"
                " allowed."
            )
        size = pin.size if pin.size is not None else 1
        prestarted = pin.prestarted_vms or 0
        max_user = pin.max_user_vms if pin.max_user_vms is not None else 1
        if not 1 <= max_user <= MAX_USER_VMS:
            raise bad_request("Number of max assigned VMs per user must be between 1 and 32,767.")
        if any(p.name == name for p in w.coll["vmpools"].values()):
            raise _refused(
                "add",
                f"The {POOL} name is already in use, please choose a unique name and try again.",
            )
        if tpl.id == BLANK_ID:
            raise conflict("VM-Pool must be based on  non-blank Template.")  # sic: two spaces
        if size < 1:
            raise conflict("Cannot create Pool with 0 VMs")
        if prestarted > size:
            raise _refused(
                "add", "Number of Prestarted VMs cannot exceed the number of VMs in the Pool."
            )
        pid = w.new_id()
        pool = mk(
            T.VmPool,
            id=pid,
            href=href("vmpools", pid),
            name=name,
            description=pin.description or "",
            comment=pin.comment or "",
            size=0,
            prestarted_vms=prestarted,
            max_user_vms=max_user,
            cluster=ref(T.Cluster, "clusters", cl.id),
            template=ref(T.Template, "templates", tpl.id),
            type=pin.type or T.VmPoolType.AUTOMATIC,
            stateful=bool(pin.stateful),
            auto_storage_select=bool(pin.auto_storage_select),
            soundcard_enabled=bool(pin.soundcard_enabled),
            use_latest_template_version=bool(pin.use_latest_template_version),
        )
        set_private(pool, _sim_permissions=[], _sim_removing=False)
        w.coll["vmpools"][pid] = pool
        job = ev.start_job(
            w,
            f"Creating VM Pool {name} from template {tpl.name}",
            cid,
            [f"Creating VMs for {name}"],
        )
        self._add_pool_vms(pool, size, cid, job)
        _say(
            w,
            302,
            f"VM Pool {name} (containing {size} VMs) was created by admin@internal.",
            cluster=cl,
            template=tpl,
            correlation_id=cid,
        )
        body = render.document(render.entity(pool, "vm_pool"))
        return Response(201, body, headers={"Location": pool.href})

    def _add_pool_vms(self, pool: Any, count: int, cid: str | None, job: Any) -> None:
        """``count`` new VMs from the pool's template (AddVm for each): locked while their disks
        are copied, then down; the job ends when the last one is; then the pool monitor."""
        w = self.world
        cl: Any = w.get("clusters", pool.cluster.id)
        tpl: Any = w.get("templates", pool.template.id)
        taken = {v.name for v in w.coll["vms"].values()}
        names = vm_names(pool.name, taken)
        left = [count]
        for _ in range(count):
            name = next(names)
            vm = records.make_vm(
                w, name, cl, tpl, VS.IMAGE_LOCKED, None, tpl.memory, w.now(), w.rng
            )
            w.log_status(vm.id, VS.IMAGE_LOCKED)
            vm.vm_pool = ref(T.VmPool, "vmpools", pool.id)
            vm.stateless = not pool.stateful
            vm.description = ""
            vm.comment = ""
            vm.os.type = tpl.os.type
            topo = tpl.cpu.topology if tpl.cpu is not None else None
            if topo is not None:  # the template's CPUs, not the seed generator's draw
                vm.cpu.topology = T.CpuTopology(
                    sockets=topo.sockets, cores=topo.cores, threads=topo.threads
                )
            vm.stop_time = None
            if tpl.initialization is not None:
                vm.initialization = tpl.initialization
            self._copy_template_devices(vm, tpl)
            ev.emit(w, 37, vm=vm, correlation_id=cid)
            ev.add_step(w, job, f"Creating VM {name} for VM Pool", T.StepEnum.EXECUTING)
            op = self._begin(vm)

            def created(vm: Any = vm) -> None:
                self.set_status(vm, VS.DOWN)
                vm.stop_time = self.world.now()
                ev.emit(w, 53, vm=vm, correlation_id=cid)
                left[0] -= 1
                if left[0] == 0:
                    ev.end_job(self.world, job)
                    self._monitor(pool)

            self._later(vm, op, T_ADD_VM, created)
        pool.size = len(pool_vms(w, pool))
        xmlcache.touch(pool)

    def _monitor(self, pool: Any) -> None:
        """VmPoolMonitor: start down free VMs until ``prestarted_vms`` free ones run."""
        w = self.world
        if pool.id not in w.coll["vmpools"] or pool._sim_removing:
            return
        vms: list[Any] = pool_vms(w, pool)
        free = [v for v in vms if getattr(v, "_sim_pool_user", None) is None]
        running = [v for v in free if v.status not in (VS.DOWN, VS.IMAGE_LOCKED)]
        for vm in [v for v in free if v.status == VS.DOWN][
            : max(0, (pool.prestarted_vms or 0) - len(running))
        ]:
            try:
                self.vm_start(vm, Ctx(None, None, "SYSTEM"))
            except HttpError:
                continue  # the monitor logs it and tries again at its next round
            xmlcache.touch(vm)

    # --------------------------------------------------------------- update
    def _update_pool(self, req: Request, node: Node) -> Response:
        w = self.world
        cid = req.correlation_id
        pool = node.obj
        pin = parse_body(req.body, T.VmPool)
        if pool._sim_removing:
            raise _refused("update", f"VM Pool {pool.name} is being removed.")
        name = pin.name if pin.name is not None else pool.name
        if any(p.name == name and p.id != pool.id for p in w.coll["vmpools"].values()):
            raise _refused(
                "update",
                f"The {POOL} name is already in use, please choose a unique name and try again.",
            )
        tpl = _find_named(w, "templates", pin.template) if pin.template is not None else None
        if pin.template is not None and tpl is None:
            raise HttpError(404)
        current = len(pool_vms(w, pool))
        size = pin.size if pin.size is not None else current
        if size < current:
            raise conflict("Cannot decrease VMs from VM-Pool.")
        for attr, text in (
            ("type", "Cannot change VM-Pool type."),
            ("stateful", "Cannot change VM-Pool stateful option."),
            ("name", "Cannot change VM-Pool name."),
            (
                "auto_storage_select",
                "Cannot change VM-Pool automatic selection of target storage domains during"
                " disks allocation.",
            ),
        ):
            new = getattr(pin, attr)
            if new is not None and new != getattr(pool, attr):
                raise conflict(text)
        max_user = pin.max_user_vms if pin.max_user_vms is not None else pool.max_user_vms
        if not 1 <= max_user <= MAX_USER_VMS:
            raise bad_request("Number of max assigned VMs per user must be between 1 and 32,767.")
        prestarted = pin.prestarted_vms if pin.prestarted_vms is not None else pool.prestarted_vms
        if prestarted > size:
            raise _refused(
                "update", "Number of Prestarted VMs cannot exceed the number of VMs in the Pool."
            )
        if tpl is not None and tpl.id != pool.template.id:
            if tpl.id == BLANK_ID:
                raise conflict("VM-Pool must be based on  non-blank Template.")
            if any(v.delete_protected for v in pool_vms(w, pool)):
                raise conflict(
                    "Cannot change the VM Template when the VMs created are set to Delete"
                    " Protected."
                )
        job = ev.start_job(w, f"Configuring VM Pool {pool.name} properties", cid)
        for attr in ("description", "comment", "use_latest_template_version", "soundcard_enabled"):
            value = getattr(pin, attr)
            if value is not None:
                setattr(pool, attr, value)
        pool.max_user_vms = max_user
        pool.prestarted_vms = prestarted
        if tpl is not None and tpl.id != pool.template.id:
            pool.template = ref(T.Template, "templates", tpl.id)
            for vm in pool_vms(w, pool):  # UpdateVm of each: the new template at its next run
                vm.template = ref(T.Template, "templates", tpl.id)
                xmlcache.touch(vm)
        added = size - current
        if added:
            self._add_pool_vms(pool, added, cid, job)
        else:
            ev.end_job(w, job)
            self._monitor(pool)
        _say(
            w,
            344,
            f"VM Pool {pool.name} was updated by admin@internal, {added} VMs were added.",
            cluster=w.get("clusters", pool.cluster.id),
            correlation_id=cid,
        )
        xmlcache.touch(pool)
        return Response(200, render.document(render.entity(pool, "vm_pool")))

    # --------------------------------------------------------------- remove
    def _remove_pool(self, req: Request, node: Node) -> Response:
        w = self.world
        cid = req.correlation_id
        pool = node.obj
        if pool._sim_removing:
            raise _refused("remove", f"VM Pool {pool.name} is being removed.")
        cl = w.get("clusters", pool.cluster.id)
        pool._sim_removing = True
        pool.prestarted_vms = 0
        xmlcache.touch(pool)
        job = ev.start_job(
            w, f"Removing VM Pool {pool.name} from Cluster {cl.name if cl else ''}", cid
        )
        _say(
            w,
            321,
            f"VM Pool {pool.name} removal was initiated by admin@internal.",
            cluster=cl,
            correlation_id=cid,
        )
        for vm in pool_vms(w, pool):
            if vm.status != VS.DOWN and vm.status != VS.IMAGE_LOCKED:
                try:
                    self.vm_stop(vm, Ctx(None, cid))
                except HttpError:
                    pass  # the callback retries until the VM is down
                xmlcache.touch(vm)
        self._remove_when_down(pool, cid, job, REMOVE_POLLS)
        return Response(200, b"")

    def _remove_when_down(self, pool: Any, cid: str | None, job: Any, polls: int) -> None:
        """RemoveVmPoolCommandCallback: once every VM of the pool is down, remove them
        (RemoveVmFromPool + RemoveVm) and then the pool."""
        w = self.world
        vms = pool_vms(w, pool)
        if any(v.status != VS.DOWN for v in vms):
            if polls > 0:
                self.after(T_REMOVE_POLL, lambda: self._remove_when_down(pool, cid, job, polls - 1))
            else:
                _say(
                    w,
                    305,
                    f"Failed to remove VM Pool {pool.name} (User: admin@internal).",
                    correlation_id=cid,
                ).severity = T.LogSeverity.ERROR
                pool._sim_removing = False
                ev.end_job(w, job, ok=False)
            return
        for vm in vms:
            self._drop_vm(vm, cid)
            _say(
                w,
                308,
                f"VM {vm.name} was removed from VM Pool {pool.name} by admin@internal.",
                correlation_id=cid,
            )
        w.coll["vmpools"].pop(pool.id, None)
        _say(
            w,
            304,
            f"VM Pool {pool.name} was removed by admin@internal.",
            cluster=w.get("clusters", pool.cluster.id),
            correlation_id=cid,
        )
        ev.end_job(w, job)

    def _drop_vm(self, vm: Any, cid: str | None) -> None:
        """RemoveVm of a down pool VM: its disks go with it."""
        w = self.world
        for att in w.sub("vms", vm, "diskattachments") or []:
            w.coll["disks"].pop(att.disk.id, None)
        self._begin(vm)
        ev.emit(w, 113, vm=vm, correlation_id=cid)
        w.coll["vms"].pop(vm.id, None)
        w.drop_subs("vms", vm.id)

    # ------------------------------------------------------------- allocate
    def pool_allocate_vm(self, pool: Any, ctx: Ctx) -> dict[str, Any]:
        """POST /vmpools/ID/allocatevm: a free VM of the pool, run for the user."""
        w = self.world
        pre = "Cannot allocate and run VM from VM-Pool."
        if pool._sim_removing:
            raise conflict(f"{pre} VM Pool {pool.name} is being removed.")
        vms = pool_vms(w, pool)
        free = [v for v in vms if getattr(v, "_sim_pool_user", None) is None]
        prestarted = [v for v in free if v.status == VS.UP]
        down = [v for v in free if v.status == VS.DOWN]
        chosen = (prestarted or down or [None])[0]
        if chosen is None:
            raise conflict(f"{pre} There are no available VMs in the VM-Pool.")
        mine = [v for v in vms if getattr(v, "_sim_pool_user", None) == ctx.user]
        if len(mine) >= (pool.max_user_vms or 1):
            raise conflict("User is already attached to maximum number of VMs from this VM-Pool.")
        vm = chosen
        self._job(
            ctx,
            f"Allocating VM {vm.name} from VM Pool {pool.name} to User {ctx.user}",
            [f"Taking VM {vm.name} from VM pool in order to run it"],
        )
        job = ctx.job
        if vm.status == VS.DOWN:
            self.vm_start(vm, Ctx(None, ctx.cid, ctx.user))
        set_private(vm, _sim_pool_user=ctx.user)
        self._grant(vm)
        _say(
            w,
            316,
            f"Attaching User {ctx.user} to VM {vm.name} in VM Pool {pool.name} was initiated"
            f" by {ctx.user}.",
            vm=vm,
            correlation_id=ctx.cid,
        )
        self._when_up(vm, pool, ctx, job, REMOVE_POLLS)
        xmlcache.touch(vm)
        return {"vm": T.Vm(id=vm.id)}

    def _grant(self, vm: Any) -> None:
        """The user's UserVmManager permission on the VM (AddPermission)."""
        w = self.world
        perms = w.sub("vms", vm, "permissions")
        pid = w.new_id()
        user_id = next(iter(w.coll["users"]), None)
        perm = mk(
            T.Permission,
            id=pid,
            href=href("vms", vm.id, "permissions", pid),
            role=mk(T.Role, id=USER_VM_MANAGER, href=href("roles", USER_VM_MANAGER)),
            user=ref(T.User, "users", user_id) if user_id else None,
            vm=ref(T.Vm, "vms", vm.id),
        )
        if perms is not None:
            perms.append(perm)
        else:
            w.set_sub("vms", vm.id, "permissions", [perm])

    def _when_up(self, vm: Any, pool: Any, ctx: Ctx, job: Any, polls: int) -> None:
        w = self.world
        if vm.status == VS.UP:
            _say(
                w,
                318,
                f"User {ctx.user} successfully attached to VM {vm.name} in VM Pool {pool.name}.",
                vm=vm,
                correlation_id=ctx.cid,
            )
            ev.end_job(w, job)
            return
        if vm.status == VS.DOWN or polls <= 0:  # the run failed: the user is detached
            set_private(vm, _sim_pool_user=None)
            event = _say(
                w,
                319,
                f"Failed to attach user {ctx.user} to VM {vm.name} in VM Pool {pool.name}.",
                vm=vm,
                correlation_id=ctx.cid,
            )
            event.severity = T.LogSeverity.ERROR
            ev.end_job(w, job, ok=False)
            return
        self.after(T_REMOVE_POLL, lambda: self._when_up(vm, pool, ctx, job, polls - 1))


__all__ = ["PoolMachine", "pool_vms", "vm_names"]
