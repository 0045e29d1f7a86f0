"""One print job through the program's own print path, in a fresh process: used by tests/test_cups_printing.py.

``python tests/cups_job.py PRINTER KIND OURS.pdf`` prints a printout of KIND (notice: A4 portrait,
landscape: the villagers' feedback list on A4 landscape, a3: the notice on A3) on the CUPS printer
PRINTER with the functions the preview's 打印 uses (printer_for, send_to_printer), no dialog; writes the
same printout with the program's PDF writer to OURS.pdf, for comparison; prints one JSON line: whether the
pages went to the printer, what the clerk was told, the number of pages, paper and orientation.

A fresh process, because libcups remembers the print server (CUPS_SERVER) the first time it is asked.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def printout(kind: str):  # type: ignore[no-untyped-def]
    from app.disclosure.printing import feedback_printout, notice_printout
    from app.disclosure.view import NoticeTable, NoticeView

    rows = [["2026-{:02d}-{:02d}".format(1 + n % 12, 1 + n % 28), "记-{:04d}".format(n + 1), "支付村道路灯维修材料款",
             "公益支出", "", "{:,.2f}".format(100 + n)] for n in range(30)]
    view = NoticeView(
        village_name="柳林村", number="2027-001", title="柳林村2026年度财务收支公开", category="财务",
        period_label="2026年度", body="现将本村2026年度财务收支明细公开如下,请村民监督。",
        tables=[NoticeTable("2026年度收支明细", ["日期", "凭证号", "摘要", "科目", "收入(元)", "支出(元)"], rows,
                            frozenset({4, 5}))],
        print_date=dt.date(2027, 1, 5))
    if kind == "landscape":
        return feedback_printout("柳林村", "2026-003", "2026年第二季度最低生活保障对象公示", [
            ["2026-07-{:02d}".format(1 + n % 28), "赵大爷", "第二小组为什么只有一户?第{n}问".format(n=n + 1),
             "其他申请户收入超过标准。", "张三", "2026-07-09"] for n in range(24)])
    return notice_printout(view, paper="a3" if kind == "a3" else "a4")


def main() -> int:
    name, kind, ours = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from app.printing.pdf import write_pdf
    from ui.printing.preview import printer_for, send_to_printer

    job = printout(kind)
    write_pdf(job, ours)
    status = QLabel()
    sent = send_to_printer(None, printer_for(job, name), job, status)
    print(json.dumps({"sent": sent, "told": status.text(), "pages": len(job.pages), "paper": job.paper,
                      "landscape": job.landscape, "title": job.title}, ensure_ascii=False), flush=True)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
