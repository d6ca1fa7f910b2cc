"""The wheel ships resources/ and finds them at run time outside the checkout."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from bridge.resources import resources_dir

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_checkout_finds_resources() -> None:
    assert (resources_dir() / "config" / "config.sample.toml").is_file()


def test_installed_wheel_finds_its_resources(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("atp_console-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    probe = (
        "from bridge.resources import resources_dir, resource_path;"
        "import bridge;"
        "print(bridge.__file__);"
        "print(resources_dir());"
        "print(resource_path('config', 'config.sample.toml').read_text()[:40]);"
        "print(resource_path('translations', 'atp_console_es.qm').stat().st_size)"
    )
    result = subprocess.run(
        [str(python), "-I", "-c", probe],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    module_file, found, sample, qm_size = result.stdout.splitlines()[:4]
    site = str(env_dir)
    assert module_file.startswith(site), "the probe must import the installed bridge"
    assert found.startswith(site)
    assert found.endswith("atp_resources")
    assert sample.startswith("# Sample configuration")
    assert int(qm_size) > 0, "the wheel must carry the compiled Spanish catalog"
