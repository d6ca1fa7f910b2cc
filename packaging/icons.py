"""Render the application icon (resources/icons/atp-console.svg) for each platform.

    python packaging/icons.py hicolor OUT   # OUT/<n>x<n>/apps/atp-console.png + scalable SVG
    python packaging/icons.py ico FILE      # Windows .ico (16 to 256 px)
    python packaging/icons.py icns FILE     # macOS .icns (16 to 512 px)

Qt renders the SVG (QtSvg) and writes the formats with its own image plugins,
so the build needs nothing beyond the venv.
"""

from __future__ import annotations

import os
import shutil
import struct
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "atp-console.svg"
NAME = "atp-console"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512)
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}


def _render(size: int) -> QImage:
    from PySide6.QtCore import Qt  # noqa: PLC0415  (Qt only when rendering)
    from PySide6.QtGui import QImage, QPainter  # noqa: PLC0415
    from PySide6.QtSvg import QSvgRenderer  # noqa: PLC0415

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise RuntimeError(f"{SVG} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def _app() -> object:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication  # noqa: PLC0415

    return QGuiApplication.instance() or QGuiApplication(sys.argv[:1])


def hicolor(out: Path) -> list[Path]:
    """Write the hicolor theme's PNG sizes and the scalable SVG under ``out``."""
    _app()
    written: list[Path] = []
    for size in HICOLOR_SIZES:
        target = out / f"{size}x{size}" / "apps" / f"{NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        image = _render(size)
        if not image.save(str(target)):
            raise RuntimeError(f"could not write {target}")
        written.append(target)
    scalable = out / "scalable" / "apps" / f"{NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SVG, scalable)
    written.append(scalable)
    return written


def _png(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice  # noqa: PLC0415

    image = _render(size)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # PySide6 wants a str
        raise RuntimeError(f"could not render the icon at {size} px")
    buffer.close()
    return bytes(data.data())


def ico(target: Path) -> Path:
    """Write a Windows .ico whose images are PNG-compressed (Windows Vista and later)."""
    _app()
    images = [(size, _png(size)) for size in ICO_SIZES]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, payload = b"", b""
    for size, data in images:
        side = 0 if size >= 256 else size  # noqa: PLR2004  (0 means 256 in ICO)
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        payload += data
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(header + entries + payload)
    return target


def icns(target: Path) -> Path:
    """Write a macOS .icns with PNG images (the ``icp4``..``ic09`` types)."""
    _app()
    body = b""
    for size in ICNS_SIZES:
        data = _png(size)
        body += ICNS_TYPES[size] + struct.pack(">I", len(data) + 8) + data
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"icns" + struct.pack(">I", len(body) + 8) + body)
    return target


def main(argv: list[str]) -> int:
    """Run one subcommand (see the module docstring)."""
    usage = "usage: icons.py hicolor OUT | ico FILE | icns FILE"
    if len(argv) != 2:  # noqa: PLR2004
        print(usage, file=sys.stderr)
        return 2
    command, target = argv[0], Path(argv[1])
    if command == "hicolor":
        hicolor(target)
    elif command == "ico":
        ico(target)
    elif command == "icns":
        icns(target)
    else:
        print(usage, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
