"""The hub's database: the same SQLAlchemy Core tables on SQLite or PostgreSQL.

Events are kept exactly as the villages wrote them; ``records`` is the
projection of every village's current records, rebuilt from events alone, so
a record type added to the village later needs no change here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (BigInteger, Column, Engine, Integer, MetaData, PrimaryKeyConstraint, String, Table, Text,
                        create_engine, event)

from app.errors import UserError
from app.events import GENESIS
from app.i18n import _

metadata = MetaData()

hub_info = Table("hub_info", metadata, Column("key", String(64), primary_key=True), Column("value", Text))

villages = Table(
    "hub_villages", metadata,
    Column("code", String(18), primary_key=True),
    Column("name", String(64)),
    Column("township", String(64)),
    Column("public_key", String(64)),
    Column("fingerprint", String(40)),
    Column("enrolled", String(40)),
    Column("last_seq", Integer, default=0),
    Column("last_hash", String(64), default=GENESIS),
    Column("last_import", String(40), default=""),
)

events = Table(
    "hub_events", metadata,
    Column("village_code", String(18)),
    Column("seq", Integer),
    Column("time", String(40)),
    Column("actor", String(64)),
    Column("record_type", String(32)),
    Column("record_id", String(64)),
    Column("action", String(16)),
    Column("content", Text),
    Column("prev_hash", String(64)),
    Column("hash", String(64)),
    PrimaryKeyConstraint("village_code", "seq"),
)

records = Table(
    "hub_records", metadata,
    Column("village_code", String(18)),
    Column("record_type", String(32)),
    Column("record_id", String(64)),
    Column("seq", Integer),
    Column("content", Text),
    PrimaryKeyConstraint("village_code", "record_type", "record_id"),
)

bundles = Table(
    "hub_bundles", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("village_code", String(18), index=True),
    Column("first_seq", Integer),
    Column("last_seq", Integer),
    Column("prev_head", String(64)),
    Column("head", String(64)),
    Column("state", String(16)),     # applied | pending
    Column("file", String(1024), default=""),
    Column("received", String(40)),
    Column("applied", String(40), default=""),
)

attachments = Table(
    "hub_attachments", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger),
    Column("received", String(40)),
)

EVENT_COLUMNS = ("village_code", "seq", "time", "actor", "record_type", "record_id", "action", "content",
                 "prev_hash", "hash")


class HubStoreError(UserError):
    """The hub database cannot be reached or used; the message says what to do."""


def _sqlite_connect(dbapi_conn: Any, _record: object) -> None:
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_hub_engine(url: str) -> Engine:
    if url.startswith("sqlite:"):
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:
            raise HubStoreError(_("要使用 PostgreSQL,请先安装 psycopg:pip install \"cunwu[postgresql]\"。")) from exc
        return create_engine(url, pool_pre_ping=True)
    raise HubStoreError(_("数据库地址 {url} 不认识。请用 sqlite:///文件路径 或 postgresql+psycopg://用户@主机/库名。").format(url=url))


def create_schema(engine: Engine) -> None:
    try:
        metadata.create_all(engine)
    except Exception as exc:  # noqa: BLE001 - connection refused, bad password, missing database...
        raise HubStoreError(_("无法连接或建立乡镇数据库({reason})。请检查数据库地址、用户名和密码。").format(
            reason=_first_line(exc))) from exc


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
