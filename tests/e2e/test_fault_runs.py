"""A small fault run in the suite: bridge SIGKILL x2 under load, every action once in the log.

The full run (x10, 200 actions, 120 events/s) is ``python -m tests.e2e.fault_runs``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge.contract.topics import Topics
from tests.conftest import KafkaEnv
from tests.e2e.fault_runs import run_fault_run

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


def test_bridge_kills_under_load_lose_nothing_copy_nothing_leave_nothing_stuck(
    kafka: KafkaEnv, topics: Topics, tmp_path: Path
) -> None:
    figures = run_fault_run(
        kafka.bootstrap_servers, topics, tmp_path, kills=2, actions=30, rate=100
    )
    print(figures.line())
    assert (figures.lost, figures.copies, figures.stuck, figures.crashes) == (0, 0, 0, 0)
    assert figures.not_confirmed == 0
