"""Where a bridge's local socket and its token file live.

Unix: the socket is ``<data_dir>/ipc/bridge.sock`` in an owner-only (0700)
directory, with the token in ``bridge.token`` (0600) beside it. When that path
would not fit in ``sun_path`` (104 bytes on macOS, 108 on Linux, and Qt binds
through a temporary name first), the directory is ``atp-<hash of data dir>`` under
``$XDG_RUNTIME_DIR`` or the temp dir instead; it is created 0700 and refused if
another user owns it or others may enter it.

Windows: a named pipe ``atp-console-<user>-<hash of data dir>`` (QLocalServer's
UserAccessOption restricts it to the user); the token is in ``<data_dir>/ipc``.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import secrets
import stat
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SOCKET_NAME = "bridge.sock"
TOKEN_NAME = "bridge.token"  # noqa: S105  (a file name, not a secret)
IPC_DIR = "ipc"
SUN_PATH_BUDGET = 100  # bytes: the smallest sun_path (104) minus the NUL and a margin
_QT_TEMP_SUFFIX = len("/XXXXXX/s")  # Qt binds at <dir>/XXXXXX/s, then renames into place


class EndpointError(Exception):
    """The socket directory or token file is missing, unsafe or unreadable."""


def new_token() -> str:
    """Return a fresh random token (256 bits, URL-safe text)."""
    return secrets.token_urlsafe(32)


def _digest(data_dir: Path) -> str:
    return hashlib.sha256(os.fsencode(str(data_dir))).hexdigest()[:16]


@dataclass(frozen=True)
class Endpoint:
    """A bridge's local server name (socket path or pipe name) and its token file."""

    server_name: str
    token_file: Path

    @classmethod
    def for_data_dir(
        cls,
        data_dir: Path,
        *,
        platform: str = sys.platform,
        environ: Mapping[str, str] | None = None,
        user: str | None = None,
    ) -> Endpoint:
        """Return the endpoint of the bridge that uses ``data_dir`` (pure: creates nothing)."""
        data_dir = data_dir.absolute()
        digest = _digest(data_dir)
        if platform == "win32":
            name = re.sub(r"[^A-Za-z0-9_.-]", "_", user or getpass.getuser())
            return cls(f"atp-console-{name}-{digest}", data_dir / IPC_DIR / TOKEN_NAME)
        ipc_dir = data_dir / IPC_DIR
        longest = max(len(SOCKET_NAME) + 1, _QT_TEMP_SUFFIX)
        if len(os.fsencode(str(ipc_dir))) + longest > SUN_PATH_BUDGET:
            env = os.environ if environ is None else environ
            runtime = env.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
            ipc_dir = Path(runtime) / f"atp-{digest}"
            if len(os.fsencode(str(ipc_dir))) + longest > SUN_PATH_BUDGET:
                ipc_dir = Path("/tmp") / f"atp-{digest}"  # noqa: S108  (checked 0700 and owned)
        return cls(str(ipc_dir / SOCKET_NAME), ipc_dir / TOKEN_NAME)

    def prepare(self) -> None:
        """Create the token's (and on Unix the socket's) directory owner-only, or refuse.

        Raises:
            EndpointError: the directory exists but another user owns it or others
                can enter it.
        """
        directory = self.token_file.parent
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if sys.platform == "win32":
            return
        info = directory.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            raise EndpointError(f"{directory} is not a directory owned by this user")
        if info.st_mode & 0o077:
            directory.chmod(0o700)

    def write_token(self, token: str) -> None:
        """Write the token (0600) atomically; a reader never sees half a token."""
        self.prepare()
        temporary = self.token_file.with_name(f".{TOKEN_NAME}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as stream:
                stream.write(token)
            temporary.replace(self.token_file)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def read_token(self) -> str:
        """Return the token a running bridge wrote.

        Raises:
            EndpointError: there is no readable token file.
        """
        try:
            return self.token_file.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise EndpointError(f"cannot read the bridge token: {exc}") from exc

    def remove_token(self) -> None:
        """Delete the token file (when the server closes)."""
        self.token_file.unlink(missing_ok=True)
