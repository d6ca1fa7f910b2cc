"""Take the README's screenshots of the console on live demo data (``make screenshots``).

Runs the real demo (Tansu, the simulator, a bridge) and the real console window,
waits for live data, then saves the queue with a ticket open (a tagged ticket a
virtual agent has open, so the "who else is on it" indicator and tags show) and
the supervisor dashboard, in Spanish and English, at 1440x900 and 1024x700, as
PNG files in docs/screenshots/ (``queue-ticket-es-1440x900.png`` ...). Meant to
run under Xvfb at 1440x900:

    xvfb-run -s "-screen 0 1440x900x24" .venv/bin/python packaging/screenshots.py
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from bridge.wire.endpoint import Endpoint
from console.bridge_client import BridgeClient
from console.bridge_supervisor import BridgeSupervisor
from console.composition import ConsoleWindowSet
from console.demo_stack import DemoStack
from console.i18n import Language, Translations
from console.shell import _bridge_argv, _load

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
MIN_TICKETS = 20  # a queue that looks like a working morning
MIN_MESSAGES = 3  # a conversation worth showing
SIZES = ((1440, 900), (1024, 700))
LANGUAGES: tuple[Language, ...] = ("es", "en")
DRAFTS = {"es": "Hola, ya revisé su pedido: ", "en": "Hi, I checked your order: "}


def _save(windows: ConsoleWindowSet, name: str) -> Path:
    path = OUT / name
    windows.window.grab().save(str(path))
    return path


def _wait(condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the demo did not produce the data to show in time")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 100)


def _settle(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _busy(windows: ConsoleWindowSet) -> str | None:
    """An open ticket with its order and a conversation worth showing."""
    store = windows.store
    candidates = [
        t
        for t in store.tickets.values()
        if t.order_id in store.orders and len(t.messages) >= MIN_MESSAGES and t.status == "open"
    ]
    return max(candidates, key=lambda t: len(t.messages)).ticket_id if candidates else None


def _watched(windows: ConsoleWindowSet) -> str | None:
    """A tagged open ticket another agent has open: shows the 1.1 indicator and tags."""
    model = windows.window.queue_model
    candidates = [
        t
        for t in windows.store.tickets.values()
        if t.tags and t.status == "open" and model.colleagues(t.ticket_id)
    ]
    return max(candidates, key=lambda t: len(t.messages)).ticket_id if candidates else None


def _still_watched(windows: ConsoleWindowSet, ticket_id: str) -> str:
    """``ticket_id`` while another agent still has it open, else another watched one.

    The simulator's agents leave a ticket when they resolve it: without this, a
    later screenshot could lose the indicator the first one showed.
    """
    if windows.window.queue_model.colleagues(ticket_id):
        return ticket_id
    with contextlib.suppress(TimeoutError):
        _wait(lambda: _watched(windows) is not None, 60)
    return _watched(windows) or ticket_id


def _shoot(windows: ConsoleWindowSet, translations: Translations, ticket_id: str) -> list[Path]:
    """Save the queue with ``ticket_id`` open and the dashboard, per language and size."""
    OUT.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    for language in LANGUAGES:
        translations.install(language)
        for width, height in SIZES:
            windows.window.resize(width, height)
            windows.window.show_workspace()
            ticket_id = _still_watched(windows, ticket_id)
            windows.open_ticket(ticket_id)
            windows.window.queue_view.select_ticket(ticket_id)
            windows.workspace.composer.editor.setPlainText(DRAFTS[language])
            _settle(1500)
            saved.append(_save(windows, f"queue-ticket-{language}-{width}x{height}.png"))
            windows.window.show_dashboard()
            _settle(1500)
            saved.append(_save(windows, f"dashboard-{language}-{width}x{height}.png"))
    return saved


def main() -> int:
    """Run the demo, open a busy ticket and save the screenshots (2 languages x 2 sizes)."""
    app = QApplication(sys.argv[:1])
    demo = DemoStack()
    demo.start()
    data_dir = Path(tempfile.mkdtemp(prefix="atp-shots-"))
    args = argparse.Namespace(config=None, lang="es", data_dir=data_dir, demo=True, smoke=False)
    supervisor: BridgeSupervisor | None = None
    windows: ConsoleWindowSet | None = None
    try:
        config = _load(args, demo, data_dir).config
        translations = Translations(app)
        translations.install("es")
        supervisor = BridgeSupervisor(_bridge_argv(args, data_dir, demo))
        supervisor.start()
        windows = ConsoleWindowSet(
            BridgeClient(),
            drafts_dir=data_dir / "console",
            canned_language="es",
            order_feed_limit=config.ui.order_feed_limit,
            queues=config.agent.queues,
        )
        endpoint = Endpoint.for_data_dir(data_dir)
        windows.client.connect_to(endpoint.server_name, endpoint.read_token)
        windows.window.resize(*SIZES[0])
        windows.window.show()

        store = windows.store
        _wait(lambda: len(store.tickets) >= MIN_TICKETS and _busy(windows) is not None, 120)
        with contextlib.suppress(TimeoutError):  # else the busy ticket, without the indicator
            _wait(lambda: _watched(windows) is not None, 120)
        _settle(3000)  # a few live deltas, SLA ticks
        ticket_id = _watched(windows) or _busy(windows)
        assert ticket_id is not None  # noqa: S101  (waited for above)
        saved = _shoot(windows, translations, ticket_id)
        print("saved " + ", ".join(str(path) for path in saved))
    finally:
        if windows is not None:
            windows.workspace.composer.editor.clear()
            windows.shutdown()
        if supervisor is not None:
            supervisor.stop()
        demo.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
        app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
