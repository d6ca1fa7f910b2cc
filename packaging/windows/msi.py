"""Compile the Windows installer (packaging/windows/atp-console.wxs).

    python packaging/windows/msi.py --out build/msi [--payload dist/atp-console] [--version V]

On Windows, run it with the frozen folder as ``--payload`` and WiX's tools, or
wixl. On Linux (``make msi``, the packaging tests) it runs wixl from Debian's
msitools over a placeholder payload: the three executables' names with dummy
content, so the MSI's tables can be checked here. The file components are
generated into ``files.wxs`` (ComponentGroup ``AppFiles``), one per file.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from xml.sax.saxutils import quoteattr

ROOT = Path(__file__).resolve().parents[2]
WXS = Path(__file__).with_name("atp-console.wxs")
EXECUTABLES = ("atp-console.exe", "atp-bridge.exe", "atp-sim.exe")
FILE_IDS = {"atp-bridge.exe": "AtpBridgeExe", "atp-console.exe": "AtpConsoleExe"}


def project_version() -> str:
    """Return the version of pyproject.toml (an MSI version: three numbers)."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(data["project"]["version"])


def placeholder_payload(folder: Path) -> Path:
    """Create a stand-in for the frozen folder: the executables' names, dummy bytes."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "_internal").mkdir(parents=True)
    for name in EXECUTABLES:
        (folder / name).write_bytes(b"MZ placeholder for " + name.encode())
    (folder / "_internal" / "base_library.zip").write_bytes(b"placeholder")
    return folder


def _id(prefix: str, relative: str) -> str:
    return prefix + hashlib.sha1(relative.encode(), usedforsecurity=False).hexdigest()[:20]


def files_fragment(payload: Path, base: Path) -> str:
    """Return a WiX fragment with a component per file of ``payload``, under INSTALLDIR.

    Sources are relative to ``base`` (wixl resolves them against its working folder).
    """
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">',
        "  <Fragment>",
    ]
    refs: list[str] = []

    def walk(folder: Path, depth: int) -> None:
        indent = "    " + "  " * depth
        for path in sorted(folder.iterdir()):
            relative = path.relative_to(payload).as_posix()
            if path.is_dir():
                directory_id = _id("d", relative)
                lines.append(
                    f"{indent}<Directory Id={quoteattr(directory_id)} Name={quoteattr(path.name)}>"
                )
                walk(path, depth + 1)
                lines.append(f"{indent}</Directory>")
            else:
                component_id = _id("c", relative)
                file_id = FILE_IDS.get(relative, _id("f", relative))
                refs.append(component_id)
                lines.append(f'{indent}<Component Id={quoteattr(component_id)} Guid="*">')
                source = quoteattr(os.path.relpath(path, base))
                lines.append(
                    f'{indent}  <File Id={quoteattr(file_id)} Source={source} KeyPath="yes"/>'
                )
                lines.append(f"{indent}</Component>")

    lines.append('    <DirectoryRef Id="INSTALLDIR">')
    walk(payload, 1)
    lines.append("    </DirectoryRef>")
    lines.append('    <ComponentGroup Id="AppFiles">')
    lines += [f"      <ComponentRef Id={quoteattr(ref)}/>" for ref in refs]
    lines += ["    </ComponentGroup>", "  </Fragment>", "</Wix>"]
    return "\n".join(lines) + "\n"


def build(out: Path, payload: Path | None, version: str) -> Path:
    """Compile the MSI into ``out`` with wixl and return its path."""
    wixl = shutil.which("wixl")
    if wixl is None:
        raise SystemExit("msi.py: wixl is required (apt-get install wixl msitools)")
    out.mkdir(parents=True, exist_ok=True)
    source = payload if payload is not None else placeholder_payload(out / "payload")
    fragment = out / "files.wxs"
    fragment.write_text(files_fragment(source.resolve(), out.resolve()), encoding="utf-8")
    msi = out / f"atp-console-{version}.msi"
    result = subprocess.run(
        [
            wixl,
            "--arch",
            "x64",
            "-D",
            f"Version={version}",
            "-o",
            str(msi),
            str(WXS),
            str(fragment),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"msi.py: wixl failed:\n{result.stderr}")
    return msi


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and build the MSI."""
    parser = argparse.ArgumentParser(description="Compile the Windows installer with wixl.")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--payload", type=Path, help="the frozen folder (default: placeholder)")
    parser.add_argument("--version", default=project_version(), help="MSI ProductVersion")
    args = parser.parse_args(argv)
    print(build(args.out, args.payload, args.version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
