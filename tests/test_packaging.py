"""The program as the clerk gets it: the one-folder PyInstaller build (build.spec, scripts/build.sh), run
without Python or a virtual environment, and the Windows installer script (issue: on the clerk's PC
without Python).

One build serves the whole session (tests/packaging_helpers.py). The frozen programs must open the main
window (``cunwu-desktop --smoke``), make and check a demo village (``cunwu check``), print a notice with
the shipped fonts, find every shipped resource through the one resource helper, refuse a store made by
a newer version with a plain message, and leave the store untouched when the disk is too full for the
backup an upgrade of the store makes first.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from packaging_helpers import ROOT, _cache, frozen_build, pyproject_version, run

pytestmark = pytest.mark.slow
SIZE_LIMIT_MB = 200  # the target for the one-folder build on Linux


@pytest.fixture(scope="session")
def build(tmp_path_factory) -> Path:
    return frozen_build(tmp_path_factory)


@pytest.fixture(scope="session")
def demo_village(build, tmp_path_factory) -> Path:
    """A demo village made by the frozen ``cunwu demo`` (pandas-free reading, the demo's own steps)."""
    d = tmp_path_factory.mktemp("frozen-village") / "data"
    r = run(build / "cunwu", "--data-dir", str(d), "demo", home=d.parent / "home")
    assert r.returncode == 0, r.stdout + r.stderr
    return d


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def content(db: Path) -> list[str]:
    """Everything the database holds, as SQL (opening it may switch the file's journal mode: not a change)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_both_programs_are_in_one_folder_and_say_their_version(build, tmp_path):
    assert sorted(p.name for p in build.iterdir()) == ["_internal", "cunwu", "cunwu-desktop"]
    assert os.access(build / "cunwu", os.X_OK)
    for program in ("cunwu", "cunwu-desktop"):
        r = run(build / program, "--version", home=tmp_path)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == "村务 {v}".format(v=pyproject_version())


def test_the_frozen_desktop_opens_the_main_window_on_the_demo_village(build, demo_village, tmp_path):
    r = run(build / "cunwu-desktop", "--data-dir", str(demo_village), "--smoke", home=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "主窗口已打开:" in r.stdout and "村民" in r.stdout
    assert "Traceback" not in r.stderr
    # Qt's own buttons and dialogs in Chinese: the build carries qtbase_zh_CN.qm where the program looks
    log = (demo_village / "logs" / "cunwu.log").read_text(encoding="utf-8")
    assert "qtbase_zh_CN.qm) were not found" not in log


def test_the_frozen_check_passes_on_the_demo_village(build, demo_village, tmp_path):
    r = run(build / "cunwu", "--data-dir", str(demo_village), "check", home=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("检查通过")


def test_the_frozen_program_prints_a_notice_with_the_shipped_fonts(build, demo_village, tmp_path):
    notices = json.loads(run(build / "cunwu", "--data-dir", str(demo_village), "disclosure", "list", "--json",
                             home=tmp_path).stdout)
    out = tmp_path / "公开.pdf"
    r = run(build / "cunwu", "--data-dir", str(demo_village), "disclosure", "print", str(notices[0]["id"]),
            "-o", str(out), home=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    from pypdf import PdfReader

    page = PdfReader(out).pages[0]
    assert notices[0]["title"][:8] in page.extract_text().replace("\n", "")
    fonts = {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert any("WenQuanYi" in f or "wqy" in f.lower() for f in fonts), fonts


def test_the_frozen_program_exports_and_reads_back_the_roster(build, demo_village, tmp_path):
    roster = tmp_path / "花名册.xlsx"
    r = run(build / "cunwu", "--data-dir", str(demo_village), "residents", "export", str(roster), home=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    con = sqlite3.connect(f"file:{demo_village / 'cunwu.sqlite3'}?mode=ro", uri=True)
    code, name, township = con.execute("SELECT code, name, township FROM village").fetchone()
    groups = [g for (g,) in con.execute("SELECT name FROM villager_groups ORDER BY id")]
    con.close()
    fresh = tmp_path / "fresh"
    r = run(build / "cunwu", "--data-dir", str(fresh), "init", "--name", name, "--code", code, "--township", township,
            *[a for g in groups for a in ("--group", g)], home=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    r = run(build / "cunwu", "--data-dir", str(fresh), "residents", "import", str(roster), home=tmp_path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
    r = run(build / "cunwu", "--data-dir", str(fresh), "check", home=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_build_carries_every_resource_and_leaves_out_what_is_not_used(build):
    internal = build / "_internal"
    resources = internal / "resources"
    assert (resources / "VERSION").read_text(encoding="utf-8").strip() == pyproject_version()
    for shipped in ("fonts/wqy-microhei.ttc", "fonts/wqy-microhei.LICENSE.txt", "fonts/HanaMin.LICENSE.txt",
                    "licences/GPL-3.0.txt", "help/user-guide.md", "search/synonyms.json",
                    "locale/en/LC_MESSAGES/cunwu.po", "icons/cunwu.png"):
        assert (resources / shipped).is_file(), shipped
    shown = set(re.findall(r"\(images/([^)\s]+\.png)\)", (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")))
    assert {p.name for p in (resources / "help" / "images").glob("*.png")} == shown  # the guide's, no others
    assert sorted(p.name for p in (resources / "catalogues").iterdir()) == sorted(
        p.name for p in (ROOT / "resources" / "catalogues").iterdir())
    # Qt's own words in Chinese, and no other language of Qt's
    qm = sorted(p.name for p in internal.rglob("*.qm"))
    assert qm == ["qtbase_zh_CN.qm"]
    names = {p.name for p in internal.rglob("*") if p.is_file()}
    for unused in ("libQt6Network.so.6", "libQt6Qml.so.6", "libQt6Quick.so.6", "libQt6Pdf.so.6",
                   "libQt6WebEngineCore.so.6", "libQt6OpenGL.so.6", "libqwayland-generic.so", "libqgtk3.so"):
        assert unused not in names, unused
    # the system's own libraries come from the system (the .deb depends on them), not from the build machine
    assert not any(n.startswith(("libgtk-3", "libcups.so", "libglib-2.0", "libfontconfig", "libX11")) for n in names)
    # the input methods a Chinese clerk types with
    assert "libibusplatforminputcontextplugin.so" in names


def test_the_build_is_within_its_size(build):
    """At most 200 MB (MiB, as ``du -sm`` and scripts/build.sh count) for the one-folder build on Linux."""
    files = [p for p in build.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.stat().st_size for p in files) / 2**20
    print(f"\nfrozen build: {size:.0f} MB, {len(files)} files, built in {_cache.get('build_seconds', 0):.0f} s")
    assert size <= SIZE_LIMIT_MB
    log = str(_cache.get("build_log", ""))
    assert "已生成" in log and "MB" in log and "个文件" in log  # scripts/build.sh says size and count


def test_an_older_program_refuses_a_store_made_by_a_newer_one(build, demo_village, tmp_path):
    """Installing an older version over a newer store: the store refuses with a plain message, unchanged."""
    data = tmp_path / "data"
    shutil.copytree(demo_village, data)
    db = data / "cunwu.sqlite3"
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE schema_version SET version = version + 1")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = sha256(db)
    for program, args in (("cunwu", ("check",)), ("cunwu-desktop", ("--smoke",))):
        r = run(build / program, "--data-dir", str(data), *args, home=tmp_path)
        assert r.returncode == 1
        assert "比本程序" in r.stderr and "请安装新版村务软件" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
    assert sha256(db) == before


@pytest.fixture
def small_disk(tmp_path):
    """A real file system of 4 MB (tmpfs), as full as a test makes it; the tests run as root in CI."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_during_the_upgrade_of_the_store_leaves_it_untouched(build, small_disk, tmp_path):
    """A newer version opens the store of the version before: the store is upgraded only after its own
    backup (pre-migration). With no room for that backup nothing is changed and the message says why; once
    there is room, the upgrade goes through and the backup is there."""
    data = small_disk / "data"
    data.mkdir()
    db = data / "cunwu.sqlite3"
    shutil.copyfile(ROOT / "tests" / "fixtures" / "schema-v5.sqlite3", db)
    before = content(db)
    filler = small_disk / "filler"
    free = shutil.disk_usage(small_disk).free
    filler.write_bytes(b"\0" * (free - 120 * 1024))  # room for SQLite's -wal and -shm, not for a backup copy
    r = run(build / "cunwu", "--data-dir", str(data), "check", home=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "空间" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert content(db) == before
    assert not (data / "backups").exists() or not any((data / "backups").iterdir())
    con = sqlite3.connect(db)
    assert con.execute("SELECT version FROM schema_version").fetchone()[0] == 5
    con.close()

    filler.unlink()
    # (the saved database of version 5 comes without its attachment files, which cunwu check would miss)
    r = run(build / "cunwu", "--data-dir", str(data), "disclosure", "list", home=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert [p.name for p in (data / "backups").iterdir() if "pre-migration" in p.name]
    con = sqlite3.connect(db)
    assert con.execute("SELECT version FROM schema_version").fetchone()[0] > 5
    con.close()


def test_the_windows_installer_script_compiles(tmp_path):
    """installer/windows/cunwu.nsi compiled with makensis (Debian's nsis) against a stub build folder."""
    stub = tmp_path / "cunwu"
    (stub / "_internal" / "resources").mkdir(parents=True)
    for exe in ("cunwu.exe", "cunwu-desktop.exe"):
        (stub / exe).write_bytes(b"MZ stub")
    (stub / "_internal" / "resources" / "VERSION").write_text(pyproject_version() + "\n", encoding="utf-8")
    out = tmp_path / "cunwu-windows-x64.exe"
    r = subprocess.run(["makensis", "-V2", "-INPUTCHARSET", "UTF8",
                        f"-DBUILD_DIR={stub}", f"-DOUT_FILE={out}", str(ROOT / "installer" / "windows" / "cunwu.nsi")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "warning" not in r.stdout.lower(), r.stdout
    assert out.read_bytes()[:2] == b"MZ" and out.stat().st_size > 50_000


def test_the_frozen_program_uploads_to_the_townships_hub_and_says_plainly_it_does_not_serve(build, demo_village,
                                                                                               tmp_path):
    """The office PC's build uploads with the standard library only; the network service is a township server's
    install (pip install "cunwu[server]"), and the build says so instead of failing."""
    from app.schema import open_store
    from hub_serving import Running
    from sync_helpers import link

    village = tmp_path / "village"
    shutil.copytree(demo_village, village)
    store = open_store(village)
    linked = link(store, tmp_path)  # the key exchange, done by the program in the tests' environment
    store.close()
    served = Running(linked.hub)
    try:
        home = tmp_path / "home"
        r = run(build / "cunwu", "--data-dir", str(village), "township", "url", f"http://127.0.0.1:{served.port}",
                home=home)
        assert r.returncode == 0, r.stderr
        r = run(build / "cunwu", "--data-dir", str(village), "bundle", "upload", home=home)
        assert r.returncode == 0 and "乡镇已确认" in r.stdout, r.stdout + r.stderr
        r = run(build / "cunwu", "--data-dir", str(linked.hub.dir.parent), "hub", "serve", "--port", "1", home=home)
        assert r.returncode == 1 and 'pip install "cunwu[server]"' in r.stderr, r.stdout + r.stderr
    finally:
        served.stop()
        linked.hub.close()
