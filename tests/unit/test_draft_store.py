"""The draft store's journal: every change on disk at once, a crash at any point recovers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.viewstate.drafts import FILE_NAME, JOURNAL_NAME, Draft, DraftStore
from tests.helpers.logfail import ExpectLog
from tests.helpers.small_disk import fill, free_up, small_disk


def reopened(folder: Path) -> DraftStore:
    """What the console reads at its next start."""
    return DraftStore(folder)


def test_every_change_is_in_the_journal_when_put_returns(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    for body in ("H", "Ho", "Hol", "Hola"):
        store.put("T-1", Draft(body=body))
        assert reopened(tmp_path).get("T-1") == Draft(body=body)
    store.put("T-2", Draft(body="nota", internal=True, command_id="cmd-1"))
    store.clear("T-1")
    fresh = reopened(tmp_path)
    assert fresh.get("T-1") is None
    assert fresh.get("T-2") == Draft(body="nota", internal=True, command_id="cmd-1")
    assert not (tmp_path / FILE_NAME).exists()  # no snapshot needed yet: the journal holds it


def test_opening_the_store_writes_nothing(tmp_path: Path) -> None:
    DraftStore(tmp_path).put("T-1", Draft(body="hola"))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert reopened(tmp_path).get("T-1") == Draft(body="hola")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_torn_last_line_is_ignored_and_what_follows_is_kept(
    tmp_path: Path, expect_log: ExpectLog
) -> None:
    store = DraftStore(tmp_path)
    store.put("T-1", Draft(body="Hola"))
    store.close()
    with (tmp_path / JOURNAL_NAME).open("ab") as journal:  # the console died mid-write
        journal.write(b'{"g":0,"t":"T-1","b":"Hola Jo')
    with expect_log("console.viewstate.drafts", "WARNING", match="torn last line"):
        restarted = reopened(tmp_path)
    assert restarted.get("T-1") == Draft(body="Hola")
    restarted.put("T-1", Draft(body="Hola Jorge"))  # not glued to the torn line
    restarted.put("T-3", Draft(body="otra"))
    assert reopened(tmp_path).get("T-1") == Draft(body="Hola Jorge")
    assert reopened(tmp_path).get("T-3") == Draft(body="otra")


def test_a_line_that_does_not_read_is_skipped(tmp_path: Path, expect_log: ExpectLog) -> None:
    store = DraftStore(tmp_path)
    store.put("T-1", Draft(body="uno"))
    store.close()
    with (tmp_path / JOURNAL_NAME).open("ab") as journal:
        journal.write(b"\x00\x00garbage\n")
    with (tmp_path / JOURNAL_NAME).open("ab") as journal:
        journal.write(b'{"g":0,"t":5}\n{"g":0,"t":"T-9","b":7}\n{"g":0,"t":"T-2","b":"dos"}\n')
    with expect_log("console.viewstate.drafts", "WARNING", match="line [234] does not read"):
        fresh = reopened(tmp_path)
    assert (fresh.get("T-1"), fresh.get("T-2")) == (Draft(body="uno"), Draft(body="dos"))


def test_the_journal_is_folded_into_the_snapshot_past_its_bound(tmp_path: Path) -> None:
    store = DraftStore(tmp_path, compact_bytes=1000)
    text = ""
    for n in range(300):
        text += "xyz"[n % 3]
        store.put("T-1", Draft(body=text))
        store.put(f"T-{n % 7 + 10}", Draft(body=f"draft {n}"))
        assert (tmp_path / JOURNAL_NAME).stat().st_size < 1000 + 2 * len(text) + 200
    snapshot = json.loads((tmp_path / FILE_NAME).read_text(encoding="utf-8"))
    assert snapshot["generation"] > 10
    fresh = reopened(tmp_path)
    assert fresh.get("T-1") == Draft(body=text)
    assert fresh.get("T-15") == Draft(body="draft 299")  # 299 % 7 + 10
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file


def test_a_crash_between_the_snapshot_and_emptying_the_journal(tmp_path: Path) -> None:
    store = DraftStore(tmp_path, compact_bytes=1 << 20)
    store.put("T-1", Draft(body="viejo"))
    store.put("T-1", Draft(body="viejo y"))
    old_journal = (tmp_path / JOURNAL_NAME).read_bytes()
    store.close()
    later = DraftStore(tmp_path)
    later.put("T-1", Draft(body="nuevo"))  # a new session: snapshot first, journal emptied
    later.close()
    # As if the console died after the snapshot's rename, before the journal was emptied:
    # the old lines are still there, below the new one.
    new_journal = (tmp_path / JOURNAL_NAME).read_bytes()
    (tmp_path / JOURNAL_NAME).write_bytes(old_journal + new_journal)
    assert reopened(tmp_path).get("T-1") == Draft(body="nuevo")


def test_the_files_and_folder_are_the_owners_only(tmp_path: Path) -> None:
    folder = tmp_path / "console"
    store = DraftStore(folder, compact_bytes=10)
    store.put("T-1", Draft(body="privado"))
    store.put("T-1", Draft(body="privado 2"))
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / FILE_NAME).stat().st_mode & 0o777 == 0o600
    assert (folder / JOURNAL_NAME).stat().st_mode & 0o777 == 0o600


# A write cut short by the full disk leaves a torn line (when the disk fills mid-line).
@pytest.mark.allow_log("console.viewstate.drafts", "WARNING", match="torn last line")
def test_a_full_disk_keeps_the_drafts_in_memory_and_saves_them_when_room_returns(
    tmp_path: Path, expect_log: ExpectLog
) -> None:
    with small_disk(tmp_path / "disk", size="1m") as disk:
        folder = disk / "console"
        store = DraftStore(folder, compact_bytes=64 * 1024)
        store.put("T-1", Draft(body="antes"))
        fill(disk)
        with expect_log("console.viewstate.drafts", "WARNING", match="not saved"):
            for n in range(200):
                store.put("T-1", Draft(body="antes " + "x" * 500 + str(n)))
        assert store.get("T-1") == Draft(body="antes " + "x" * 500 + "199")  # kept in memory
        assert reopened(folder).get("T-1") is not None  # what was saved before still reads
        free_up(disk)
        store.put("T-2", Draft(body="después"))
        fresh = reopened(folder)
        assert fresh.get("T-1") == Draft(body="antes " + "x" * 500 + "199")
        assert fresh.get("T-2") == Draft(body="después")
        store.close()
