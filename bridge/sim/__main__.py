"""``python -m bridge.sim``: the same as ``atp-sim``."""

from bridge.sim.cli import main

raise SystemExit(main())
