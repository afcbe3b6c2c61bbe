"""``python -m benchmarks [--vms N --hosts N]``: the table of ovtui / bare SDK ratios."""

import sys

from .suite import main

sys.exit(main())
