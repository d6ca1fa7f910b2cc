"""The main window's size, place and split, kept in a private file from one run to the next."""

from __future__ import annotations

import dataclasses
import json
import stat
from pathlib import Path

import pytest

from console.viewstate.queue_layout import QueueLayout, SortChoice
from console.window_state import WindowState, WindowStateFile
from tests.helpers.logfail import ExpectLog

STATE = WindowState(geometry=b"\x01\xd9\xd0\xcb\x00\x03geometry", splitter=b"\x00\xff\x00split")


def test_a_saved_state_reads_back_from_a_private_file(tmp_path: Path) -> None:
    folder = tmp_path / "console"
    assert WindowStateFile(folder).load() is None  # no file yet: the default size, quietly
    assert WindowStateFile(folder).save(STATE)
    assert WindowStateFile(folder).load() == STATE
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "window.json").stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["window.json"]  # no temporary file left


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[1, 2]",
        '{"version": 99, "geometry": "", "splitter": ""}',
        '{"version": 1, "geometry": "not base64!", "splitter": ""}',
        '{"version": 1, "geometry": 5, "splitter": ""}',
        '{"version": 1}',
    ],
)
def test_a_file_that_does_not_read_is_named_and_left_for_the_default_size(
    tmp_path: Path, expect_log: ExpectLog, text: str
) -> None:
    state_file = WindowStateFile(tmp_path)
    state_file.path.write_text(text, encoding="utf-8")
    with expect_log("console.window_state", "WARNING", match="does not read"):
        assert state_file.load() is None
    assert state_file.path.read_text(encoding="utf-8") == text  # left as it was
    assert state_file.save(STATE)  # the next close writes a good one
    assert state_file.load() == STATE


def test_a_state_that_cannot_be_written_is_reported_and_changes_nothing(
    tmp_path: Path, expect_log: ExpectLog
) -> None:
    blocked = tmp_path / "console"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    with expect_log("console.window_state", "WARNING", match="cannot write"):
        assert not WindowStateFile(blocked).save(STATE)
    assert blocked.read_text(encoding="utf-8") == "a file where the folder should be"


QUEUE = QueueLayout(
    shown=frozenset({"TAGS"}),
    hidden=frozenset({"PRIORITY", "QUEUE"}),
    sort=SortChoice("CUSTOMER", descending=True),
    view="tag:vip",
)


def test_the_queue_columns_read_back_by_name(tmp_path: Path) -> None:
    state_file = WindowStateFile(tmp_path)
    assert state_file.save(dataclasses.replace(STATE, queue=QUEUE))
    assert json.loads(state_file.path.read_text(encoding="utf-8"))["queue"] == {
        "shown": ["TAGS"],
        "hidden": ["PRIORITY", "QUEUE"],
        "sort": {"column": "CUSTOMER", "order": "descending"},
        "view": "tag:vip",
    }
    assert state_file.load() == dataclasses.replace(STATE, queue=QUEUE)


@pytest.mark.parametrize(
    "queue",
    [
        "PRIORITY",
        ["PRIORITY"],
        {"hidden": "PRIORITY"},
        {"hidden": ["PRIORITY", 3]},
        {"hidden": ["PRIORITY"], "shown": ["PRIORITY"]},
        {"hidden": ["PRIORITY"], "sort": "CUSTOMER"},
        {"hidden": ["PRIORITY"], "sort": {"column": "SLA", "order": "sideways"}},
        {"hidden": ["PRIORITY"], "view": ["unassigned"]},
    ],
)
def test_a_broken_queue_value_is_named_and_the_window_place_kept(
    tmp_path: Path, expect_log: ExpectLog, queue: object
) -> None:
    state_file = WindowStateFile(tmp_path)
    assert state_file.save(STATE)
    document = json.loads(state_file.path.read_text(encoding="utf-8"))
    state_file.path.write_text(json.dumps({**document, "queue": queue}), encoding="utf-8")
    with expect_log("console.window_state", "WARNING", match="queue's columns .* do not read"):
        assert state_file.load() == STATE  # geometry and split; the queue's defaults


def test_only_what_the_agent_chose_is_kept_not_the_defaults() -> None:
    layout = QueueLayout.of_choice(
        {"TAGS", "AGE"},  # shown whatever the room
        {"PRIORITY", "QUEUE", "CHANNEL"},  # hidden whatever the room
        hidden_by_default={"QUEUE", "AGE", "CHANNEL"},
    )
    assert layout.shown == {"TAGS", "AGE"}
    assert layout.hidden == {"PRIORITY"}


def test_the_saved_choice_of_a_column_wins_and_one_not_named_keeps_its_default() -> None:
    saved = QueueLayout(shown=frozenset({"AGE", "GONE"}), hidden=frozenset({"PRIORITY", "OLD"}))
    known = ["PRIORITY", "TAGS", "AGE", "QUEUE", "NEWER"]  # NEWER: added after the file was saved
    shown, hidden = saved.chosen_columns(known, {"AGE", "QUEUE", "NEWER"})
    assert shown == {"AGE"}
    assert hidden == {"PRIORITY", "QUEUE", "NEWER"}
    assert QueueLayout(sort=SortChoice("MOOD")).sort_among(known) is None
