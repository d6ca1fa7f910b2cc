"""The frozen build (make package), run as IT runs it: --version, then the smoke check.

The smoke runs the frozen console headless against the real Apache Kafka of the
harness, configured only by the system-wide file, with traffic from the frozen
atp-sim: the console must report a ticket and an order that came through the
frozen bridge, exit 0, print nothing else and leave no process behind.
"""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.packaging.frozen import (
    EXECUTABLES,
    clean_env,
    frozen_dir,
    keys_in_topic,
    require_root,
    simulate,
    system_config,
    unexpected_lines,
    unique_topics,
    with_system_config,
)
from tests.packaging.processes import run_watched, wait_until_gone

if TYPE_CHECKING:
    from tests.conftest import KafkaEnv

pytestmark = [pytest.mark.packaging, pytest.mark.slow]
PASSED = re.compile(
    r"atp-console: smoke check passed: (\d+) tickets and (\d+) orders from Kafka at (\S+) "
    r"through the bridge \(e\.g\. ticket (\S+), order (\S+)\)"
)


@pytest.mark.parametrize("name", EXECUTABLES)
def test_each_executable_prints_its_version(name: str, tmp_path: Path) -> None:
    version = importlib.metadata.version("atp-console")
    finished = run_watched(
        [str(frozen_dir() / name), "--version"], env=clean_env(tmp_path), timeout_s=30
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == f"{name} {version}"
    assert finished.stderr == ""


def test_frozen_console_smoke_through_the_system_wide_file(kafka: KafkaEnv, tmp_path: Path) -> None:
    require_root()
    frozen = frozen_dir()
    topics = unique_topics()
    simulated = simulate(frozen, kafka.bootstrap_servers, topics, tmp_path / "sim-home")
    assert simulated.returncode == 0, simulated.stderr
    assert unexpected_lines(simulated, "atp-sim: ") == []

    config = system_config(kafka.bootstrap_servers, topics, agent_id="it-smoke")
    argv = with_system_config(tmp_path, config, [str(frozen / "atp-console"), "--smoke"])
    finished = run_watched(argv, env=clean_env(tmp_path / "home"), timeout_s=120)

    assert finished.returncode == 0, finished.output_lines()
    assert unexpected_lines(finished, "atp-console: smoke check passed: ") == []
    verdict = PASSED.fullmatch(finished.stdout.strip())
    assert verdict is not None, finished.stdout
    assert verdict[3] == kafka.bootstrap_servers
    assert verdict[4] in keys_in_topic(kafka.bootstrap_servers, topics["tickets"], 3)
    assert verdict[5] in keys_in_topic(kafka.bootstrap_servers, topics["orders"], 3)
    started = [argv for argv in finished.commands.values() if argv]
    assert [str(frozen / "atp-bridge"), "run"] in [argv[:2] for argv in started], started
    assert not any("python" in Path(argv[0]).name for argv in started), started
    assert wait_until_gone(finished.descendants, 5) == []
    assert list((tmp_path / "home").glob("atp-smoke-*")) == [], "the smoke's data dir is removed"
