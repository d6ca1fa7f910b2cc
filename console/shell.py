"""The console's shell: QApplication on a qasync event loop, the main window, shutdown."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from console.demo_stack import DemoStack, DemoStackError


def run(args: argparse.Namespace) -> int:
    """Open the main window and run until it closes or Ctrl-C."""
    if args.smoke:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("A tu Puerta")
    demo: DemoStack | None = None
    if args.demo:
        demo = DemoStack()
        try:
            demo.start()
        except DemoStackError as error:
            print(f"atp-console: {error}", file=sys.stderr)
            return 2
    try:
        window = QMainWindow()
        window.setWindowTitle("A tu Puerta — consola de soporte")
        where = demo.bootstrap_servers if demo else "(no broker configured)"
        window.setCentralWidget(QLabel(f"Kafka: {where}"))
        window.resize(1440, 900)
        window.show()
        # Ctrl-C in the terminal closes the window like the close button does.
        signal.signal(signal.SIGINT, lambda *_: window.close())
        pulse = QTimer()  # lets Python run its signal handlers while Qt waits
        pulse.start(200)
        pulse.timeout.connect(lambda: None)
        if args.smoke:
            QTimer.singleShot(0, window.close)
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        closed = asyncio.Event()
        app.lastWindowClosed.connect(closed.set)
        with loop:
            loop.run_until_complete(closed.wait())
    finally:
        if demo is not None:
            demo.stop()
    return 0
