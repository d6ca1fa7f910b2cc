"""Build the Debian package of the frozen build with dpkg-deb (no debhelper needed).

    python packaging/linux/deb.py --frozen dist/atp-console --out dist [--revision N]

(``make deb``.) The staged tree:

- ``/opt/atp-console/``: the frozen folder (atp-console, atp-bridge, atp-sim);
- ``/usr/bin/atp-console``, ``/usr/bin/atp-bridge``: symlinks into it;
- the ``.desktop`` entry, the icon in the hicolor theme (PNG sizes rendered
  from the SVG, and the SVG), AppStream metainfo;
- ``/etc/atp-console/config.toml``: a conffile, the commented sample (only
  ``schema_version`` is set, so an untouched file changes nothing);
- copyright, changelog.Debian.gz, a lintian override for /opt.

``Depends`` is computed by dpkg-shlibdeps from every ELF file in the frozen
folder: libraries the build bundles (Qt, ICU, Python, librdkafka) are resolved
inside the package, the rest map to the Debian packages that ship them. A font
package is added because Qt draws no text without one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "atp-console"
APP_ID = "pe.atupuerta.console"
MAINTAINER = "A tu Puerta support tooling team <soporte-ti@atupuerta.pe>"
INSTALL_DIR = Path("opt") / PACKAGE
LINKED = ("atp-console", "atp-bridge")
# Qt finds no font in a minimal system, and librdkafka's SSL needs the CA bundle.
EXTRA_DEPENDS = ("fonts-dejavu-core",)
RECOMMENDS = ("ca-certificates", "gnome-keyring | keepassxc | kwalletmanager")
SUMMARY = "support console of A tu Puerta, with its Kafka bridge"
DESCRIPTION = """\
 The desktop console support agents of A tu Puerta use to answer customer
 tickets: the live ticket queue with SLA countdowns, the live order feed, a
 ticket workspace and a supervisor dashboard. It includes atp-bridge, the
 local sidecar that owns the Kafka connection, and atp-sim, a traffic
 simulator for staging clusters.
 .
 IT presets and locks settings in /etc/atp-console/config.toml. The
 application connects only to the configured Kafka brokers and never
 updates itself."""


def version() -> str:
    """Return the application version of pyproject.toml."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(data["project"]["version"])


def architecture() -> str:
    """Return dpkg's name for this machine's architecture (e.g. amd64)."""
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def commented_sample() -> str:
    """Return the sample configuration with every setting commented out but schema_version."""
    lines = [
        "# /etc/atp-console/config.toml: the system-wide configuration of the A tu Puerta",
        "# console, managed by IT. Nothing below is active until uncommented; a changed",
        "# file is kept on upgrades (dpkg conffile). The full guide: docs/DEPLOYMENT.md.",
        "#",
    ]
    sample = (ROOT / "resources" / "config" / "config.sample.toml").read_text(encoding="utf-8")
    for line in sample.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "schema_version")):
            lines.append(line)
        else:
            lines.append(f"# {line}")
    text = "\n".join(lines) + "\n"
    tomllib.loads(text)  # still valid TOML
    return text


def desktop_entry() -> str:
    """Return the freedesktop.org entry of the console."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=A tu Puerta\n"
        "GenericName=Support console\n"
        "GenericName[es]=Consola de soporte\n"
        "Comment=Answer customer tickets and follow orders live\n"
        "Comment[es]=Atiende tickets de clientes y sigue los pedidos en vivo\n"
        "Exec=atp-console\n"
        "Icon=atp-console\n"
        "Terminal=false\n"
        "Categories=Office;Network;\n"
        "Keywords=tickets;support;orders;soporte;pedidos;\n"
        "StartupWMClass=atp-console\n"
    )


def metainfo(release_version: str, today: dt.date) -> str:
    """Return the AppStream metainfo of the console."""
    return f"""\
<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application">
  <id>{APP_ID}</id>
  <metadata_license>CC0-1.0</metadata_license>
  <project_license>LicenseRef-proprietary</project_license>
  <name>A tu Puerta</name>
  <summary>Answer customer tickets and follow orders live</summary>
  <description>
    <p>
      The support console of A tu Puerta: the live ticket queue with SLA
      countdowns, the order feed, a ticket workspace and a supervisor dashboard,
      fed from Kafka by a local bridge. It talks only to the configured brokers.
    </p>
  </description>
  <launchable type="desktop-id">{PACKAGE}.desktop</launchable>
  <developer id="pe.atupuerta">
    <name>A tu Puerta</name>
  </developer>
  <provides>
    <binary>atp-console</binary>
    <binary>atp-bridge</binary>
  </provides>
  <content_rating type="oars-1.1"/>
  <releases>
    <release version="{release_version}" date="{today.isoformat()}"/>
  </releases>
</component>
"""


def copyright_file(year: int) -> str:
    """Return the machine-readable copyright file (the wheels' licenses are listed)."""
    return f"""\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: atp-console
Upstream-Contact: {MAINTAINER}

Files: *
Copyright: {year} A tu Puerta S.A.C.
License: proprietary
 Internal software of A tu Puerta, for its staff's workstations only. Not for
 redistribution.

Files: opt/atp-console/_internal/PySide6/*
Copyright: The Qt Company Ltd. and other contributors
License: LGPL-3
 Qt for Python and Qt, used under the GNU Lesser General Public License
 version 3. On Debian systems the license text is in
 /usr/share/common-licenses/LGPL-3.

Files: opt/atp-console/_internal/confluent_kafka*
Copyright: Confluent Inc., Magnus Edenhill and the librdkafka contributors
License: Apache-2.0 and BSD-2-clause
 On Debian systems the Apache license is in
 /usr/share/common-licenses/Apache-2.0.

Files: opt/atp-console/_internal/libpython3*
Copyright: Python Software Foundation
License: PSF-2.0
 The Python Software Foundation License, version 2.
"""


def changelog(release: str, when: dt.datetime) -> bytes:
    """Return the gzipped Debian changelog (reproducible: no timestamp in the gzip)."""
    text = (
        f"{PACKAGE} ({release}) stable; urgency=medium\n\n"
        f"  * Release {release} of the A tu Puerta console; see CHANGELOG.md.\n\n"
        f" -- {MAINTAINER}  {email.utils.format_datetime(when)}\n"
    )
    return gzip.compress(text.encode(), compresslevel=9, mtime=0)


def lintian_overrides() -> str:
    """Return the lintian overrides, each one justified here and in docs/DEPLOYMENT.md."""
    internal = f"opt/{PACKAGE}/_internal"
    return (
        "# A vendor application, installed as one folder under /opt (FHS 3.13).\n"
        f"{PACKAGE}: dir-or-file-in-opt [opt/{PACKAGE}/*]\n"
        "# librdkafka as confluent-kafka's wheel builds it, with curl and zlib inside.\n"
        f"{PACKAGE}: embedded-library curl [{internal}/confluent_kafka.libs/*]\n"
        f"{PACKAGE}: embedded-library zlib [{internal}/confluent_kafka.libs/*]\n"
        "# The frozen Python's pyexpat carries its own expat (CPython's default build).\n"
        f"{PACKAGE}: embedded-library expat [{internal}/python3.11/lib-dynload/pyexpat.*]\n"
        "# Two stdlib extensions that call nothing from libc.\n"
        f"{PACKAGE}: library-not-linked-against-libc [{internal}/python3.11/lib-dynload/*]\n"
    )


def is_elf(path: Path) -> bool:
    """Return whether ``path`` is an ELF file (executable or shared object)."""
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as stream:
        return stream.read(4) == b"\x7fELF"


def shlib_depends(staged: Path, arch: str) -> str:
    """Return Depends for the ELF files under ``staged`` (dpkg-shlibdeps)."""
    elves = sorted(p for p in (staged / INSTALL_DIR).rglob("*") if is_elf(p))
    private = sorted({str(p.parent) for p in elves if ".so" in p.name})
    with tempfile.TemporaryDirectory(prefix="atp-shlibdeps-") as work:
        debian = Path(work) / "debian"
        debian.mkdir()
        (debian / "control").write_text(
            f"Source: {PACKAGE}\nMaintainer: {MAINTAINER}\n\n"
            f"Package: {PACKAGE}\nArchitecture: {arch}\n",
            encoding="utf-8",
        )
        result = subprocess.run(
            [
                "dpkg-shlibdeps",
                "-O",
                f"-S{staged}",
                *(f"-l{directory}" for directory in private),
                "--ignore-missing-info",
                "--warnings=0",
                *(str(p) for p in elves),
            ],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"dpkg-shlibdeps failed:\n{result.stderr}")
    line = next((x for x in result.stdout.splitlines() if x.startswith("shlibs:Depends=")), None)
    if line is None:
        raise RuntimeError(f"dpkg-shlibdeps printed no shlibs:Depends:\n{result.stdout}")
    return line.removeprefix("shlibs:Depends=")


def _write(path: Path, content: str | bytes, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    path.chmod(mode)


def _normalize_modes(tree: Path) -> None:
    """Directories 0755, executables 0755, everything else 0644 (what lintian expects)."""
    for path in [tree, *tree.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir() or (
            os.access(path, os.X_OK) and (is_elf(path) and ".so" not in path.name)
        ):
            path.chmod(0o755)
        else:
            path.chmod(0o644)


def _strip(folder: Path) -> None:
    """Strip debugging symbols from the shared objects (Debian policy; a smaller package).

    The three executables are PyInstaller's bootloader, shipped stripped, with
    the application archive appended: they are left alone.
    """
    objects = [str(p) for p in folder.rglob("*.so*") if is_elf(p)]
    for start in range(0, len(objects), 200):
        subprocess.run(
            [
                "strip",
                "--strip-unneeded",
                "--remove-section=.comment",
                *objects[start : start + 200],
            ],
            check=True,
        )


def _render_icons(staged: Path) -> None:
    hicolor = staged / "usr/share/icons/hicolor"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "icons.py"), "hicolor", str(hicolor)],
        check=True,
        env=env,
    )


def stage(frozen: Path, staged: Path, release: str, now: dt.datetime) -> None:
    """Lay out the package's files under ``staged`` (without DEBIAN/)."""
    if staged.exists():
        shutil.rmtree(staged)
    target = staged / INSTALL_DIR
    shutil.copytree(frozen, target, symlinks=True)
    for name in LINKED:
        link = staged / "usr/bin" / name
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(Path("/") / INSTALL_DIR / name)
    _write(staged / f"usr/share/applications/{PACKAGE}.desktop", desktop_entry())
    _write(staged / f"usr/share/metainfo/{APP_ID}.metainfo.xml", metainfo(version(), now.date()))
    _write(staged / f"etc/{PACKAGE}/config.toml", commented_sample())
    doc = staged / f"usr/share/doc/{PACKAGE}"
    _write(doc / "copyright", copyright_file(now.year))
    _write(doc / "changelog.Debian.gz", changelog(release, now))
    _write(staged / f"usr/share/lintian/overrides/{PACKAGE}", lintian_overrides())
    _render_icons(staged)
    _strip(target)
    _normalize_modes(staged)


def control(release: str, arch: str, depends: str, installed_kib: int) -> str:
    """Return DEBIAN/control."""
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {release}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {depends}\n"
        f"Recommends: {', '.join(RECOMMENDS)}\n"
        "Section: net\n"
        "Priority: optional\n"
        f"Description: {SUMMARY}\n{DESCRIPTION}\n"
    )


def _md5sums(staged: Path) -> str:
    lines = []
    for path in sorted(staged.rglob("*")):
        relative = path.relative_to(staged)
        if relative.parts[0] == "DEBIAN" or path.is_symlink() or not path.is_file():
            continue
        if relative.parts[0] == "etc":
            continue  # conffiles are checksummed by dpkg itself
        lines.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {relative}\n")  # noqa: S324
    return "".join(lines)


def build(frozen: Path, out: Path, revision: str, work: Path) -> Path:
    """Stage, compute Depends, write DEBIAN/ and run dpkg-deb; return the .deb's path."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    release = f"{version()}-{revision}"
    arch = architecture()
    staged = work / f"{PACKAGE}_{release}_{arch}"
    stage(frozen, staged, release, now)
    depends = ", ".join([shlib_depends(staged, arch), *EXTRA_DEPENDS])
    size_kib = sum((p.lstat().st_size + 1023) // 1024 for p in staged.rglob("*") if not p.is_dir())
    meta = staged / "DEBIAN"
    _write(meta / "control", control(release, arch, depends, size_kib))
    _write(meta / "conffiles", f"/etc/{PACKAGE}/config.toml\n")
    _write(meta / "md5sums", _md5sums(staged))
    meta.chmod(0o755)
    out.mkdir(parents=True, exist_ok=True)
    deb = out / f"{PACKAGE}_{release}_{arch}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "-z1", "--build", str(staged), str(deb)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return deb


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and build the package."""
    parser = argparse.ArgumentParser(description="Build the .deb of the frozen build.")
    parser.add_argument("--frozen", type=Path, required=True, help="dist/atp-console")
    parser.add_argument("--out", type=Path, required=True, help="folder for the .deb")
    parser.add_argument("--revision", default="1", help="Debian revision (default 1)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "deb")
    args = parser.parse_args(argv)
    if not (args.frozen / "atp-console").is_file():
        print(f"deb.py: no frozen build in {args.frozen}: run `make package`", file=sys.stderr)
        return 2
    deb = build(args.frozen, args.out, args.revision, args.work)
    print(deb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
