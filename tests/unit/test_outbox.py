"""The outbox keeps every action on disk, in order, until the log gives its verdict."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bridge.contract.topics import Topics
from bridge.outbox import SCHEMA_VERSION, Outbox, OutboxEntry, OutboxError

T0 = dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


def put(outbox: Outbox, event_id: str, ticket_id: str = "t-1") -> None:
    outbox.enqueue(
        event_id=event_id, ticket_id=ticket_id, topic_kind="tickets", value=event_id.encode()
    )


def ids(entries: list[OutboxEntry]) -> list[str]:
    return [entry.event_id for entry in entries]


def test_enqueue_returns_a_queued_entry_with_every_field(tmp_path: Path) -> None:
    with Outbox(tmp_path / "outbox.sqlite", clock=Clock()) as outbox:
        entry = outbox.enqueue(event_id="c-1", ticket_id="t-1", topic_kind="tickets", value=b"{}")
        assert entry.event_id == "c-1"
        assert entry.ticket_id == "t-1"
        assert entry.topic_kind == "tickets"
        assert entry.value == b"{}"
        assert entry.state == "queued"
        assert entry.reason is None
        assert entry.created_at == entry.updated_at == "2024-05-01T10:00:00.000Z"
        assert entry.attempts == 0
        assert not entry.finished
        assert outbox.get("c-1") == entry
        assert outbox.get("nope") is None
        assert outbox.pending_count() == 1


def test_enqueue_is_idempotent_per_event_id(tmp_path: Path) -> None:
    with Outbox(tmp_path / "outbox.sqlite") as outbox:
        first = outbox.enqueue(event_id="c-1", ticket_id="t-1", topic_kind="tickets", value=b"a")
        outbox.mark_sent("c-1")
        again = outbox.enqueue(event_id="c-1", ticket_id="t-1", topic_kind="tickets", value=b"b")
        assert again.seq == first.seq
        assert again.value == b"a"
        assert again.state == "sent"
        assert outbox.pending_count() == 1
        assert len(outbox.entries_for_ticket("t-1")) == 1


def test_entries_survive_reopening_in_order(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    with Outbox(path) as outbox:
        for number in range(5):
            put(outbox, f"c-{number}", ticket_id=f"t-{number % 2}")
    with Outbox(path) as reopened:
        assert ids(reopened.next_to_send(10)) == [f"c-{n}" for n in range(5)]
        assert ids(reopened.entries_for_ticket("t-0")) == ["c-0", "c-2", "c-4"]
        assert reopened.unfinished_ids() == [f"c-{n}" for n in range(5)]
        assert reopened.pending_count() == 5


def test_state_transitions_and_first_verdict_wins(tmp_path: Path) -> None:
    clock = Clock()
    with Outbox(tmp_path / "outbox.sqlite", clock=clock) as outbox:
        for event_id in ("c-1", "c-2", "c-3"):
            put(outbox, event_id)
        clock.now = T0 + dt.timedelta(seconds=5)
        sent = outbox.mark_sent("c-1")
        assert sent is not None
        assert (sent.state, sent.attempts, sent.updated_at) == (
            "sent",
            1,
            "2024-05-01T10:00:05.000Z",
        )
        confirmed = outbox.mark_confirmed("c-1")
        assert confirmed is not None
        assert (confirmed.state, confirmed.reason, confirmed.finished) == ("confirmed", None, True)
        rejected = outbox.mark_rejected("c-2", "claimed by Bob")
        assert rejected is not None
        assert (rejected.state, rejected.reason) == ("rejected", "claimed by Bob")
        # A verdict is final: a late delivery report or a second verdict changes nothing.
        late = outbox.mark_sent("c-1")
        assert late is not None
        assert (late.state, late.attempts) == ("confirmed", 1)
        flipped = outbox.mark_confirmed("c-2")
        assert flipped is not None
        assert (flipped.state, flipped.reason) == ("rejected", "claimed by Bob")
        # The fold may confirm an entry before its delivery report arrives.
        early = outbox.finish("c-3", "confirmed", None)
        assert early is not None
        assert early.state == "confirmed"
        assert outbox.mark_sent("unknown") is None
        assert outbox.mark_confirmed("unknown") is None
        assert outbox.pending_count() == 0
        assert outbox.next_to_send(10) == []


def test_resolve_from_fold_maps_outcomes(tmp_path: Path) -> None:
    with Outbox(tmp_path / "outbox.sqlite") as outbox:
        for event_id in ("a", "r", "q", "d"):
            put(outbox, event_id)
        applied = outbox.resolve_from_fold("a", "applied", None)
        rejected = outbox.resolve_from_fold("r", "rejected", "claimed by Bob")
        quarantined = outbox.resolve_from_fold("q", "quarantined", None)
        duplicate = outbox.resolve_from_fold("d", "duplicate", "event id seen before")
        assert applied is not None
        assert applied.state == "confirmed"
        assert rejected is not None
        assert (rejected.state, rejected.reason) == ("rejected", "claimed by Bob")
        assert quarantined is not None
        assert (quarantined.state, quarantined.reason) == ("rejected", "quarantined")
        assert duplicate is not None
        assert duplicate.state == "queued"


def test_sent_entries_are_not_offered_again_by_the_same_instance(tmp_path: Path) -> None:
    with Outbox(tmp_path / "outbox.sqlite") as outbox:
        for event_id in ("c-1", "c-2", "c-3"):
            put(outbox, event_id)
        outbox.mark_sent("c-2")
        assert ids(outbox.next_to_send(10)) == ["c-1", "c-3"]
        assert ids(outbox.next_to_send(1)) == ["c-1"]


def test_sent_but_unconfirmed_entries_are_offered_again_after_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    crashed = Outbox(path)  # never closed cleanly before the second one opens
    try:
        for event_id in ("c-1", "c-2", "c-3", "c-4"):
            put(crashed, event_id)
        crashed.mark_sent("c-1")
        crashed.mark_confirmed("c-1")
        crashed.mark_sent("c-2")
        crashed.mark_sent("c-3")
        assert ids(crashed.next_to_send(10)) == ["c-4"]
        # Copy the files as a kill -9 would leave them (WAL included), then open the copy.
        copy = tmp_path / "copy"
        copy.mkdir()
        for file in tmp_path.glob("outbox.sqlite*"):
            shutil.copy(file, copy / file.name)
        with Outbox(path) as restarted, Outbox(copy / "outbox.sqlite") as from_copy:
            for outbox in (restarted, from_copy):
                assert ids(outbox.next_to_send(10)) == ["c-2", "c-3", "c-4"]
                assert outbox.unfinished_ids() == ["c-2", "c-3", "c-4"]
            # Once this session has the broker's acknowledgement, it does not offer it again.
            resent = restarted.mark_sent("c-2")
            assert resent is not None
            assert (resent.state, resent.attempts) == ("sent", 2)
            assert ids(restarted.next_to_send(10)) == ["c-3", "c-4"]
    finally:
        crashed.close()


def test_per_ticket_order_is_enqueue_order_even_with_a_limit(tmp_path: Path) -> None:
    with Outbox(tmp_path / "outbox.sqlite") as outbox:
        plan = [("c-1", "t-a"), ("c-2", "t-b"), ("c-3", "t-a"), ("c-4", "t-b"), ("c-5", "t-a")]
        for event_id, ticket_id in plan:
            put(outbox, event_id, ticket_id)
        offered: list[str] = []
        while batch := outbox.next_to_send(2):
            offered += ids(batch)
            for entry in batch:
                outbox.mark_sent(entry.event_id)
        assert offered == ["c-1", "c-2", "c-3", "c-4", "c-5"]
        assert ids(outbox.entries_for_ticket("t-a")) == ["c-1", "c-3", "c-5"]


def test_pending_source_names_topics_and_marks_sent(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    with Outbox(path) as outbox:
        outbox.enqueue(event_id="c-1", ticket_id="t-9", topic_kind="tickets", value=b"v")
    source = Outbox(path).as_pending_source(Topics(tickets="demo.tickets"))
    try:
        [record] = source.pending(10)
        assert (record.event_id, record.key, record.topic, record.value) == (
            "c-1",
            "t-9",
            "demo.tickets",
            b"v",
        )
        source.mark_sent("c-1")
        assert source.pending(10) == []
    finally:
        source.close()
    with Outbox(path) as outbox:
        entry = outbox.get("c-1")
        assert entry is not None
        assert entry.state == "sent"


def test_prune_deletes_only_old_finished_entries(tmp_path: Path) -> None:
    clock = Clock()
    with Outbox(tmp_path / "outbox.sqlite", clock=clock) as outbox:
        for event_id in ("old-done", "old-rejected", "old-queued", "new-done"):
            put(outbox, event_id)
        outbox.mark_confirmed("old-done")
        outbox.mark_rejected("old-rejected", "no")
        clock.now = T0 + dt.timedelta(days=2)
        outbox.mark_confirmed("new-done")
        assert outbox.prune(T0 + dt.timedelta(days=1)) == 2
        assert outbox.get("old-done") is None
        assert outbox.get("old-rejected") is None
        assert outbox.get("old-queued") is not None
        assert outbox.get("new-done") is not None
        put(outbox, "after-prune")
        assert ids(outbox.next_to_send(10)) == ["old-queued", "after-prune"]


def test_file_is_wal_with_a_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    Outbox(path).close()
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        db.close()


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    db = sqlite3.connect(path)
    try:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    finally:
        db.close()
    with pytest.raises(OutboxError, match="written by a newer bridge"):
        Outbox(path)
    assert path.exists()


def test_a_file_that_is_not_sqlite_is_an_error_not_a_silent_reset(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(OutboxError, match="cannot open the outbox"):
        Outbox(path)
    assert path.read_bytes().startswith(b"this is not a database")


CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from bridge.outbox import Outbox

    path, count = Path(sys.argv[1]), int(sys.argv[2])
    outbox = Outbox(path)
    for number in range(count):
        outbox.enqueue(event_id=f"c-{number}", ticket_id=f"t-{number % 3}",
                       topic_kind="tickets", value=b"x" * number)
        if number % 4 == 0:
            outbox.mark_sent(f"c-{number}")
    print("enqueued", count, flush=True)
    sys.stdin.read()  # hold the connection open until killed
    """
)


def test_entries_reported_queued_survive_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    count = 40
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == f"enqueued {count}\n".encode()
    finally:
        child.kill()  # SIGKILL on POSIX: no cleanup, no checkpoint
        child.wait(timeout=30)
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()
    assert child.returncode != 0
    with Outbox(path) as outbox:
        everything = outbox.next_to_send(1000)
        assert ids(everything) == [f"c-{n}" for n in range(count)]
        for number, entry in enumerate(everything):
            assert entry.value == b"x" * number
            assert entry.state == ("sent" if number % 4 == 0 else "queued")
        assert outbox.pending_count() == count
