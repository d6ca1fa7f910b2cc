"""``atp-bridge report`` reads the log from its beginning and writes the period's figures."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bridge.contract.topics import Topics
from bridge.wire.exit_codes import ReportExit
from tests.conftest import KafkaEnv
from tests.helpers import report_week
from tests.helpers.bridge_process import write_config
from tests.helpers.processes import die_with_parent

TIMEOUT_S = 90


def report(config: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    return subprocess.run(
        [sys.executable, "-m", "bridge", "report", "--config", str(config), *extra],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env=env,
        preexec_fn=die_with_parent(),
        check=False,
    )


@pytest.mark.kafka
def test_the_week_report_has_the_exact_figures_of_the_log(
    kafka: KafkaEnv, new_topic: Callable[..., str], tmp_path: Path
) -> None:
    topics = Topics(orders=new_topic("orders"), tickets=new_topic("tickets", 2), agents=new_topic())
    report_week.produce_week(kafka.bootstrap_servers, topics.tickets)
    config = write_config(
        tmp_path / "config.toml", bootstrap_servers=kafka.bootstrap_servers, topics=topics
    )
    output = tmp_path / "week.csv"
    done = report(
        config, tmp_path, "--from", report_week.FIRST_DAY, "--to", report_week.LAST_DAY,
        "--tz", "UTC", "--output", str(output),
    )  # fmt: skip
    assert done.returncode == ReportExit.OK, done.stderr
    assert output.read_text(encoding="utf-8") == report_week.EXPECTED_CSV
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert "as of 2025-12-08T00:00:00Z" in done.stderr
    assert "from 23 records" in done.stderr  # 21 events, a redelivery and a broken record

    # One day, in Lima (UTC-5): 2025-12-01 runs from 05:00Z to 12-02 05:00Z
    day = report(
        config, tmp_path, "--from", "2025-12-01", "--to", "2025-12-01", "--tz", "America/Lima"
    )
    assert day.returncode == ReportExit.OK, day.stderr
    rows = {tuple(line.split(",")[:2]): line.split(",") for line in day.stdout.splitlines()[1:]}
    deliveries = rows[("queue", "deliveries")]
    # T1 only: T5's reply (00:10Z) and due time (00:30Z) were still 11-30 in Lima
    assert deliveries[3:11] == ["1", "1", "1", "20.0", "1", "0", "100.0", "0"]
    assert deliveries[11] == "2025-12-01T05:00:00Z"


@pytest.mark.kafka
def test_bad_dates_and_a_missing_topic_fail_with_their_exit_codes(
    kafka: KafkaEnv, tmp_path: Path
) -> None:
    missing = Topics(orders="no.orders", tickets="no.such.tickets.topic", agents="no.agents")
    config = write_config(
        tmp_path / "config.toml", bootstrap_servers=kafka.bootstrap_servers, topics=missing
    )
    backwards = report(config, tmp_path, "--from", "2025-12-07", "--to", "2025-12-01")
    assert backwards.returncode == ReportExit.CONFIG
    assert "before it starts" in backwards.stderr
    unread = report(config, tmp_path, "--from", "2025-12-01", "--to", "2025-12-01")
    assert unread.returncode == ReportExit.READ_FAILED
    assert "no.such.tickets.topic" in unread.stderr
