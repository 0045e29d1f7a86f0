"""The .deb for Debian 12, UOS and Kylin (scripts/build-deb.sh), installed with apt on this machine as the
township's IT person installs it (issue: on the clerk's PC without Python; the tests run as root).

One test walks the package's life: install, run from the installed paths, make a village, try to install
the next version while 村务 is running (refused, nothing changed), upgrade with every record kept and
``cunwu check`` passing, remove with the data left where it was. The package is removed again whatever
happens (the fixture)."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from packaging_helpers import clean_env, debs, pyproject_version, run

pytestmark = pytest.mark.slow
APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}


def apt(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["apt-get", "-y", "-q", "--no-install-recommends", *args], capture_output=True, text=True,
                          env=APT_ENV, timeout=600)


def installed_version() -> str | None:
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status} ${Version}", "cunwu"], capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.startswith("install ok installed"):
        return None
    return r.stdout.split()[-1]


def known_to_dpkg() -> bool:
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "cunwu"], capture_output=True, text=True)
    return r.returncode == 0 and not r.stdout.endswith("not-installed")


@pytest.fixture
def packages(tmp_path_factory):
    assert os.geteuid() == 0, "the package tests install with apt: run them as root (as CI does)"
    assert not known_to_dpkg(), "cunwu is installed on this machine (dpkg -l cunwu); purge it first"
    first, second = debs(tmp_path_factory)
    try:
        yield first, second
    finally:
        if known_to_dpkg():  # installed, or removed with its maintainer scripts still registered
            apt("purge", "cunwu")
        assert not known_to_dpkg()


def records(db: Path) -> dict[str, int]:
    """How many rows every table holds, and the event chain's head."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%search%'")]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        counts["head"] = con.execute("SELECT max(seq) FROM events").fetchone()[0]
        return counts
    finally:
        con.close()


def test_the_package_installs_runs_upgrades_with_every_record_and_removes_leaving_the_data(packages, tmp_path):
    first, second = packages
    version = pyproject_version()
    home = tmp_path / "home"   # the clerk's home: the data goes to ~/.local/share/cunwu, the default
    data = home / ".local" / "share" / "cunwu"

    r = apt("install", str(first))
    assert r.returncode == 0, r.stdout + r.stderr
    assert installed_version() == version
    for program in ("/usr/bin/cunwu", "/usr/bin/cunwu-desktop"):
        assert os.path.realpath(program).startswith("/opt/cunwu/")
        out = run(program, "--version", home=home)
        assert out.returncode == 0 and out.stdout.strip() == "村务 {v}".format(v=version), out.stderr
    desktop = Path("/usr/share/applications/cunwu.desktop").read_text(encoding="utf-8")
    assert "Name=村务" in desktop and "Categories=Office;" in desktop and "Icon=cunwu" in desktop
    assert Path("/usr/share/icons/hicolor/256x256/apps/cunwu.png").is_file()

    # a village made with the installed version, opened by the installed desktop program
    out = run("/usr/bin/cunwu", "demo", home=home)
    assert out.returncode == 0, out.stdout + out.stderr
    out = run("/usr/bin/cunwu-desktop", "--smoke", home=home)
    assert out.returncode == 0 and "主窗口已打开" in out.stdout, out.stdout + out.stderr
    before = records(data / "cunwu.sqlite3")
    assert before["residents"] > 1000

    # the next version while 村务 is open: refused, the installed version and the data as they were
    running = subprocess.Popen(["/usr/bin/cunwu-desktop"], env=clean_env(home), cwd=home,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while os.readlink(f"/proc/{running.pid}/exe") != "/opt/cunwu/cunwu-desktop" and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)
        assert running.poll() is None, "the desktop program did not stay open"
        r = apt("install", str(second))
        assert r.returncode != 0
        assert "村务程序正在运行" in r.stdout + r.stderr and "请先关闭所有村务窗口" in r.stdout + r.stderr
        assert installed_version() == version
        assert run("/usr/bin/cunwu", "--version", home=home).stdout.strip() == "村务 {v}".format(v=version)
    finally:
        running.send_signal(signal.SIGTERM)
        try:
            running.wait(30)
        except subprocess.TimeoutExpired:
            running.kill()
            running.wait(30)

    # closed: the upgrade goes through and keeps every record
    r = apt("install", str(second))
    assert r.returncode == 0, r.stdout + r.stderr
    assert installed_version() == version + "+upgrade1"
    assert run("/usr/bin/cunwu", "--version", home=home).stdout.strip() == "村务 {v}+upgrade1".format(v=version)
    out = run("/usr/bin/cunwu", "check", home=home)
    assert out.returncode == 0 and out.stdout.startswith("检查通过"), out.stdout + out.stderr
    assert records(data / "cunwu.sqlite3") == before
    out = run("/usr/bin/cunwu-desktop", "--smoke", home=home)
    assert out.returncode == 0, out.stdout + out.stderr

    # removed: the program goes, every file of the village stays as it was
    files = {p.relative_to(data): hashlib.sha256(p.read_bytes()).hexdigest() for p in data.rglob("*") if p.is_file()}
    r = apt("remove", "cunwu")
    assert r.returncode == 0, r.stdout + r.stderr
    assert installed_version() is None
    assert not Path("/usr/bin/cunwu").exists() and not Path("/opt/cunwu/cunwu-desktop").exists()
    assert {p.relative_to(data): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in data.rglob("*") if p.is_file()} == files
    assert records(data / "cunwu.sqlite3") == before


def test_the_package_depends_on_every_system_library_the_build_needs_and_only_on_debian_packages(tmp_path_factory):
    """Every library a binary of the build loads from the system comes from a package the .deb depends on
    (or one of theirs), and each of those is a package of this Debian 12 system: apt can install it on a
    village PC without anything from elsewhere."""
    from packaging_helpers import frozen_build

    first, _second = debs(tmp_path_factory)
    depends = subprocess.run(["dpkg-deb", "-f", str(first), "Depends"], capture_output=True, text=True,
                             check=True).stdout
    direct = [d.strip().split()[0] for d in depends.split(",")]
    for name in direct:
        assert subprocess.run(["apt-cache", "show", name], capture_output=True).returncode == 0, name
    closure = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                              "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *direct],
                             capture_output=True, text=True, check=True).stdout
    provided = {line.strip().split(":")[0] for line in closure.splitlines() if line and not line.startswith(" ")}
    build = frozen_build(tmp_path_factory)
    needed: dict[str, str] = {}
    for path in build.rglob("*"):
        if path.is_symlink() or not path.is_file() or path.read_bytes()[:4] != b"\x7fELF":
            continue
        # as the frozen program loads them: its own folder first (the program sets LD_LIBRARY_PATH so)
        env = {**os.environ, "LD_LIBRARY_PATH": str(build / "_internal")}
        for line in subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout.splitlines():
            assert "not found" not in line, f"{path.name}: {line.strip()}"
            parts = line.split("=>")
            if len(parts) == 2 and parts[1].strip().startswith("/") and str(build) not in parts[1]:
                needed.setdefault(parts[1].split()[0], path.name)
    owners = {}
    for lib, user in needed.items():
        r = subprocess.run(["dpkg", "-S", os.path.realpath(lib)], capture_output=True, text=True)
        if r.returncode != 0:  # /lib is a link to /usr/lib on Debian 12: dpkg knows one of the two names
            r = subprocess.run(["dpkg", "-S", lib], capture_output=True, text=True)
        assert r.returncode == 0, f"{lib} (needed by {user}) belongs to no package"
        owners[r.stdout.split(":")[0]] = lib
    missing = {pkg: lib for pkg, lib in owners.items() if pkg not in provided}
    assert missing == {}, f"the .deb does not depend on the packages of these libraries: {missing}"
    # the newest C library a binary asks for is the one the package asks apt for: an older system is refused
    wanted = set()
    for path in build.rglob("*"):
        if not path.is_symlink() and path.is_file() and path.read_bytes()[:4] == b"\x7fELF":
            symbols = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True).stdout
            wanted.update(re.findall(r"GLIBC_(\d+\.\d+(?:\.\d+)?)", symbols))
    newest = max(wanted, key=lambda v: tuple(map(int, v.split("."))))
    assert f"libc6 (>= {newest})" in depends
