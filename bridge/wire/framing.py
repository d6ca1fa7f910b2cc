"""Length-prefixed MessagePack frames: a 4-byte big-endian body length, then the body.

Pure code (no Qt, no I/O), shared by the bridge's server and the console's client.
The decoder is incremental: feed it whatever the socket had, then pop whole
messages. It checks the announced length against its limit *before* buffering the
body, so an oversized frame costs nothing but its header.
"""

from __future__ import annotations

import struct
from typing import Generic, Literal, NoReturn, TypeVar

import msgspec

from bridge.wire.protocol import HEADER_SIZE, BridgeMessage, ClientMessage

_HEADER = struct.Struct(">I")

T = TypeVar("T")
FrameErrorCode = Literal["bad_frame", "too_large", "bad_message"]


class FrameError(Exception):
    """A frame that cannot be decoded; the connection it came from must be closed."""

    def __init__(self, code: FrameErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code: FrameErrorCode = code
        self.message = message


_ENCODER = msgspec.msgpack.Encoder()
_COMPACT_AT = 64 * 1024


def encode_frame(message: msgspec.Struct) -> bytes:
    """Return ``message`` as one frame (header and MessagePack body)."""
    body = _ENCODER.encode(message)
    return _HEADER.pack(len(body)) + body


def frame_header(length: int) -> bytes:
    """Return the header of a frame whose body is ``length`` bytes (for tests and tools)."""
    return _HEADER.pack(length)


class FrameDecoder(Generic[T]):
    """Split a byte stream into frames and decode each with ``decoder`` (strictly).

    ``copy_body``: decode each body from its own bytes instead of a view of the
    buffer; needed when the message keeps ``msgspec.Raw`` parts (they reference
    what they were decoded from).
    """

    def __init__(
        self, decoder: msgspec.msgpack.Decoder[T], max_frame: int, *, copy_body: bool = False
    ) -> None:
        self._decoder = decoder
        self._copy_body = copy_body
        self.max_frame = max_frame
        self._buffer = bytearray()
        self._pos = 0  # start of the first undecoded byte in _buffer
        self._failed: FrameError | None = None

    @property
    def buffered(self) -> int:
        """Bytes received but not yet decoded."""
        return len(self._buffer) - self._pos

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Append bytes read from the socket."""
        if self._failed is None:
            self._buffer += data

    def pop(self) -> T | None:
        """Return the next whole message, or None until more bytes arrive.

        Raises:
            FrameError: the next frame is too large, not MessagePack, or not a valid
                message. The decoder stays failed: every later call raises again.
        """
        if self._failed is not None:
            raise self._failed
        start = self._pos
        if len(self._buffer) - start < HEADER_SIZE:
            return None
        (length,) = _HEADER.unpack_from(self._buffer, start)
        if length > self.max_frame:
            self._fail("too_large", f"frame of {length} bytes exceeds {self.max_frame}")
        end = start + HEADER_SIZE + length
        if len(self._buffer) < end:
            return None
        with memoryview(self._buffer) as view, view[start + HEADER_SIZE : end] as body:
            try:
                message = self._decoder.decode(bytes(body) if self._copy_body else body)
            except msgspec.ValidationError as exc:
                self._fail("bad_message", str(exc))
            except msgspec.DecodeError as exc:
                self._fail("bad_frame", f"not MessagePack: {exc}")
            except RecursionError:
                self._fail("bad_message", "nested too deeply")
        self._consume(end)
        return message

    def _consume(self, end: int) -> None:
        if end == len(self._buffer):
            self._buffer.clear()
            self._pos = 0
        elif end > _COMPACT_AT and end * 2 > len(self._buffer):
            del self._buffer[:end]
            self._pos = 0
        else:
            self._pos = end

    def _fail(self, code: FrameErrorCode, message: str) -> NoReturn:
        self._failed = FrameError(code, message)
        raise self._failed


def client_message_decoder(max_frame: int) -> FrameDecoder[ClientMessage]:
    """Return a decoder for what consoles send (the bridge's side)."""
    return FrameDecoder(msgspec.msgpack.Decoder(ClientMessage), max_frame)


def bridge_message_decoder(max_frame: int) -> FrameDecoder[BridgeMessage]:
    """Return a decoder for what the bridge sends (the console's side)."""
    return FrameDecoder(msgspec.msgpack.Decoder(BridgeMessage), max_frame)
