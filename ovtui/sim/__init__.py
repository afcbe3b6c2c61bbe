"""The embedded oVirt engine simulator (see DESIGN.md section 5).

The honesty rule: a request the simulator accepts changes its world as the engine would (read
back through the SDK, the change is there), or it is refused the way the engine refuses it
(404 / 405 / 409 / 400 with the engine's words). Never 200 with nothing done.

Every mutating route is declared in ``Machines`` (``verbs``, ``adders``, ``updaters``,
``removers``; listed by ``Machines.route_table()``); anything else is refused: an action the
engine has and the simulator does not do answers 409 "Cannot <verb> <type>. This operation is
not supported.", a PUT / POST on a collection it cannot change 405, an unknown path 404.
``tests/sim/test_sim_honest.py`` keeps the rule: each declared route has a check that sends it
through the real SDK and reads the effect back, and a route added without one fails there.
"""

from ovtui.sim.faults import FaultInjector
from ovtui.sim.simulator import Simulator

__all__ = ["Simulator", "FaultInjector"]
