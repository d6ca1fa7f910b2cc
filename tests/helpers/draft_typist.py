"""A child process that types into a ticket's composer the way the console does.

    python -m tests.helpers.draft_typist <drafts folder> <ticket id> [--compact-bytes N]

It opens the drafts folder with the console's own pieces (``DraftStore``, the
workspace's ``DraftAutosaver`` and ``TicketSession``) inside a Qt event loop,
prints ``ready <the draft it found, JSON>``, then reads keystrokes from stdin,
one JSON string per line, appending each to the text as the composer would. After
each keystroke is handed to the session it prints ``ack <count>``: from then on the
store has it. The crash test SIGKILLs it at any moment.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSocketNotifier

from bridge.wire.protocol import AgentIdentity
from console.viewstate.drafts import COMPACT_BYTES, DraftStore
from console.viewstate.pending_commands import PendingCommands
from console.viewstate.ticket_session import TicketSession
from console.workspace.drafts import DraftAutosaver
from tests.helpers import entities

ME = AgentIdentity(agent_id="ag-lucia", name="Lucía", role="agent", queues=["deliveries"])


def main() -> int:
    """Type what stdin says until killed (or stdin closes)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("ticket_id")
    parser.add_argument("--compact-bytes", type=int, default=COMPACT_BYTES)
    args = parser.parse_args()
    app = QCoreApplication([])
    store = DraftStore(args.folder, compact_bytes=args.compact_bytes)
    session = TicketSession(store, DraftAutosaver(store), PendingCommands())
    session.show(entities.ticket(args.ticket_id), None, [], [], ME)
    text = session.composer.body
    typed = 0
    pending = b""

    def on_input() -> None:
        nonlocal text, typed, pending
        chunk = os.read(0, 65536)
        if not chunk:
            app.quit()
            return
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            text += json.loads(line)
            session.edit(text, internal=False)
            typed += 1
            sys.stdout.write(f"ack {typed}\n")
            sys.stdout.flush()

    notifier = QSocketNotifier(0, QSocketNotifier.Type.Read)
    notifier.activated.connect(on_input)
    sys.stdout.write(f"ready {json.dumps(text)}\n")
    sys.stdout.flush()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
