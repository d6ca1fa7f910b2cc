"""``python -m bridge.demo.sim``: the same as ``atp-sim``."""

from bridge.demo.sim.cli import main

raise SystemExit(main())
