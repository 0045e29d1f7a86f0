"""The throwaway PostgreSQL server the hub tests run against."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

import pgserver
from pgserver import PgServer, PgUnavailable, find_pg_bin, pg_server, pg_url  # noqa: F401


def test_chinese_text_round_trips_on_a_server_reachable_only_from_this_machine(pg_url):
    engine = sa.create_engine(pg_url)
    try:
        with engine.begin() as c:
            c.execute(sa.text("CREATE TABLE village (id serial PRIMARY KEY, name text NOT NULL)"))
            c.execute(sa.text("INSERT INTO village (name) VALUES (:n)"),
                      [{"n": "柳林村"}, {"n": "石桥镇第𠀀村民小组"}])
        with engine.connect() as c:
            names = c.execute(sa.text("SELECT name FROM village ORDER BY id")).scalars().all()
            listen = c.execute(sa.text("SHOW listen_addresses")).scalar()
            encoding = c.execute(sa.text("SHOW server_encoding")).scalar()
    finally:
        engine.dispose()
    assert names == ["柳林村", "石桥镇第𠀀村民小组"]
    assert listen == "127.0.0.1"
    assert encoding == "UTF8"
    assert engine.url.drivername == "postgresql+psycopg"
    assert engine.url.host == "127.0.0.1"


def test_each_test_database_is_separate(pg_server, pg_url):
    other = pg_server.create_database("other_" + os.urandom(4).hex())
    try:
        a, b = sa.create_engine(pg_url), sa.create_engine(other)
        with a.begin() as c:
            c.execute(sa.text("CREATE TABLE resident (name text)"))
            c.execute(sa.text("INSERT INTO resident VALUES ('张三')"))
        with b.connect() as c:
            tables = c.execute(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        assert a.url.database != b.url.database
        assert tables == []
        a.dispose()
        b.dispose()
    finally:
        pg_server.drop_database(sa.make_url(other).database)
    with pytest.raises(psycopg.OperationalError, match="does not exist"):
        psycopg.connect(host="127.0.0.1", port=pg_server.port, user="cunwu", dbname=sa.make_url(other).database)


def _our_postmasters(root: Path) -> list[str]:
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    return [line for line in ps.splitlines() if str(root) in line]


def test_stopping_removes_the_server_and_its_directory():
    server = PgServer()
    server.start()
    root = server.root
    assert root is not None and _our_postmasters(root)
    url = server.url
    server.stop()
    server.stop()  # a second stop (atexit after the fixture) must be harmless
    assert not root.exists()
    assert _our_postmasters(root) == []
    with pytest.raises(sa.exc.OperationalError):
        sa.create_engine(url).connect()


def test_missing_server_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PgUnavailable, match=r"bash scripts/setup\.sh --test"):
        find_pg_bin(debian_root=tmp_path / "no-postgresql")


def test_missing_server_fails_the_session_instead_of_skipping(monkeypatch):
    def missing() -> Path:
        raise PgUnavailable("找不到 PostgreSQL 服务器程序")

    monkeypatch.setattr(pgserver, "_session_server", None)
    monkeypatch.setattr(pgserver, "find_pg_bin", missing)
    with pytest.raises(pytest.fail.Exception, match="找不到 PostgreSQL"):
        pgserver.start_session_server()
