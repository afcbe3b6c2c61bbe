"""The embedded oVirt engine simulator (see DESIGN.md section 5)."""

from ovtui.sim.faults import FaultInjector
from ovtui.sim.simulator import Simulator

__all__ = ["Simulator", "FaultInjector"]
