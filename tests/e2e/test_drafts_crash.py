"""An agent's typed text survives the console being SIGKILLed at any keystroke.

A child process types into a ticket's composer with the console's own pieces
(``tests.helpers.draft_typist``: ``TicketSession`` -> ``DraftAutosaver`` ->
``DraftStore``) and acknowledges each keystroke once the session has handed it
on. The test kills it with SIGKILL at random moments (a fixed seed per run,
printed on failure), starts it again on the same folder and checks the draft:
killed right after an acknowledgement, the draft is exactly what was typed up
to it; killed while a keystroke was in flight, it is that or one keystroke
more. Journal compaction is made frequent so kills also land around it.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from console.viewstate.drafts import Draft, DraftStore
from tests.helpers.processes import die_with_parent

ROUNDS = 12
READ_TIMEOUT_S = 20.0
ALPHABET = "abcdefghijklmnñopqrstuvwxyzáéíóú ABCDE,.¿?¡!\n😀"


class Typist:
    """One console process typing into ``ticket_id``'s composer."""

    def __init__(self, folder: Path, ticket_id: str, compact_bytes: int) -> None:
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.helpers.draft_typist",
                str(folder),
                ticket_id,
                "--compact-bytes",
                str(compact_bytes),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            preexec_fn=die_with_parent(),  # noqa: PLW1509  (sets only the death signal)
        )
        self._buffer = b""
        word, found = self.read_line().split(" ", 1)
        assert word == "ready"
        self.found: str = json.loads(found)

    def read_line(self) -> str:
        """The child's next line of output (fails after ``READ_TIMEOUT_S``)."""
        assert self._process.stdout is not None
        deadline = time.monotonic() + READ_TIMEOUT_S
        fd = self._process.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            assert left > 0, "the typist did not answer"
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                assert chunk, f"the typist ended (exit {self._process.wait()})"
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode()

    def press(self, key: str) -> None:
        """Send one keystroke (not waiting for its acknowledgement)."""
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(key).encode() + b"\n")
        self._process.stdin.flush()

    def type_acknowledged(self, key: str, count: int) -> None:
        """Send a keystroke and wait until the store has it."""
        self.press(key)
        assert self.read_line() == f"ack {count}"

    def kill(self) -> None:
        """SIGKILL, no chance to flush anything."""
        self._process.send_signal(signal.SIGKILL)
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                stream.close()


@pytest.mark.slow
@pytest.mark.allow_log("console.viewstate.drafts", "WARNING", match="torn last line")
def test_sigkill_after_any_keystroke_keeps_everything_acknowledged(tmp_path: Path) -> None:
    seed = random.randrange(2**32)
    chooser = random.Random(seed)
    folder = tmp_path / "console"
    typed = ""  # what the agent has typed so far, across restarts
    for round_number in range(ROUNDS):
        context = f"seed {seed}, round {round_number}"
        typist = Typist(folder, "T-1", compact_bytes=chooser.choice([300, 2000, 1 << 20]))
        assert typist.found == typed, context
        keys = [chooser.choice(ALPHABET) for _ in range(chooser.randint(1, 60))]
        if not typed:
            keys[0] = "H"  # a draft of blanks only is no draft
        for count, key in enumerate(keys, start=1):
            typist.type_acknowledged(key, count)
        typed += "".join(keys)
        in_flight = round_number % 2 == 1
        if in_flight:  # the next keystroke is on its way when the kill comes
            extra = chooser.choice(ALPHABET)
            typist.press(extra)
            time.sleep(chooser.random() / 1000)  # a random moment to kill at, not a wait
        typist.kill()
        draft = DraftStore(folder).get("T-1")
        body = "" if draft is None else draft.body
        if in_flight and body == typed + extra:
            typed = body
        assert body == typed, context
    # The last text also reads as a draft of its own, unsent.
    assert DraftStore(folder).get("T-1") == Draft(body=typed)
