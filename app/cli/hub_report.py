"""``cunwu hub report``: the township's monthly report for the county (app.hub.report)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.i18n import _


def add_report_parser(hub_actions: Any) -> None:
    a = hub_actions.add_parser("report", help=_("导出月报:各村的村务公开、会议、四议两公开和证明(.xlsx 表格或 .pdf 两页摘要)"))
    a.add_argument("--month", required=True, help=_("月份,写成 年-月,例如 2026-11"))
    a.add_argument("-o", "--output", required=True,
                   help=_("写到这个文件:.xlsx 每个方面一张工作表;.pdf 给乡镇领导的两页摘要"))


def hub_report(hub: Any, args: argparse.Namespace) -> int:
    from app.hub.report import export_report

    out = Path(args.output).expanduser()
    report = export_report(hub, args.month, out)
    print(_("已导出{township}{month}的月报({n} 个村)到 {path}").format(
        township=report.township, month=report.label, n=len(report.villages), path=out))
    return 0
