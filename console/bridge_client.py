"""The console's connection to its bridge (docs/PROTOCOL.md), on the UI thread, never blocking.

``BridgeClient`` connects with a QLocalSocket, checks that the server is a
bridge of this user (``verify_server``: folder, socket and peer uid), says Hello
with the token and,
after a disconnect, reconnects with capped exponential backoff and resumes from
the last DeltaBatch it applied (the bridge sends only the missed batches, or a
fresh snapshot when it no longer holds them or restarted). A snapshot comes as
SnapshotBegin, pages and SnapshotEnd (each emitted as it arrives, for the view
state to apply progressively); a page or end of another snapshot, a delta in
the middle of one or a gap in the sequence makes it reconnect and resync (as
does the view state, through ``resync``, when a delta does not fit what it
holds). A
connection lost in the middle of a snapshot does not resume (it has no whole
state to resume from): the next one starts with a fresh snapshot.

Commands are kept until a final outcome (confirmed, rejected, invalid): outcomes
go only to the consoles connected at that moment, and a bridge may restart in
between. After each Welcome the client resends the commands the bridge never
acknowledged (the command id makes a resend harmless) and asks, with one
CommandStatusQuery, where the stored ones (queued, sent) are now.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import msgspec
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalSocket

from bridge.wire.endpoint import EndpointError, verify_server
from bridge.wire.framing import FrameError, bridge_message_decoder, encode_frame
from bridge.wire.protocol import (
    FINAL_COMMAND_STATES,
    MAX_BRIDGE_FRAME,
    MAX_CLIENT_FRAME,
    MAX_STATUS_QUERY_IDS,
    PROTOCOL_VERSION,
    STORED_COMMAND_STATES,
    AgentStatus,
    BridgeMessage,
    Command,
    CommandOutcome,
    CommandStatusQuery,
    DeltaBatch,
    Diagnostics,
    DiagnosticsKind,
    DiagnosticsQuery,
    ErrorFrame,
    Hello,
    Ping,
    ReportActivity,
    SnapshotBegin,
    SnapshotEnd,
    SnapshotPage,
    Trace,
    TraceKind,
    TraceQuery,
    Welcome,
)

_log = logging.getLogger(__name__)

_SPOKEN_VERSION = re.compile(r"protocol v(\d+)")  # a v1 bridge says it only in words

DECODE_BUDGET_S = 0.008  # decoding per event-loop turn; the rest waits for the next turn
TokenSource = str | Callable[[], str]
"""The token itself, or a function that reads it (e.g. ``Endpoint.read_token``) per attempt."""


@dataclass
class _Unfinished:
    """A command sent (or to send) that has no final outcome yet."""

    command: Command
    state: str | None = None  # the last outcome's state; None: no outcome yet


class BridgeClient(QObject):
    """A self-healing connection to the bridge's local server."""

    connected = Signal()
    """The bridge accepted the Hello; a snapshot or the missed deltas follow."""
    disconnected = Signal(str)
    """A welcomed connection ended (reason); reconnecting starts on its own."""
    snapshot_begin = Signal(SnapshotBegin)
    """A fresh snapshot starts: its pages follow, then ``snapshot_end``."""
    snapshot_page = Signal(SnapshotPage)
    """Entities of the snapshot begun last (apply them as they come)."""
    snapshot_end = Signal(SnapshotEnd)
    """The snapshot is complete: entities it did not carry are gone; deltas follow."""
    delta = Signal(DeltaBatch)
    """The next batch of changes (``seq`` is one more than the last applied)."""
    outcome = Signal(CommandOutcome)
    """A command's progress (any console's: filter by ``command_id``); may repeat a state."""
    protocol_error = Signal(str)
    """The bridge refused us or sent something wrong ("code: message")."""
    incompatible = Signal(int, int)
    """(console protocol, bridge protocol; 0 if unknown): they cannot talk, no retrying."""
    diagnostics = Signal(Diagnostics)
    """The answer to ``query_diagnostics``."""
    trace = Signal(Trace)
    """The answer to ``query_trace``."""

    def __init__(
        self,
        client_name: str = "atp-console",
        *,
        min_backoff_ms: int = 200,
        max_backoff_ms: int = 10_000,
        welcome_timeout_ms: int = 5000,
        max_pending_commands: int = 256,
        ping_interval_ms: int = 5000,
        silence_timeout_ms: int = 15_000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._client_name = client_name
        self._min_backoff = min_backoff_ms
        self._max_backoff = max_backoff_ms
        self._backoff = min_backoff_ms
        self._max_pending = max_pending_commands
        self._server_name: str | None = None
        self._token: TokenSource = ""
        self._socket: QLocalSocket | None = None
        self._decoder = bridge_message_decoder(MAX_BRIDGE_FRAME)
        self._welcomed = False
        self._awaiting_snapshot = False
        self._streaming: int | None = None  # the seq of the snapshot being received
        self._session: str | None = None
        self._seq: int | None = None
        self._unfinished: dict[str, _Unfinished] = {}
        self._activity = ReportActivity()
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self._attempt)
        self._welcome_timer = QTimer(self)
        self._welcome_timer.setSingleShot(True)
        self._welcome_timer.setInterval(welcome_timeout_ms)
        self._welcome_timer.timeout.connect(lambda: self._lost("no Welcome in time", retry=True))
        # A bridge that hangs keeps its socket open: only silence tells. Every frame
        # counts as a sign of life; a Ping every few seconds asks for one.
        self._silence_timeout_s = silence_timeout_ms / 1000
        self._last_heard = 0.0
        self._pings = itertools.count(1)
        self._ping_timer = QTimer(self)
        self._ping_timer.setInterval(ping_interval_ms)
        self._ping_timer.timeout.connect(self._keepalive)
        # Megabytes of snapshot pages may be waiting: decode for a few milliseconds, then
        # let the event loop paint and handle input before going on.
        self._next_turn = QTimer(self)
        self._next_turn.setSingleShot(True)
        self._next_turn.setInterval(0)
        self._next_turn.timeout.connect(self._decode_more)

    # ------------------------------------------------------------------ state
    @property
    def is_connected(self) -> bool:
        """Whether the bridge welcomed this connection."""
        return self._welcomed

    @property
    def session(self) -> str | None:
        """The bridge session of the state applied so far."""
        return self._session

    @property
    def last_seq(self) -> int | None:
        """The seq of the last snapshot or batch applied (None before the first snapshot)."""
        return self._seq

    @property
    def reconnect_scheduled(self) -> bool:
        """Whether a reconnect attempt is waiting (never after a version mismatch)."""
        return self._retry_timer.isActive()

    @property
    def pending_commands(self) -> int:
        """Commands sent or waiting to be sent that have had no final outcome yet."""
        return len(self._unfinished)

    # ------------------------------------------------------------------ API
    def connect_to(self, server_name: str, token: TokenSource) -> None:
        """Start connecting (and keep reconnecting) to ``server_name``."""
        self._server_name = server_name
        self._token = token
        self._backoff = self._min_backoff
        self._drop_socket()
        self._retry_timer.stop()
        self._attempt()

    def close(self) -> None:
        """Disconnect and stop reconnecting (pending commands are kept)."""
        self._server_name = None
        self._retry_timer.stop()
        self._lost("closed by the console", retry=False)

    def send_command(self, command: Command) -> bool:
        """Send ``command`` now, or after the next reconnect; False when too many are pending.

        Raises:
            ValueError: the command is larger than the bridge accepts.
        """
        frame = encode_frame(command)
        if len(frame) > MAX_CLIENT_FRAME:
            raise ValueError(f"command of {len(frame)} bytes exceeds {MAX_CLIENT_FRAME}")
        tracked = self._unfinished.get(command.command_id)
        if tracked is None:
            if len(self._unfinished) >= self._max_pending:
                return False
            self._unfinished[command.command_id] = _Unfinished(command)
        if self._welcomed and self._socket is not None:
            self._socket.write(frame)
        return True

    def report_activity(self, viewing: str | None, composing: str | None) -> None:
        """Tell the bridge which ticket is open and which one the agent writes in.

        Sent now when connected; the latest is sent again after every reconnect.
        """
        self._report(msgspec.structs.replace(self._activity, viewing=viewing, composing=composing))

    def report_status(self, status: AgentStatus) -> None:
        """Tell the bridge the agent is online or away (sent with the activity, kept likewise)."""
        self._report(msgspec.structs.replace(self._activity, status=status))

    def _report(self, activity: ReportActivity) -> None:
        if activity == self._activity:
            return
        self._activity = activity
        if self._welcomed and self._socket is not None:
            self._socket.write(encode_frame(activity))

    def query_diagnostics(self, kind: DiagnosticsKind) -> bool:
        """Ask for the quarantined records or the lag; False when not connected (not sent)."""
        return self._send_query(DiagnosticsQuery(kind=kind))

    def query_trace(self, kind: TraceKind, key: str) -> bool:
        """Ask for an entity's event trace; False when not connected (not sent)."""
        return self._send_query(TraceQuery(kind=kind, key=key))

    def _send_query(self, query: DiagnosticsQuery | TraceQuery) -> bool:
        """Queries are not kept across reconnects: the asker asks again."""
        if not self._welcomed or self._socket is None:
            return False
        self._socket.write(encode_frame(query))
        return True

    # ------------------------------------------------------------------ connecting
    def _attempt(self) -> None:
        if self._server_name is None:
            return
        self._drop_socket()
        self._decoder = bridge_message_decoder(MAX_BRIDGE_FRAME)
        socket = QLocalSocket(self)
        self._socket = socket
        socket.connected.connect(lambda: self._say_hello(socket))
        socket.readyRead.connect(lambda: self._read(socket))
        socket.disconnected.connect(lambda: self._socket_gone(socket, "the bridge closed"))
        socket.errorOccurred.connect(lambda _e: self._socket_gone(socket, socket.errorString()))
        self._welcome_timer.start()
        socket.connectToServer(self._server_name)

    def _say_hello(self, socket: QLocalSocket) -> None:
        if socket is not self._socket or self._server_name is None:
            return
        try:
            verify_server(self._server_name, int(socket.socketDescriptor()))
        except EndpointError as exc:  # not our bridge: not even the Hello (token) goes out
            _log.warning("refused the local server", extra={"reason": str(exc)})
            self.protocol_error.emit(str(exc))
            self._lost(str(exc), retry=True)
            return
        try:
            token = self._token if isinstance(self._token, str) else self._token()
        except EndpointError as exc:
            self._lost(str(exc), retry=True)
            return
        resume = self._seq is not None
        hello = Hello(
            v=PROTOCOL_VERSION,
            token=token,
            client=self._client_name,
            resume_session=self._session if resume else None,
            resume_from_seq=self._seq,
        )
        socket.write(encode_frame(hello))

    def _socket_gone(self, socket: QLocalSocket, reason: str) -> None:
        if socket is self._socket:
            self._lost(reason, retry=True)

    def _keepalive(self) -> None:
        if time.monotonic() - self._last_heard > self._silence_timeout_s:
            self._lost("the bridge stopped answering", retry=True)
        elif self._socket is not None:
            self._socket.write(encode_frame(Ping(nonce=next(self._pings))))

    def _lost(self, reason: str, *, retry: bool) -> None:
        self._welcome_timer.stop()
        self._ping_timer.stop()
        self._drop_socket()
        was_welcomed, self._welcomed = self._welcomed, False
        if was_welcomed:
            _log.info("bridge connection lost", extra={"reason": reason})
            self.disconnected.emit(reason)
        if retry and self._server_name is not None and not self._retry_timer.isActive():
            self._retry_timer.start(self._backoff)
            self._backoff = min(self._backoff * 2, self._max_backoff)

    def _drop_socket(self) -> None:
        self._next_turn.stop()
        socket, self._socket = self._socket, None
        if socket is None:
            return
        socket.blockSignals(True)
        socket.abort()
        socket.deleteLater()

    # ------------------------------------------------------------------ receiving
    def _read(self, socket: QLocalSocket) -> None:
        if socket is not self._socket:
            return
        self._last_heard = time.monotonic()
        self._decoder.feed(socket.readAll().data())
        if not self._next_turn.isActive():
            self._decode_more()

    def _decode_more(self) -> None:
        """Handle whole messages received, within this turn's budget."""
        socket = self._socket
        started = time.monotonic()
        while socket is not None and socket is self._socket:
            if time.monotonic() - started > DECODE_BUDGET_S:
                self._next_turn.start()
                return
            try:
                message = self._decoder.pop()
            except FrameError as exc:
                self._fail(f"{exc.code}: {exc.message}")
                return
            if message is None:
                return
            self._handle(message)

    def _handle(self, message: BridgeMessage) -> None:
        if isinstance(message, ErrorFrame):
            self.protocol_error.emit(f"{message.code}: {message.message}")
            fatal = message.code == "bad_version"
            self._lost(f"{message.code}: {message.message}", retry=not fatal)
            if fatal:
                self.incompatible.emit(PROTOCOL_VERSION, _bridge_version(message))
        elif isinstance(message, Welcome):
            self._welcomed_by(message)
        elif not self._welcomed:
            self._fail(f"bad_message: {type(message).__name__} before Welcome")
        elif isinstance(message, SnapshotBegin):
            # From here until its end there is no whole state to resume from.
            self._session, self._seq, self._streaming = message.session, None, message.seq
            self.snapshot_begin.emit(message)
        elif isinstance(message, SnapshotPage | SnapshotEnd):
            self._snapshot_part(message)
        elif isinstance(message, DeltaBatch):
            self._apply(message)
        elif isinstance(message, CommandOutcome):
            self._outcome(message)
        elif isinstance(message, Diagnostics):
            self.diagnostics.emit(message)
        elif isinstance(message, Trace):
            self.trace.emit(message)
        # Pong: its arrival already counted as a sign of life (see _read)

    def _outcome(self, message: CommandOutcome) -> None:
        tracked = self._unfinished.get(message.command_id)
        if tracked is not None:
            if message.state in FINAL_COMMAND_STATES:
                del self._unfinished[message.command_id]
            else:
                tracked.state = message.state
        self.outcome.emit(message)

    def _welcomed_by(self, welcome: Welcome) -> None:
        if self._welcomed or welcome.v != PROTOCOL_VERSION:
            self._fail(f"bad_message: unexpected Welcome (v{welcome.v})")
            return
        self._welcome_timer.stop()
        self._welcomed = True
        self._backoff = self._min_backoff
        self._awaiting_snapshot = not (welcome.resumed and welcome.session == self._session)
        self._streaming = None
        self._session = welcome.session
        self._ping_timer.start()
        self.connected.emit()
        self._catch_up()

    def _catch_up(self) -> None:
        """Resend the activity and what the bridge never acknowledged; ask about stored ones."""
        if self._socket is None:
            return
        if self._activity != ReportActivity():
            self._socket.write(encode_frame(self._activity))
        stored: list[str] = []
        for command_id, tracked in self._unfinished.items():
            if tracked.state in STORED_COMMAND_STATES:
                stored.append(command_id)
            else:
                self._socket.write(encode_frame(tracked.command))
        for start in range(0, len(stored), MAX_STATUS_QUERY_IDS):
            query = CommandStatusQuery(command_ids=stored[start : start + MAX_STATUS_QUERY_IDS])
            self._socket.write(encode_frame(query))

    def _snapshot_part(self, message: SnapshotPage | SnapshotEnd) -> None:
        if message.seq != self._streaming:
            name = type(message).__name__
            self._fail(f"bad_message: {name} of seq {message.seq} outside its snapshot")
            return
        if isinstance(message, SnapshotPage):
            self.snapshot_page.emit(message)
            return
        self._seq, self._streaming = message.seq, None
        self._awaiting_snapshot = False
        self.snapshot_end.emit(message)

    def _apply(self, batch: DeltaBatch) -> None:
        if self._awaiting_snapshot or self._seq is None or self._streaming is not None:
            self._fail("bad_message: a DeltaBatch before the snapshot")
            return
        if batch.seq != self._seq + 1:
            self._fail(f"gap: expected seq {self._seq + 1}, got {batch.seq}", retry_now=True)
            return
        self._seq = batch.seq
        self.delta.emit(batch)

    def resync(self, reason: str) -> None:
        """What the console applied no longer fits the deltas: reconnect for a fresh snapshot.

        For the view state to call when a delta's list tails start past what it
        holds (``bridge.wire.splices.OutOfStepError``); the next ``hello`` does not
        resume. Nothing happens while no state is held (a snapshot comes anyway).
        """
        if self._seq is None or self._socket is None:
            return
        _log.warning("out of step with the bridge; asking for a snapshot", extra={"reason": reason})
        self._seq = None
        self._backoff = self._min_backoff
        self._lost(reason, retry=True)

    def _fail(self, reason: str, *, retry_now: bool = False) -> None:
        """The bridge sent something wrong: report it, drop the connection, reconnect."""
        _log.warning("bridge protocol error", extra={"reason": reason})
        self.protocol_error.emit(reason)
        if retry_now:
            self._backoff = self._min_backoff
        self._lost(reason, retry=True)


def _bridge_version(error: ErrorFrame) -> int:
    """The protocol version a ``bad_version`` error names (0 when it names none)."""
    if error.v is not None:
        return error.v
    spoken = _SPOKEN_VERSION.search(error.message)
    return int(spoken.group(1)) if spoken else 0
