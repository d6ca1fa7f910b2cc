"""Framing and the other pure parts of the local server: frames, the batch log, endpoints."""

from __future__ import annotations

import struct
from pathlib import Path

import msgspec
import pytest

from bridge.server.batches import BatchLog
from bridge.wire.endpoint import SUN_PATH_BUDGET, Endpoint
from bridge.wire.framing import (
    FrameError,
    bridge_message_decoder,
    client_message_decoder,
    encode_frame,
    frame_header,
)
from bridge.wire.protocol import (
    MAX_CLIENT_FRAME,
    PROTOCOL_VERSION,
    AgentIdentity,
    Change,
    Claim,
    Command,
    DeltaBatch,
    Hello,
    Ping,
    Welcome,
)
from tests.helpers.protocol import status

STATUS = status(
    agent=AgentIdentity(agent_id="a1", name="Ana", role="agent", queues=["general"]),
    as_of=None,
)
HELLO = Hello(v=PROTOCOL_VERSION, token="tok", client="test")


def test_frame_is_length_then_messagepack_tagged_by_t() -> None:
    frame = encode_frame(Ping(nonce=7))
    (length,) = struct.unpack(">I", frame[:4])
    assert length == len(frame) - 4
    assert msgspec.msgpack.decode(frame[4:]) == {"t": "ping", "nonce": 7}


def test_decoder_reassembles_frames_fed_byte_by_byte() -> None:
    command = Command(command_id="c-1", action=Claim(ticket_id="T-1"))
    stream = encode_frame(HELLO) + encode_frame(command) + encode_frame(Ping(nonce=1))
    decoder = client_message_decoder(MAX_CLIENT_FRAME)
    out = []
    for i in range(len(stream)):
        decoder.feed(stream[i : i + 1])
        while (message := decoder.pop()) is not None:
            out.append(message)
    assert out == [HELLO, command, Ping(nonce=1)]
    assert decoder.buffered == 0


def test_decoder_pops_several_frames_from_one_chunk() -> None:
    decoder = client_message_decoder(MAX_CLIENT_FRAME)
    decoder.feed(b"".join(encode_frame(Ping(nonce=n)) for n in range(1000)))
    nonces = []
    while (message := decoder.pop()) is not None:
        assert isinstance(message, Ping)
        nonces.append(message.nonce)
    assert nonces == list(range(1000))


def test_oversized_frame_is_refused_from_its_header_alone() -> None:
    decoder = client_message_decoder(1024)
    decoder.feed(frame_header(1025))
    with pytest.raises(FrameError) as caught:
        decoder.pop()
    assert caught.value.code == "too_large"
    assert decoder.buffered == 4  # the body was never waited for


def test_frame_at_the_limit_is_accepted() -> None:
    frame = encode_frame(Ping(nonce=1))
    decoder = client_message_decoder(len(frame) - 4)
    decoder.feed(frame)
    assert decoder.pop() == Ping(nonce=1)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"\xc1\xc1\xc1", "bad_frame"),  # 0xc1 is never valid MessagePack
        (b"\x82\xa1t", "bad_frame"),  # a map cut short
        (msgspec.msgpack.encode({"t": "ping", "nonce": 1}) + b"\x00", "bad_frame"),  # trailing
        (msgspec.msgpack.encode({"t": "nope"}), "bad_message"),  # unknown message type
        (msgspec.msgpack.encode({"t": "ping", "nonce": "1"}), "bad_message"),  # wrong field type
        (msgspec.msgpack.encode({"t": "ping"}), "bad_message"),  # missing field
        (msgspec.msgpack.encode([1, 2, 3]), "bad_message"),  # not a message at all
        (msgspec.msgpack.encode(Welcome(v=1, bridge_version="x", session="s")), "bad_message"),
    ],
)
def test_malformed_body_is_a_frame_error(body: bytes, code: str) -> None:
    decoder = client_message_decoder(MAX_CLIENT_FRAME)
    decoder.feed(frame_header(len(body)) + body + encode_frame(Ping(nonce=2)))
    with pytest.raises(FrameError) as caught:
        decoder.pop()
    assert caught.value.code == code
    with pytest.raises(FrameError):  # a failed stream stays failed
        decoder.pop()


def test_valid_frames_before_a_bad_one_are_delivered() -> None:
    decoder = client_message_decoder(MAX_CLIENT_FRAME)
    decoder.feed(encode_frame(Ping(nonce=1)) + frame_header(3) + b"\xc1\xc1\xc1")
    assert decoder.pop() == Ping(nonce=1)
    with pytest.raises(FrameError):
        decoder.pop()


def test_console_side_decodes_bridge_messages() -> None:
    batch = DeltaBatch(seq=3, changes=[Change(kind="ticket", key="T-1")])
    decoder = bridge_message_decoder(1024)
    decoder.feed(encode_frame(batch))
    assert decoder.pop() == batch


# ------------------------------------------------------------------ batch log
def change(key: str) -> Change:
    return Change(kind="agent", key=key)


def decode_batch(frame: bytes) -> DeltaBatch:
    return msgspec.msgpack.decode(frame[4:], type=DeltaBatch)


def test_last_change_of_an_entity_wins_within_a_batch() -> None:
    log = BatchLog(history=8, history_bytes=1 << 20)
    log.add([change("a"), change("b")], None)
    log.add([Change(kind="agent", key="a", agent=None), change("c")], None)
    batch = log.flush()
    assert batch is not None
    decoded = decode_batch(batch.frame)
    assert decoded.seq == 1
    assert [c.key for c in decoded.changes] == ["b", "a", "c"]
    assert log.flush() is None  # nothing pending, no empty batch


def test_status_alone_makes_a_batch() -> None:
    log = BatchLog(history=8, history_bytes=1 << 20)
    log.add([], None)
    assert not log.has_pending
    log.add([], STATUS)
    batch = log.flush()
    assert batch is not None
    assert decode_batch(batch.frame) == DeltaBatch(seq=1, changes=[], status=STATUS)


def test_since_returns_exactly_the_missed_batches_or_none() -> None:
    log = BatchLog(history=3, history_bytes=1 << 20)
    for n in range(5):
        log.add([change(str(n))], None)
        log.flush()
    assert log.seq == 5
    assert log.since(5) == []
    missed = log.since(3)
    assert missed is not None
    assert [b.seq for b in missed] == [4, 5]
    assert [b.seq for b in log.since(2) or []] == [3, 4, 5]
    assert log.since(1) is None  # batch 2 is gone
    assert log.since(6) is None  # from the future (another session)
    assert log.since(-1) is None


def test_touched_entities_are_read_once_when_the_batch_is_flushed() -> None:
    log = BatchLog(history=8, history_bytes=1 << 20)
    reads: list[tuple[str, str]] = []

    def resolve(kind: str, key: str) -> Change:
        reads.append((kind, key))
        return Change(kind="agent", key=key)

    log.touch([("agent", "a"), ("agent", "b")])
    log.add([change("c")], None)
    log.touch([("agent", "a")])  # touched again: read once, ordered by its last change
    assert log.pending_count == 3
    assert not reads
    batch = log.flush(resolve)
    assert batch is not None
    assert [c.key for c in decode_batch(batch.frame).changes] == ["b", "c", "a"]
    assert reads == [("agent", "b"), ("agent", "a")]


def test_forget_leaves_a_gap_that_no_resume_crosses() -> None:
    log = BatchLog(history=8, history_bytes=1 << 20)
    log.add([change("a")], None)
    log.flush()
    log.touch([("agent", "b")])
    log.forget()
    assert not log.has_pending
    assert log.since(1) is None  # the console had seq 1: what came after is gone
    log.add([change("c")], None)
    batch = log.flush()
    assert batch is not None
    assert decode_batch(batch.frame).seq == 3
    assert log.since(1) is None


def test_history_is_bounded_by_bytes_too() -> None:
    log = BatchLog(history=1000, history_bytes=2000)
    for n in range(100):
        log.add([change(f"{n:0100d}")], None)
        log.flush()
    assert log.history_bytes <= 2000
    assert log.since(log.seq - 1) is not None


# ------------------------------------------------------------------ endpoint
def test_unix_endpoint_lives_in_the_data_dir_when_short() -> None:
    data = Path("/d/atp")
    endpoint = Endpoint.for_data_dir(data, platform="linux", environ={})
    assert endpoint.server_name == "/d/atp/ipc/bridge.sock"
    assert endpoint.token_file == Path("/d/atp/ipc/bridge.token")


def test_unix_endpoint_moves_to_a_short_runtime_path_when_too_long() -> None:
    data = Path("/home/someone/" + "x" * 120)
    endpoint = Endpoint.for_data_dir(data, platform="linux", environ={"XDG_RUNTIME_DIR": "/run/u"})
    assert endpoint.server_name.startswith("/run/u/atp-")
    assert len(endpoint.server_name.encode()) <= SUN_PATH_BUDGET
    assert Path(endpoint.server_name).parent == endpoint.token_file.parent
    other = Endpoint.for_data_dir(data / "y", platform="linux", environ={"XDG_RUNTIME_DIR": "/r"})
    assert Path(other.server_name).parent.name != Path(endpoint.server_name).parent.name


def test_windows_endpoint_is_a_pipe_named_after_user_and_data_dir() -> None:
    endpoint = Endpoint.for_data_dir(Path("/d/atp"), platform="win32", user="Ana María")
    assert endpoint.server_name.startswith("atp-console-Ana_Mar")
    assert "/" not in endpoint.server_name
    assert "\\" not in endpoint.server_name
    other = Endpoint.for_data_dir(Path("/d/other"), platform="win32", user="Ana María")
    assert other.server_name != endpoint.server_name
