"""``make package-check``: build the frozen app and prove the installers, timing each step.

Steps:

1. the frozen build (``make package``);
2. the cached Debian 12 root (debootstrap on the first run only);
3. ``pytest -m packaging tests/packaging``: each executable's ``--version``;
   the frozen console's smoke against the harness's Apache Kafka, configured
   only by the system-wide file; two .deb builds and lintian; install, smoke,
   upgrade and purge in the clean Debian root; the MSI's tables. pytest's
   ``--durations`` lists the time of each of these.

Needs root (chroot, mount namespaces) and the Debian tools of .ci/run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _step(name: str, argv: list[str], timings: list[tuple[str, float, int]]) -> int:
    print(f"==> {name}: {' '.join(argv)}", flush=True)
    started = time.monotonic()
    code = subprocess.run(argv, cwd=ROOT, check=False).returncode
    elapsed = time.monotonic() - started
    timings.append((name, elapsed, code))
    print(f"<== {name}: {'ok' if code == 0 else f'FAILED ({code})'} in {elapsed:.0f} s", flush=True)
    return code


def main() -> int:
    """Run every step (stop at the first failure) and print their times."""
    if os.geteuid() != 0:
        print("package-check: run as root (chroot and mount namespaces)", file=sys.stderr)
        return 2
    timings: list[tuple[str, float, int]] = []
    steps = [
        ("frozen build", ["make", "--no-print-directory", "package"]),
        ("debian 12 root (cached)", [str(BIN / "python"), "-m", "tests.packaging.debian_root"]),
        (
            "packaging tests",
            [
                str(BIN / "pytest"),
                "-m",
                "packaging",
                "tests/packaging",
                "--durations=0",
                "--durations-min=1",
            ],
        ),
    ]
    status = 0
    for name, argv in steps:
        status = _step(name, argv, timings)
        if status != 0:
            break
    print("\npackage-check step times:")
    for name, elapsed, code in timings:
        print(f"  {name:<26} {elapsed:7.1f} s  {'ok' if code == 0 else 'FAILED'}")
    print(f"  {'total':<26} {sum(t for _, t, _ in timings):7.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
