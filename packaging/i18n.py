"""The console's translation pipeline: Qt's own tools, nothing hand-rolled.

    python packaging/i18n.py update    # pyside6-lupdate: console/**/*.py -> translations/*.ts
    python packaging/i18n.py release   # pyside6-lrelease: *.ts -> *.qm (make, wheel build)

Source strings are English; Spanish (the default language) is translated in
``atp_console_es.ts``. A test fails while any entry there is unfinished.
English needs only its plural forms ("1 ticket", "2 tickets"):
``atp_console_en.ts`` holds the ``%n`` messages alone (``lupdate -pluralonly``).
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("es", "en")
PLURAL_ONLY = frozenset({"en"})
"""Catalogs of the source language: only the numerus (``%n``) forms."""
CATALOG = "atp_console"
QM_MODE = 0o644
"""The compiled catalogs are read by every user of an installed console."""


class I18nToolMissingError(RuntimeError):
    """Raised when pyside6-lupdate / pyside6-lrelease are not installed."""


def _tool(name: str) -> str:
    beside_python = Path(sys.executable).with_name(name)
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(name)
    if found is None:
        raise I18nToolMissingError(f"{name} not found: install PySide6 (it ships Qt's tools)")
    return found


def sources() -> list[Path]:
    """Return every Python file of the console, the only place with UI strings."""
    return sorted((ROOT / "console").rglob("*.py"))


def ts_file(language: str) -> Path:
    """Return the catalog of one language."""
    return TRANSLATIONS / f"{CATALOG}_{language}.ts"


def update() -> None:
    """Extract strings into the .ts catalogs, keeping existing translations."""
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        subprocess.run(
            [
                _tool("pyside6-lupdate"),
                "-no-obsolete",
                "-locations",
                "none",
                *(["-pluralonly"] if language in PLURAL_ONLY else []),
                *map(str, sources()),
                "-ts",
                str(ts_file(language)),
            ],
            check=True,
        )


def release(output_dir: Path = TRANSLATIONS) -> list[Path]:
    """Compile each .ts catalog into a .qm file in ``output_dir``; return the files.

    A running console maps its .qm files (``QTranslator``): a file rewritten in
    place under it ends that console with SIGBUS. So each catalog is compiled
    beside its file and moved over it (a new file: the mapped one stays whole)
    only when it differs; an unchanged catalog leaves its file untouched.
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    compiled = []
    for language in LANGUAGES:
        qm = output_dir / f"{CATALOG}_{language}.qm"
        _compile_over(ts_file(language), qm)
        compiled.append(qm)
    return compiled


def _compile_over(catalog: Path, qm: Path) -> None:
    descriptor, name = tempfile.mkstemp(prefix=f".{qm.name}.", dir=qm.parent)
    os.close(descriptor)
    scratch = Path(name)
    try:
        subprocess.run(
            [_tool("pyside6-lrelease"), "-silent", str(catalog), "-qm", str(scratch)],
            check=True,
        )
        if qm.exists() and filecmp.cmp(scratch, qm, shallow=False):
            return
        scratch.chmod(QM_MODE)
        scratch.replace(qm)
    finally:
        scratch.unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    """Run ``update`` or ``release``."""
    if argv[1:] == ["update"]:
        update()
    elif argv[1:] == ["release"]:
        release()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
