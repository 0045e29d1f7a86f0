"""Backups of the village database, and restoring from them.

Copies are made only with SQLite's online backup API: it reads one consistent
snapshot of a WAL database (committed data only) even while the program has the
database open, which a plain file copy cannot promise. Every copy is written
under a temporary name, checked with ``PRAGMA integrity_check``, fsynced and
then renamed, so a power cut or a pulled USB stick never leaves a file that
looks like a finished backup.

Backup files are named ``cunwu-YYYYMMDD-HHMMSS-<kind>.sqlite3`` (local time);
the name is the only index, so a folder of backups copied to another stick
lists and rotates the same way.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import sqlite3
import stat
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.errors import UserError
from app.files import fsync_dir, fsync_file
from app.i18n import _
from app.leftovers import BACKUP_TMP, folder_lock, hold, remove_leftovers

log = logging.getLogger(__name__)

KINDS = ("daily", "manual", "pre-migration", "pre-restore")
# Only routine copies are pruned: the others were made on purpose or guard a
# risky step, and a clerk may need exactly that one months later.
_ROTATED_KINDS = frozenset({"daily"})
_NAME_RE = re.compile(
    r"^cunwu-(\d{8})-(\d{6})-(daily|manual|pre-migration|pre-restore)(?:-(\d+))?\.sqlite3$"
)
_SQLITE_MAGIC = b"SQLite format 3\x00"
_TMP_SUFFIX = ".tmp"
# A leftover hot journal or WAL next to a new file would be replayed into it.
_SIDECARS = ("-journal", "-wal", "-shm")
_SET_ASIDE_SUFFIX = ".before-restore"
# Backups to one folder take turns on this lock file (two windows, or the desktop and `cunwu backup`):
# each picks its name and renames its copy while no other can. A run killed mid-copy releases it.
_FOLDER_LOCK = ".cunwu-backup.lock"
FOLDER_WAIT_SECONDS = 10 * 60


class BackupError(UserError):
    """A backup or restore could not be done; the message tells the clerk what to do."""


class _CopyCheckFailed(BackupError):
    """The fresh copy did not pass integrity_check (kept apart so restore can tell why)."""


class _SourceDamaged(BackupError):
    """SQLite could not even read the database being copied."""


@dataclass
class BackupInfo:
    path: Path
    created: datetime
    kind: str
    size: int


# ---------------------------------------------------------------- messages

def _msg_no_space(need: int | None = None, free: int | None = None, *, restoring: bool = False) -> str:
    if restoring:
        return _("数据文件夹所在的磁盘空间不足,无法恢复备份,原来的数据没有改动。请清理磁盘空间后再试。")
    if need is not None and free is not None:
        return _("备份位置空间不足:备份需要约 {need},只剩 {free}。请换一个U盘或清理空间后再试。").format(
            need=_human_size(need), free=_human_size(free)
        )
    return _("备份位置空间不足,请换一个U盘或清理空间后再试。")


def _msg_not_writable(where: Path, *, restoring: bool) -> str:
    if restoring:
        return _("数据文件夹不可写({where}),无法恢复备份,原来的数据没有改动。请用有权限的账户运行本软件后再试。").format(
            where=where
        )
    return _("备份位置不可写({where}),备份没有保存。请检查U盘是否打开了写保护,或换一个文件夹后再试。").format(
        where=where
    )


def _msg_io(where: Path, *, restoring: bool) -> str:
    if restoring:
        return _("恢复时读写文件出错({where}),原来的数据没有改动。请检查U盘是否插好,再试一次。").format(where=where)
    return _("写入备份时出错({where}),备份没有保存。请检查U盘是否插好,再试一次。").format(where=where)


def _msg_source_damaged(db_path: Path) -> str:
    return _(
        "电脑上的数据库读不出来,可能已经损坏({path}),备份没有保存。请先不要继续录入,联系技术人员,或用以前的备份恢复。"
    ).format(path=db_path)


def _human_size(n: int) -> str:
    if n >= 1024 * 1024 * 1024:
        return "{:.1f} GB".format(n / 1024**3)
    return "{:.1f} MB".format(max(n, 0) / 1024**2)


def _error_for(exc: BaseException, where: Path, *, restoring: bool, db_path: Path) -> BackupError:
    """Turn an OS or SQLite failure into the message a clerk can act on."""
    log.error("backup/restore failed at %s", where, exc_info=exc)
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return BackupError(_msg_no_space(restoring=restoring))
        if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return BackupError(_msg_not_writable(where, restoring=restoring))
        return BackupError(_msg_io(where, restoring=restoring))
    if isinstance(exc, sqlite3.Error):
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
        if code == sqlite3.SQLITE_FULL:
            return BackupError(_msg_no_space(restoring=restoring))
        if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN):
            return BackupError(_msg_not_writable(where, restoring=restoring))
        if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) and not restoring:
            return _SourceDamaged(_msg_source_damaged(db_path))
        return BackupError(_msg_io(where, restoring=restoring))
    return BackupError(_msg_io(where, restoring=restoring))


# ---------------------------------------------------------------- file helpers

def _reader_uri(path: Path, *, immutable: bool = False) -> str:
    # mode=ro can never create or change the file. immutable=1 reads the file
    # alone, ignoring any -wal beside it: a backup file is checked and restored
    # exactly as it is, never mixed with whatever else sits on the stick.
    uri = path.resolve().as_uri() + "?mode=ro"
    return uri + "&immutable=1" if immutable else uri


def _remove_with_sidecars(path: Path) -> None:
    for p in (path, *(path.with_name(path.name + s) for s in _SIDECARS)):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            log.warning("could not remove %s", p, exc_info=True)


def _create_exclusive(path: Path) -> int:
    # Claim the name before SQLite opens it: an unwritable folder then fails
    # here with a plain OSError, and no existing file is ever written over.
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)


def _footprint(db_path: Path) -> int:
    size = db_path.stat().st_size
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists():
        size += wal.stat().st_size
    return size


def _check_free_space(folder: Path, needed: int, *, restoring: bool) -> None:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # some network drives cannot say; the write itself will tell
    if free < needed:
        raise BackupError(_msg_no_space(needed, free, restoring=restoring))


def _online_copy(source_uri: str, target: Path) -> None:
    src = sqlite3.connect(source_uri, uri=True, isolation_level=None)
    try:
        dst = sqlite3.connect(target, isolation_level=None)
        try:
            src.backup(dst)
            # The copy inherits WAL mode from the source; a backup must be one
            # self-contained file that can be opened from a read-only stick.
            dst.execute("PRAGMA journal_mode=DELETE").fetchall()
        finally:
            dst.close()
    finally:
        src.close()


def _is_intact(db_path: Path) -> bool:
    try:
        conn = sqlite3.connect(_reader_uri(db_path), uri=True)
        try:
            return conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            conn.close()
    except sqlite3.Error:
        return False


# ---------------------------------------------------------------- names

def _parse_name(name: str) -> tuple[datetime, str, int] | None:
    m = _NAME_RE.match(name)
    if m is None:
        return None
    try:
        created = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return created, m.group(3), int(m.group(4) or 1)


def _free_name(dest_dir: Path, now: datetime, kind: str) -> Path:
    stem = "cunwu-{stamp}-{kind}".format(stamp=now.strftime("%Y%m%d-%H%M%S"), kind=kind)
    candidate = dest_dir / (stem + ".sqlite3")
    n = 2
    while candidate.exists():
        candidate = dest_dir / "{stem}-{n}.sqlite3".format(stem=stem, n=n)
        n += 1
    return candidate


# ---------------------------------------------------------------- public API

def make_backup(
    db_path: Path, dest_dir: Path, *, kind: str = "daily", now: datetime | None = None
) -> BackupInfo:
    """Copy the database into ``dest_dir`` as a new, verified backup file."""
    return _make_backup(Path(db_path), Path(dest_dir), kind=kind, now=now, require_intact=True)


def _make_backup(
    db_path: Path, dest_dir: Path, *, kind: str, now: datetime | None, require_intact: bool
) -> BackupInfo:
    if kind not in KINDS:
        raise ValueError("unknown backup kind: {!r}".format(kind))
    now = (now or datetime.now()).replace(microsecond=0)
    if not db_path.is_file():
        raise BackupError(
            _("找不到要备份的数据库文件({path})。请确认数据文件夹设置正确。").format(path=db_path)
        )
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _error_for(exc, dest_dir, restoring=False, db_path=db_path) from exc
    _check_free_space(dest_dir, _footprint(db_path), restoring=False)
    try:
        with folder_lock(dest_dir, _FOLDER_LOCK, wait=FOLDER_WAIT_SECONDS):
            # what a backup killed half-way left here (no other backup can be writing here now)
            remove_leftovers(dest_dir, BACKUP_TMP)
            return _copy_into(db_path, dest_dir, now=now, kind=kind, require_intact=require_intact)
    except TimeoutError as exc:
        raise BackupError(_("另一个备份正在写到这个文件夹({where}),等了 {minutes} 分钟仍未结束,这次备份没有做。"
                            "请等它完成后再试。").format(where=dest_dir, minutes=FOLDER_WAIT_SECONDS // 60)) from exc
    except OSError as exc:  # the lock file could not be made: a read-only or pulled stick
        raise _error_for(exc, dest_dir, restoring=False, db_path=db_path) from exc


def _copy_into(db_path: Path, dest_dir: Path, *, now: datetime, kind: str, require_intact: bool) -> BackupInfo:
    final = _free_name(dest_dir, now, kind)
    # a name of its own, held while it is written: nobody else's run removes it, and it never removes theirs
    tmp = final.with_name("{name}.{token}{suffix}".format(name=final.name, token=os.urandom(4).hex(),
                                                         suffix=_TMP_SUFFIX))
    fd: int | None = None
    created = False
    try:
        fd = _create_exclusive(tmp)
        created = True
        hold(fd)
        _online_copy(_reader_uri(db_path), tmp)
        if require_intact:
            try:
                verify_backup_file(tmp)
            except BackupError as exc:
                raise _CopyCheckFailed(
                    _("备份写好后校验没有通过,备份没有保存。请换一个U盘再试;如果仍然失败,请联系技术人员检查电脑上的数据库。")
                ) from exc
        fsync_file(tmp)
        os.close(fd)  # Windows renames no file that is still open
        fd = None
        os.replace(tmp, final)
    except BaseException as exc:
        if fd is not None:
            os.close(fd)
        if created:  # only ever our own file
            _remove_with_sidecars(tmp)
        if isinstance(exc, (OSError, sqlite3.Error)):
            raise _error_for(exc, dest_dir, restoring=False, db_path=db_path) from exc
        raise
    fsync_dir(dest_dir)
    return BackupInfo(path=final, created=now, kind=kind, size=final.stat().st_size)


def list_backups(dest_dir: Path) -> list[BackupInfo]:
    """Backup files in ``dest_dir``, newest first; other files are ignored."""
    try:
        entries = list(Path(dest_dir).iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        log.error("cannot list %s", dest_dir, exc_info=True)
        raise BackupError(
            _("读不出备份位置({where})。请检查U盘是否插好,再试一次。").format(where=dest_dir)
        ) from exc
    found: list[tuple[datetime, int, BackupInfo]] = []
    for p in entries:
        parsed = _parse_name(p.name)
        if parsed is None:
            continue
        try:
            st = p.stat()
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        created, kind, seq = parsed
        found.append((created, seq, BackupInfo(path=p, created=created, kind=kind, size=st.st_size)))
    found.sort(key=lambda e: (e[0], e[1]), reverse=True)
    return [info for _created, _seq, info in found]


def rotate(
    dest_dir: Path,
    *,
    now: datetime | None = None,
    daily: int = 7,
    weekly: int = 4,
    monthly: int = 12,
) -> list[Path]:
    """Delete routine backups no longer needed (grandfather-father-son); return what was removed.

    Kept: the newest daily backup of each of the ``daily`` most recent days that
    have one, of each of the ``weekly`` most recent ISO weeks, and of each of the
    ``monthly`` most recent months; one file may satisfy several rules. Counting
    days that have a backup, rather than calendar days, means a PC left off for
    a fortnight still keeps a week of copies. Manual, pre-migration and
    pre-restore backups, and files dated after ``now`` (a clock set wrong once),
    are never removed.
    """
    if min(daily, weekly, monthly) < 0:
        raise ValueError("rotation counts must not be negative")
    now = now or datetime.now()
    candidates = [b for b in list_backups(dest_dir) if b.kind in _ROTATED_KINDS and b.created <= now]
    if not candidates:
        return []
    rules: list[tuple[int, Callable[[datetime], Hashable]]] = [
        (daily, lambda d: d.date()),
        (weekly, lambda d: tuple(d.isocalendar())[:2]),
        (monthly, lambda d: (d.year, d.month)),
    ]
    keep = {candidates[0].path}  # whatever the settings, the latest copy stays
    for count, period in rules:
        seen: set[Hashable] = set()
        for b in candidates:  # newest first, so the first of each period is its newest
            key = period(b.created)
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.add(key)
            keep.add(b.path)
    removed: list[Path] = []
    for b in candidates:
        if b.path in keep:
            continue
        try:
            b.path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            # An old copy that cannot be removed costs space, not data.
            log.warning("could not remove old backup %s", b.path, exc_info=True)
            continue
        removed.append(b.path)
    return removed


def needs_daily_backup(dest_dir: Path, now: datetime | None = None) -> bool:
    """True when ``dest_dir`` has no daily backup dated today."""
    today = (now or datetime.now()).date()
    return not any(b.kind == "daily" and b.created.date() == today for b in list_backups(dest_dir))


def verify_backup_file(path: Path, required_tables: Iterable[str] = ()) -> None:
    """Raise BackupError unless ``path`` is a complete, intact SQLite database.

    With ``required_tables``, each named table must also exist, so that some
    other program's database is not taken for a village backup.
    """
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise BackupError(
            _("找不到备份文件({path})。请确认U盘已插好,文件没有被移走或改名。").format(path=path)
        ) from None
    except OSError as exc:
        raise BackupError(_("读不出备份文件({path})。请检查U盘是否插好,再试一次。").format(path=path)) from exc
    not_a_backup = BackupError(
        _("这个文件不是数据库备份({path})。请选择文件名以 cunwu- 开头、以 .sqlite3 结尾的备份文件。").format(
            path=path
        )
    )
    truncated = BackupError(
        _("备份文件不完整,可能是复制到一半U盘被拔掉了({path})。请换一个备份文件。").format(path=path)
    )
    damaged = BackupError(_("备份文件已经损坏,不能用来恢复({path})。请换一个备份文件。").format(path=path))
    if not stat.S_ISREG(st.st_mode):
        raise not_a_backup
    try:
        with open(path, "rb") as f:
            header = f.read(100)
    except OSError as exc:
        raise BackupError(_("读不出备份文件({path})。请检查U盘是否插好,再试一次。").format(path=path)) from exc
    if not header.startswith(_SQLITE_MAGIC):
        raise not_a_backup
    if len(header) < 100:
        raise truncated
    # Header layout: https://www.sqlite.org/fileformat.html#the_database_header
    page_size = int.from_bytes(header[16:18], "big")
    if page_size == 1:
        page_size = 65536
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        raise damaged
    if st.st_size % page_size:
        raise truncated
    page_count = int.from_bytes(header[28:32], "big")
    # The in-header page count is only trustworthy when its "valid-for"
    # number matches the change counter (older writers left it stale).
    if page_count and header[24:28] == header[92:96] and page_count * page_size != st.st_size:
        raise truncated

    try:
        conn = sqlite3.connect(_reader_uri(path, immutable=True), uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        log.warning("backup file %s failed to open or check", path, exc_info=True)
        raise damaged from exc
    if result != [("ok",)]:
        log.warning("integrity_check of %s: %s", path, result[:10])
        raise damaged
    missing = [t for t in required_tables if t not in tables]
    if missing:
        raise BackupError(
            _("这不是村务数据库的备份({path}),里面缺少村务数据。请选择本软件做的备份文件。").format(path=path)
        )


def restore_backup(
    backup_file: Path,
    db_path: Path,
    *,
    aside_dir: Path,
    now: datetime | None = None,
    required_tables: Iterable[str] = (),
) -> Path | None:
    """Replace the database at ``db_path`` with the contents of ``backup_file``.

    The backup is checked before anything is touched, and the current database
    is first copied into ``aside_dir`` as a 'pre-restore' backup. Returns that
    copy's path, or None when there was no current database to keep. The caller
    must have closed every connection to ``db_path``. On any failure
    ``db_path`` is left exactly as it was.
    """
    backup_file, db_path, aside_dir = Path(backup_file), Path(db_path), Path(aside_dir)
    required_tables = tuple(required_tables)
    verify_backup_file(backup_file, required_tables)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _error_for(exc, db_path.parent, restoring=True, db_path=db_path) from exc
    _check_free_space(db_path.parent, backup_file.stat().st_size, restoring=True)
    aside = _keep_aside(db_path, aside_dir, now) if db_path.exists() else None

    tmp = db_path.with_name(db_path.name + ".restore" + _TMP_SUFFIX)
    set_aside: list[tuple[Path, Path]] = []
    fd: int | None = None
    try:
        _remove_with_sidecars(tmp)  # left by a restore cut short by a power cut
        fd = _create_exclusive(tmp)
        hold(fd)  # not a leftover while this restore writes it (app.leftovers)
        _online_copy(_reader_uri(backup_file, immutable=True), tmp)
        try:
            verify_backup_file(tmp, required_tables)
        except BackupError as exc:
            raise BackupError(
                _("恢复时复制出来的数据库没有通过校验,原来的数据没有改动。请换一个备份文件,或把备份先复制到电脑上再试。")
            ) from exc
        fsync_file(tmp)
        os.close(fd)  # Windows renames no file that is still open
        fd = None
        _fold_in_sidecars(db_path)
        set_aside = _set_sidecars_aside(db_path)
        os.replace(tmp, db_path)
    except BaseException as exc:
        if fd is not None:
            os.close(fd)
        _put_back(set_aside)
        _remove_with_sidecars(tmp)
        if isinstance(exc, (OSError, sqlite3.Error)):
            raise _error_for(exc, db_path.parent, restoring=True, db_path=db_path) from exc
        raise
    fsync_dir(db_path.parent)
    for _original, moved in set_aside:
        try:
            moved.unlink()
        except OSError:
            log.warning("could not remove %s", moved, exc_info=True)
    return aside


def _keep_aside(db_path: Path, aside_dir: Path, now: datetime | None) -> Path:
    try:
        return _make_backup(db_path, aside_dir, kind="pre-restore", now=now, require_intact=True).path
    except _CopyCheckFailed:
        if _is_intact(db_path):
            raise
    except _SourceDamaged as exc:
        raise BackupError(
            _("电脑上现在的数据库读不出来,无法先另存一份,所以没有恢复,原来的文件没有改动({path})。请联系技术人员处理。").format(
                path=db_path
            )
        ) from exc
    # The current database is itself damaged, which is usually why the clerk
    # is restoring: keep the unchecked copy rather than refuse the restore.
    log.warning("current database %s fails integrity_check; keeping an unchecked copy aside", db_path)
    return _make_backup(db_path, aside_dir, kind="pre-restore", now=now, require_intact=False).path


def _fold_in_sidecars(db_path: Path) -> None:
    """Write the closed database's -wal into its main file, so SQLite removes the -wal and -shm itself
    and usually nothing is left to set aside (and, on a failing disk, nothing to put back)."""
    if not any(db_path.with_name(db_path.name + suffix).exists() for suffix in _SIDECARS):
        return
    try:
        con = sqlite3.connect(db_path)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            con.close()
    except sqlite3.Error:
        log.warning("could not fold the -wal of %s into it before restoring", db_path, exc_info=True)


def _set_sidecars_aside(db_path: Path) -> list[tuple[Path, Path]]:
    # Renamed, not deleted, so a failed replace can put the old -wal back: it
    # may hold committed data not yet in the main file.
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in _SIDECARS:
            original = db_path.with_name(db_path.name + suffix)
            if original.exists():
                target = original.with_name(original.name + _SET_ASIDE_SUFFIX)
                os.replace(original, target)
                moved.append((original, target))
    except BaseException:
        _put_back(moved)
        raise
    return moved


def _put_back(moved: list[tuple[Path, Path]]) -> None:
    for original, target in moved:
        try:
            os.replace(target, original)
        except OSError:
            log.error("could not put %s back as %s", target, original, exc_info=True)
