"""``python -m ovtui`` is ``ovtui``."""

import sys

from .cli import main

sys.exit(main())
