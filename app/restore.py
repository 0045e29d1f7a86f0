"""Restoring a backup, with the checks that come before anything is replaced.

app.backup copies the file safely (the current data set aside first, all or nothing). What it cannot know
is whether the backup belongs here; that is checked here, on the backup file as it lies (read-only), before
app.backup is called:

- it is a backup of this village: another village's backup would turn this store into that village while the
  keys on this computer stay this village's, and the township would refuse every bundle after. It is done only
  when asked for explicitly (``other_village``), the township's recovery path: the township then enrols this
  computer's key for that village again (``cunwu hub enroll --replace``, docs/sync-format.md);
- it was made by this program or an older one: a backup from a newer schema would leave a store no command
  of this program can open;
- nobody edited it: the event log is whole (gapless, every hash recomputes, each links to the one before) and,
  for a backup of this program's own schema, every record matches its log (``cunwu check`` on the backup).
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.backup import BackupError, restore_backup, verify_backup_file
from app.config import DB_NAME
from app.events import GENESIS, event_hash
from app.i18n import _

log = logging.getLogger(__name__)

REQUIRED_TABLES = ("events", "village", "residents", "schema_version")


@dataclass(frozen=True)
class Village:
    code: str
    name: str


@dataclass(frozen=True)
class Restored:
    aside: Path | None      # the data as it was before, kept as a 'pre-restore' backup
    village: Village | None  # whose data the store now holds
    other_village: bool     # it was another village's backup: the township must enrol this computer again


def restore(data_dir: Path, backup_file: Path, *, other_village: bool = False) -> Restored:
    """Check ``backup_file`` against the store in ``data_dir``, then restore it. BackupError (nothing changed)
    when the file is damaged, from a newer program, edited, or another village's without ``other_village``."""
    backup_file, data_dir = Path(backup_file), Path(data_dir)
    verify_backup_file(backup_file, REQUIRED_TABLES)
    theirs = check_backup(backup_file)
    ours = _village_of(data_dir / DB_NAME)
    switched = ours is not None and theirs is not None and ours.code != theirs.code
    if switched and not other_village:
        raise BackupError(_(
            "这个备份是另一个村的数据:{their_name}(统一社会信用代码 {their_code}),本机是{our_name}"
            "(统一社会信用代码 {our_code})。没有恢复,本机的数据没有改动。如果确实要在本机换成那个村的数据"
            "(例如那个村的电脑坏了,由乡镇安排在本机恢复),请运行 cunwu restore {file} --other-village;"
            "恢复后本机的密钥不是乡镇为那个村登记的,乡镇会拒收同步包,要用 cunwu keys export-public 导出身份文件"
            "交给乡镇,乡镇电话核对指纹后用 cunwu hub enroll --replace 重新登记。").format(
            their_name=theirs.name, their_code=theirs.code, our_name=ours.name, our_code=ours.code,  # type: ignore[union-attr]
            file=backup_file))
    aside = restore_backup(backup_file, data_dir / DB_NAME, aside_dir=data_dir / "backups",
                           required_tables=REQUIRED_TABLES)
    return Restored(aside=aside, village=theirs, other_village=switched)


def re_enrol_message(village: Village) -> str:
    """What to do after another village's backup was restored on purpose."""
    return _("注意:本机现在是{name}(统一社会信用代码 {code})的数据,但本机的密钥不是乡镇为这个村登记的,"
             "在重新登记之前乡镇会拒收本机的同步包。请运行 cunwu keys export-public 身份文件.json,把身份文件交给乡镇,"
             "电话核对指纹后由乡镇运行 cunwu hub enroll --replace 重新登记。").format(name=village.name, code=village.code)


def check_backup(backup_file: Path) -> Village | None:
    """Refuse (BackupError) a backup from a newer schema or an edited one; return whose it is (None: a backup
    made before the village was set up)."""
    from app.schema.version import SCHEMA_VERSION

    con = _open_read_only(backup_file)
    try:
        version = _version(con)
        if version is None:
            raise BackupError(_("这个备份里没有数据版本记录,不能用来恢复({path})。请换一个备份文件。").format(
                path=backup_file))
        if version > SCHEMA_VERSION:
            raise BackupError(_(
                "这个备份是更新版本的村务软件做的(数据版本 {found},本程序只认识到 {ours})。没有恢复,本机的数据没有改动。"
                "请先升级程序(安装新版村务软件),再恢复这个备份。").format(found=version, ours=SCHEMA_VERSION))
        problem = _chain_problem(con)
        village = _village(con)
    finally:
        con.close()
    if problem is None and version == SCHEMA_VERSION:
        problem = _check_problem(backup_file)
    if problem is not None:
        raise BackupError(_(
            "这个备份被改动过,不能用来恢复:{problem}。没有恢复,本机的数据没有改动。"
            "请换一个备份文件(例如更早的一份),或联系乡镇核对。").format(problem=problem))
    return village


def _open_read_only(path: Path) -> sqlite3.Connection:
    # immutable: the file is read exactly as it lies, never with a -wal that happens to sit beside it
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)


def _version(con: sqlite3.Connection) -> int | None:
    try:
        row = con.execute("SELECT version FROM schema_version").fetchone()
        return None if row is None else int(row[0])
    except (sqlite3.Error, TypeError, ValueError):
        return None


def _village(con: sqlite3.Connection) -> Village | None:
    try:
        row = con.execute("SELECT code, name FROM village ORDER BY id LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else Village(code=str(row[0]), name=str(row[1]))


def _village_of(db_path: Path) -> Village | None:
    """The village of the store being replaced; None when there is none or it cannot be read (a damaged
    store is the usual reason to restore)."""
    if not db_path.exists():
        return None
    # with no -wal beside it everything is in the file: read it as it lies and leave no -wal or -shm behind
    wal = db_path.with_name(db_path.name + "-wal").exists()
    try:
        con = sqlite3.connect(db_path.resolve().as_uri() + ("?mode=ro" if wal else "?mode=ro&immutable=1"), uri=True,
                              timeout=5)
    except sqlite3.Error:
        return None
    try:
        return _village(con)
    finally:
        con.close()


def _chain_problem(con: sqlite3.Connection) -> str | None:
    """The first break in the backup's event log (the same rules as ``cunwu check``), or None. Read with plain
    sqlite3, so that a backup of any older schema is checked as well."""
    prev, expected = GENESIS, 1
    try:
        rows = con.execute("SELECT seq, time, actor, record_type, record_id, action, content, prev_hash, hash "
                           "FROM events ORDER BY seq")
        for seq, time, actor, record_type, record_id, action, content, prev_hash, stored in rows:
            where = _("事件 {seq}").format(seq=seq)
            if seq != expected:
                return _("{where}:事件序号不连续,应为 {expected}").format(where=where, expected=expected)
            if prev_hash != prev:
                return _("{where}:与前一事件的链接被改动").format(where=where)
            try:
                recomputed = event_hash(prev_hash, seq, time, actor, record_type, record_id, action, content)
            except (TypeError, ValueError):
                recomputed = None
            if recomputed != stored:
                return _("{where}:事件内容被改动(哈希不符)").format(where=where)
            prev, expected = stored, seq + 1
    except sqlite3.Error as exc:
        log.warning("could not read the events of a backup", exc_info=True)
        return _("操作日志读不出来({reason})").format(reason=exc)
    return None


def _check_problem(backup_file: Path) -> str | None:
    """``cunwu check`` on the backup as it lies (read-only): the first problem, or None. The attachments' files
    are not in a backup; whether they are on this computer is not a question about the backup."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.check import check_store

    url = "sqlite:///file:{path}?mode=ro&immutable=1&uri=true".format(path=backup_file.resolve().as_posix())
    engine = create_engine(url)
    try:
        with tempfile.TemporaryDirectory(prefix="restore-check-") as nowhere, Session(engine) as session:
            # no village key beside it either: the signed QR codes are compared by their text alone
            problems = check_store(session, data_dir=Path(nowhere), attachment_files=False).problems
    except Exception:  # noqa: BLE001 - a backup the check cannot even read is refused as damaged
        log.warning("cunwu check could not read the backup %s", backup_file, exc_info=True)
        return _("备份里的数据读不出来")
    finally:
        engine.dispose()
    return str(problems[0]) if problems else None
