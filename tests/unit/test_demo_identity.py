"""The demo's console and the bridge it starts act for the same agent, with the same role."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import cast

from console.demo_stack import DemoStack
from console.shell import _bridge_argv, _load


class _Demo:
    """What the functions read of a started ``DemoStack``."""

    bootstrap_servers = "127.0.0.1:19092"


def _flags(argv: list[str]) -> dict[str, str]:
    return dict(zip(argv[::2], argv[1::2], strict=False))


def test_the_console_reports_the_identity_its_bridge_runs_with(tmp_path: Path) -> None:
    args = argparse.Namespace(config=None, lang="es", demo=True)
    demo = cast("DemoStack", _Demo())
    loaded = _load(args, demo, tmp_path)
    argv = _bridge_argv(args, tmp_path, demo)
    flags = _flags(argv[argv.index("run") + 1 :])
    agent = loaded.config.agent
    assert flags["--role"] == agent.role == "supervisor"
    assert flags["--agent-id"] == agent.id
    assert flags["--agent-name"] == agent.name
    assert flags["--queues"].split(",") == list(agent.queues)
    assert flags["--bootstrap-servers"] == loaded.config.kafka.bootstrap_servers
