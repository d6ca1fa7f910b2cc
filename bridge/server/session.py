"""One console connection: frame decoding, the Hello deadline and a bounded outgoing queue.

The session hands whole messages to the server and writes the frames the server
gives it. It only hands Qt a small window of bytes at a time; the rest waits in
its own queue, where DeltaBatches can be dropped. A snapshot waits in the queue
as a stream (``SnapshotStream``) whose pages are encoded one at a time as the
window empties; deltas published meanwhile queue behind it. When the bytes
waiting for a client (queue plus the socket's bytesToWrite) exceed the bound, its
queued deltas are dropped and it is marked "needs snapshot"; when it has drained,
the server sends it a fresh snapshot. A client that would exceed the bound with
frames that cannot be dropped (outcomes, pongs) is disconnected. Per client the
bridge holds at most: the bound, the entity references of one snapshot, and the
write window plus one frame inside Qt.

Reading is budgeted: per event-loop turn a session handles at most
``FRAMES_PER_TURN`` frames, ``BYTES_PER_TURN`` bytes or ``TIME_PER_TURN_S`` of work,
then yields and continues on a later turn, so one console's burst cannot stall
the others (their pings, their commands, the fold). What it has not read stays in
Qt's bounded read buffer and then in the kernel: the sender is slowed, not served
first.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtNetwork import QLocalSocket

from bridge.server.incoming import IncomingMessage, incoming_decoder
from bridge.server.snapshot_stream import SnapshotStream
from bridge.wire.framing import FrameError, encode_frame
from bridge.wire.protocol import (
    MAX_CLIENT_FRAME,
    MAX_HELLO_FRAME,
    ErrorCode,
    ErrorFrame,
)

_log = logging.getLogger(__name__)

WRITE_WINDOW = 256 * 1024  # at most this many bytes (or a quarter of the bound) wait in Qt
CLOSE_GRACE_MS = 1000  # after an ErrorFrame, wait this long for it to be written, then abort
FRAMES_PER_TURN = 64  # frames one connection may have handled per event-loop turn
BYTES_PER_TURN = 256 * 1024  # bytes it may have read per turn (at least one whole frame)
TIME_PER_TURN_S = 0.010  # handling time per turn (commands go to the outbox: fsync)
READ_CHUNK = 64 * 1024


@dataclass(frozen=True)
class ClientStats:
    """What the server knows about one connection (for logs, tests and benchmarks)."""

    connection: int
    client: str | None
    live: bool
    backlog_bytes: int
    needs_snapshot: bool
    snapshots_sent: int
    batches_dropped: int


class ClientSession:
    """The server's side of one connection (its timers are children of the socket)."""

    def __init__(
        self,
        socket: QLocalSocket,
        connection: int,
        *,
        max_backlog_bytes: int,
        hello_timeout_ms: int,
        on_message: Callable[[ClientSession, IncomingMessage], None],
        on_drained: Callable[[ClientSession], None],
        on_gone: Callable[[ClientSession], None],
        on_idle: Callable[[ClientSession], None] | None = None,
    ) -> None:
        self.connection = connection
        self.client: str | None = None
        # Qt makes an accepted socket a child of the QLocalServer; PySide then keeps its
        # wrapper alive as long as the server's, even after deleteLater (about 1 kB per
        # connection, for ever). Without a parent, the wrapper dies with the connection.
        socket.setParent(None)
        self._socket = socket  # deleted (deleteLater) when the session ends
        self._max_backlog = max_backlog_bytes
        self._window = max(1, min(WRITE_WINDOW, max_backlog_bytes // 4))
        self._on_message = on_message
        self._on_drained = on_drained
        self._on_idle = on_idle
        self._on_gone = on_gone
        self._decoder = incoming_decoder(MAX_HELLO_FRAME)
        # (frame or snapshot stream, droppable); a stream counts no bytes until encoded
        self._queue: deque[tuple[bytes | SnapshotStream, bool]] = deque()
        self._queued_bytes = 0
        self._snapshot_credit = 0  # the snapshot page in flight may exceed the bound
        self._live = False
        self._closing = False
        self._gone = False
        self.needs_snapshot = False
        self.snapshots_sent = 0
        self.batches_dropped = 0
        self._hello_timer = QTimer(socket)
        self._hello_timer.setSingleShot(True)
        self._hello_timer.timeout.connect(self._hello_timed_out)
        self._hello_timer.start(hello_timeout_ms)
        self._close_timer = QTimer(socket)
        self._close_timer.setSingleShot(True)
        self._close_timer.timeout.connect(self._abort)
        self._next_turn = QTimer(socket)  # continues reading after yielding to others
        self._next_turn.setSingleShot(True)
        self._next_turn.setInterval(0)
        self._next_turn.timeout.connect(self._read)
        socket.setReadBufferSize(MAX_CLIENT_FRAME + 4096)
        socket.readyRead.connect(self._read)
        socket.bytesWritten.connect(self._written)
        socket.disconnected.connect(self._disconnected)

    # ------------------------------------------------------------------ state
    @property
    def live(self) -> bool:
        """Whether the handshake succeeded and the connection is not closing."""
        return self._live and not self._closing

    @property
    def backlog_bytes(self) -> int:
        """Bytes waiting for this client: our queue plus what Qt has not written yet."""
        return self._queued_bytes + self._pending_in_qt()

    def stats(self) -> ClientStats:
        """Return this connection's figures."""
        return ClientStats(
            connection=self.connection,
            client=self.client,
            live=self.live,
            backlog_bytes=self.backlog_bytes,
            needs_snapshot=self.needs_snapshot,
            snapshots_sent=self.snapshots_sent,
            batches_dropped=self.batches_dropped,
        )

    def accept(self, client: str) -> None:
        """Mark the handshake done: stop the Hello deadline, allow full-size frames."""
        self.client = client
        self._live = True
        self._hello_timer.stop()
        self._decoder.max_frame = MAX_CLIENT_FRAME

    # ------------------------------------------------------------------ sending
    def send(self, frame: bytes, *, droppable: bool = False) -> None:
        """Queue a frame; DeltaBatches are ``droppable`` (a snapshot replaces them)."""
        if self._closing:
            return
        if droppable and self.needs_snapshot:
            self.batches_dropped += 1
            return
        self._queue.append((frame, droppable))
        self._queued_bytes += len(frame)
        if self.backlog_bytes > self._max_backlog + self._snapshot_credit and not self._shed():
            return
        self._pump()

    def send_snapshot(self, stream: SnapshotStream) -> None:
        """Send a fresh snapshot, page by page; deltas queued after it continue from its seq."""
        if self._closing:
            return
        self.needs_snapshot = False
        self.snapshots_sent += 1
        self._queue.append((stream, False))
        self._pump()

    def fail(self, code: ErrorCode, message: str, *, v: int | None = None) -> None:
        """Send an ErrorFrame and close this connection (only this one)."""
        if self._closing:
            return
        _log.info(
            "closing local connection",
            extra={"connection": self.connection, "code": code, "reason": message},
        )
        self._closing = True
        self._hello_timer.stop()
        self._queue.clear()
        self._queued_bytes = 0
        if self._socket.state() == QLocalSocket.LocalSocketState.ConnectedState:
            self._socket.write(encode_frame(ErrorFrame(code=code, message=message, v=v)))
            self._close_timer.start(CLOSE_GRACE_MS)
            self._socket.disconnectFromServer()
        else:
            self._abort()

    def abort(self) -> None:
        """Drop the connection now, without a word (server shutdown, hopeless backlog)."""
        self._closing = True
        self._abort()

    def _shed(self) -> bool:
        """Drop queued deltas; abort if that is not enough. Return whether still connected."""
        kept = deque(item for item in self._queue if not item[1])
        dropped = len(self._queue) - len(kept)
        if dropped:
            self.batches_dropped += dropped
            self.needs_snapshot = True
            self._queue = kept
            self._queued_bytes = sum(_size(item) for item, _ in kept)
            _log.warning(
                "slow local client: dropped its deltas, it gets a snapshot when it drains",
                extra={"connection": self.connection, "dropped": dropped},
            )
        if self._queued_bytes > self._max_backlog + self._snapshot_credit:
            _log.warning(
                "local client does not read; disconnecting it",
                extra={"connection": self.connection, "backlog": self.backlog_bytes},
            )
            self.abort()
            return False
        return True

    def _pump(self) -> None:
        if self._socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
            return
        while self._queue and self._pending_in_qt() < self._window:
            item, _ = self._queue[0]
            if isinstance(item, SnapshotStream):
                frame = item.next_frame()  # one page per pass: at most a window's worth
                if frame is None:
                    self._queue.popleft()
                    continue
                self._snapshot_credit = len(frame)
            else:
                self._queue.popleft()
                frame = item
                self._queued_bytes -= len(frame)
            self._socket.write(frame)
        self._check_drained()

    def _written(self, _count: int) -> None:
        if not self._closing:
            self._pump()

    def _check_drained(self) -> None:
        if self._queue or self._pending_in_qt():
            return
        self._snapshot_credit = 0
        if self.needs_snapshot and self.live:
            self._on_drained(self)
        elif self._on_idle is not None and self.live:
            self._on_idle(self)

    def _pending_in_qt(self) -> int:
        return int(self._socket.bytesToWrite())

    # ------------------------------------------------------------------ receiving
    def _read(self) -> None:
        """Handle what arrived, within this turn's budget; the rest waits for a later turn."""
        if self._closing:
            self._socket.readAll()  # discard: the connection is going away
            return
        if self._next_turn.isActive():
            return  # already yielded: the scheduled turn continues where this one stopped
        started = time.monotonic()
        frames = 0
        read = 0
        while not self._closing:
            try:
                message = self._decoder.pop()
            except FrameError as exc:
                self.fail(exc.code, exc.message)
                return
            if message is None:
                if read >= BYTES_PER_TURN and frames:
                    self._next_turn.start()
                    return
                chunk = self._socket.read(READ_CHUNK).data()
                if not chunk:
                    return  # all read: readyRead calls again when more arrives
                read += len(chunk)
                self._decoder.feed(chunk)
                continue
            self._on_message(self, message)
            frames += 1
            if frames >= FRAMES_PER_TURN or time.monotonic() - started >= TIME_PER_TURN_S:
                self._next_turn.start()
                return

    def _hello_timed_out(self) -> None:
        self.fail("timeout", "no Hello within the handshake deadline")

    # ------------------------------------------------------------------ closing
    def _abort(self) -> None:
        self._hello_timer.stop()
        self._close_timer.stop()
        self._queue.clear()
        self._queued_bytes = 0
        if self._socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            self._socket.abort()
        self._disconnected()

    def _disconnected(self) -> None:
        if self._gone:
            return
        self._gone = True
        self._closing = True
        self._hello_timer.stop()
        self._close_timer.stop()
        self._next_turn.stop()
        self._on_gone(self)
        self._socket.deleteLater()


def _size(item: bytes | SnapshotStream) -> int:
    return 0 if isinstance(item, SnapshotStream) else len(item)
