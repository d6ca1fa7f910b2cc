"""Measure the console's start to its first window, frozen build against the venv.

    python packaging/startup_time.py [--runs 5] [--frozen dist/atp-console]

Each run starts a fresh console process on a private Xvfb display (xcb, as on
a desktop) and polls the X server (xwininfo) until the main window is mapped;
the process group is then stopped. Kafka need not be reachable: the window
opens before the bridge connects. The file cache stays warm between runs (the
machine is shared), so "cold" means a new process, not an empty page cache.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DISPLAY = ":97"


def _mapped(display: str) -> bool:
    result = subprocess.run(
        ["xwininfo", "-root", "-tree"],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        check=False,
    )
    # The main window's title is "A tu Puerta — <support console, translated>".
    return any('"A tu Puerta \u2014 ' in line for line in result.stdout.splitlines())


def one_run(argv: list[str], display: str, home: Path) -> float:
    """Return seconds from spawning ``argv`` to its main window being on the display."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "LANG": "C.UTF-8",
        "ATP_KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9",
        "ATP_AGENT_ID": "timing",
    }
    started = time.monotonic()
    process = subprocess.Popen(
        argv,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = started + 60
        while not _mapped(display):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{argv[0]} showed no window (exit {process.poll()})")
            time.sleep(0.02)
        return time.monotonic() - started
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def main() -> int:
    """Print the median start time of both builds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--frozen", type=Path, default=ROOT / "dist" / "atp-console")
    args = parser.parse_args()
    xvfb = subprocess.Popen(
        ["Xvfb", DISPLAY, "-screen", "0", "1440x900x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["xwininfo", "-root"], env={**os.environ, "DISPLAY": DISPLAY},
                             capture_output=True, check=False).returncode != 0:  # fmt: skip
            if time.monotonic() > deadline:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.05)
        builds = {
            "frozen": [str(args.frozen / "atp-console")],
            "venv": [sys.executable, "-m", "console.app"],
        }
        for name, argv in builds.items():
            times = []
            for _ in range(args.runs):
                with tempfile.TemporaryDirectory(prefix="atp-start-") as home:
                    times.append(one_run(argv, DISPLAY, Path(home)))
            shown = ", ".join(f"{t:.2f}" for t in times)
            print(f"{name}: median {statistics.median(times):.2f} s over {args.runs} ({shown})")
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
