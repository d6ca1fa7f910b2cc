"""A blocking client of a running bridge, for the command line and for tests.

It performs the same handshake as the console (docs/PROTOCOL.md). In a
command-line process (``atp-bridge status``, ``snapshot``) blocking on a local
socket for a few seconds is the right thing to do; the console uses the
non-blocking ``console.bridge_client`` instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Self

from PySide6.QtNetwork import QLocalSocket

from bridge import __version__
from bridge.wire.endpoint import Endpoint, EndpointError, verify_server
from bridge.wire.framing import FrameError, bridge_message_decoder, encode_frame
from bridge.wire.protocol import (
    MAX_BRIDGE_FRAME,
    PROTOCOL_VERSION,
    BridgeMessage,
    Command,
    CommandStatusQuery,
    DiagnosticsQuery,
    ErrorFrame,
    Hello,
    ReportActivity,
    StateSnapshot,
    TraceQuery,
)
from bridge.wire.snapshots import SnapshotAssembler, SnapshotStreamError


class BridgeNotRunningError(RuntimeError):
    """Raised when no bridge answers for a data directory."""


class BridgeQueryError(RuntimeError):
    """Raised when the bridge answered but the exchange failed."""


class BlockingBridgeClient:
    """One connection to a bridge: handshake, the first snapshot, then any messages."""

    def __init__(self, data_dir: Path, *, client: str = f"atp-bridge-cli/{__version__}") -> None:
        self._endpoint = Endpoint.for_data_dir(data_dir)
        self._data_dir = data_dir
        self._client = client
        self._socket = QLocalSocket()
        self._decoder = bridge_message_decoder(MAX_BRIDGE_FRAME)
        self.snapshot: StateSnapshot | None = None

    def connect(self, timeout_s: float = 10.0) -> StateSnapshot:
        """Connect, say Hello with the token, and return the first snapshot (all its pages)."""
        try:
            token = self._endpoint.read_token()
        except EndpointError as missing:
            raise BridgeNotRunningError(
                f"no bridge is running for {self._data_dir} ({missing}); "
                "start one with `atp-bridge run --data-dir ...`"
            ) from missing
        self._socket.connectToServer(self._endpoint.server_name)
        if not self._socket.waitForConnected(int(timeout_s * 1000)):
            raise BridgeNotRunningError(
                f"no bridge is running for {self._data_dir}: {self._socket.errorString()}"
            )
        try:
            verify_server(self._endpoint.server_name, int(self._socket.socketDescriptor()))
        except EndpointError as refused:
            self._socket.abort()
            raise BridgeQueryError(str(refused)) from refused
        self._write(Hello(v=PROTOCOL_VERSION, token=token, client=self._client))
        assembler = SnapshotAssembler()
        deadline = time.monotonic() + timeout_s
        while (remaining := deadline - time.monotonic()) > 0:
            message = self.read(remaining)
            if message is None:
                continue
            try:
                snapshot = assembler.add(message)
            except SnapshotStreamError as error:
                raise BridgeQueryError(f"the bridge sent a bad snapshot: {error}") from error
            if snapshot is not None:
                self.snapshot = snapshot
                return snapshot
        raise BridgeQueryError(f"no whole snapshot from the bridge within {timeout_s:.0f} s")

    def send(
        self, command: Command | CommandStatusQuery | ReportActivity | DiagnosticsQuery | TraceQuery
    ) -> None:
        """Send one command (its outcome arrives as messages), an activity report or a query."""
        self._write(command)

    def read(self, timeout_s: float) -> BridgeMessage | None:
        """Return the next message, or None if none arrived within ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                message = self._decoder.pop()
            except FrameError as error:
                raise BridgeQueryError(f"the bridge sent a bad frame: {error}") from error
            if message is not None:
                if isinstance(message, ErrorFrame):
                    raise BridgeQueryError(f"the bridge refused: {message.code}: {message.message}")
                return message
            remaining_ms = int((deadline - time.monotonic()) * 1000)
            if remaining_ms <= 0:
                return None
            if self._socket.bytesAvailable() == 0 and not self._socket.waitForReadyRead(
                remaining_ms
            ):
                if self._socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
                    raise BridgeQueryError("the bridge closed the connection")
                continue
            self._decoder.feed(bytes(self._socket.readAll().data()))

    def wait_for(
        self, predicate: Callable[[BridgeMessage], bool], timeout_s: float
    ) -> BridgeMessage:
        """Read messages until one satisfies ``predicate``; raise after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while (remaining := deadline - time.monotonic()) > 0:
            message = self.read(remaining)
            if message is not None and predicate(message):
                return message
        raise BridgeQueryError(f"no expected message from the bridge within {timeout_s:.0f} s")

    def close(self) -> None:
        """Disconnect."""
        self._socket.abort()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _write(
        self,
        message: Hello
        | Command
        | CommandStatusQuery
        | ReportActivity
        | DiagnosticsQuery
        | TraceQuery,
    ) -> None:
        self._socket.write(encode_frame(message))
        self._socket.waitForBytesWritten(5000)


def fetch_snapshot(data_dir: Path, timeout_s: float = 10.0) -> StateSnapshot:
    """Connect to the bridge serving ``data_dir`` and return its current snapshot."""
    with BlockingBridgeClient(data_dir) as client:
        return client.connect(timeout_s)
