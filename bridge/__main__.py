"""``python -m bridge`` is ``atp-bridge``."""

import sys

from bridge.cli import main

sys.exit(main())
