"""``cunwu``: the command line. Command names are part of the product."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app import version_line
from app.errors import UserError
from app.i18n import _, set_language

log = logging.getLogger("cunwu")


class CliError(UserError):
    """A failure to report as one line and a non-zero exit."""


def village_store(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The store of ``--data-dir``, refusing when the village has not been set up."""
    store = _open(args)
    _need_village(store)
    return store


def pdf_output(value: str, wrong_suffix: str) -> Path:
    """Where to write a PDF the command prints; ``wrong_suffix`` says what to type instead."""
    path = Path(value).expanduser()
    if path.suffix.lower() != ".pdf":
        raise CliError(wrong_suffix)
    if not path.parent.is_dir():
        raise CliError(_("文件夹 {dir} 不存在。").format(dir=path.parent))
    return path


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cunwu", description=_("村务:村委会的村务公开、会议记录、证明开具与村民信息管理。"))
    p.add_argument("--data-dir", help=_("数据目录(默认在用户数据目录;也可用环境变量 CUNWU_DATA_DIR)"))
    p.add_argument("--lang", help=_("界面语言:zh(默认)或 en"))
    p.add_argument("--version", action="version", version=version_line())
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("init", help=_("建立本村资料"))
    s.add_argument("--name", required=True, help=_("村名"))
    s.add_argument("--code", required=True, help=_("村民委员会的18位统一社会信用代码"))
    s.add_argument("--township", required=True, help=_("所属乡镇(街道)"))
    s.add_argument("--county", default="", help=_("所属县(市、区)"))
    s.add_argument("--group", action="append", default=[], help=_("村民小组名称,可重复"))

    s = sub.add_parser("demo", help=_("生成一个演示村(虚构数据)"))
    s.add_argument("--size", choices=["small", "large"], default="small")
    s.add_argument("--seed", type=int, default=2026)

    sub.add_parser("check", help=_("检查数据库完整性和操作日志"))

    s = sub.add_parser("backup", help=_("立即备份"))
    s.add_argument("--to", help=_("备份到这个目录(例如U盘)"))

    s = sub.add_parser("restore", help=_("从备份文件恢复"))
    s.add_argument("file")
    s.add_argument("--other-village", action="store_true",
                   help=_("备份是另一个村的,也要恢复(乡镇安排的恢复办法;恢复后要由乡镇重新登记本机的密钥)"))

    s = sub.add_parser("user", help=_("用户管理"))
    us = s.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    a = us.add_parser("add", help=_("添加用户"))
    a.add_argument("name")
    a.add_argument("--role", required=True, help="管理员 | 文书/会计 | 主任 | 监委会")
    a.add_argument("--password-stdin", action="store_true", help=_("从标准输入读取密码"))
    a = us.add_parser("passwd", help=_("给用户设置新密码"))
    a.add_argument("name")
    a.add_argument("--password-stdin", action="store_true", help=_("从标准输入读取密码"))

    s = sub.add_parser("residents", help=_("村民信息"))
    rs = s.add_subparsers(dest="residents_command", required=True, metavar="ACTION")
    a = rs.add_parser("import", help=_("从 Excel/CSV 花名册导入"))
    a.add_argument("file")
    a.add_argument("--dry-run", action="store_true", help=_("只检查,不写入"))
    a = rs.add_parser("export", help=_("导出为 Excel"))
    a.add_argument("file")

    from app.cli import certificates, disclosure, finance, meetings, sync

    sync.add_parsers(sub)
    certificates.add_parsers(sub)
    disclosure.add_parsers(sub)
    meetings.add_parsers(sub)
    finance.add_parsers(sub)
    return p


def _data_dir(args: argparse.Namespace) -> Path:
    from app.config import resolve_data_dir

    return resolve_data_dir(args.data_dir)


def _open(args: argparse.Namespace, *, create: bool = False):  # type: ignore[no-untyped-def]
    from app.schema import StoreError, open_store

    try:
        return open_store(_data_dir(args), create=create)
    except StoreError as exc:
        raise CliError(str(exc)) from exc


def _need_village(store) -> None:  # type: ignore[no-untyped-def]
    from app.people.service import get_village

    with store.read() as s:
        if get_village(s) is None:
            raise CliError(_("还没有建立本村资料。请先运行 cunwu init(或 cunwu demo 生成演示村)。"))


def cmd_init(args: argparse.Namespace) -> int:
    from app.keys import ensure_village_key, village_fingerprint
    from app.people.service import FieldError, init_village

    store = _open(args, create=True)
    try:
        with store.begin("cli") as s:
            v = init_village(s, name=args.name, code=args.code, township=args.township, county=args.county,
                             groups=args.group)
            # the key before the commit: a key that cannot be written (full disk) leaves no village behind
            # that a second `cunwu init` would refuse to set up again
            ensure_village_key(store.data_dir)
    except FieldError as exc:
        raise CliError(exc.message) from exc
    print(_("已建立:{name}(统一社会信用代码 {code}),数据目录 {dir}").format(name=v.name, code=v.code, dir=store.data_dir))
    print(_("本村密钥指纹:{fp}").format(fp=village_fingerprint(store.data_dir)))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo import DemoError, create_demo

    store = _open(args, create=True)
    try:
        info = create_demo(store, size=args.size, seed=args.seed,
                           progress=lambda done, total: None)
    except DemoError as exc:
        raise CliError(str(exc)) from exc
    print(_("演示村已生成:{name},{n} 人、{h} 户、{g} 个村民小组。数据目录 {dir}").format(
        name=info.name, n=info.residents, h=info.households, g=info.groups, dir=store.data_dir))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from app.check import check_store

    store = _open(args)
    with store.read() as s:
        report = check_store(s)
    if report.ok:
        print(_("检查通过:{e} 条操作日志完整,{r} 条记录与日志一致。").format(e=report.events, r=report.records))
        return 0
    print(_("检查发现 {n} 个问题。第一个:{first}").format(n=len(report.problems), first=report.problems[0]))
    for p in report.problems[1:20]:
        print("  " + str(p))
    return 1


def cmd_backup(args: argparse.Namespace) -> int:
    from app.backup import BackupError, make_backup

    store = _open(args)
    dest = Path(args.to).expanduser() if args.to else store.backup_dir
    try:
        info = make_backup(store.db_path, dest, kind="manual")
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    print(_("已备份到 {path}").format(path=info.path))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from app.backup import BackupError
    from app.config import ensure_writable
    from app.restore import re_enrol_message, restore

    data_dir = _data_dir(args)
    ensure_writable(data_dir)
    try:
        done = restore(data_dir, Path(args.file).expanduser(), other_village=args.other_village)
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    print(_("已从 {file} 恢复。恢复前的数据另存在 {aside}").format(file=args.file, aside=done.aside))
    if done.other_village and done.village is not None:
        print(re_enrol_message(done.village))
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    from app.accounts.service import AccountError, add_user, set_password

    store = _open(args)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(_("密码:"))
        if getpass.getpass(_("再输入一次:")) != password:
            raise CliError(_("两次输入的密码不一样,没有添加用户。") if args.user_command == "add"
                           else _("两次输入的密码不一样,密码没有改。"))
    try:
        with store.begin("cli") as s:
            if args.user_command == "passwd":
                u = set_password(s, args.name, password)
            else:
                u = add_user(s, args.name, args.role, password)
    except AccountError as exc:
        raise CliError(str(exc)) from exc
    if args.user_command == "passwd":
        print(_("用户 {name} 的密码已改好。").format(name=u.name))
        return 0
    print(_("已添加用户 {name}(角色:{role})").format(name=u.name, role=u.role))
    return 0


def cmd_residents(args: argparse.Namespace) -> int:
    store = _open(args)
    _need_village(store)
    if args.residents_command == "import":
        return _residents_import(store, Path(args.file).expanduser(), args.dry_run)
    return _residents_export(store, Path(args.file).expanduser())


def _residents_import(store, path: Path, dry_run: bool) -> int:  # type: ignore[no-untyped-def]
    from app.people.importer import import_roster, summary
    from app.people.spreadsheet import RosterFileError

    try:
        with store.begin("cli") as s:
            report = import_roster(s, path, dry_run=dry_run)
    except RosterFileError as exc:
        raise CliError(str(exc)) from exc
    print(summary(report))
    for e in report.errors:
        print(_("  第{row}行 [{col}]:{reason} {fix}").format(row=e.row_number, col=e.column, reason=e.reason, fix=e.fix))
    if report.groups_created and dry_run:
        print(_("  将新建村民小组:{groups}").format(groups="、".join(report.groups_created)))
    return 1 if report.errors else 0


def _residents_export(store, path: Path) -> int:  # type: ignore[no-untyped-def]
    from app.people.export import export_roster

    if path.suffix.lower() != ".xlsx":
        raise CliError(_("导出文件名要以 .xlsx 结尾,例如 花名册.xlsx"))
    with store.read() as s:
        n = export_roster(s, path)
    print(_("已导出 {n} 人到 {path}").format(n=n, path=path))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": cmd_init, "demo": cmd_demo, "check": cmd_check, "backup": cmd_backup, "restore": cmd_restore,
    "user": cmd_user, "residents": cmd_residents,
}


def _all_commands() -> dict[str, Callable[[argparse.Namespace], int]]:
    from app.cli.certificates import COMMANDS as CERT
    from app.cli.disclosure import COMMANDS as DISCLOSURE
    from app.cli.finance import COMMANDS as FINANCE
    from app.cli.meetings import COMMANDS as MEETINGS
    from app.cli.sync import COMMANDS as SYNC

    return {**COMMANDS, **SYNC, **CERT, **DISCLOSURE, **FINANCE, **MEETINGS}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # the language must be known before argparse builds its help texts
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            set_language(argv[i + 1])
        elif a.startswith("--lang="):
            set_language(a.split("=", 1)[1])
    args = _parser().parse_args(argv)
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _PipeSafe(stdout), _PipeSafe(stderr)  # `cunwu check 2>&1 | head` too
    try:
        code = _run(args)
        sys.stdout.flush()  # what is still buffered goes now, while a closed pipe can still be told apart
        sys.stderr.flush()
        return code
    finally:
        sys.stdout, sys.stderr = stdout, stderr


class _PipeSafe:
    """Standard output that a reader may stop reading (``cunwu check | head -c 100``).

    When the reader has gone, the rest of the output is thrown away (standard output now points at the
    null device, as the Python documentation on SIGPIPE advises) and the command goes on to its end, so its
    exit code is the one it would have had: a failed import or a failed check stays a failure in a pipe."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self._stream = stream
        self._gone = False

    def _reader_gone(self) -> None:
        import os

        self._gone = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):  # not a real file (a test's capture): nothing to redirect
            pass

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._reader_gone()
        return len(text)

    def flush(self) -> None:
        if self._gone:
            try:  # what was buffered when the reader left goes to the null device now
                self._stream.flush()
            except OSError:
                pass
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_gone()
            self.flush()

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._stream, name)


class _WaitLine:
    """Tells the person on standard error that the command waits for another write: at once, then every
    half minute (app.storage calls it about once a second while it waits)."""

    EVERY = 30.0

    def __init__(self) -> None:
        self.next_at = 0.0

    def __call__(self, waited: float, limit: float, over: bool) -> None:
        from app.storage import waiting_message

        if not over and waited >= self.next_at:
            print(waiting_message(waited, limit), file=sys.stderr, flush=True)
            self.next_at = waited + self.EVERY


def _run(args: argparse.Namespace) -> int:
    from app.logsetup import setup_logging
    from app.storage import set_default_wait_notice

    set_default_wait_notice(_WaitLine())
    try:
        from app.config import DataDirError

        try:
            setup_logging(_data_dir(args))
            return _all_commands()[args.command](args)
        except DataDirError as exc:
            raise CliError(str(exc)) from exc
        finally:
            set_default_wait_notice(None)
    except UserError as exc:  # CliError and every error a person can fix: its message, one line
        print(_("错误:{reason}").format(reason=exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a clerk sees one line, the log gets the traceback
        log.exception("unexpected error")
        print(_("错误:出现意外问题({reason})。详细信息已写入日志文件。").format(reason=type(exc).__name__), file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
