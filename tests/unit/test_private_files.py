"""Owner-only data dirs (issue 12, item 10): creating, tightening, refusing."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bridge.paths import (
    DataDirError,
    DataLayout,
    create_private_file,
    make_private_dir,
    make_private_tree,
)

NOBODY = 65534
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to chown to another uid")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_restrict_umask_makes_everything_the_process_creates_owner_only(tmp_path: Path) -> None:
    script = (
        "import os, sys, sqlite3, pathlib\n"
        "os.umask(0o022)\n"
        "from bridge.paths import restrict_umask\n"
        "restrict_umask()\n"
        "root = pathlib.Path(sys.argv[1])\n"
        "(root / 'folder').mkdir()\n"
        "(root / 'file.txt').write_text('note')\n"
        "sqlite3.connect(root / 'db.sqlite').execute('CREATE TABLE t (x)')\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, timeout=60)
    assert mode(tmp_path / "folder") == 0o700
    assert mode(tmp_path / "file.txt") == 0o600
    assert mode(tmp_path / "db.sqlite") == 0o600


def test_a_new_data_dir_is_owner_only(tmp_path: Path) -> None:
    layout = DataLayout(tmp_path / "new" / "data")
    layout.ensure()
    assert mode(layout.root) == 0o700
    assert mode(layout.log_dir) == 0o700
    assert mode(layout.outbox_db) == 0o600


def test_an_existing_readable_tree_is_tightened(tmp_path: Path) -> None:
    root = tmp_path / "data"
    (root / "logs").mkdir(parents=True)
    (root / "console").mkdir()
    files = [root / "state-cache.sqlite", root / "logs" / "bridge.log", root / "console" / "d.json"]
    for file in files:
        file.write_text("personal data")
        file.chmod(0o644)
    (root / "odd").write_text("x")
    (root / "odd").chmod(0o751)
    for folder in (root, root / "logs", root / "console"):
        folder.chmod(0o755)
    changed = make_private_tree(root)
    assert changed == 6  # the root is counted apart: it is fixed by make_private_dir
    assert mode(root) == 0o700
    assert {mode(p) for p in (root / "logs", root / "console")} == {0o700}
    assert {mode(p) for p in files} == {0o600}
    assert mode(root / "odd") == 0o700  # owner bits kept, others' removed
    assert make_private_tree(root) == 0


def test_symlinks_are_neither_followed_nor_changed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours to change")
    outside.chmod(0o644)
    root = tmp_path / "data"
    root.mkdir(mode=0o700)
    (root / "link").symlink_to(outside)
    make_private_tree(root)
    assert mode(outside) == 0o644


def test_a_symlink_as_the_data_dir_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (tmp_path / "data").symlink_to(target)
    with pytest.raises(DataDirError, match="not a folder"):
        make_private_dir(tmp_path / "data")


@needs_root
def test_a_data_dir_of_another_user_is_refused_untouched(tmp_path: Path) -> None:
    root = tmp_path / "data"
    root.mkdir(mode=0o755)
    os.chown(root, NOBODY, NOBODY)
    with pytest.raises(DataDirError, match=r"belongs to uid 65534 \(nobody\), not to you"):
        DataLayout(root).ensure()
    assert mode(root) == 0o755
    assert list(root.iterdir()) == []


@needs_root
def test_an_entry_of_another_user_inside_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "data"
    root.mkdir(mode=0o700)
    planted = root / "outbox.sqlite"
    planted.write_text("")
    os.chown(planted, NOBODY, NOBODY)
    with pytest.raises(DataDirError, match=r"outbox\.sqlite belongs to uid 65534"):
        make_private_tree(root)


def test_create_private_file_keeps_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    create_private_file(path)
    assert mode(path) == 0o600
    path.write_bytes(b"kept")
    create_private_file(path)
    assert path.read_bytes() == b"kept"
