"""The effective-configuration report: values, layers, locks, and what did not take effect."""

from __future__ import annotations

import dataclasses
import json
import plistlib
import subprocess
import sys
from pathlib import Path

import pytest

from bridge.config.report import MASK, _plain, build_report
from bridge.config.schema import KEYS
from bridge.paths import AppPaths


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths(
        system_config_file=tmp_path / "etc" / "config.toml",
        user_config_file=tmp_path / "home" / "config.toml",
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("schema_version = 1\n" + text, encoding="utf-8")


def _row(report: object, key: str) -> dict[str, object]:
    rows = json.loads(report.to_json())["effective"]  # type: ignore[attr-defined]
    return next(row for row in rows if row["key"] == key)


def test_every_key_has_value_layer_and_lock(paths: AppPaths) -> None:
    _write(
        paths.system_config_file,
        'locked = ["kafka.bootstrap_servers"]\n[kafka]\nbootstrap_servers = "k1:9092"\n'
        '[ui]\nlanguage = "en"\n',
    )
    _write(paths.user_config_file, '[agent]\nid = "ana"\n')
    report = build_report(
        paths,
        environ={"ATP_AGENT_NAME": "Ana Quispe"},
        overrides={"ui.order_feed_limit": "100"},
    )
    assert report.ok
    assert [row.key for row in report.effective] == list(KEYS)  # every key, once
    assert _row(report, "kafka.bootstrap_servers") == {
        "key": "kafka.bootstrap_servers",
        "value": "k1:9092",
        "layer": "system file",
        "source": str(paths.system_config_file),
        "locked": True,
    }
    assert _row(report, "agent.id")["layer"] == "user file"
    assert _row(report, "agent.name") | {} == {
        "key": "agent.name",
        "value": "Ana Quispe",
        "layer": "environment",
        "source": "ATP_AGENT_NAME",
        "locked": False,
    }
    assert _row(report, "ui.order_feed_limit")["layer"] == "flag"
    assert _row(report, "ui.order_feed_limit")["value"] == 100
    assert _row(report, "kafka.security_protocol")["layer"] == "built-in"
    assert _row(report, "agent.queues")["value"] == []
    assert report.not_applied == []
    text = report.to_text()
    assert "kafka.bootstrap_servers" in text
    assert "locked" in text
    assert "Every given key is in effect." in text


def test_values_under_a_locked_key_and_overridden_ones_are_listed_with_the_reason(
    paths: AppPaths,
) -> None:
    _write(
        paths.system_config_file,
        'locked = ["kafka.bootstrap_servers"]\n[kafka]\nbootstrap_servers = "k1:9092"\n'
        '[ui]\nlanguage = "en"\n',
    )
    _write(
        paths.user_config_file, '[kafka]\nbootstrap_servers = "mine:9092"\n[ui]\nlanguage = "es"\n'
    )
    report = build_report(paths, environ={"ATP_KAFKA_BOOTSTRAP_SERVERS": "env:9092"})
    assert report.ok
    assert _row(report, "kafka.bootstrap_servers")["value"] == "k1:9092"
    reasons = {(item.key, item.layer): item.reason for item in report.not_applied}
    locked = "locked by IT in the system file; the system-wide value is used"
    assert reasons[("kafka.bootstrap_servers", "user file")] == locked
    assert reasons[("kafka.bootstrap_servers", "environment")] == locked
    assert reasons[("ui.language", "system file")] == (
        f"overridden by the user file {paths.user_config_file}"
    )
    assert len(report.not_applied) == 3
    assert "Given but not in effect:" in report.to_text()


def test_an_unknown_key_is_reported_and_the_report_is_not_ok(paths: AppPaths) -> None:
    _write(paths.user_config_file, '[ui]\nlanguage = "en"\ntheme = "dark"\n')
    report = build_report(paths)
    assert not report.ok
    assert report.error is not None
    assert report.error.startswith(f"{paths.user_config_file}: ui.theme: unknown key in [ui]")
    assert [(item.key, item.layer) for item in report.not_applied] == [("ui.theme", "user file")]
    assert "unknown to atp-console" in report.not_applied[0].reason
    assert report.effective == []


def test_secret_looking_values_are_masked() -> None:
    assert _plain("kafka.sasl_password", "hunter2") == MASK
    assert _plain("kafka.username", "ana") == "ana"


def test_cli_exits_non_zero_on_an_invalid_system_file_naming_file_key_and_expected(
    tmp_path: Path,
) -> None:
    # The system file's location cannot be redirected: an invalid explicit file is the same
    # loader path (file, key, expected); the CLI's exit code and message are what IT sees.
    bad = tmp_path / "config.toml"
    bad.write_text('schema_version = 1\n[kafka]\nsecurity_protocol = "SASL"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bridge", "config", "show", "--config", str(bad)],
        capture_output=True,
        text=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert (
        f"atp-bridge: {bad}: kafka.security_protocol: expected one of PLAINTEXT, SSL, "
        'SASL_PLAINTEXT, SASL_SSL, got "SASL"'
    ) in result.stderr


def test_invalid_system_file_is_named_in_the_report(paths: AppPaths) -> None:
    _write(paths.system_config_file, '[ui]\norder_feed_limit = "lots"\n')
    report = build_report(paths)
    assert not report.ok
    assert report.error == (
        f"{paths.system_config_file}: ui.order_feed_limit: expected an integer from 1 to "
        '1000000, got "lots"'
    )
    assert f"ERROR: {report.error}" in report.to_text()


def test_macos_profile_is_the_system_layer(paths: AppPaths, tmp_path: Path) -> None:
    profile = tmp_path / "Managed Preferences" / "pe.atupuerta.console.plist"
    profile.parent.mkdir()
    profile.write_bytes(
        plistlib.dumps(
            {
                "schema_version": 1,
                "locked": ["kafka.bootstrap_servers"],
                "kafka": {"bootstrap_servers": "mdm:9093"},
            }
        )
    )
    _write(paths.system_config_file, '[kafka]\nbootstrap_servers = "file:9092"\n')
    _write(paths.user_config_file, '[kafka]\nbootstrap_servers = "mine:9092"\n')
    managed = dataclasses.replace(paths, managed_preferences=profile)
    report = build_report(managed)
    row = _row(report, "kafka.bootstrap_servers")
    assert (row["value"], row["source"], row["locked"]) == ("mdm:9093", str(profile), True)
    assert [(i.key, i.layer) for i in report.not_applied] == [
        ("kafka.bootstrap_servers", "user file")
    ]
