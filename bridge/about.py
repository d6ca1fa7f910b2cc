"""What this installation is: the application's version and those of what it runs on.

The version comes from the installed distribution's metadata (``atp-console``
in pyproject.toml; the frozen build carries a copy of it), so the wheel, the
frozen build and the installers all report the version they were built as.
"""

from __future__ import annotations

import importlib.metadata
import platform
import sys

DISTRIBUTION = "atp-console"


def app_version() -> str:
    """Return the version of the installed ``atp-console`` distribution."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        from bridge import __version__  # noqa: PLC0415  (a bare checkout, never installed)

        return __version__


def version_line(program: str) -> str:
    """Return what ``--version`` prints, e.g. ``atp-bridge 0.1.0``."""
    return f"{program} {app_version()}"


def platform_versions() -> dict[str, str]:
    """Return the app's, Python's, Qt's and the OS's versions (nothing that loads Kafka).

    The bridge's support bundle adds librdkafka's; the console, which never
    loads the Kafka client, shows these.
    """
    from PySide6 import __version__ as pyside_version  # noqa: PLC0415
    from PySide6.QtCore import qVersion  # noqa: PLC0415

    return {
        "app": app_version(),
        "frozen": "yes" if getattr(sys, "frozen", False) else "no",
        "python": platform.python_version(),
        "qt": qVersion(),
        "pyside6": pyside_version,
        "os": platform.platform(),
        "machine": platform.machine(),
    }
