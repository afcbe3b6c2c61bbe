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

import platformdirs
from ovirtsdk4 import types

from .base import (
    ActionContext,
    ActionError,
    Cancelled,
    EngineRefused,
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
from .waiters import status_of, wait_for

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
