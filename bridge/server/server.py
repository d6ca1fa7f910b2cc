"""The bridge's local server: a QLocalServer that speaks docs/PROTOCOL.md to consoles.

Runs on the bridge's Qt thread. ``publish`` (changes) and ``touch`` (keys of
entities whose value is read at flush) coalesce into a pending DeltaBatch (last
value per entity wins). It goes out on the next event-loop turn when every
console has taken the previous frame, else as soon as the last of them has
taken it, and ``coalesce_ms`` after its first change at the latest if one of
them has (a console that does not read holds back no other; while every one is
busy it keeps coalescing): coalescing only under load. Each
batch is encoded once, kept in a bounded history for resuming consoles, and
queued to every live client. With no console connected nothing is encoded:
the pending batch waits for the next console (which may resume with it); past
``idle_pending`` entities it is dropped with the history, and that console
gets a snapshot instead. A
snapshot goes out as a stream of pages (``SnapshotStream``), encoded as the
console takes them, the deltas after it queued behind. Bad
input closes only the connection it came from; a command whose action this
bridge cannot accept is answered ``invalid`` (the connection stays). A console
asks where its earlier commands are with CommandStatusQuery.

QLocalServer stops listening for good when an accept fails (no file descriptor
left: it closes and unlinks its socket and says nothing). A watchdog notices,
logs it and listens again as soon as it can.
"""

from __future__ import annotations

import hmac
import itertools
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtNetwork import QAbstractSocket, QLocalServer

from bridge import __version__
from bridge.server.batches import BatchLog, Key, Resolve
from bridge.server.incoming import (
    ActionNotAcceptedError,
    IncomingCommand,
    IncomingMessage,
    decode_action,
)
from bridge.server.session import ClientSession, ClientStats
from bridge.server.snapshot_stream import SnapshotStream
from bridge.wire.endpoint import Endpoint, EndpointError
from bridge.wire.entities import Order, Presence, Ticket
from bridge.wire.framing import encode_frame
from bridge.wire.protocol import (
    HELLO_TIMEOUT_MS,
    MAX_STATUS_QUERY_IDS,
    MAX_TRACE_KEY_CHARS,
    PROTOCOL_VERSION,
    SNAPSHOT_PAGE_BYTES,
    BridgeStatus,
    Change,
    Command,
    CommandOutcome,
    CommandStatusQuery,
    Diagnostics,
    DiagnosticsKind,
    DiagnosticsQuery,
    Hello,
    Ping,
    Pong,
    ReportActivity,
    Trace,
    TraceQuery,
    Welcome,
)

_log = logging.getLogger(__name__)

LISTEN_CHECK_MS = 500  # how often the watchdog checks that the server still listens
IDLE_PENDING = 1000  # entities pending with no console connected before they are dropped
BATCH_ENTITIES = 256
"""At most this many entities per delta batch: a burst (a catch-up) goes out as a
stream of frames of a few hundred KiB, each sent once the console took the last,
instead of one frame larger than the console's backlog bound."""
UNKNOWN_COMMAND = (
    "this bridge holds no record of the command (its outbox entry is gone); "
    "send it again if it is still wanted"
)
CommandStatusLookup = Callable[[str], CommandOutcome | None]
"""Where a command is, from the outbox; None: the outbox holds no such command."""
DiagnosticsSource = Callable[[DiagnosticsKind], Diagnostics]
"""The quarantined records or the lag per partition, now."""
TraceSource = Callable[[TraceQuery, Callable[[Trace], None]], None]
"""Start tracing an entity; the answer is handed to the callback later, on this thread."""


def _no_record(_command_id: str) -> CommandOutcome | None:
    return None


class StateSource(Protocol):
    """Where snapshots come from (the bridge's service)."""

    def snapshot(self) -> tuple[list[Ticket], list[Order], list[Presence], BridgeStatus]:
        """Return the current entities (lists the caller keeps) and status.

        Every change in them has been published. The entities are read later, page
        by page; one changed in place meanwhile is sent again in a delta anyway.
        """
        ...


class ServerError(Exception):
    """The local server could not listen."""


class LocalServer(QObject):
    """Serves snapshots, sequenced delta batches and command outcomes to local consoles."""

    def __init__(
        self,
        endpoint: Endpoint,
        token: str,
        state_source: StateSource,
        on_command: Callable[[Command], None],
        *,
        on_activity: Callable[[ReportActivity], None] | None = None,
        coalesce_ms: int = 30,
        history: int = 4096,
        history_bytes: int = 32 * 1024 * 1024,
        max_client_backlog_bytes: int = 8 * 1024 * 1024,
        snapshot_page_bytes: int = SNAPSHOT_PAGE_BYTES,
        hello_timeout_ms: int = HELLO_TIMEOUT_MS,
        bridge_version: str = __version__,
        command_status: CommandStatusLookup = _no_record,
        diagnostics: DiagnosticsSource | None = None,
        trace: TraceSource | None = None,
        listen_check_ms: int = LISTEN_CHECK_MS,
        resolve: Resolve | None = None,
        idle_pending: int = IDLE_PENDING,
        batch_entities: int = BATCH_ENTITIES,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._batch_entities = batch_entities
        self._resolve = resolve
        self._idle_pending = idle_pending
        if not token:
            raise ValueError("the token must not be empty")
        self._endpoint = endpoint
        self._token = token.encode()
        self._source = state_source
        self._on_command = on_command
        self._on_activity = on_activity
        self._command_status = command_status
        self._diagnostics = diagnostics
        self._trace = trace
        self._max_backlog = max_client_backlog_bytes
        self._page_bytes = snapshot_page_bytes
        self._hello_timeout_ms = hello_timeout_ms
        self._bridge_version = bridge_version
        self._session_id = uuid.uuid4().hex
        self._log = BatchLog(history=history, history_bytes=history_bytes)
        self._sessions: dict[int, ClientSession] = {}
        self._connections = itertools.count(1)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._coalesce_ms = coalesce_ms
        self._flush_timer.timeout.connect(self._flush_due)
        self._overdue = False  # coalesce_ms passed while every console was still busy
        self._token_written = False
        self._listening = False  # what start() asked for; the watchdog restores it
        self._deaf_since: float | None = None
        self._relistens = 0
        self._watchdog = QTimer(self)
        self._watchdog.setInterval(listen_check_ms)
        self._watchdog.timeout.connect(self._check_listening)

    # ------------------------------------------------------------------ lifecycle
    @property
    def session(self) -> str:
        """This server's session id: resuming works only within one session."""
        return self._session_id

    @property
    def seq(self) -> int:
        """The sequence number of the last batch sent."""
        return self._log.seq

    @property
    def client_count(self) -> int:
        """Connections that completed the handshake and are not closing."""
        return sum(1 for s in self._sessions.values() if s.live)

    @property
    def relistens(self) -> int:
        """How many times the server had stopped listening and listened again."""
        return self._relistens

    def client_stats(self) -> list[ClientStats]:
        """Return the figures of every open connection."""
        return [s.stats() for s in self._sessions.values()]

    def start(self) -> None:
        """Write the token file, then listen (replacing a stale socket of a dead bridge).

        Raises:
            ServerError: the name cannot be listened on.
        """
        try:
            self._endpoint.write_token(self._token.decode())
        except (EndpointError, OSError) as error:
            raise ServerError(f"cannot prepare the local socket: {error}") from error
        self._token_written = True
        name = self._endpoint.server_name
        if not self._listen():
            raise ServerError(f"cannot listen on {name}: {self._server.errorString()}")
        self._listening = True
        self._watchdog.start()
        _log.info("local server listening", extra={"server_name": name})

    def _listen(self) -> bool:
        name = self._endpoint.server_name
        if self._server.listen(name):
            return True
        if self._server.serverError() != QAbstractSocket.SocketError.AddressInUseError:
            return False
        # The bridge's lock file guarantees no live bridge uses this data dir.
        QLocalServer.removeServer(name)
        return self._server.listen(name)

    def _check_listening(self) -> None:
        """Listen again after QLocalServer gave up (an accept failed, e.g. no fd left)."""
        if not self._listening or self._server.isListening():
            return
        if self._deaf_since is None:
            self._deaf_since = time.monotonic()
            _log.error(
                "local server stopped listening; consoles cannot connect until it listens again",
                extra={
                    "server_name": self._endpoint.server_name,
                    "error": self._server.errorString(),
                    "open_connections": len(self._sessions),
                },
            )
        try:
            self._endpoint.prepare()  # the socket's folder may be gone with the socket
        except (EndpointError, OSError):
            return  # logged once above; tried again on the next check
        if not self._listen():
            return
        deaf_s = time.monotonic() - self._deaf_since
        self._deaf_since = None
        self._relistens += 1
        _log.warning(
            "local server listens again",
            extra={"server_name": self._endpoint.server_name, "deaf_s": round(deaf_s, 3)},
        )

    def close(self) -> None:
        """Stop listening, drop every connection and delete the token file."""
        self._listening = False
        self._watchdog.stop()
        self._flush_timer.stop()
        self._server.close()
        for session in list(self._sessions.values()):
            session.abort()
        self._sessions.clear()
        if self._token_written:  # never touch a folder start() refused
            self._endpoint.remove_token()
            self._token_written = False

    # ------------------------------------------------------------------ bridge -> consoles
    def publish(self, changes: Iterable[Change], status: BridgeStatus | None = None) -> None:
        """Queue changes (and a new status) for the next batch, sent within ``coalesce_ms``."""
        self._log.add(changes, status)
        self._schedule_flush()

    def touch(self, keys: Iterable[Key]) -> None:
        """Queue changed entities by key; their value is read (``resolve``) when the batch goes."""
        self._log.touch(keys)
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        """Flush next turn if every console is idle, else once they are (coalesce_ms at most)."""
        if not self._log.has_pending:
            return
        live = [s for s in self._sessions.values() if s.live]
        if not live:
            if self._log.pending_count > self._idle_pending:
                self._log.forget()  # nobody to resume with it: the next console gets a snapshot
            return
        if all(s.backlog_bytes == 0 for s in live):
            self._flush_timer.start(0)
        elif not self._flush_timer.isActive():
            self._flush_timer.start(self._coalesce_ms)

    def _on_idle(self, _session: ClientSession) -> None:
        """A console took every frame queued for it: what is pending may go now."""
        if not self._log.has_pending:
            return
        if self._overdue:
            self._flush_timer.start(0)  # it waited its coalesce_ms for this console
        else:
            self._schedule_flush()

    def _flush_due(self) -> None:
        """The coalescing window ended: flush, unless every console is still busy.

        Then nobody could take the batch now; it keeps coalescing (one entry per
        entity) and goes as soon as one of them has taken its last frame.
        """
        live = [s for s in self._sessions.values() if s.live]
        if live and all(s.backlog_bytes > 0 for s in live):
            self._overdue = True
            return
        self._flush()

    def send_outcome(self, outcome: CommandOutcome) -> None:
        """Send a command's outcome to every live console (they filter by command_id)."""
        frame = encode_frame(outcome)
        for session in list(self._sessions.values()):
            if session.live:
                session.send(frame)

    def _flush(self) -> None:
        """Send the next batch (at most ``batch_entities``); the rest when consoles took it."""
        self._flush_timer.stop()
        self._overdue = False
        batch = self._log.flush(self._resolve, self._batch_entities)
        if batch is None:
            return
        for session in list(self._sessions.values()):
            if session.live:
                session.send(batch.frame, droppable=True)
        self._schedule_flush()

    def _flush_all(self) -> None:
        """Send everything pending now, in batches of at most ``batch_entities``."""
        while self._log.has_pending:
            self._flush()

    def _send_snapshot(self, session: ClientSession) -> None:
        self._flush_all()  # the snapshot then reflects exactly the batches up to its seq
        self._log.whole_from_now()
        tickets, orders, agents, status = self._source.snapshot()
        stream = SnapshotStream(
            session=self._session_id,
            seq=self._log.seq,
            tickets=tickets,
            orders=orders,
            agents=agents,
            status=status,
            page_bytes=self._page_bytes,
        )
        session.send_snapshot(stream)  # pages are encoded as the console takes them

    # ------------------------------------------------------------------ consoles -> bridge
    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            session = ClientSession(
                socket,
                next(self._connections),
                max_backlog_bytes=self._max_backlog,
                hello_timeout_ms=self._hello_timeout_ms,
                on_message=self._on_message,
                on_drained=self._send_snapshot,
                on_idle=self._on_idle,
                on_gone=self._on_gone,
            )
            self._sessions[session.connection] = session

    def _on_gone(self, session: ClientSession) -> None:
        self._sessions.pop(session.connection, None)

    def _on_message(self, session: ClientSession, message: IncomingMessage) -> None:
        if session.client is None:
            self._handshake(session, message)
        elif isinstance(message, IncomingCommand):
            self._command(session, message)
        elif isinstance(message, Ping):
            session.send(encode_frame(Pong(nonce=message.nonce)))
        elif isinstance(message, ReportActivity):
            if self._on_activity is not None:
                self._on_activity(message)
        elif isinstance(message, CommandStatusQuery):
            self._answer_status(session, message)
        elif isinstance(message, DiagnosticsQuery):
            self._answer_diagnostics(session, message)
        elif isinstance(message, TraceQuery):
            self._answer_trace(session, message)
        else:
            session.fail("bad_message", "Hello after the handshake")

    def _handshake(self, session: ClientSession, message: IncomingMessage) -> None:
        if not isinstance(message, Hello):
            session.fail("not_hello", "the first frame must be Hello")
            return
        if message.v != PROTOCOL_VERSION:
            session.fail(
                "bad_version",
                f"this bridge speaks protocol v{PROTOCOL_VERSION}",
                v=PROTOCOL_VERSION,
            )
            return
        if not hmac.compare_digest(message.token.encode(), self._token):
            session.fail("bad_token", "missing or wrong token")
            return
        self._flush_all()  # what is pending goes to those already live, not to the newcomer
        missed = None
        if message.resume_session == self._session_id and message.resume_from_seq is not None:
            missed = self._log.since(message.resume_from_seq)
        session.accept(message.client)
        welcome = Welcome(
            v=PROTOCOL_VERSION,
            bridge_version=self._bridge_version,
            session=self._session_id,
            resumed=missed is not None,
        )
        session.send(encode_frame(welcome))
        if missed is None:
            self._send_snapshot(session)
        else:
            for batch in missed:
                session.send(batch.frame, droppable=True)

    def _command(self, session: ClientSession, incoming: IncomingCommand) -> None:
        try:
            action = decode_action(incoming.action)
        except ActionNotAcceptedError as refused:
            _log.info(
                "refused a command the bridge cannot accept",
                extra={"command_id": incoming.command_id, "reason": refused.reason},
            )
            outcome = CommandOutcome(
                command_id=incoming.command_id, state="invalid", reason=refused.reason
            )
            session.send(encode_frame(outcome))
            return
        self._dispatch(session, Command(command_id=incoming.command_id, action=action))

    def _answer_status(self, session: ClientSession, query: CommandStatusQuery) -> None:
        if len(query.command_ids) > MAX_STATUS_QUERY_IDS:
            session.fail("bad_message", f"more than {MAX_STATUS_QUERY_IDS} ids in one query")
            return
        for command_id in dict.fromkeys(query.command_ids):
            try:
                outcome = self._command_status(command_id)
            except Exception:  # noqa: BLE001  (the console asks again after its next Welcome)
                _log.exception("command status lookup failed", extra={"command_id": command_id})
                continue
            if outcome is None:
                outcome = CommandOutcome(
                    command_id=command_id, state="invalid", reason=UNKNOWN_COMMAND
                )
            session.send(encode_frame(outcome))

    def _answer_diagnostics(self, session: ClientSession, query: DiagnosticsQuery) -> None:
        if self._diagnostics is None:
            return
        try:
            answer = self._diagnostics(query.kind)
        except Exception:  # noqa: BLE001  (the console says the bridge did not answer)
            _log.exception("diagnostics failed", extra={"kind": query.kind})
            return
        session.send(encode_frame(answer))

    def _answer_trace(self, session: ClientSession, query: TraceQuery) -> None:
        def reply(trace: Trace) -> None:
            session.send(encode_frame(trace))  # a session that has gone drops it

        if not query.key or len(query.key) > MAX_TRACE_KEY_CHARS:
            reason = f"a {query.kind} id has 1 to {MAX_TRACE_KEY_CHARS} characters"
            reply(Trace(kind=query.kind, key=query.key[:MAX_TRACE_KEY_CHARS], error=reason))
        elif self._trace is None:
            reply(Trace(kind=query.kind, key=query.key, error="this bridge cannot trace"))
        else:
            self._trace(query, reply)

    def _dispatch(self, session: ClientSession, command: Command) -> None:
        try:
            self._on_command(command)
        except Exception:  # noqa: BLE001  (a failing handler must not take the server down)
            _log.exception("command handler failed", extra={"command_id": command.command_id})
            outcome = CommandOutcome(
                command_id=command.command_id, state="invalid", reason="internal error"
            )
            session.send(encode_frame(outcome))
