"""Contract validation: one Kafka record in, a valid typed event or the reason it is not one out.

Pure: no I/O, no clock. Checks run in a fixed order, so one record always gets
the same reason. See docs/FOLD.md for the list.

Two paths, one verdict. The fast path decodes envelope and ``data`` in one
msgspec pass (a union of one struct per registered type, tagged on ``type``)
and then runs the few checks msgspec cannot express; it accepts only what the
step-by-step path accepts, and anything it does not accept goes through the
step-by-step path, which alone words the reasons (and recognises unknown types).
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, Union

import msgspec

from bridge.contract.events import (
    EVENT_KINDS,
    EventData,
    EventKind,
    TopicKind,
    entity_field,
    topic_name,
)
from bridge.contract.topics import Topics
from bridge.wire.timestamps import parse_rfc3339

MAX_VALUE_BYTES = 1_048_576
SPECVERSION = "1.0"
DATACONTENTTYPE = "application/json"
_MISSING_FIELD = "Object missing required field "


class RawRecord(msgspec.Struct, frozen=True, gc=False):
    """A Kafka record as read: where it is, its key and its value (``None`` for a tombstone)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp_ms: int | None = None
    """The record's Kafka timestamp (ms since the epoch; ``None``: not available)."""


class ValidEvent(msgspec.Struct, frozen=True, gc=False):
    """An event that meets the contract, with its typed ``data`` and its place in the log."""

    id: str
    type: str
    subject: str
    source: str
    time: str
    data: EventData
    topic: str
    partition: int
    offset: int
    timestamp_ms: int | None = None
    """The record's Kafka timestamp (see ``RawRecord``)."""


class Invalid(msgspec.Struct, frozen=True, gc=False):
    """A record that breaks the contract: to be quarantined with ``reason``."""

    reason: str
    event_id: str | None = None  # the record's ``id``, when it could be read


class UnknownType(msgspec.Struct, frozen=True, gc=False):
    """A well-formed event of a type this version does not know: skipped and counted."""

    type: str


class _Envelope(msgspec.Struct, frozen=True, gc=False):
    """The CloudEvents attributes; ``data`` is decoded once its type is known."""

    specversion: str
    id: str
    source: str
    type: str
    subject: str
    time: str
    datacontenttype: str
    data: msgspec.Raw


class _RejectedError(Exception):
    """Raised by a check step; becomes an ``Invalid``."""

    def __init__(self, reason: str, event_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.event_id = event_id


def validate_record(
    record: RawRecord,
    topics: Topics,
    *,
    max_value_bytes: int = MAX_VALUE_BYTES,
    kinds: Mapping[str, EventKind] = EVENT_KINDS,
) -> ValidEvent | Invalid | UnknownType:
    """Check ``record`` against the contract (rule 7) and decode it.

    ``kinds`` is the event types this consumer knows (an older contract's table
    makes it read as an older consumer would: newer types are ``UnknownType``).
    """
    if kinds is EVENT_KINDS:
        fast = _validate_in_one_pass(record, topics, max_value_bytes)
        if fast is not None:
            return fast
    try:
        key, value = _check_record(record, topics, max_value_bytes)
        return _validate(record, topics, key, value, kinds)
    except _RejectedError as rejected:
        return Invalid(reason=rejected.reason, event_id=rejected.event_id)
    except RecursionError:  # msgspec's decoder on deeply nested JSON (also inside ``data``)
        return Invalid(reason="value is not valid JSON (nested too deeply to decode)")


# ------------------------------------------------------------------ the fast path
_Text = Annotated[str, msgspec.Meta(min_length=1)]
_surely_rfc3339 = re.compile(
    "(?!0000)[0-9]{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    "|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
    "[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:[.][0-9]+)?"
    "(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
).fullmatch
"""Matches only times ``parse_rfc3339`` accepts: RFC 3339, each field in its range and the
day in its month, in one regular expression (no ``datetime``). What it does not match
(February 29th, offsets such as ``+01:60`` that ``datetime`` takes, what is no time at
all) ``parse_rfc3339`` judges."""
_WHITE_SPACE = re.compile(r"\s")  # str patterns: the characters for which str.isspace() holds
_ENTITY_ID: dict[TopicKind, Callable[[Any], str]] = {
    "orders": operator.attrgetter("order_id"),
    "tickets": operator.attrgetter("ticket_id"),
    "agents": operator.attrgetter("agent.id"),
}


class _TypedEvent(msgspec.Struct, frozen=True, tag_field="type", gc=False):
    """Base of the one-pass structs: the envelope attributes the contract fixes."""

    specversion: Literal["1.0"]
    id: _Text
    source: _Text
    subject: _Text
    time: _Text
    datacontenttype: Literal["application/json"]


class _Registered(msgspec.Struct, frozen=True):
    """What the fast path needs about one registered type."""

    type: str
    kind: EventKind
    entity_id: Callable[[Any], str]


def _one_pass_types() -> tuple[Any, dict[type, _Registered]]:
    """A struct per type of ``EVENT_KINDS`` (tag = the type), their union, and their facts."""
    registered: dict[type, _Registered] = {}
    for name, kind in EVENT_KINDS.items():
        struct = msgspec.defstruct(
            f"_{kind.data_type.__name__}Event",
            [("data", kind.data_type)],
            bases=(_TypedEvent,),
            tag=name,
            frozen=True,
        )
        registered[struct] = _Registered(type=name, kind=kind, entity_id=_ENTITY_ID[kind.topic])
    return Union[tuple(registered)], registered  # noqa: UP007  (a union built at run time)


_ONE_PASS_UNION, _REGISTERED = _one_pass_types()
_ONE_PASS = msgspec.json.Decoder(_ONE_PASS_UNION)


@functools.lru_cache(maxsize=256)
def _is_uri_reference(source: str) -> bool:
    """Whether ``source`` has no white space (a log has few sources: their answers are kept)."""
    return _WHITE_SPACE.search(source) is None


def _validate_in_one_pass(
    record: RawRecord, topics: Topics, max_value_bytes: int
) -> ValidEvent | None:
    """The event if it is valid, decoded in one pass; ``None``: let the step-by-step path judge.

    Checks what ``_check_record`` checks, without wording reasons: the topic is the
    event type's (so one of the contract's), the value and key are present and
    UTF-8 (an ASCII value is; msgspec does not check the bytes of fields it skips).
    """
    value, raw_key = record.value, record.key
    if value is None or raw_key is None or len(value) > max_value_bytes:
        return None
    try:
        key = raw_key.decode("utf-8")
        if not value.isascii():
            value.decode("utf-8")
        event = _ONE_PASS.decode(value)
    except (UnicodeDecodeError, msgspec.DecodeError, RecursionError):
        return None  # DecodeError covers ValidationError: wrong shape, unknown type, ...
    facts = _REGISTERED[type(event)]
    kind, data, subject = facts.kind, event.data, event.subject
    if not (
        record.topic == getattr(topics, kind.topic)  # the field of Topics is named so
        and subject == key
        and _is_uri_reference(event.source)
        and (_surely_rfc3339(event.time) is not None or parse_rfc3339(event.time) is not None)
        and facts.entity_id(data) == subject
    ):
        return None
    for name in kind.time_fields:
        text = getattr(data, name)
        if _surely_rfc3339(text) is None and parse_rfc3339(text) is None:
            return None
    return ValidEvent(
        event.id,
        facts.type,
        subject,
        event.source,
        event.time,
        data,
        record.topic,
        record.partition,
        record.offset,
        record.timestamp_ms,
    )


# ------------------------------------------------------------------ the step-by-step path
def _validate(
    record: RawRecord, topics: Topics, key: str, value: bytes, kinds: Mapping[str, EventKind]
) -> ValidEvent | UnknownType:
    envelope = _decode_envelope(value)
    _check_envelope(envelope, key)
    kind = kinds.get(envelope.type)
    if kind is None:
        return UnknownType(type=envelope.type)
    expected_topic = topic_name(kind.topic, topics)
    if record.topic != expected_topic:
        raise _RejectedError(
            f"type {envelope.type!r} belongs to topic {expected_topic!r}, not {record.topic!r}",
            envelope.id,
        )
    try:
        data: EventData = msgspec.json.decode(envelope.data, type=kind.data_type)  # type: ignore[assignment]  # data_type is one of EventData's members
    except msgspec.ValidationError as error:
        raise _RejectedError(
            f"invalid data for {envelope.type}: {_data_path(str(error))}", envelope.id
        ) from None
    _check_data(data, envelope, kind.time_fields)
    return ValidEvent(
        id=envelope.id,
        type=envelope.type,
        subject=envelope.subject,
        source=envelope.source,
        time=envelope.time,
        data=data,
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        timestamp_ms=record.timestamp_ms,
    )


def _check_record(record: RawRecord, topics: Topics, max_value_bytes: int) -> tuple[str, bytes]:
    """Check where the record is, its size, key and encoding; return the key and the value."""
    value = record.value
    if record.topic not in topics.all():
        raise _RejectedError(f"topic {record.topic!r} is not one of the contract's topics")
    if value is None:
        raise _RejectedError("record has no value (a tombstone); expected a CloudEvents object")
    if len(value) > max_value_bytes:
        raise _RejectedError(
            f"value is {len(value)} bytes, over the limit of {max_value_bytes} bytes"
        )
    if record.key is None:
        raise _RejectedError("record has no key; the key must equal the event's subject")
    try:
        key = record.key.decode("utf-8")
    except UnicodeDecodeError:
        raise _RejectedError("record key is not valid UTF-8") from None
    try:
        value.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _RejectedError(
            f"value is not valid UTF-8 (bad byte at position {error.start})"
        ) from None
    return key, value


def _decode_envelope(value: bytes) -> _Envelope:
    try:
        return msgspec.json.decode(value, type=_Envelope)
    except msgspec.ValidationError as error:
        message = str(error)
        if message.startswith(_MISSING_FIELD):
            reason = f"missing required attribute {message[len(_MISSING_FIELD) :]}"
        elif message.startswith("Expected `object`") and " - at " not in message:
            reason = f"value is not a JSON object ({message})"
        else:
            reason = f"invalid attribute: {message}"
        raise _RejectedError(reason) from None
    except msgspec.DecodeError as error:
        raise _RejectedError(f"value is not valid JSON ({error})") from None


def _check_envelope(envelope: _Envelope, key: str) -> None:
    event_id = envelope.id or None
    for name in ("id", "source", "type", "subject", "time"):
        if not getattr(envelope, name):
            raise _RejectedError(f"attribute `{name}` is empty", event_id)
    if envelope.specversion != SPECVERSION:
        raise _RejectedError(
            f"specversion is {envelope.specversion!r}, expected {SPECVERSION!r}", event_id
        )
    if envelope.datacontenttype != DATACONTENTTYPE:
        raise _RejectedError(
            f"datacontenttype is {envelope.datacontenttype!r}, expected {DATACONTENTTYPE!r}",
            event_id,
        )
    if any(character.isspace() for character in envelope.source):
        raise _RejectedError(
            f"source {envelope.source!r} is not a URI reference (it contains white space)",
            event_id,
        )
    if parse_rfc3339(envelope.time) is None:
        raise _RejectedError(
            f"time {envelope.time!r} is not an RFC 3339 timestamp with offset", event_id
        )
    if envelope.subject != key:
        raise _RejectedError(
            f"subject {envelope.subject!r} differs from the record key {key!r}", event_id
        )


def _check_data(data: EventData, envelope: _Envelope, time_fields: tuple[str, ...]) -> None:
    path, about = entity_field(data)
    if about != envelope.subject:
        raise _RejectedError(
            f"{path} {about!r} differs from the subject {envelope.subject!r}", envelope.id
        )
    for name in time_fields:
        text = getattr(data, name)
        if parse_rfc3339(text) is None:
            raise _RejectedError(
                f"data.{name} {text!r} is not an RFC 3339 timestamp with offset", envelope.id
            )


def _data_path(message: str) -> str:
    """Rewrite msgspec's paths, relative to ``data``, to paths in the whole event."""
    if " - at `$" in message:
        return message.replace(" - at `$", " - at `$.data", 1)
    return f"{message} - at `$.data`"
