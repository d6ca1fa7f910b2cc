"""The local protocol between the bridge and its consoles (see docs/PROTOCOL.md).

Every frame is a 4-byte big-endian length followed by one MessagePack-encoded
message. Messages are msgspec structs tagged by the field ``t`` (``tag_field``); both sides
decode with strict validation, so a malformed frame is an error, never a guess.
The console imports these types; it never imports Kafka.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from bridge.wire.entities import Order, Presence, Ticket
from bridge.wire.vocabulary import Priority, Role, TicketStatus

PROTOCOL_VERSION = 4
"""4: changes carry the tails of lists (``bridge.wire.splices``); 3: the snapshot streamed
in pages, log diagnostics; 2: tags, activity."""
HEADER_SIZE = 4
MAX_CLIENT_FRAME = 256 * 1024  # a console sends commands: small
MAX_BRIDGE_FRAME = 64 * 1024 * 1024  # a large delta batch (snapshots come in pages)
SNAPSHOT_PAGE_BYTES = 1024 * 1024  # a snapshot page holds at most this much (or one entity)
MAX_HELLO_FRAME = 4 * 1024  # before the handshake a client may send only a small Hello
HELLO_TIMEOUT_MS = 5000  # a connection that has not said Hello by then is closed


# ------------------------------------------------------------------ shared parts
class AgentIdentity(msgspec.Struct, frozen=True, kw_only=True):
    """The agent a bridge acts for."""

    agent_id: str
    name: str
    role: Role
    queues: list[str]


class CatchUp(msgspec.Struct, frozen=True, kw_only=True):
    """The bridge is folding a backlog: first start, after an outage, a restart without cache."""

    records_done: int
    """Records folded since the catch-up began."""
    records_total: int
    """``records_done`` plus the records up to the end offsets (high watermarks) last seen."""
    records_per_s: float
    """The recent folding rate (0.0: not measured yet)."""


class BridgeStatus(msgspec.Struct, kw_only=True):
    """What the console's status bar shows; sent with the snapshot and when it changes."""

    agent: AgentIdentity
    kafka_up: bool
    kafka_down_since: str | None
    as_of: str | None
    lag: int
    outbox_pending: int
    quarantined: int
    skipped_unknown_type: int
    records_read: int = 0
    """Records this bridge process read from Kafka since it started (resume reads only new ones)."""
    clients: int = 0
    """Consoles connected to this bridge."""
    kafka_error: str | None = None
    """Why Kafka is down, if known: ``"auth"`` (credentials refused), ``"tls"`` (TLS failed)."""
    kafka_error_message: str | None = None
    """That reason in words, e.g. "Kafka refused the credentials (SASL/SCRAM-SHA-512)"."""
    degraded: list[str] = msgspec.field(default_factory=list)
    """Parts failing and retrying: ``disk_full``, ``reader``, ``writer`` (docs/PROTOCOL.md)."""
    catching_up: CatchUp | None = None
    """(v3) Set while the bridge folds a backlog; None when it is current."""


# ------------------------------------------------------------------ commands (agent actions)
class Reply(msgspec.Struct, tag="reply", tag_field="t", kw_only=True):
    """A reply to the customer."""

    ticket_id: str
    body: str


class Note(msgspec.Struct, tag="note", tag_field="t", kw_only=True):
    """An internal note, seen by agents only."""

    ticket_id: str
    body: str


class Claim(msgspec.Struct, tag="claim", tag_field="t", kw_only=True):
    """Take an unassigned ticket."""

    ticket_id: str


class Release(msgspec.Struct, tag="release", tag_field="t", kw_only=True):
    """Give back a ticket one holds."""

    ticket_id: str


class Assign(msgspec.Struct, tag="assign", tag_field="t", kw_only=True):
    """Assign a ticket to an agent (supervisors only)."""

    ticket_id: str
    agent_id: str
    agent_name: str


class SetStatus(msgspec.Struct, tag="set_status", tag_field="t", kw_only=True):
    """Change a ticket's status."""

    ticket_id: str
    status: TicketStatus


class SetPriority(msgspec.Struct, tag="set_priority", tag_field="t", kw_only=True):
    """Change a ticket's priority."""

    ticket_id: str
    priority: Priority


class SetQueue(msgspec.Struct, tag="set_queue", tag_field="t", kw_only=True):
    """Move a ticket to another queue."""

    ticket_id: str
    queue: str


class AddTag(msgspec.Struct, tag="add_tag", tag_field="t", kw_only=True):
    """Tag a ticket (contract 1.1 ``tag_added``; a tag already there changes nothing)."""

    ticket_id: str
    tag: str


class RemoveTag(msgspec.Struct, tag="remove_tag", tag_field="t", kw_only=True):
    """Untag a ticket (contract 1.1 ``tag_removed``; an absent tag changes nothing)."""

    ticket_id: str
    tag: str


Action = (
    Reply
    | Note
    | Claim
    | Release
    | Assign
    | SetStatus
    | SetPriority
    | SetQueue
    | AddTag
    | RemoveTag
)
CommandState = Literal["queued", "sent", "confirmed", "rejected", "invalid"]
FINAL_COMMAND_STATES: frozenset[str] = frozenset({"confirmed", "rejected", "invalid"})
STORED_COMMAND_STATES: frozenset[str] = frozenset({"queued", "sent"})
"""The bridge's outbox holds the command: ask with CommandStatusQuery, do not resend."""


# ------------------------------------------------------------------ console -> bridge
class Hello(msgspec.Struct, tag="hello", tag_field="t", kw_only=True):
    """First frame of a connection: protocol version, token, and where to resume."""

    v: int
    token: str
    client: str
    resume_session: str | None = None
    resume_from_seq: int | None = None


class Command(msgspec.Struct, tag="command", tag_field="t", kw_only=True):
    """An agent action. ``command_id`` becomes the event id: resending it is harmless."""

    command_id: str
    action: Action


class Ping(msgspec.Struct, tag="ping", tag_field="t", kw_only=True):
    """Keep-alive; answered with Pong."""

    nonce: int


AgentStatus = Literal["online", "away"]
"""What the agent chose (or the console's idle timer set): ``offline`` is the bridge's to say."""


class ReportActivity(msgspec.Struct, tag="activity", tag_field="t", kw_only=True):
    """What the agent is doing now: the ticket open, the one being written in, online or away.

    Not a command: no outcome, no outbox. The bridge publishes it in its agent's
    presence (contract 1.1 ``viewing``/``composing``; ``status``), at most once a second.
    """

    viewing: str | None = None
    composing: str | None = None
    status: AgentStatus = "online"


# ------------------------------------------------------------------ command status (v2)
MAX_STATUS_QUERY_IDS = 256  # as many as a console keeps unfinished


class CommandStatusQuery(msgspec.Struct, tag="command_status", tag_field="t", kw_only=True):
    """Ask where earlier commands are; answered by one CommandOutcome per id.

    A console sends it after each Welcome for the commands that were stored
    (``queued`` or ``sent``) but have no final outcome yet: outcomes sent while it
    was away, or by a bridge that has since restarted, are not sent again.
    """

    command_ids: list[str] = msgspec.field(default_factory=list)


# ------------------------------------------------------------------ log diagnostics (v3)
DiagnosticsKind = Literal["quarantine", "lag"]
"""What the log says, for supervisors and IT: its quarantined records, or the lag per partition.

With TraceQuery (one entity's event trace) these queries are answered to the asking
console only, by one Diagnostics or one Trace (docs/PROTOCOL.md, "Diagnostics").
"""
TraceKind = Literal["ticket", "order"]
MAX_TRACE_EVENTS = 2000  # records of one entity listed in a Trace (then ``truncated``)
MAX_TRACE_KEY_CHARS = 200


class DiagnosticsQuery(msgspec.Struct, tag="diagnostics_query", tag_field="t", kw_only=True):
    """Ask for the quarantined records (``quarantine``) or the lag per partition (``lag``)."""

    kind: DiagnosticsKind


class TraceQuery(msgspec.Struct, tag="trace_query", tag_field="t", kw_only=True):
    """Ask for every record of one ticket or order in the log, in log order."""

    kind: TraceKind
    key: str
    """The ticket or order id (the records' key)."""


class QuarantineEntry(msgspec.Struct, kw_only=True):
    """A record the fold quarantined: where it is in the log, why, and when it was written."""

    topic: str
    partition: int
    offset: int
    reason: str
    event_id: str | None = None
    at: str | None = None
    """The record's Kafka timestamp (RFC 3339), when the log gave one."""


class PartitionLag(msgspec.Struct, kw_only=True):
    """One partition: the next offset this bridge folds, the log's end, the records between."""

    topic: str
    partition: int
    folded: int
    """One past the last offset folded (0: nothing folded yet)."""
    end: int | None = None
    """The log's end (high watermark) of the last fetch response (None: not known yet)."""
    lag: int | None = None
    """``end - folded``; None while ``end`` is unknown or behind ``folded`` (a reset log)."""


class Diagnostics(msgspec.Struct, tag="diagnostics", tag_field="t", kw_only=True):
    """The answer to a DiagnosticsQuery (only the part ``kind`` asked for is filled)."""

    kind: DiagnosticsKind
    as_of: str
    """When the bridge answered."""
    quarantined_total: int = 0
    """Every record quarantined since the state began (the list keeps the latest 1000)."""
    quarantined: list[QuarantineEntry] = msgspec.field(default_factory=list)
    """Newest first."""
    partitions: list[PartitionLag] = msgspec.field(default_factory=list)
    ends_as_of: str | None = None
    """When the end offsets were last reported (every second while Kafka is up)."""


class TraceEvent(msgspec.Struct, kw_only=True):
    """One record of the entity, with what the fold made of it."""

    topic: str
    partition: int
    offset: int
    outcome: str
    """``applied``, ``rejected``, ``duplicate``, ``quarantined`` or ``skipped``."""
    duplicate: bool = False
    """The same event (id) or the same record came before: it changed nothing."""
    reason: str | None = None
    event_id: str | None = None
    type: str | None = None
    time: str | None = None
    """The event's own time, as it says (it may be unreadable in a quarantined record)."""
    source: str | None = None
    kafka_time: str | None = None
    """The record's Kafka timestamp (RFC 3339)."""


class Trace(msgspec.Struct, tag="trace", tag_field="t", kw_only=True):
    """The answer to a TraceQuery: the entity's records read from the log's beginning."""

    kind: TraceKind
    key: str
    events: list[TraceEvent] = msgspec.field(default_factory=list)
    complete: bool = False
    """Every record up to the log's end (as of the query) was read."""
    truncated: bool = False
    """More than MAX_TRACE_EVENTS records: only the first ones are listed."""
    records_scanned: int = 0
    error: str | None = None
    """Why the trace is missing or incomplete (timeout, Kafka unreachable, busy)."""


ClientMessage = (
    Hello | Command | Ping | ReportActivity | CommandStatusQuery | DiagnosticsQuery | TraceQuery
)


# ------------------------------------------------------------------ bridge -> console
class Welcome(msgspec.Struct, tag="welcome", tag_field="t", kw_only=True):
    """Handshake accepted."""

    v: int
    bridge_version: str
    session: str
    resumed: bool = False
    """True: the missed DeltaBatches follow (possibly none); False: a snapshot follows."""


class SnapshotBegin(msgspec.Struct, tag="snapshot_begin", tag_field="t", kw_only=True):
    """A snapshot of the state at ``seq`` starts: SnapshotPages follow, then SnapshotEnd.

    The counts say how many entities of each kind the pages will carry (for progress).
    """

    session: str
    seq: int
    tickets: int
    orders: int
    agents: int
    status: BridgeStatus


class SnapshotPage(msgspec.Struct, tag="snapshot_page", tag_field="t", kw_only=True):
    """Some entities of the snapshot at ``seq`` (about ``SNAPSHOT_PAGE_BYTES`` at most).

    An entity may be newer than ``seq`` (the state moved on while pages were sent);
    the deltas after SnapshotEnd carry each such change again, whole.
    """

    seq: int
    tickets: list[Ticket] = msgspec.field(default_factory=list)
    orders: list[Order] = msgspec.field(default_factory=list)
    agents: list[Presence] = msgspec.field(default_factory=list)


class SnapshotEnd(msgspec.Struct, tag="snapshot_end", tag_field="t", kw_only=True):
    """The snapshot at ``seq`` is complete: entities it did not carry are gone.

    Deltas continue from ``seq + 1``.
    """

    seq: int


class StateSnapshot(msgspec.Struct, kw_only=True):
    """A whole state at ``seq``, as a SnapshotBegin, its pages and SnapshotEnd add up to.

    Not a message: what ``bridge.wire.snapshots.SnapshotAssembler`` returns (the
    command line's ``snapshot``, tests) and what ``ViewStore.apply_snapshot`` takes.
    """

    session: str
    seq: int
    tickets: list[Ticket]
    orders: list[Order]
    agents: list[Presence]
    status: BridgeStatus


class Change(msgspec.Struct, kw_only=True):
    """One entity as it now is (``None`` values mean it was removed).

    Its lists may be tails (v4, ``bridge.wire.splices``): the ticket's ``messages``
    are those from index ``messages_from`` on, the console keeps its first
    ``messages_from``; likewise ``actions_from`` and an order's ``timeline_from``.
    """

    kind: Literal["ticket", "order", "agent"]
    key: str
    ticket: Ticket | None = None
    order: Order | None = None
    agent: Presence | None = None
    messages_from: int = 0
    actions_from: int = 0
    timeline_from: int = 0


class DeltaBatch(msgspec.Struct, tag="delta", tag_field="t", kw_only=True):
    """Changes coalesced over a short interval; ``seq`` is one more than the previous."""

    seq: int
    changes: list[Change]
    status: BridgeStatus | None = None


class CommandOutcome(msgspec.Struct, tag="outcome", tag_field="t", kw_only=True):
    """Where a command is: queued, sent, confirmed, rejected (with the reason) or invalid."""

    command_id: str
    state: CommandState
    reason: str | None = None
    ticket_id: str | None = None
    retryable: bool = False
    """With ``invalid``: nothing was kept, but the same command may succeed later (disk full)."""


class Pong(msgspec.Struct, tag="pong", tag_field="t", kw_only=True):
    """Answer to Ping."""

    nonce: int


ErrorCode = Literal[
    "bad_frame",  # the body is not MessagePack
    "too_large",  # the header announces more than the allowed frame size
    "bad_token",  # Hello with a missing or wrong token
    "bad_version",  # Hello with a protocol version this bridge does not speak
    "not_hello",  # the first frame was a valid message, but not Hello
    "internal",  # the bridge failed; reconnect later
    "bad_message",  # valid MessagePack but not a valid message (unknown type, wrong field type)
    "timeout",  # no Hello within HELLO_TIMEOUT_MS
]


class ErrorFrame(msgspec.Struct, tag="error", tag_field="t", kw_only=True):
    """A fatal protocol error; the bridge closes the connection after sending it."""

    code: ErrorCode
    message: str
    v: int | None = None
    """With ``bad_version``: the protocol version this bridge speaks."""


BridgeMessage = (
    Welcome
    | SnapshotBegin
    | SnapshotPage
    | SnapshotEnd
    | DeltaBatch
    | CommandOutcome
    | Pong
    | ErrorFrame
    | Diagnostics
    | Trace
)
