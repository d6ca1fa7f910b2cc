"""The Windows installer's tables, compiled on Linux by wixl over a placeholder payload.

What can be checked without Windows: a stable UpgradeCode and a new ProductCode
per build, a per-machine package, MajorUpgrade with downgrades refused, the
Start-menu shortcut, and the public properties that write the %ProgramData%
config through a deferred, elevated run of atp-bridge.exe. The `config
write-system` command itself is run here with the same arguments.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bridge.config.layers import read_file
from tests.packaging.frozen import ROOT

pytestmark = [pytest.mark.packaging]
MSI_SCRIPT = ROOT / "packaging" / "windows" / "msi.py"


def _tools() -> None:
    for tool in ("wixl", "msiinfo"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is required (apt-get install wixl msitools)")


def _build(out: Path, version: str) -> Path:
    result = subprocess.run(
        [sys.executable, str(MSI_SCRIPT), "--out", str(out), "--version", version],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip())


def _table(msi: Path, name: str) -> list[list[str]]:
    result = subprocess.run(
        ["msiinfo", "export", str(msi), name], capture_output=True, text=True, check=True
    )
    return [line.split("\t") for line in result.stdout.splitlines()[3:]]


def _properties(msi: Path) -> dict[str, str]:
    return {row[0]: row[1] for row in _table(msi, "Property")}


def test_two_builds_share_the_upgrade_code_and_differ_in_product_code(tmp_path: Path) -> None:
    _tools()
    first = _build(tmp_path / "a", "0.1.0")
    second = _build(tmp_path / "b", "0.1.0")
    newer = _build(tmp_path / "c", "0.2.0")
    codes = [_properties(msi) for msi in (first, second, newer)]
    assert len({props["UpgradeCode"] for props in codes}) == 1
    assert len({props["ProductCode"] for props in codes}) == 3
    assert codes[2]["ProductVersion"] == "0.2.0"


def test_per_machine_major_upgrade_without_downgrades(tmp_path: Path) -> None:
    _tools()
    msi = _build(tmp_path, "0.1.0")
    properties = _properties(msi)
    assert properties["ALLUSERS"] == "1"
    upgrade = {row[-1]: row for row in _table(msi, "Upgrade")}
    assert set(upgrade) == {"WIX_UPGRADE_DETECTED", "WIX_DOWNGRADE_DETECTED"}
    assert upgrade["WIX_UPGRADE_DETECTED"][0] == properties["UpgradeCode"]
    conditions = {row[0] for row in _table(msi, "LaunchCondition")}
    assert "NOT WIX_DOWNGRADE_DETECTED" in conditions
    sequence = {row[0]: int(row[-1]) for row in _table(msi, "InstallExecuteSequence")}
    assert sequence["RemoveExistingProducts"] < sequence["InstallInitialize"]
    summary = subprocess.run(
        ["msiinfo", "suminfo", str(msi)], capture_output=True, text=True, check=True
    ).stdout
    assert "Template: x64;1033" in summary
    directories = {row[0]: row for row in _table(msi, "Directory")}
    assert directories["INSTALLDIR"][1] == "ProgramFiles64Folder"
    shortcuts = _table(msi, "Shortcut")
    assert [(row[1], row[2], row[4]) for row in shortcuts] == [
        ("ProgramMenuFolder", "A tu Puerta", "[INSTALLDIR]atp-console.exe")
    ]


def test_public_properties_write_the_programdata_config(tmp_path: Path) -> None:
    _tools()
    msi = _build(tmp_path / "msi", "0.1.0")
    properties = _properties(msi)
    assert properties["SECURITY_PROTOCOL"] == "PLAINTEXT"
    assert properties["LOCKED_KEYS"] == "kafka.bootstrap_servers,kafka.security_protocol"
    actions = {row[0]: row for row in _table(msi, "CustomAction")}
    name, kind, source, target = actions["WriteSystemConfig"][:4]
    assert source == "AtpBridgeExe"
    # 18: an installed exe; +1024 deferred; +2048 no impersonation (LocalSystem); check result.
    assert int(kind) == 18 + 1024 + 2048
    for prop in ("BOOTSTRAP_SERVERS", "SECURITY_PROTOCOL", "SASL_MECHANISM", "LOCKED_KEYS"):
        assert f"[{prop}]" in target
    assert '--file "[CommonAppDataFolder]ATP Console\\config.toml"' in target
    sequence = {row[0]: row for row in _table(msi, "InstallExecuteSequence")}
    assert sequence[name][1] == "BOOTSTRAP_SERVERS AND NOT REMOVE"
    order = {key: int(row[-1]) for key, row in sequence.items()}
    assert order["InstallFiles"] < order[name] < order["InstallFinalize"]
    files = {row[2]: row[0] for row in _table(msi, "File")}
    assert files["atp-bridge.exe"] == "AtpBridgeExe"

    # What the custom action runs, with the properties IT would pass to msiexec /qn.
    config = tmp_path / "ProgramData" / "ATP Console" / "config.toml"
    argv = (
        target.replace("[CommonAppDataFolder]", f"{tmp_path / 'ProgramData'}/")
        .replace("ATP Console\\config.toml", "ATP Console/config.toml")
        .replace("[BOOTSTRAP_SERVERS]", "kafka1.corp:9093,kafka2.corp:9093")
        .replace("[SECURITY_PROTOCOL]", "SASL_SSL")
        .replace("[SASL_MECHANISM]", "SCRAM-SHA-512")
        .replace("[LOCKED_KEYS]", properties["LOCKED_KEYS"])
    )
    result = subprocess.run(
        [sys.executable, "-m", "bridge", *shlex.split(argv)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    layer = read_file(config, "system")
    assert layer is not None
    assert {key: value for key, (value, _source) in layer.values.items()} == {
        "kafka.bootstrap_servers": "kafka1.corp:9093,kafka2.corp:9093",
        "kafka.security_protocol": "SASL_SSL",
        "kafka.sasl_mechanism": "SCRAM-SHA-512",
    }
    assert layer.locked == {"kafka.bootstrap_servers", "kafka.security_protocol"}
