"""Where the console and the bridge keep their files on each operating system.

``AppPaths`` locates one user's installation; ``DataLayout`` names the files inside a
bridge's data directory.

The system-wide configuration file is written by IT; everything else is per
user and located with platformdirs (app name ``atp-console``, no author folder).

Everything in a data dir holds personal data (tickets, customers, agents' notes,
drafts, logs), so on Unix it is owner-only from the start: both entry points
call :func:`restrict_umask` first (every file and folder the process creates is
then 0600/0700 whatever the code that creates it), ``DataLayout.ensure`` creates
the folders 0700 and the outbox 0600 explicitly (SQLite gives its -wal and -shm
files the database's mode), tightens what an older version left readable, and
refuses a folder another user owns.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    from collections.abc import Mapping

APP_NAME = "atp-console"
PRIVATE_UMASK = 0o077
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
CONFIG_FILE_NAME = "config.toml"
_DISPLAY_NAME = "ATP Console"


class DataDirError(Exception):
    """The data dir cannot be used safely (another user owns it, or it is not a folder)."""


def restrict_umask() -> None:
    """Make every file and folder this process creates owner-only (Unix; call first)."""
    if os.name == "posix":
        os.umask(PRIVATE_UMASK)


def _owner(uid: int) -> str:
    try:
        import pwd  # noqa: PLC0415  (Unix only)

        return f"uid {uid} ({pwd.getpwuid(uid).pw_name})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) 0700, or check and tighten an existing one.

    Raises:
        DataDirError: ``path`` is not a folder (a symlink counts as not one) or
            another user owns it.
    """
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if os.name != "posix":
        return
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise DataDirError(f"{path} is not a folder (a symlink or a file): refusing to use it")
    if info.st_uid != os.getuid():
        raise DataDirError(
            f"{path} belongs to {_owner(info.st_uid)}, not to you ({_owner(os.getuid())}): "
            "refusing to keep personal data in a folder another user controls; "
            "choose another data dir (--data-dir) or give the folder back to yourself"
        )
    if stat.S_IMODE(info.st_mode) != PRIVATE_DIR_MODE:
        path.chmod(PRIVATE_DIR_MODE)


def make_private_tree(root: Path) -> int:
    """Make ``root`` and everything under it owner-only; return how many modes changed.

    Group and others lose every permission bit (a 0644 file becomes 0600, a 0755
    folder 0700). Symlinks are neither followed nor changed. Entries of another
    user are refused.

    Raises:
        DataDirError: ``root`` or an entry under it belongs to another user.
    """
    make_private_dir(root)
    if os.name != "posix":
        return 0
    changed = 0
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            entry = Path(folder, name)
            info = entry.lstat()
            if stat.S_ISLNK(info.st_mode):
                continue
            if info.st_uid != os.getuid():
                raise DataDirError(
                    f"{entry} belongs to {_owner(info.st_uid)}, not to you: refusing to run "
                    f"on {root}; remove it or give it back to yourself"
                )
            mode = stat.S_IMODE(info.st_mode)
            if mode & 0o077:
                entry.chmod(mode & 0o700)  # others lose every bit; the owner keeps theirs
                changed += 1
    return changed


def create_private_file(path: Path) -> None:
    """Create an empty file 0600 unless it exists (SQLite gives -wal/-shm its mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)


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


@dataclass(frozen=True)
class DataLayout:
    """The files of one bridge; several bridges run side by side with different data dirs."""

    root: Path

    @property
    def cache_db(self) -> Path:
        """The state cache with the offsets it reflects."""
        return self.root / "state-cache.sqlite"

    @property
    def history_db(self) -> Path:
        """Closed tickets and terminal orders moved out of memory (``bridge.history``)."""
        return self.root / "history.sqlite"

    @property
    def outbox_db(self) -> Path:
        """The durable outbox of agent actions."""
        return self.root / "outbox.sqlite"

    @property
    def log_dir(self) -> Path:
        """Rotated JSON logs."""
        return self.root / "logs"

    @property
    def lock_file(self) -> Path:
        """Held while a bridge runs on this data dir."""
        return self.root / "bridge.lock"

    def ensure(self) -> int:
        """Create the folder and its files owner-only, tighten what is there; return fixes.

        Raises:
            DataDirError: another user owns the folder or something in it.
        """
        changed = make_private_tree(self.root)
        make_private_dir(self.log_dir)
        # An empty file is a new outbox; the cache is left to the umask (an empty
        # cache file would read as a corrupt one).
        create_private_file(self.outbox_db)
        return changed
