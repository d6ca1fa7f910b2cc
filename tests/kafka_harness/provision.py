"""Resolve the Apache Kafka broker's runtime classpath from Maven Central into a cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

KAFKA_VERSION = "4.4.0"
_POM = Path(__file__).with_name("pom.xml")


class ProvisionError(RuntimeError):
    """Raised when Maven cannot resolve the broker's jars."""


def cache_root() -> Path:
    """Return the folder that keeps the broker's classpath between runs."""
    configured = os.environ.get("ATP_TEST_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "atp-console-tests"


def provision_classpath(cache: Path | None = None) -> Path:
    """Return a folder holding every jar the broker needs, resolving it once with Maven.

    The folder is complete when its ``.complete`` marker exists; an interrupted
    download is discarded and resolved again.
    """
    lib = (cache or cache_root()) / f"kafka-{KAFKA_VERSION}" / "lib"
    marker = lib / ".complete"
    if marker.exists():
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ProvisionError(
            "Maven ('mvn') is not on PATH: it is needed once to fetch the Kafka broker's jars "
            "from Maven Central. Install it (Debian: apt-get install maven)."
        )
    if lib.exists():
        shutil.rmtree(lib)
    lib.parent.mkdir(parents=True, exist_ok=True)
    partial = lib.with_name("lib.partial")
    if partial.exists():
        shutil.rmtree(partial)
    command = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(_POM),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={partial}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = (result.stdout + result.stderr)[-3000:]
        raise ProvisionError(f"Maven could not resolve Apache Kafka {KAFKA_VERSION}:\n{tail}")
    if not any(partial.glob(f"kafka_2.13-{KAFKA_VERSION}.jar")):
        raise ProvisionError(f"Maven finished but kafka_2.13-{KAFKA_VERSION}.jar is missing")
    partial.rename(lib)
    marker.touch()
    return lib


def main() -> int:
    """Provision the classpath and print its folder (used by ``make test``)."""
    try:
        print(provision_classpath())
    except ProvisionError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
