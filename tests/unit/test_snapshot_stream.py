"""A snapshot streamed in bounded pages (bridge side) adds up to the same whole state."""

from __future__ import annotations

import msgspec
import pytest

from bridge.server.snapshot_stream import SnapshotStream
from bridge.wire.framing import bridge_message_decoder
from bridge.wire.protocol import (
    MAX_BRIDGE_FRAME,
    BridgeMessage,
    DeltaBatch,
    SnapshotBegin,
    SnapshotEnd,
    SnapshotPage,
    StateSnapshot,
)
from bridge.wire.snapshots import SnapshotAssembler, SnapshotStreamError
from tests.helpers.entities import many_tickets, message, order, presence, ticket
from tests.helpers.protocol import status


def _frames(stream: SnapshotStream) -> list[bytes]:
    frames = []
    while (frame := stream.next_frame()) is not None:
        frames.append(frame)
    return frames


def _decode(frames: list[bytes]) -> list[BridgeMessage]:
    decoder = bridge_message_decoder(MAX_BRIDGE_FRAME)
    decoded = []
    for frame in frames:
        decoder.feed(frame)
        message = decoder.pop()
        assert message is not None
        decoded.append(message)
    return decoded


def _stream(page_bytes: int, tickets_count: int = 300) -> tuple[SnapshotStream, StateSnapshot]:
    whole = StateSnapshot(
        session="s1",
        seq=7,
        tickets=many_tickets(tickets_count),
        orders=[order(f"o{n}", ("placed", "paid")) for n in range(120)],
        agents=[presence(), presence("a-bea", name="Bea")],
        status=status(),
    )
    stream = SnapshotStream(
        session=whole.session,
        seq=whole.seq,
        tickets=whole.tickets,
        orders=whole.orders,
        agents=whole.agents,
        status=whole.status,
        page_bytes=page_bytes,
    )
    return stream, whole


def test_pages_add_up_to_the_whole_state_in_order() -> None:
    stream, whole = _stream(page_bytes=8 * 1024)
    messages = _decode(_frames(stream))
    begin, *pages, end = messages
    assert begin == SnapshotBegin(
        session="s1", seq=7, tickets=300, orders=120, agents=2, status=whole.status
    )
    assert end == SnapshotEnd(seq=7)
    assert all(isinstance(page, SnapshotPage) and page.seq == 7 for page in pages)
    assert len(pages) > 3
    assembler = SnapshotAssembler()
    results = [assembler.add(m) for m in messages]
    assert results[:-1] == [None] * (len(messages) - 1)
    assert results[-1] == whole


def test_every_page_stays_within_the_bound() -> None:
    stream, _ = _stream(page_bytes=4096)
    frames = _frames(stream)
    envelope = 64  # the page's own keys, tag and seq
    assert all(len(frame) <= 4096 + envelope for frame in frames[1:-1])
    assert stream.pages_sent == len(frames) - 2


def test_an_entity_larger_than_a_page_goes_alone() -> None:
    big = ticket("big", messages=[message(f"e{n}", body="x" * 1000) for n in range(10)])
    stream = SnapshotStream(
        session="s",
        seq=1,
        tickets=[ticket("a"), big, ticket("b")],
        orders=[],
        agents=[],
        status=status(),
        page_bytes=2048,
    )
    _begin, *pages, _end = _decode(_frames(stream))
    assert [[t.ticket_id for t in p.tickets] for p in pages if isinstance(p, SnapshotPage)] == [
        ["a"],
        ["big"],
        ["b"],
    ]


def test_tickets_go_out_earliest_sla_due_first() -> None:
    tickets = [
        ticket(f"t{n}", sla_due_at=f"2026-01-01T{hour:02d}:00:00Z")
        for n, hour in enumerate([9, 3, 7, 1])
    ]
    stream = SnapshotStream(
        session="s", seq=1, tickets=tickets, orders=[], agents=[], status=status(), page_bytes=1
    )
    pages = [m for m in _decode(_frames(stream)) if isinstance(m, SnapshotPage)]
    assert [t.ticket_id for p in pages for t in p.tickets] == ["t3", "t1", "t2", "t0"]


def test_an_empty_state_is_a_begin_and_an_end() -> None:
    stream = SnapshotStream(
        session="s", seq=0, tickets=[], orders=[], agents=[], status=status(), page_bytes=1024
    )
    assert [type(m) for m in _decode(_frames(stream))] == [SnapshotBegin, SnapshotEnd]


def test_pages_are_encoded_only_when_pulled() -> None:
    tickets = many_tickets(50)
    stream = SnapshotStream(
        session="s", seq=3, tickets=tickets, orders=[], agents=[], status=status(), page_bytes=1
    )
    stream.next_frame()  # the begin
    stream.next_frame()  # the first page: t00000
    tickets[1].subject = "changed after the snapshot was taken"
    (second,) = _decode([stream.next_frame() or b""])
    assert isinstance(second, SnapshotPage)
    assert second.tickets[0].subject == "changed after the snapshot was taken"


def test_the_assembler_refuses_pages_of_another_snapshot() -> None:
    assembler = SnapshotAssembler()
    with pytest.raises(SnapshotStreamError):
        assembler.add(SnapshotPage(seq=1))
    assembler.add(SnapshotBegin(session="s", seq=2, tickets=0, orders=0, agents=0, status=status()))
    with pytest.raises(SnapshotStreamError):
        assembler.add(SnapshotEnd(seq=3))
    assert assembler.add(DeltaBatch(seq=3, changes=[])) is None


def test_a_page_decodes_with_the_default_decoder() -> None:
    stream, whole = _stream(page_bytes=1 << 20, tickets_count=3)
    frames = _frames(stream)
    page = msgspec.msgpack.decode(frames[2][4:], type=SnapshotPage)
    assert page.tickets == whole.tickets
