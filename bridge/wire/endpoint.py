"""Where a bridge's local socket and its token file live.

Unix: the socket is ``<data_dir>/ipc/bridge.sock`` in an owner-only (0700)
directory, with the token in ``bridge.token`` (0600) beside it. When that path
would not fit in ``sun_path`` (104 bytes on macOS, 108 on Linux, and Qt binds
through a temporary name first), the directory is ``atp-<hash of data dir>`` under
``$XDG_RUNTIME_DIR`` or the temp dir instead; it is created 0700 and refused if
another user owns it (another user can pre-create that predictable name).

A console checks, before it says Hello, that it talks to a bridge of its own
user (:func:`verify_server`): the socket's folder and the socket belong to this
user and nobody else may enter the folder, and the process behind the socket
runs as this user (``SO_PEERCRED`` on Linux, ``LOCAL_PEERCRED`` on macOS and
FreeBSD, read from the connected socket's descriptor).

Windows: a named pipe ``atp-console-<user>-<hash of data dir>`` (QLocalServer's
UserAccessOption restricts it to the user); the token is in ``<data_dir>/ipc``.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import secrets
import socket
import stat
import struct
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


def _owner(uid: int) -> str:
    try:
        import pwd  # noqa: PLC0415  (Unix only)

        return f"uid {uid} ({pwd.getpwuid(uid).pw_name})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def peer_uid(descriptor: int, *, platform: str = sys.platform) -> int | None:
    """Return the uid of the process at the other end of a connected Unix socket.

    ``descriptor`` stays open (a duplicate is queried). None when the OS does not
    say (Windows, other Unixes) or the descriptor is not a Unix socket.
    """
    if descriptor < 0 or not hasattr(socket, "AF_UNIX"):
        return None
    try:
        with socket.fromfd(descriptor, socket.AF_UNIX, socket.SOCK_STREAM) as duplicate:
            if platform.startswith("linux"):
                ucred = struct.Struct("=iII")  # pid, uid, gid
                data = duplicate.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, ucred.size)
                return int(ucred.unpack(data)[1])
            if platform.startswith(("darwin", "freebsd")):
                sol_local, local_peercred, xucred_size = 0, 1, 76
                data = duplicate.getsockopt(sol_local, local_peercred, xucred_size)
                return int(struct.unpack_from("=II", data)[1])  # cr_version, cr_uid
    except OSError:
        return None
    return None


def verify_server(server_name: str, descriptor: int | None = None) -> None:
    """Check that a local server is this user's bridge, before sending it anything.

    Unix (``server_name`` is a socket path): the socket and its folder belong to
    this user, nobody else may enter the folder, and, given the connected
    socket's ``descriptor``, the peer process runs as this user. Windows: the
    pipe is restricted to the user by the bridge; nothing to check here.

    Raises:
        EndpointError: the socket, its folder or the peer belongs to someone else;
            the message names who, and says another user may pose as the bridge.
    """
    path = Path(server_name)
    if sys.platform == "win32" or not path.is_absolute():
        return
    me = os.getuid()
    folder = path.parent
    try:
        info = folder.lstat()
    except OSError as exc:
        raise EndpointError(f"no bridge folder at {folder}: {exc.strerror}") from exc
    refuse = f"refusing to talk to the bridge at {server_name}:"
    impostor = "another user may be posing as your bridge"
    if not stat.S_ISDIR(info.st_mode):
        raise EndpointError(f"{refuse} {folder} is not a folder; {impostor}")
    if info.st_uid != me:
        raise EndpointError(
            f"{refuse} its folder {folder} belongs to {_owner(info.st_uid)}, not to you "
            f"({_owner(me)}); {impostor}"
        )
    if info.st_mode & 0o077:
        raise EndpointError(
            f"{refuse} others may enter its folder {folder} "
            f"(mode {stat.S_IMODE(info.st_mode):04o}, expected 0700)"
        )
    try:
        socket_info = path.lstat()
    except OSError:
        socket_info = None  # gone since the connect: the peer check below decides
    if socket_info is not None and socket_info.st_uid != me:
        raise EndpointError(
            f"{refuse} the socket belongs to {_owner(socket_info.st_uid)}; {impostor}"
        )
    if descriptor is None:
        return
    uid = peer_uid(descriptor)
    if uid is not None and uid != me:
        raise EndpointError(
            f"{refuse} the process behind it runs as {_owner(uid)}, not as you; {impostor}"
        )


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

        The bridge never uses a folder it does not own: a predictable name under
        the temp dir may have been created by another user to pose as the bridge.

        Raises:
            EndpointError: the directory exists but is not a folder or another
                user owns it; the message says who and what to do.
        """
        directory = self.token_file.parent
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise EndpointError(f"cannot create the socket folder {directory}: {exc}") from exc
        if sys.platform == "win32":
            return
        info = directory.lstat()
        if not stat.S_ISDIR(info.st_mode):
            raise EndpointError(f"{directory} is not a folder (a symlink or a file)")
        if info.st_uid != os.getuid():
            raise EndpointError(
                f"the socket folder {directory} belongs to {_owner(info.st_uid)}, not to you "
                f"({_owner(os.getuid())}): refusing to use it, another user may be posing as "
                "your bridge; use a shorter data dir (its socket then lives inside it) or "
                "set XDG_RUNTIME_DIR to a folder of yours"
            )
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
