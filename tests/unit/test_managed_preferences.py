"""macOS configuration profiles (managed preferences) as the system layer, with a fake plist."""

from __future__ import annotations

import plistlib
from pathlib import Path, PurePosixPath

import pytest

from bridge.config import ConfigError, load_config
from bridge.config.managed import managed_preferences_location, read_managed_preferences
from bridge.paths import AppPaths, default_paths


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths(
        system_config_file=tmp_path / "Library" / "config.toml",
        user_config_file=tmp_path / "home" / "config.toml",
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
        managed_preferences=tmp_path / "Managed Preferences" / "pe.atupuerta.console.plist",
    )


def _profile(paths: AppPaths, document: dict[str, object]) -> Path:
    assert paths.managed_preferences is not None
    paths.managed_preferences.parent.mkdir(parents=True, exist_ok=True)
    paths.managed_preferences.write_bytes(plistlib.dumps(document))
    return paths.managed_preferences


def test_the_location_is_only_used_on_macos(monkeypatch: pytest.MonkeyPatch) -> None:
    assert managed_preferences_location("darwin") == Path(
        PurePosixPath("/Library/Managed Preferences/pe.atupuerta.console.plist")
    )
    assert managed_preferences_location("linux") is None
    assert managed_preferences_location("win32") is None
    monkeypatch.setattr("sys.platform", "darwin")
    assert default_paths({}).managed_preferences == managed_preferences_location("darwin")
    monkeypatch.setattr("sys.platform", "linux")
    assert default_paths({}).managed_preferences is None


def test_a_profile_replaces_the_system_file_and_can_lock(paths: AppPaths) -> None:
    paths.system_config_file.parent.mkdir(parents=True)
    paths.system_config_file.write_text(
        'schema_version = 1\n[kafka]\nbootstrap_servers = "file:9092"\n[ui]\nlanguage = "en"\n'
    )
    profile = _profile(
        paths,
        {
            "schema_version": 1,
            "locked": ["kafka.bootstrap_servers", "kafka.security_protocol"],
            "kafka": {"bootstrap_servers": "mdm1:9093,mdm2:9093", "security_protocol": "SSL"},
            "agent": {"queues": ["deliveries", "payments"]},
        },
    )
    loaded = load_config(
        paths, environ={"ATP_KAFKA_BOOTSTRAP_SERVERS": "mine:9092"}, working_dir=paths.data_dir
    )
    assert loaded.config.kafka.bootstrap_servers == "mdm1:9093,mdm2:9093"
    assert loaded.config.kafka.security_protocol == "SSL"
    assert loaded.config.agent.queues == ("deliveries", "payments")
    assert loaded.config.ui.language == "es", "the TOML system file is not read under a profile"
    assert loaded.locked == {"kafka.bootstrap_servers", "kafka.security_protocol"}
    assert loaded.sources["kafka.bootstrap_servers"].where == str(profile)
    assert len(loaded.warnings) == 1


def test_without_a_profile_the_system_file_applies(paths: AppPaths) -> None:
    paths.system_config_file.parent.mkdir(parents=True)
    paths.system_config_file.write_text('schema_version = 1\n[ui]\nlanguage = "en"\n')
    assert load_config(paths).config.ui.language == "en"
    assert paths.managed_preferences is not None
    assert read_managed_preferences(paths.managed_preferences) is None


def test_a_bad_profile_names_the_plist_key_and_expected(paths: AppPaths) -> None:
    profile = _profile(paths, {"schema_version": 1, "kafka": {"security_protocol": "SASL"}})
    with pytest.raises(ConfigError) as caught:
        load_config(paths)
    assert str(caught.value) == (
        f"{profile}: kafka.security_protocol: expected one of PLAINTEXT, SSL, SASL_PLAINTEXT, "
        'SASL_SSL, got "SASL"'
    )


def test_a_profile_without_schema_version_or_not_a_plist_is_refused(paths: AppPaths) -> None:
    profile = _profile(paths, {"kafka": {"bootstrap_servers": "k:1"}})
    with pytest.raises(ConfigError, match="schema_version: missing"):
        load_config(paths)
    profile.write_bytes(b"not a plist")
    with pytest.raises(ConfigError, match="is not a property list"):
        load_config(paths)


def test_a_profile_cannot_hold_a_password(paths: AppPaths) -> None:
    _profile(paths, {"schema_version": 1, "kafka": {"sasl_password": "hunter2"}})
    with pytest.raises(ConfigError, match="passwords are not allowed"):
        load_config(paths)
