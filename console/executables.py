"""How the console starts its companion programs, from a checkout or from a frozen build.

From a checkout or a pip install, the bridge and the simulator run as Python
modules of the console's own interpreter. In the frozen build (PyInstaller,
``sys.frozen``) there is no interpreter to pass ``-m`` to: ``atp-bridge`` and
``atp-sim`` are executables in the folder of ``atp-console`` itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

BRIDGE = "atp-bridge"
SIMULATOR = "atp-sim"
_MODULES = {BRIDGE: "bridge", SIMULATOR: "bridge.demo.sim"}


def is_frozen() -> bool:
    """Return whether this process runs from the frozen build."""
    return bool(getattr(sys, "frozen", False))


def sibling_executable(name: str) -> Path:
    """Return the path of the frozen executable ``name`` beside this one."""
    suffix = ".exe" if sys.platform == "win32" else ""
    return Path(sys.executable).resolve().parent / f"{name}{suffix}"


def command(name: str) -> list[str]:
    """Return the argv prefix that runs ``atp-bridge`` or ``atp-sim``."""
    if is_frozen():
        return [str(sibling_executable(name))]
    return [sys.executable, "-m", _MODULES[name]]


def bridge_command() -> list[str]:
    """Return the argv prefix of ``atp-bridge`` (add the subcommand and its options)."""
    return command(BRIDGE)


def simulator_command() -> list[str]:
    """Return the argv prefix of ``atp-sim``."""
    return command(SIMULATOR)
