"""A throwaway PostgreSQL server for the hub tests.

One real server per test session, in its own temporary directory, listening
only on 127.0.0.1 with a free port; every test that asks for ``pg_url`` gets a
fresh database on it. The Debian cluster tools (pg_createcluster, the default
cluster on 5432) are deliberately not used: CI machines start with nothing and
a developer's own cluster must not be touched.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.i18n import _

SUPERUSER = "cunwu"
ADMIN_DB = "postgres"
START_TIMEOUT = 60  # seconds; a cold start on a loaded 2-core CI machine takes about one
SYSTEM_USER = "postgres"  # created by Debian's postgresql-common; the server refuses to run as root
TOOLS = ("initdb", "pg_ctl", "postgres")

# Durability is worthless for a database thrown away after the session; these
# make initdb-to-first-query a second or two instead of many.
SPEED_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "autovacuum": "off",
    "shared_buffers": "'32MB'",
    "max_connections": "50",
    "jit": "off",
}


class PgUnavailable(Exception):
    """No PostgreSQL server can be started for the tests."""


def _how_to_install() -> str:
    return _("请先运行 bash scripts/setup.sh --test 安装 PostgreSQL 服务器(Debian 软件包 postgresql)。")


def _version_key(p: Path) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", p.name)) or (0,)


def _has_tools(d: Path) -> bool:
    return all((d / t).is_file() and os.access(d / t, os.X_OK) for t in TOOLS)


def find_pg_bin(debian_root: Path = Path("/usr/lib/postgresql")) -> Path:
    """The directory holding initdb, pg_ctl and postgres, newest Debian server first."""
    root = debian_root
    if root.is_dir():
        for version in sorted(root.iterdir(), key=_version_key, reverse=True):
            if _has_tools(version / "bin"):
                return version / "bin"
    # Resolved, because a PATH entry may be a symlink or wrapper whose
    # directory lacks the other tools.
    found = shutil.which("pg_ctl")
    if found:
        d = Path(found).resolve().parent
        if _has_tools(d):
            return d
    raise PgUnavailable(_("找不到 PostgreSQL 服务器程序(initdb、pg_ctl、postgres)。") + _how_to_install())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _others_can_enter(path: Path) -> bool:
    return all(p.stat().st_mode & stat.S_IXOTH for p in (path, *path.parents))


def _clean_env() -> dict[str, str]:
    # PGDATA, PGPORT, PGHOST... from the caller's shell must not steer our server.
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


def _postmaster_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _kill_and_wait(pid: int, wait: float = 10.0) -> None:
    """Last resort when pg_ctl could not stop the server: immediate shutdown."""
    try:
        os.kill(pid, signal.SIGQUIT)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


class PgServer:
    """A PostgreSQL server in a temporary directory, on 127.0.0.1 only."""

    def __init__(self, bin_dir: Path | None = None) -> None:
        self.bin_dir = bin_dir
        self.port: int | None = None
        self.root: Path | None = None
        self._as_system_user = os.geteuid() == 0
        self._owner = os.getpid()
        atexit.register(self.stop)  # a session that dies mid-way must not leave a server running

    @property
    def data_dir(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        assert self.root is not None
        return self.root / "server.log"

    @property
    def running(self) -> bool:
        return self.root is not None

    @property
    def url(self) -> str:
        return self.url_for(ADMIN_DB)

    def url_for(self, dbname: str) -> str:
        if self.port is None:
            raise PgUnavailable(_("PostgreSQL 测试服务器还没有启动。"))
        return "postgresql+psycopg://{user}@127.0.0.1:{port}/{db}".format(user=SUPERUSER, port=self.port, db=dbname)

    def _run(self, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        cmd = [str(a) for a in args]
        if self._as_system_user:
            if shutil.which("runuser"):
                cmd = ["runuser", "-u", SYSTEM_USER, "--", *cmd]
            else:
                cmd = ["su", SYSTEM_USER, "-s", "/bin/sh", "-c", shlex.join(cmd)]
        # cwd: the system user may not be allowed into the caller's directory.
        return subprocess.run(cmd, cwd=self.root, env=_clean_env(), capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    def _make_root(self) -> Path:
        if not self._as_system_user:
            return Path(tempfile.mkdtemp(prefix="cunwu-pg-"))
        try:
            import pwd

            entry = pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            raise PgUnavailable(_("以 root 运行测试时需要系统用户 postgres,但它不存在。") + _how_to_install()) from None
        base = Path(tempfile.gettempdir())
        if not _others_can_enter(base):
            base = Path("/tmp")
        root = Path(tempfile.mkdtemp(prefix="cunwu-pg-", dir=base))
        os.chown(root, entry.pw_uid, entry.pw_gid)
        return root

    def start(self) -> None:
        if self.running:
            return
        if self.bin_dir is None:
            self.bin_dir = find_pg_bin()
        self.root = self._make_root()
        try:
            self._initdb()
            last = ""
            for _attempt in range(3):  # the free port can be taken between picking and binding
                self.port = _free_port()
                self._configure()
                done = self._run(str(self.bin_dir / "pg_ctl"), "start", "-w", "-t", str(START_TIMEOUT),
                                 "-D", str(self.data_dir), "-l", str(self.log_file), timeout=START_TIMEOUT + 30)
                if done.returncode == 0:
                    return
                last = self._log_tail() or done.stdout + done.stderr
                if "already in use" not in last:
                    break
            raise PgUnavailable(_("PostgreSQL 测试服务器启动失败:\n{log}").format(log=last))
        except BaseException:
            self.stop()
            raise

    def _initdb(self) -> None:
        assert self.bin_dir is not None
        done = self._run(str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", SUPERUSER,
                         "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", timeout=120)
        if done.returncode != 0:
            raise PgUnavailable(_("PostgreSQL 测试数据库初始化(initdb)失败:\n{out}").format(out=done.stdout + done.stderr))

    def _configure(self) -> None:
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": "'{d}'".format(d=self.root),
            **SPEED_SETTINGS,
        }
        # Appended settings win over earlier ones, so a retry with a new port just adds lines.
        with open(self.data_dir / "postgresql.conf", "a", encoding="utf-8") as f:
            f.write("".join("{k} = {v}\n".format(k=k, v=v) for k, v in settings.items()))

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-20:])
        except OSError:
            return ""

    def stop(self) -> None:
        # Only the process that started the server stops it: a forked child
        # running its atexit handlers must not pull it from under the tests.
        if self.root is None or self._owner != os.getpid():
            return
        root = self.root
        try:
            pid = _postmaster_pid(root / "data")
            if pid is not None and self.bin_dir is not None:
                done = self._run(str(self.bin_dir / "pg_ctl"), "stop", "-m", "fast", "-w", "-t", "30",
                                 "-D", str(root / "data"), timeout=60)
                if done.returncode != 0:
                    _kill_and_wait(pid)
        finally:
            self.root = None
            self.port = None
            shutil.rmtree(root, ignore_errors=True)

    def _admin(self):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=ADMIN_DB, autocommit=True)

    def create_database(self, name: str) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        from psycopg import sql

        with self._admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        from psycopg import sql

        # FORCE: a test that forgot to dispose its engine must not block the drop.
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


_session_server: PgServer | None = None


def _shared_server() -> PgServer:
    # One server per process even when this module's fixtures are imported
    # both by conftest and by a test module (pytest then sees two fixtures).
    global _session_server
    if _session_server is None or not _session_server.running:
        server = PgServer()
        server.start()
        _session_server = server
    return _session_server


def start_session_server() -> PgServer:
    """The session's server, or a test failure that says how to install one."""
    try:
        return _shared_server()
    except PgUnavailable as exc:
        # fail, never skip: a missing server must not quietly hide the hub tests
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = start_session_server()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    name = "t_" + uuid.uuid4().hex[:16]
    url = pg_server.create_database(name)
    yield url
    pg_server.drop_database(name)
