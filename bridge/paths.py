"""Where the console and the bridge keep their files on each operating system.

The system-wide configuration file is written by IT; everything else is per
user and located with platformdirs (app name ``atp-console``, no author folder).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    from collections.abc import Mapping

APP_NAME = "atp-console"
CONFIG_FILE_NAME = "config.toml"
_DISPLAY_NAME = "ATP Console"


@dataclass(frozen=True)
class AppPaths:
    """The files and folders of one user's installation (inject these; tests use tmp dirs)."""

    system_config_file: Path
    user_config_file: Path
    data_dir: Path
    log_dir: Path
    managed_preferences: Path | None = None
    """macOS: the configuration profile's plist; when present it is the system layer."""


def system_config_location(platform: str, environ: Mapping[str, str]) -> PurePath:
    r"""Return the system-wide config file for ``platform`` (a ``sys.platform`` value).

    Linux and other Unix: ``/etc/atp-console/config.toml``; Windows:
    ``%ProgramData%\ATP Console\config.toml``; macOS:
    ``/Library/Application Support/ATP Console/config.toml``.
    """
    if platform == "win32":
        program_data = environ.get("PROGRAMDATA") or r"C:\ProgramData"
        return PureWindowsPath(program_data, _DISPLAY_NAME, CONFIG_FILE_NAME)
    if platform == "darwin":
        return PurePosixPath("/Library/Application Support", _DISPLAY_NAME, CONFIG_FILE_NAME)
    return PurePosixPath("/etc", APP_NAME, CONFIG_FILE_NAME)


def managed_preferences_location(platform: str) -> Path | None:
    """Return where macOS puts a configuration profile's settings; ``None`` elsewhere."""
    from bridge.config.managed import managed_preferences_location as location  # noqa: PLC0415

    return location(platform)


def default_paths(environ: Mapping[str, str]) -> AppPaths:
    """Return this machine's locations for the current user (platformdirs)."""
    return AppPaths(
        system_config_file=Path(system_config_location(sys.platform, environ)),
        user_config_file=platformdirs.user_config_path(APP_NAME, appauthor=False)
        / CONFIG_FILE_NAME,
        data_dir=platformdirs.user_data_path(APP_NAME, appauthor=False),
        log_dir=platformdirs.user_log_path(APP_NAME, appauthor=False),
        managed_preferences=managed_preferences_location(sys.platform),
    )
