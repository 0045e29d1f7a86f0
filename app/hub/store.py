"""The hub's database: the same SQLAlchemy Core tables on SQLite or PostgreSQL.

Events are kept exactly as the villages wrote them; ``records`` is the
projection of every village's current records, rebuilt from events alone, so
a record type added to the village later needs no change here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (BigInteger, Boolean, Column, Engine, Index, Integer, MetaData, PrimaryKeyConstraint, String,
                        Table, Text, create_engine, event, func)

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

# ---------------------------------------------------------------- projections for the township's screens
#
# Kept by app/hub/projections.py inside each bundle's import transaction (and rebuilt from hub_records by
# ``cunwu hub rebuild-projections``); read by app/hub/status.py. Dates are ISO text, so they compare as text.
# Only what does not depend on the day asked about is stored: overdue, due, silent are worked out when asked.

proj_villages = Table(
    "hub_proj_villages", metadata,
    Column("code", String(18), primary_key=True),
    Column("last_sync", String(40), default=""),     # when the hub applied its last bundle
    Column("version", String(32), default=""),       # program version its last bundle named
    Column("pending", Integer, default=0),           # bundles held waiting for a gap
    # refused bundles and forks are counted from hub_proj_alerts (a refusal changes none of the hub's data)
    Column("chain_ok", Boolean, default=True),       # the hub's head for the village is its last event's hash
    Column("started", String(10), default=""),       # day of its first event (Art. 26 counts quarters from it)
    Column("since", String(10), default=""),         # from when its disclosures count (calendar start)
    Column("horizon", Integer, default=0),           # disclosure periods are stored up to the end of this year
    Column("last_event", String(40), default=""),    # time of its newest event
)

proj_notices = Table(
    "hub_proj_notices", metadata,
    Column("village_code", String(18)),
    Column("record_id", String(64)),
    Column("item_code", String(32), default=""),
    Column("period_key", String(32), default=""),
    Column("number", String(64), default=""),
    Column("title", Text, default=""),
    Column("state", String(16), default=""),
    Column("posted_from", String(10), default=""),
    Column("posted_until", String(10), default=""),
    Column("corrects", Boolean, default=False),
    Column("catalogue_version", String(32), default=""),
    PrimaryKeyConstraint("village_code", "record_id"),
)

proj_disclosures = Table(
    "hub_proj_disclosures", metadata,
    Column("village_code", String(18)),
    Column("item_code", String(32)),
    Column("period_key", String(48)),
    Column("item_name", Text),
    Column("period_label", Text),
    Column("event", Boolean),                # an event item (随时公开): no look-back limit
    Column("period_end", String(10)),        # for an event: the day it happened
    Column("due_from", String(10)),          # the first day it is owed (due)
    Column("deadline", String(10)),
    Column("posted_on", String(10)),         # NULL = not posted
    Column("late", Boolean),                 # posted after the deadline
    Column("catalogue_version", String(32)),
    PrimaryKeyConstraint("village_code", "item_code", "period_key"),
    # the status table's ranges, each index holding every column its query reads (no lookups in the table)
    Index("ix_hub_proj_disclosures_open", "posted_on", "due_from", "deadline", "event", "period_end", "village_code"),
)
# late this year: the year's late rows in village order (app.hub.status groups them without sorting)
Index("ix_hub_proj_disclosures_late", proj_disclosures.c.late, func.substr(proj_disclosures.c.posted_on, 1, 4),
      proj_disclosures.c.village_code, proj_disclosures.c.posted_on)

proj_meetings = Table(
    "hub_proj_meetings", metadata,
    Column("village_code", String(18)),
    Column("record_id", String(64)),
    Column("kind", String(32)),
    Column("date", String(10)),
    Column("title", Text),
    Column("quorate", Boolean),              # NULL until the minutes are closed
    Column("state", String(16)),
    PrimaryKeyConstraint("village_code", "record_id"),
    Index("ix_hub_proj_meetings_kind", "kind", "state", "date", "village_code"),
)

proj_matters = Table(
    "hub_proj_matters", metadata,
    Column("village_code", String(18)),
    Column("record_id", String(64)),
    Column("subject", Text),
    Column("step", Integer),                 # the last step taken in its current round (0 = none yet)
    Column("state", String(16)),
    Column("open", Boolean),
    Column("last_step_on", String(10)),      # date of that step, or the day it was filed
    Column("filed_on", String(10)),          # the day it was filed ("" if the village did not say)
    Column("resolved_on", String(10)),       # step 4 passed (its resolution notice is owed from then)
    Column("carried_out_on", String(10)),
    Column("resolution_notice", String(64)),
    Column("result_notice", String(64)),
    PrimaryKeyConstraint("village_code", "record_id"),
    Index("ix_hub_proj_matters_open", "open", "village_code", "last_step_on"),   # open ones in village order
)

proj_certificates = Table(
    "hub_proj_certificates", metadata,
    Column("village_code", String(18)),
    Column("record_type", String(32)),       # certificate | cert_refusal
    Column("record_id", String(64)),
    Column("serial", String(64)),
    Column("kind", String(32)),
    Column("kind_name", Text),
    Column("day", String(10)),               # issued (or refused) on
    Column("voided_on", String(10)),         # "" = not voided
    Column("state", String(16)),
    PrimaryKeyConstraint("village_code", "record_type", "record_id"),
    Index("ix_hub_proj_certificates_day", "day", "record_type", "village_code"),
    Index("ix_hub_proj_certificates_voided", "voided_on", "village_code"),
)
# a month's certificates and refusals, by record type in village order (app.hub.status groups them without sorting)
Index("ix_hub_proj_certificates_month", func.substr(proj_certificates.c.day, 1, 7), proj_certificates.c.record_type,
      proj_certificates.c.village_code, proj_certificates.c.day)

proj_alerts = Table(
    "hub_proj_alerts", metadata,   # a log of what the hub refused: not derived from events, kept by a rebuild
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("village_code", String(18), index=True),
    Column("at", String(40)),
    Column("kind", String(16)),              # refused | fork
    Column("reason", String(32)),            # BundleRejected.reason
    Column("bundle", String(64)),            # the file's sha256
    Column("message", Text),
)

PROJECTIONS = (proj_villages, proj_notices, proj_disclosures, proj_meetings, proj_matters, proj_certificates)

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
