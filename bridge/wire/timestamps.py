"""RFC 3339 timestamps: the only time format of the contract."""

from __future__ import annotations

import datetime as dt
import re

# RFC 3339 section 5.6: full-date "T" full-time, where time-offset is "Z" or +hh:mm / -hh:mm.
_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})",
    re.ASCII,
)


_from_iso = dt.datetime.fromisoformat


def parse_rfc3339(text: str) -> dt.datetime | None:
    """Return the aware datetime ``text`` denotes, or ``None`` if it is not RFC 3339 with offset."""
    if _RFC3339.fullmatch(text) is None:
        return None
    try:
        return dt.datetime.fromisoformat(text.upper())
    except ValueError:  # e.g. month 13, or a leap second (60), which datetime cannot hold
        return None


def require_rfc3339(text: str) -> dt.datetime:
    """Parse a timestamp that validation already accepted; raise ``ValueError`` otherwise."""
    moment = parse_rfc3339(text)
    if moment is None:
        raise ValueError(f"not an RFC 3339 timestamp with offset: {text!r}")
    return moment


def require_aware(moment: dt.datetime) -> dt.datetime:
    """Return ``moment`` if it carries an offset; raise ``ValueError`` for a naive datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: pass an aware 'now' (e.g. datetime.now(UTC))")
    return moment


def moment_of(text: str | None) -> dt.datetime | None:
    """The aware datetime of a timestamp held in the state, or ``None`` if absent or unreadable.

    The state only holds timestamps that validation accepted, so this skips the strict
    pattern of ``parse_rfc3339`` (it is on the console's hot path); a naive value is
    read as UTC rather than refused.
    """
    if not text:
        return None
    try:
        moment = _from_iso(text)  # the fold writes "T" and "Z": no copy in upper case
    except ValueError:
        try:
            moment = _from_iso(text.upper())  # "t" and "z" are RFC 3339 too
        except ValueError:
            return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def epoch_of(text: str | None) -> float | None:
    """Epoch seconds of a timestamp held in the state (see ``moment_of``).

    A console taking a snapshot reads two per ticket and one per order event:
    the common case, an upper-case UTC text, is parsed here without a call to
    ``moment_of`` or an upper-case copy (0.52 to 0.35 us a text).
    """
    if not text:
        return None
    try:
        moment = _from_iso(text)
    except ValueError:
        slow = moment_of(text)
        return None if slow is None else slow.timestamp()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


def rfc3339_of_ms(epoch_ms: int | None) -> str | None:
    """RFC 3339 (UTC, milliseconds, ``Z``) of epoch milliseconds, e.g. a Kafka record timestamp."""
    if epoch_ms is None:
        return None
    moment = dt.datetime.fromtimestamp(epoch_ms / 1000, dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
