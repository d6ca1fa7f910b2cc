"""Tell a full disk from a damaged file: the two call for opposite reactions.

A full disk is temporary and says nothing about the data: keep the files, stop
writing what can wait, tell the agent, and try again when space returns. A
damaged file (not SQLite, corrupt) will not heal: the cache is rebuilt from
the log. Anything else (a lock held too long, a permission) is neither.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

LOW_SPACE_BYTES = 1024 * 1024
"""Free bytes below which an I/O error is taken for a full disk (and saving waits)."""

_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_FULL_SQLITE = frozenset({sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR_SHMSIZE})
_TRANSIENT_SQLITE = frozenset(
    {
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_NOMEM,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CANTOPEN,
    }
)


def _sqlite_code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return code if isinstance(code, int) else None


def free_bytes(folder: Path) -> int | None:
    """Free space for unprivileged writes on ``folder``'s file system (``None``: unknown)."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def is_disk_full(error: BaseException, folder: Path | None = None) -> bool:
    """Whether ``error`` comes from a full disk (or quota).

    SQLite reports a full disk as ``SQLITE_FULL`` (or, for its shared-memory
    file, ``SQLITE_IOERR_SHMSIZE``); the OS as ``ENOSPC`` / ``EDQUOT``. Given
    ``folder``, any other I/O error while the disk there has under
    ``LOW_SPACE_BYTES`` free counts as full too.
    """
    if isinstance(error, OSError) and error.errno in _FULL_ERRNOS:
        return True
    code = _sqlite_code(error)
    if code is not None and code in _FULL_SQLITE:
        return True
    if isinstance(error, sqlite3.OperationalError) and "disk is full" in str(error):
        return True
    if folder is not None and code is not None and code & 0xFF == sqlite3.SQLITE_IOERR:
        free = free_bytes(folder)
        return free is not None and free < LOW_SPACE_BYTES
    return False


def is_transient(error: BaseException, folder: Path | None = None) -> bool:
    """Whether ``error`` may pass with time and says nothing about the file's content.

    A full disk, a lock held too long, an I/O or permission error: the file is
    kept. Anything else from SQLite (corrupt, not a database, a missing table)
    means the file is not one this program can use.
    """
    if is_disk_full(error, folder):
        return True
    code = _sqlite_code(error)
    if code is not None:
        return code & 0xFF in _TRANSIENT_SQLITE
    return isinstance(error, OSError)
