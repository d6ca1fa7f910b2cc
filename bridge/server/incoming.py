"""What the server decodes from consoles: the envelope strictly, a command's action leniently.

A frame that is not a valid message closes its connection (``bad_message``). A
command whose envelope is valid but whose action this bridge cannot accept (an
unknown action type, an enum value it does not know, a missing field) is not a
protocol error: the console gets an ``invalid`` outcome with the reason and the
connection stays. Closing would make the console reconnect and resend the same
command after every Welcome, forever.
"""

from __future__ import annotations

from typing import Final

import msgspec

from bridge.wire.framing import FrameDecoder
from bridge.wire.protocol import (
    Action,
    CommandStatusQuery,
    DiagnosticsQuery,
    Hello,
    Ping,
    ReportActivity,
    TraceQuery,
)

MAX_REASON_CHARS: Final = 300


class IncomingCommand(msgspec.Struct, tag="command", tag_field="t", kw_only=True):
    """A ``command`` frame whose action is still undecoded MessagePack."""

    command_id: str
    action: msgspec.Raw


IncomingMessage = (
    Hello
    | IncomingCommand
    | Ping
    | ReportActivity
    | CommandStatusQuery
    | DiagnosticsQuery
    | TraceQuery
)


class ActionNotAcceptedError(Exception):
    """The action of a command is not one this bridge can carry out; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_ACTION_DECODER: Final = msgspec.msgpack.Decoder(Action)


def incoming_decoder(max_frame: int) -> FrameDecoder[IncomingMessage]:
    """Return the server's decoder of what consoles send."""
    return FrameDecoder(msgspec.msgpack.Decoder(IncomingMessage), max_frame, copy_body=True)


def decode_action(raw: msgspec.Raw) -> Action:
    """Decode a command's action strictly.

    Raises:
        ActionNotAcceptedError: the action is not valid for this bridge (the reason is
            shortened to ``MAX_REASON_CHARS``: it quotes values the console sent).
    """
    try:
        return _ACTION_DECODER.decode(raw)
    except msgspec.ValidationError as exc:
        reason = f"this bridge cannot accept the action: {exc}"
    except msgspec.DecodeError as exc:
        reason = f"the action is not MessagePack: {exc}"
    except RecursionError:
        reason = "the action is nested too deeply"
    if len(reason) > MAX_REASON_CHARS:
        reason = reason[: MAX_REASON_CHARS - 1] + "…"
    raise ActionNotAcceptedError(reason)
