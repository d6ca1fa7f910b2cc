"""Build and encode CloudEvents 1.0 structured-mode events as the contract requires."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

import msgspec

CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"
KAFKA_HEADERS: list[tuple[str, str | bytes | None]] = [("content-type", CONTENT_TYPE.encode())]
_encoder = msgspec.json.Encoder()


def rfc3339(moment: dt.datetime) -> str:
    """Format an aware datetime as RFC 3339 in UTC with a ``Z`` and millisecond precision."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the contract needs an offset")
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def make_event(
    *,
    type: str,  # noqa: A002  (the CloudEvents attribute is called "type")
    subject: str,
    data: Mapping[str, object],
    source: str,
    time: str,
    event_id: str | None = None,
) -> dict[str, object]:
    """Return one contract event: every required attribute, ``data`` as given."""
    return {
        "specversion": "1.0",
        "id": event_id or str(uuid.uuid4()),
        "source": source,
        "type": type,
        "subject": subject,
        "time": time,
        "datacontenttype": "application/json",
        "data": dict(data),
    }


def encode_event(event: Mapping[str, object]) -> bytes:
    """Encode an event as the compact UTF-8 JSON record value."""
    return _encoder.encode(event)
