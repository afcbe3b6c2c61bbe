"""``cluster upgrade``: a rolling upgrade, one host at a time.

Per host: upgradecheck, preflight (placement plan), maintenance, upgrade (reboot unless
``--no-reboot``), activate, healthy (every host that was up at the start is up). A host an
admin had in maintenance is upgraded where it stands and left there. It stops at the first
failure and says where (host and step), exit 1; when the upgrade or the activation failed it
puts that host back into maintenance (at "healthy" the host itself is fine and stays up).

Why a state file for ``--continue`` rather than deriving it from the engine: the engine cannot
tell "upgraded by this run" from "never checked" (``update_available`` is only set by a check,
and a check needs an up host, which the stopped host is not), it does not remember the host
order or the ``--hosts`` subset, nor which hosts were up when the run began (what "healthy"
means), nor the step that failed. So a small JSON file under platformdirs' user state dir,
keyed by engine URL + cluster id, written atomically with mode 600, records them. The engine
is still trusted over the file: each step looks at the host's status first, so a host someone
fixed by hand is not pushed through steps it no longer needs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import ovirtsdk4
import platformdirs
from ovirtsdk4 import types

from . import datacenters as dc
from .base import (
    ActionContext,
    ActionError,
    Cancelled,
    EngineRefused,
    NoMatch,
    Param,
    Preview,
    Progress,
    Result,
    UsageError,
)
from .declare import verb
from .errors import engine_errors
from .host_common import get_host
from .host_maintenance import activate_host, enter_maintenance
from .host_upgrade import UP_TO_DATE, run_upgrade_check, upgrade_and_follow
from .placement import GIB, plan_for_host
from .selectors import quote
from .vm_writes import add_once
from .waiters import status_of, wait_for
from .writes import done as done_result

HEALTHY_TIMEOUT = 900.0
STEPS = ("upgradecheck", "preflight", "maintenance", "upgrade", "activate", "healthy")


def state_path(engine_url: str, cluster_id: str) -> Path:
    key = hashlib.sha256(f"{engine_url}|{cluster_id}".encode()).hexdigest()[:16]
    return Path(platformdirs.user_state_dir("ovtui")) / "cluster-upgrade" / f"{key}.json"


def load_state(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise UsageError(f"Cannot read the upgrade state {path}: {exc}.") from None


def save_state(path: Path, state: dict[str, Any]) -> None:
    """Write atomically (temp file + rename), readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".state-", suffix=".json")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(state, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cluster_hosts(ctx: ActionContext, cluster: types.Cluster) -> list[types.Host]:
    with engine_errors(f"listing the hosts of cluster {cluster.name}"):
        found = ctx.system.hosts_service().list(search=f"cluster={quote(cluster.name)}")
    return [h for h in found if h.cluster is not None and h.cluster.id == cluster.id]


def _scaled(ctx: ActionContext, done: int, total: int, label: str) -> ActionContext:
    """A context whose progress is about the whole cluster: fraction over all hosts, each
    line prefixed with the host and step."""

    def report(p: Progress) -> None:
        frac = (done + (p.fraction or 0.0)) / total if total else 1.0
        ctx.report(dataclasses.replace(p, message=f"[{label}] {p.message}", fraction=frac))

    return dataclasses.replace(ctx, report=report, async_=False)


class RollingUpgrade:
    def __init__(
        self, ctx: ActionContext, cluster: types.Cluster, state: dict[str, Any], path: Path
    ) -> None:
        self.ctx = ctx
        self.cluster = cluster
        self.state = state
        self.path = path
        self.total = len(state["hosts"])

    def run(self) -> list[dict[str, Any]]:
        for i, entry in enumerate(self.state["hosts"]):
            if entry["id"] in self.state["done"]:
                continue
            self.one_host(i, entry)
        return self.state["results"]

    def _step(self, i: int, name: str, step: str) -> ActionContext:
        self.state["current"] = {"host": name, "step": step}
        save_state(self.path, self.state)
        done = len(self.state["done"])
        label = f"{i + 1}/{self.total} {name} {step}"
        self.ctx.progress("step", f"host {name}: {step}", fraction=done / self.total)
        return _scaled(self.ctx, done, self.total, label)

    def one_host(self, i: int, entry: dict[str, Any]) -> None:
        """The steps of one host. A host that was not up when the run began (an admin's
        maintenance) is upgraded where it stands and not activated."""
        name, step = entry["name"], "upgradecheck"
        was_up = entry["id"] in self.state["up_at_start"]
        try:
            sub = self._step(i, name, step)
            host = get_host(sub, entry["id"])
            if status_of(host) in ("up", "non_operational"):
                host = run_upgrade_check(sub, host)
            outcome = UP_TO_DATE
            if not host.update_available and (status_of(host) == "up" or not was_up):
                self._finish(entry, outcome)
                return
            if host.update_available:
                step = "preflight"
                sub = self._step(i, name, step)
                plan = None
                if status_of(host) == "up":
                    plan = plan_for_host(sub, host)
                    plan.report(sub)
                    plan.refuse_unless_ok()
                step = "maintenance"
                host = enter_maintenance(self._step(i, name, step), host, plan=plan)
                step = "upgrade"
                reboot = bool(self.state.get("reboot", True))
                outcome, host = upgrade_and_follow(self._step(i, name, step), host, reboot)
            if was_up:
                step = "activate"
                activate_host(self._step(i, name, step), host)
                step = "healthy"
                self.wait_healthy(self._step(i, name, step))
            self._finish(entry, outcome)
        except Cancelled:
            self.state["stopped"] = {"host": name, "step": step, "message": "interrupted"}
            save_state(self.path, self.state)
            raise
        except ActionError as exc:
            self.stop(i, entry, step, exc)

    def _finish(self, entry: dict[str, Any], outcome: str) -> None:
        self.state["done"].append(entry["id"])
        self.state["results"].append({"host": entry["name"], "outcome": outcome})
        self.state.pop("stopped", None)
        save_state(self.path, self.state)
        done = len(self.state["done"])
        self.ctx.progress(
            "host-done", f"host {entry['name']}: {outcome}", fraction=done / self.total
        )

    def wait_healthy(self, ctx: ActionContext) -> None:
        want = set(self.state["up_at_start"])

        def fetch() -> list[types.Host]:
            return cluster_hosts(ctx, self.cluster)

        def healthy(hosts: list[types.Host]) -> bool:
            return all(status_of(h) == "up" for h in hosts if h.id in want)

        def describe(hosts: list[types.Host]) -> None:
            bad = [f"{h.name} {status_of(h)}" for h in hosts if h.id in want]
            bad = [b for b in bad if not b.endswith(" up")]
            if bad:
                ctx.progress("waiting", "waiting for " + ", ".join(bad))

        wait_for(
            ctx,
            fetch,
            healthy,
            what=f"cluster {self.cluster.name}",
            wanted="healthy (all hosts up)",
            timeout=ctx.timeout_for(HEALTHY_TIMEOUT),
            on_poll=describe,
        )

    def stop(self, i: int, entry: dict[str, Any], step: str, exc: ActionError) -> None:
        """Record where it stopped, leave the host in maintenance, raise exit 1."""
        name = entry["name"]
        self.state["stopped"] = {"host": name, "step": step, "message": exc.message}
        save_state(self.path, self.state)
        left = ""
        if step in ("upgrade", "activate"):  # at "healthy" the host itself is fine: left up
            try:
                h = get_host(self.ctx, entry["id"])
                if status_of(h) != "maintenance":
                    self.ctx.progress("step", f"host {name}: back to maintenance")
                    enter_maintenance(self.ctx, h, force=True)
                left = f"; {name} left in maintenance"
            except ActionError as exc2:
                left = f"; could not put {name} in maintenance: {exc2.message}"
        done = ", ".join(r["host"] for r in self.state["results"]) or "none"
        raise EngineRefused(
            f"cluster {self.cluster.name}: rolling upgrade stopped at host {name}"
            f" ({i + 1}/{self.total}), step {step}: {exc.message.rstrip('.')}{left}."
            f" Done: {done}.",
            f"Fix the cause, then: ovtui run cluster -n {self.cluster.name} upgrade --continue",
        ) from exc


def upgrade_plan(ctx: ActionContext, targets: list[Any], params: dict[str, Any]) -> Preview:
    """The rolling upgrade's own ``--dry-run``: host order, each host's VMs and destinations."""
    res = upgrade(ctx, targets[0], hosts=params.get("hosts"), dry_run=True)
    rows = list(res.data or [])
    out = Preview(total=len(rows))
    order = ", ".join(r["host"] for r in rows) or "no hosts"
    out.lines.append(f"Order, one host at a time: {order}")
    if params.get("resume"):
        out.lines.append("Continuing the stopped run: hosts already done are skipped.")
    out.lines.append("Each: upgrade check, maintenance, upgrade, activate, wait healthy.")
    for i, r in enumerate(rows, 1):
        upd = "updates available" if r["update_available"] else "update unknown until checked"
        vms = r["vms"]
        moves = f"{len(vms)} VM(s) move" if vms else "no VMs"
        out.lines.append(f"{i}. {r['host']} ({r['status']}, {upd}): {moves}")
        for v in vms:
            mem = f"{v['memory'] / GIB:.1f} GiB"
            if v.get("destination"):
                out.lines.append(f"   {v['vm']} ({mem}) -> {v['destination']}")
            else:
                out.lines.append(f"   {v['vm']} ({mem}) CANNOT MOVE: {v.get('reason', '')}")
                out.blocked.append(f"{r['host']}: {v['vm']} cannot move: {v.get('reason', '')}")
    return out


def _dry_run(ctx: ActionContext, hosts: list[types.Host]) -> Result:
    rows = []
    for h in hosts:
        plan = plan_for_host(ctx, h) if status_of(h) == "up" else None
        rows.append(
            {
                "host": h.name,
                "status": status_of(h),
                "update_available": bool(h.update_available),
                "ok": plan.ok if plan else True,
                "vms": plan.as_data() if plan else [],
            }
        )
        for line in plan.lines() if plan else [f"{h.name}: {status_of(h)}"]:
            ctx.progress("plan", line, subject=h.name)
    ok = all(r["ok"] for r in rows)
    names = ", ".join(h.name for h in hosts)
    return Result(ok, f"rolling upgrade order: {names} (dry run: nothing changed)", rows)


@verb(
    "cluster",
    "upgrade",
    "Rolling upgrade of the cluster's hosts, one at a time, VMs kept running.",
    params=(
        Param("hosts", ("--hosts",), "Only these hosts, in this order (h1,h2)", metavar="H1,H2"),
        Param("dry_run", ("--dry-run",), "Print the order and plans; change nothing", "flag"),
        Param("resume", ("--continue",), "Resume where the last run stopped", "flag"),
        Param("no_reboot", ("--no-reboot",), "Do not reboot hosts after upgrading", "flag"),
    ),
    mutating=True,
    dangerous=True,
    plan=upgrade_plan,
    key="U",
)
def upgrade(
    ctx: ActionContext,
    target: Any,
    hosts: str | list[str] | None = None,
    dry_run: bool = False,
    resume: bool = False,
    no_reboot: bool = False,
) -> Result:
    """Upgrade every host of the cluster (or --hosts) one at a time; --continue resumes."""
    with engine_errors("reading the cluster"):
        cluster = ctx.system.clusters_service().cluster_service(getattr(target, "id", target)).get()
    members = cluster_hosts(ctx, cluster)
    by_name = {h.name: h for h in members}
    if hosts:
        wanted = hosts.split(",") if isinstance(hosts, str) else list(hosts)
        wanted = [w.strip() for w in wanted if w.strip()]
        unknown = [w for w in wanted if w not in by_name]
        if unknown:
            raise UsageError(
                f"Not hosts of cluster {cluster.name}: {', '.join(unknown)}.",
                f"Its hosts: {', '.join(sorted(by_name))}.",
            )
        chosen = [by_name[w] for w in wanted]
    else:
        chosen = sorted(members, key=lambda h: h.name)
    if dry_run:
        return _dry_run(ctx, chosen)
    path = state_path(str(getattr(ctx.connection, "url", "")), cluster.id)
    state = load_state(path)
    if resume:
        if not state or "stopped" not in state:
            raise UsageError(
                f"Nothing to continue for cluster {cluster.name}: no stopped run recorded.",
                f"Start one with: ovtui run cluster -n {cluster.name} upgrade",
            )
        where = state["stopped"]
        ctx.progress(
            "resume",
            f"resuming at host {where['host']}, step {where['step']}"
            f" ({len(state['done'])}/{len(state['hosts'])} done)",
        )
    else:
        if state and "stopped" in state:
            ctx.progress(
                "warning",
                f"a previous run stopped at host {state['stopped']['host']}; starting over"
                " (use --continue to resume it)",
                level="warning",
            )
        state = {
            "engine": str(getattr(ctx.connection, "url", "")),
            "cluster_id": cluster.id,
            "cluster": cluster.name,
            "hosts": [{"id": h.id, "name": h.name} for h in chosen],
            "up_at_start": [h.id for h in members if status_of(h) == "up"],
            "reboot": not no_reboot,
            "done": [],
            "results": [],
            "started": time.time(),
        }
        save_state(path, state)
    results = RollingUpgrade(ctx, cluster, state, path).run()
    path.unlink(missing_ok=True)
    upgraded = [r["host"] for r in results if r["outcome"] != UP_TO_DATE]
    ctx.progress("done", f"cluster {cluster.name}: rolling upgrade finished", fraction=1.0)
    return Result(
        True,
        f"cluster {cluster.name}: {len(upgraded)} host(s) upgraded"
        f" ({', '.join(upgraded) or 'none'}), {len(results) - len(upgraded)} up to date",
        results,
    )


# ------------------------------------------------------------------ create / update / remove
# The engine's own migration policies (their ids are the engine's constants) and
# predefined scheduling policies (looked up by name by the engine).
MIGRATION_POLICIES = {
    "minimal_downtime": "80554327-0569-496b-bdeb-fcbbf52b827b",
    "post_copy": "a7aeedb2-8d66-4e51-bb22-32595027ce71",
    "suspend_workload": "80554327-0569-496b-bdeb-fcbbf52b827c",
    "legacy": "00000000-0000-0000-0000-000000000000",
}
SCHEDULING_POLICIES = (
    "none",
    "evenly_distributed",
    "power_saving",
    "vm_evenly_distributed",
    "cluster_maintenance",
)
FIREWALLS = ("firewalld", "iptables")
ROLES = ("display", "migration", "default_route", "gluster")
CLUSTER_COLUMNS = ("name", "data_center", "version", "cpu.type", "description", "id")
CLUSTER_NET_COLUMNS = ("name", "required", "usages", "vlan.id", "mtu", "id")


def engine_cpu_types(ctx: ActionContext, version: str) -> list[str] | None:
    """The CPU types of the engine's cluster level ``version``; None when it does not say."""
    try:
        level = ctx.system.cluster_levels_service().level_service(version).get()
    except ovirtsdk4.Error:
        return None
    return [c.name for c in level.cpu_types or []]


def _check_cpu(ctx: ActionContext, cpu_type: str | None, version: str | None) -> None:
    if not cpu_type or not version:
        return
    known = engine_cpu_types(ctx, version)
    if known is not None and cpu_type not in known:
        raise UsageError(
            f"The engine has no CPU type {cpu_type!r} at compatibility version {version}.",
            f"It offers: {', '.join(known)}.",
        )


CLUSTER_FIELDS = (
    Param("description", ("--description",), "description", "text"),
    Param("comment", ("--comment",), "comment", "text"),
    Param("cpu_type", ("--cpu-type",), "CPU type (one of the engine's for the version)", "text"),
    Param("version", ("--version",), "compatibility version", "choice", choices=dc.VERSIONS),
    Param(
        "memory_overcommit",
        ("--memory-overcommit",),
        "memory over commit, percent (100, 150, 200)",
        "int",
    ),
    Param(
        "migration_policy",
        ("--migration-policy",),
        "migration policy",
        "choice",
        choices=tuple(MIGRATION_POLICIES),
    ),
    Param(
        "scheduling_policy",
        ("--scheduling-policy",),
        "scheduling policy",
        "choice",
        choices=SCHEDULING_POLICIES,
    ),
    Param("firewall_type", ("--firewall-type",), "host firewall", "choice", choices=FIREWALLS),
)


def _cluster_spec(name: str | None, datacenter_id: str | None, kw: dict[str, Any]) -> types.Cluster:
    spec = types.Cluster(
        name=name,
        description=kw.get("description"),
        comment=kw.get("comment"),
        data_center=types.DataCenter(id=datacenter_id) if datacenter_id else None,
        version=dc.version_of(kw.get("version")),
    )
    if kw.get("cpu_type"):
        spec.cpu = types.Cpu(type=kw["cpu_type"], architecture=types.Architecture.X86_64)
    if kw.get("memory_overcommit") is not None:
        spec.memory_policy = types.MemoryPolicy(
            over_commit=types.MemoryOverCommit(percent=int(kw["memory_overcommit"]))
        )
    if kw.get("migration_policy"):
        spec.migration = types.MigrationOptions(
            policy=types.MigrationPolicy(id=MIGRATION_POLICIES[kw["migration_policy"]])
        )
    if kw.get("scheduling_policy"):
        spec.scheduling_policy = types.SchedulingPolicy(name=kw["scheduling_policy"])
    if kw.get("firewall_type"):
        spec.firewall_type = types.FirewallType(kw["firewall_type"])
    return spec


def _cluster_state(cl: types.Cluster) -> dict[str, Any]:
    over = getattr(getattr(cl.memory_policy, "over_commit", None), "percent", None)
    pol = getattr(getattr(cl.migration, "policy", None), "id", None)
    return {
        "name": cl.name,
        "description": cl.description,
        "comment": cl.comment,
        "cpu_type": getattr(cl.cpu, "type", None),
        "version": dc.vstr(cl.version),
        "memory_overcommit": over,
        "migration_policy": next((k for k, v in MIGRATION_POLICIES.items() if v == pol), pol),
        "firewall_type": dc.enum_value(cl.firewall_type),
    }


def _asked(kw: dict[str, Any]) -> dict[str, Any]:
    keys = ("description", "comment", "cpu_type", "version", "memory_overcommit")
    out = {k: kw.get(k) for k in keys}
    out["migration_policy"] = kw.get("migration_policy")
    out["firewall_type"] = kw.get("firewall_type")
    return out


def _cluster_done(ctx: ActionContext, cl: Any, message: str) -> Result:
    return done_result(ctx, message, cl, columns=CLUSTER_COLUMNS)


@verb(
    "cluster",
    "create",
    "Create a cluster in a data center (CPU type, version, overcommit, policies, firewall)",
    params=(
        Param("name", ("--name",), "name of the new cluster", "text", required=True),
        Param(
            "datacenter", ("--datacenter", "--dc"), "its data center", "datacenter", required=True
        ),
        *CLUSTER_FIELDS,
    ),
    target="none",
    mutating=True,
    key="c",
    aliases=("add",),
)
def cluster_create(
    ctx: ActionContext,
    target: Any,
    name: str | None = None,
    datacenter: str | None = None,
    **kw: Any,
) -> Result:
    """The engine attaches its data center's management network to it."""
    if not name or not datacenter:
        raise UsageError("cluster create needs --name NAME and --datacenter DC.")
    the_dc = dc.by_name(ctx, "datacenter", datacenter)
    version = kw.get("version") or dc.vstr(the_dc.version)
    dc.check_version(ctx, kw.get("version"))
    _check_cpu(ctx, kw.get("cpu_type"), version)
    spec = _cluster_spec(name, the_dc.id, kw)

    def find() -> Any | None:
        found = ctx.system.clusters_service().list(search=f"name={quote(name)}")
        return found[0] if found else None

    cl = dc.create(ctx, "cluster", spec, f"create cluster {name}", find)
    dc.check_applied(f"cluster {name}", {"name": name, **_asked(kw)}, _cluster_state(cl))
    if cl.data_center is None or cl.data_center.id != the_dc.id:
        raise EngineRefused(f"cluster {name}: the engine put it outside data center {datacenter}.")
    return _cluster_done(ctx, cl, f"cluster {cl.name} created in data center {the_dc.name}")


@verb(
    "cluster",
    "update",
    "Change a cluster (name, CPU type, version, overcommit, policies, firewall)",
    params=(Param("new_name", ("--name",), "new name", "text"), *CLUSTER_FIELDS),
    mutating=True,
    key="E",
    aliases=("edit",),
)
def cluster_update(
    ctx: ActionContext, target: Any, new_name: str | None = None, **kw: Any
) -> Result:
    cl = dc.get_obj(ctx, "cluster", target)
    asked = {"name": new_name, **_asked(kw)}
    if kw.get("scheduling_policy"):
        asked["scheduling_policy"] = kw["scheduling_policy"]
    if all(v is None for v in asked.values()):
        raise UsageError("Nothing to change: give --name, --cpu-type, --version, ...")
    dc.check_version(ctx, kw.get("version"))
    _check_cpu(ctx, kw.get("cpu_type"), kw.get("version") or dc.vstr(cl.version))
    svc = ctx.system.clusters_service().cluster_service(cl.id)
    dc.update(ctx, svc, _cluster_spec(new_name, None, kw), f"update cluster {cl.name}")
    after = svc.get()
    state = _cluster_state(after)
    asked.pop("scheduling_policy", None)  # the engine answers with its id
    dc.check_applied(f"cluster {cl.name}", asked, state)
    return _cluster_done(ctx, after, f"cluster {after.name} updated")


@verb(
    "cluster",
    "remove",
    "Remove a cluster (the engine refuses while it has hosts, VMs or templates)",
    mutating=True,
    dangerous=True,
    key="D",
)
def cluster_remove(ctx: ActionContext, target: Any) -> Result:
    cl = dc.get_obj(ctx, "cluster", target)
    svc = ctx.system.clusters_service().cluster_service(cl.id)
    dc.remove(ctx, svc, f"remove cluster {cl.name}")
    return _cluster_done(ctx, cl, f"cluster {cl.name} removed")


# ------------------------------------------------------------------ cluster networks
def cluster_networks(ctx: ActionContext, cl: Any) -> list[Any]:
    with engine_errors(f"listing the networks of cluster {cl.name}"):
        return list(ctx.system.clusters_service().cluster_service(cl.id).networks_service().list())


def attached_network(ctx: ActionContext, cl: Any, network: str | None) -> Any:
    """The network (by name or id) attached to cluster ``cl``; NoMatch (exit 4) naming the
    ones it has."""
    nets = cluster_networks(ctx, cl)
    got = next((n for n in nets if network in (n.name, n.id)), None)
    if got is None:
        raise NoMatch(
            f"Cluster {cl.name} has no network {network!r}.",
            f"Its networks: {', '.join(sorted(n.name for n in nets)) or 'none'}.",
        )
    return got


def _usages(roles: Any) -> list[types.NetworkUsage]:
    return [types.NetworkUsage(r) for r in _as_list(roles)]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    return [str(v) for v in value]


def _net_result(ctx: ActionContext, cl: Any, message: str) -> Result:
    return done_result(ctx, message, cluster_networks(ctx, cl), columns=CLUSTER_NET_COLUMNS,
                       root="networks")  # fmt: skip


def _check_roles(
    cl: Any, net_name: str, nets: list[Any], required: bool | None, roles: list[str]
) -> None:
    got = next((n for n in nets if n.name == net_name), None)
    if got is None:
        raise EngineRefused(
            f"cluster {cl.name}: the engine answered OK but network {net_name} is not attached."
        )
    have = {dc.enum_value(u) for u in got.usages or []}
    missing = [r for r in roles if r not in have]
    bad = [f"roles {', '.join(missing)} missing"] if missing else []
    if required is not None and bool(got.required) != required:
        bad.append(f"required is {got.required}")
    if bad:
        raise EngineRefused(
            f"cluster {cl.name}: the engine answered OK but network {net_name} shows "
            f"otherwise: {'; '.join(bad)}."
        )


ROLE = Param(
    "role", ("--role",), "role in the cluster (repeat)", "choice", choices=ROLES, repeat=True
)
# on the Logical Networks sub-tab the selected row fills it (its id), hence text
ATTACHED = Param("network", ("--network",), "the network: its name or id", "text", required=True)


@verb(
    "cluster",
    "network-attach",
    "Attach a network of the cluster's data center to the cluster, with roles",
    params=(
        Param("network", ("--network",), "the network", "network", required=True),
        ROLE,
        Param("not_required", ("--not-required",), "hosts may be up without it", "flag"),
    ),
    mutating=True,
    key="N",
    subtab="cluster_networks",  # the cluster's Logical Networks sub-tab
)
def network_attach(
    ctx: ActionContext,
    target: Any,
    network: str | None = None,
    role: Any = None,
    not_required: bool = False,
) -> Result:
    """A role (display, migration, default route) moves to it from the network that had it."""
    cl = dc.get_obj(ctx, "cluster", target)
    if not network:
        raise UsageError("network-attach needs --network NAME.")
    dc_id = cl.data_center.id if cl.data_center is not None else None
    net = dc.by_name(ctx, "network", network, lambda n: getattr(n.data_center, "id", None) == dc_id)
    roles = _as_list(role)
    spec = types.Network(id=net.id, required=not not_required, usages=_usages(roles))
    svc = ctx.system.clusters_service().cluster_service(cl.id).networks_service()
    label = f"attach network {net.name} to cluster {cl.name}"

    def find() -> Any | None:
        return next((n for n in svc.list() if n.id == net.id), None)

    _added, cid, follower = add_once(ctx, svc, spec, label, find)
    dc.follow_job(ctx, cid, follower, label, report=False)
    _check_roles(cl, net.name, cluster_networks(ctx, cl), not not_required, roles)
    return _net_result(ctx, cl, f"network {net.name} attached to cluster {cl.name}")


@verb(
    "cluster",
    "network-update",
    "Change a network's roles in the cluster, or whether it is required",
    params=(
        ATTACHED,
        ROLE,
        Param("required", ("--required",), "required: yes or no", "choice", choices=("yes", "no")),
    ),
    mutating=True,
    key="G",
    subtab="cluster_networks",
    subject="network",  # the selected row
)
def network_update(
    ctx: ActionContext,
    target: Any,
    network: str | None = None,
    role: Any = None,
    required: str | None = None,
) -> Result:
    cl = dc.get_obj(ctx, "cluster", target)
    got = attached_network(ctx, cl, network)
    roles = _as_list(role)
    req = None if required is None else required == "yes"
    keep = [u for u in got.usages or [] if dc.enum_value(u) in ("management", "vm")]
    spec = types.Network(required=req, usages=[*keep, *_usages(roles)] if roles else None)
    svc = ctx.system.clusters_service().cluster_service(cl.id).networks_service()
    dc.update(
        ctx, svc.network_service(got.id), spec, f"update network {got.name} of cluster {cl.name}"
    )
    _check_roles(cl, got.name, cluster_networks(ctx, cl), req, roles)
    return _net_result(ctx, cl, f"network {got.name} of cluster {cl.name} updated")


@verb(
    "cluster",
    "network-detach",
    "Detach a network from the cluster (never the management network)",
    params=(ATTACHED,),
    mutating=True,
    dangerous=True,
    key="Z",
    subtab="cluster_networks",
    subject="network",
)
def network_detach(ctx: ActionContext, target: Any, network: str | None = None) -> Result:
    cl = dc.get_obj(ctx, "cluster", target)
    got = attached_network(ctx, cl, network)
    svc = ctx.system.clusters_service().cluster_service(cl.id).networks_service()
    dc.remove(ctx, svc.network_service(got.id), f"detach network {got.name} from cluster {cl.name}")
    return _net_result(ctx, cl, f"network {got.name} detached from cluster {cl.name}")
