import sys

from ovtui.sim.cli import main

sys.exit(main())
