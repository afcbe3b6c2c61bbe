"""Live charts: a value sampled at each refresh, drawn as bars over the time the screen has
been open (kept for the session, up to ``SESSION_POINTS``), with the numbers beside them.

``Chart`` draws one series on a fixed scale (0..100 for percentages, so a flat 13 % does not
look like a cliff; ``maximum=None`` scales to the largest value seen). ``StatsCharts`` is the
CPU / memory / network row of a host's or a VM's Statistics sub-tab.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget

from ovtui.actions.dashboard import host_cpu, host_memory, stat

from .columns import human_bytes

SESSION_POINTS = 17_280  # a day of 5-second refreshes
BARS = " ▁▂▃▄▅▆▇█"


def level_style(percent: float | None) -> str:
    if percent is None:
        return "dim"
    if percent >= 90:
        return "red"
    if percent >= 70:
        return "yellow"
    return "green"


def bar(percent: float | None, width: int) -> Text:
    """A one-line gauge: ``███████░░░░ 63%``."""
    width = max(1, width)
    if percent is None:
        return Text("░" * width, style="dim")
    filled = round(max(0.0, min(100.0, percent)) / 100 * width)
    return Text.assemble(("█" * filled, level_style(percent)), ("░" * (width - filled), "dim"))


def human_rate(bps: float) -> str:
    for unit in ("bps", "Kbps", "Mbps", "Gbps"):
        if abs(bps) < 1000 or unit == "Gbps":
            return f"{bps:.0f} {unit}" if unit == "bps" else f"{bps:.1f} {unit}"
        bps /= 1000
    return f"{bps:.1f} Gbps"


class Chart(Widget):
    """One series: a label line (title, last value, min / max) and bars below it, newest on
    the right, one column per sample."""

    DEFAULT_CSS = """
    Chart { height: 5; width: 1fr; min-width: 16; padding: 0 1; }
    """

    def __init__(
        self,
        title: str,
        unit: str = "%",
        maximum: float | None = 100.0,
        *,
        headline: bool = True,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title
        self.unit = unit
        self.maximum = maximum
        self.headline = headline  # False: the value is shown elsewhere; the label says the trend
        self.points: deque[float] = deque(maxlen=SESSION_POINTS)
        self.note = ""  # what the last value means, e.g. "12.1 of 320 cores"

    def add(self, value: float | None, note: str = "") -> None:
        """A new sample (``None``: the engine gave no figure this time; nothing is added)."""
        if value is not None:
            self.points.append(float(value))
        self.note = note
        self.refresh()

    def fmt(self, v: float) -> str:
        if self.unit == "%":
            return f"{v:.1f}%"
        if self.unit == "bps":
            return human_rate(v)
        return f"{v:.1f} {self.unit}".strip()

    def label(self, width: int = 1000) -> Text:
        if not self.headline:
            n = len(self.points)
            t = Text(f"trend, {n} sample{'s' if n != 1 else ''}", style="dim")
            if n > 1:
                t.append(f" · min {self.fmt(min(self.points))} · max {self.fmt(max(self.points))}")
            return t
        t = Text(self.title, style="bold")
        if not self.points:
            t.append("  no data yet", style="dim")
            return t
        last = self.points[-1]
        pct = last if self.unit == "%" else None
        t.append(f"  {self.fmt(last)}", style=level_style(pct) if pct is not None else "")
        if self.note:
            t.append(f"  {self.note}", style="dim")
        if len(self.points) > 1:
            span = f"  min {self.fmt(min(self.points))} max {self.fmt(max(self.points))}"
            if len(t) + len(span) <= width:  # only whole: a cut number would mislead
                t.append(span, style="dim")
        return t

    def render(self) -> Text:
        width = max(1, self.size.width - 2)
        rows = max(1, self.size.height - 1)
        out = self.label(width + 2)
        out.truncate(width + 2)
        pts = list(self.points)[-width:]
        top = self.maximum if self.maximum else max(pts + [1e-9])
        cols = [" "] * (width - len(pts))
        levels = [max(0.0, min(1.0, v / top)) * rows * 8 for v in pts]
        for r in range(rows):
            out.append("\n")
            base = (rows - 1 - r) * 8
            out.append("".join(cols))
            for v, lv in zip(pts, levels, strict=True):
                n = int(max(0, min(8, round(lv - base))))
                style = level_style(v) if self.unit == "%" else "cyan"
                if r == rows - 1:
                    n = max(1, n)  # every sample shows, a zero as the lowest bar
                out.append(BARS[n], style=style)
        return out


class StatsCharts(Horizontal):
    """CPU, memory and network of a host or a VM, one sample per refresh of its object
    (fetched with ``follow=statistics``; a host's network is its NICs' rx + tx)."""

    DEFAULT_CSS = """
    StatsCharts { height: 6; }
    """

    def __init__(self, noun: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.noun = noun

    def compose(self) -> ComposeResult:
        yield Chart("CPU", id="chart-cpu")
        yield Chart("Memory", id="chart-memory")
        if self.noun == "host":
            yield Chart("Network", unit="bps", maximum=None, id="chart-network")
        else:
            yield Chart("Network", id="chart-network")

    def sample(self, obj: Any) -> None:
        cpu_c = self.query_one("#chart-cpu", Chart)
        mem_c = self.query_one("#chart-memory", Chart)
        net_c = self.query_one("#chart-network", Chart)
        if self.noun == "host":
            cpu_c.add(host_cpu(obj))
            mem = host_memory(obj)
            mem_c.add(
                100.0 * mem[0] / mem[1] if mem else None,
                f"{human_bytes(int(mem[0]))} of {human_bytes(int(mem[1]))}" if mem else "",
            )
            rates = [
                (stat(n, "data.current.rx.bps") or 0.0) + (stat(n, "data.current.tx.bps") or 0.0)
                for n in getattr(obj, "nics", None) or []
                if getattr(n, "statistics", None)
            ]
            net_c.add(sum(rates) if rates else None, f"{len(rates)} NICs" if rates else "")
        else:
            cpu_c.add(stat(obj, "cpu.current.total"))
            used, total = stat(obj, "memory.used"), stat(obj, "memory.installed")
            mem_c.add(
                100.0 * used / total if used is not None and total else None,
                f"{human_bytes(int(used))} of {human_bytes(int(total))}"
                if used is not None and total
                else "",
            )
            net_c.add(stat(obj, "network.current.total"))

    @property
    def samples(self) -> int:
        return len(self.query_one("#chart-cpu", Chart).points)
