"""A year's financial notice, 2,000 ledger lines, printed to PDF in the running program.

``notice-pdf-vs-canvas``: ``render_notice`` (layout, masking, the glyph check, measuring and
wrapping, drawing, the atomic write) against the floor: a bare ReportLab canvas drawing the
same strings at the same positions in the same fonts, positions computed beforehand, so
nothing is measured, wrapped, masked or checked. Target ≤ 2x.

``notice-pdf-vs-libreoffice``: the same table saved as .xlsx and converted by
``soffice --headless --convert-to pdf``, the whole conversion as a clerk experiences it (a
fresh process each time, its profile already created), against ``render_notice``. The ratio
is LibreOffice's time over ours; target ≥ 5 (at least five times faster). LibreOffice is
installed from Debian (libreoffice-calc-nogui) when it is missing and apt may be used; when it
cannot be, the row says "not available" instead of failing. A quick run never installs it.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import shutil
import subprocess
import time
import traceback
from pathlib import Path
from typing import Any

from bench.core import Result, Settings, failed, median, ratio_of, run_child, tail, unavailable

NAME = "notice-pdf"
CANVAS = "notice-pdf-vs-canvas"
CANVAS_TARGET = "≤ 2x"
CANVAS_LIMIT = 2.0
OFFICE = "notice-pdf-vs-libreoffice"
OFFICE_TARGET = "≥ 5x faster"
OFFICE_LIMIT = 5.0
TARGET = CANVAS_TARGET
UNITS = "s"

ROWS = 2000
QUICK_ROWS = 200
OFFICE_PACKAGES = ("libreoffice-calc-nogui", "libreoffice-calc")

_SUMMARIES = (
    "收到镇财政转拨村级组织运转经费", "支付村委会办公用电费", "收取鱼塘发包承包费", "支付村道路灯维修材料款",
    "收到农业产业项目补助资金", "支付村民小组长误工补贴", "购买办公用品及打印纸", "支付垃圾清运费用",
    "收到集体林地流转租金", "支付村卫生室水电费", "收取集体厂房租金", "支付饮水工程管道维修费",
    "收到上级拨付防汛物资补助", "支付村务公开栏制作费", "收到闲置校舍出租收入", "支付村干部培训差旅费",
    "支付五保户慰问品款", "收到集体经济合作社分红", "支付文化活动室设备购置款", "支付沟渠清淤劳务费",
)
_INCOME = ("经营收入", "发包及上交收入", "投资收益", "补助收入", "其他收入")
_EXPENSE = ("经营支出", "管理费用", "公益支出", "其他支出")


def ledger_rows(count: int, seed: int = 2026) -> list[list[str]]:
    """Ledger lines of one year: date, voucher, summary, category, income, expense."""
    rng = random.Random(seed)
    start = dt.date(2026, 1, 1)
    rows = []
    for n in range(count):
        day = start + dt.timedelta(days=n * 365 // count)
        summary = rng.choice(_SUMMARIES)
        income = summary.startswith("收")
        amount = "{:,.2f}".format(rng.randint(1_000, 9_000_000) / 100)
        rows.append([day.isoformat(), "记-{:04d}".format(n + 1), summary,
                     rng.choice(_INCOME if income else _EXPENSE),
                     amount if income else "", "" if income else amount])
    return rows


def notice_view(count: int) -> Any:
    from app.disclosure.view import NoticeTable, NoticeView

    rows = ledger_rows(count)
    total_in = sum(float(r[4].replace(",", "")) for r in rows if r[4])
    total_out = sum(float(r[5].replace(",", "")) for r in rows if r[5])
    table = NoticeTable(title="2026年度收支明细", columns=["日期", "凭证号", "摘要", "科目", "收入(元)", "支出(元)"],
                        rows=rows, numeric=frozenset({4, 5}),
                        total=["合计", "", "", "", "{:,.2f}".format(total_in), "{:,.2f}".format(total_out)])
    return NoticeView(
        village_name="柳林村", number="2027-001", title="柳林村2026年度财务收支公开", category="财务",
        period_label="2026年度",
        body="根据《村民委员会组织法》第三十条,现将本村2026年度财务收支明细公开如下,请村民监督。\n"
             "对公开内容有疑问的,可在张贴期内向村务监督委员会反映。",
        tables=[table], posted_from=dt.date(2027, 1, 5), posted_until=dt.date(2027, 1, 20),
        reviewers="王建国、李秀英、赵明", hotline="0871-65123456", print_date=dt.date(2027, 1, 5),
        chain_head="第 1523 号 · 3f2a9c1b", qr_payload="CUNWU-N|54371426MF5000001X|2027-001|3f2a9c1b0d4e")


# ---------------------------------------------------------------- LibreOffice


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def install_soffice(allowed: bool = True) -> tuple[str | None, str]:
    """soffice, installed from Debian as scripts/setup.sh installs things, or None and why not."""
    found = find_soffice()
    if found:
        return found, ""
    if not allowed:
        return None, "soffice is not installed; a quick run does not install LibreOffice (a full run does)"
    if shutil.which("apt-get") is None:
        return None, "soffice is not installed and there is no apt-get to install it"
    if os.geteuid() == 0:
        sudo: list[str] = []
    elif shutil.which("sudo"):
        sudo = ["sudo", "-n"]
    else:
        return None, "soffice is not installed and apt-get needs root"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    log = []
    update = subprocess.run([*sudo, "apt-get", "update", "-qq"], env=env, capture_output=True, text=True,
                            timeout=900)
    log.append(tail(update.stdout + update.stderr, 5))
    for package in OFFICE_PACKAGES:
        done = subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
                              env=env, capture_output=True, text=True, timeout=3600)
        found = find_soffice()
        if done.returncode == 0 and found:
            return found, ""
        log.append(f"{package}: exit {done.returncode}: {tail(done.stdout + done.stderr, 5)}")
    return None, "installing LibreOffice failed: " + " | ".join(x for x in log if x)


# ---------------------------------------------------------------- the floor


def floor_strings(pages: list[Any]) -> list[tuple[float, float, list[tuple[float, float, str, str, float]]]]:
    """Per page: its size and the strings it shows, each (x, y, text, font, size), from the layout."""
    from app.disclosure.layout import Text

    return [(p.width, p.height, [(op.x, op.y, op.text, op.font, op.size) for op in p.ops if type(op) is Text])
            for p in pages]


def draw_floor(out: Path, strings: list[tuple[float, float, list[tuple[float, float, str, str, float]]]]) -> None:
    """A bare canvas: the same strings at the same places in the same fonts, nothing measured or checked."""
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(out), pagesize=strings[0][:2], pageCompression=1)
    for width, height, texts in strings:
        canvas.setPageSize((width, height))
        current = None
        for x, y, text, font, size in texts:
            if current != (font, size):
                current = (font, size)
                canvas.setFont(font, size)
            canvas.drawString(x, y, text)
        canvas.showPage()
    canvas.save()


# ---------------------------------------------------------------- measuring


def write_xlsx(path: Path, view: Any) -> None:
    """The notice's table as a clerk would keep it in a spreadsheet, set up to print like the notice."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    table = view.tables[0]
    book = Workbook()
    sheet = book.active
    sheet.title = "收支明细"
    font, bold = Font(name="WenQuanYi Micro Hei", size=14), Font(name="WenQuanYi Micro Hei", size=14, bold=True)
    right = Alignment(horizontal="right")
    for r, values in enumerate([table.columns, *table.rows, table.total], start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.font = bold if r == 1 or values is table.total else font
            if c - 1 in table.numeric:
                cell.alignment = right
    for letter, width in zip("ABCDEF", (13, 9, 32, 15, 14, 14)):
        sheet.column_dimensions[letter].width = width
    sheet.print_title_rows = "1:1"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.center.text = "第 &P 页 / 共 &N 页"
    book.save(path)


def _fontconfig(work: Path) -> Path:
    """A fontconfig file that adds the program's own fonts, so LibreOffice sets the same Chinese."""
    from app.printing.fonts import font_paths

    folder = next(iter(font_paths().values())).parent
    conf = work / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{folder}</dir>\n  <cachedir>{work / 'fontcache'}</cachedir>\n</fontconfig>\n", encoding="utf-8")
    return conf


def _convert(soffice: str, xlsx: Path, out_dir: Path, profile: Path, conf: Path) -> tuple[float, str]:
    """One whole conversion in a fresh LibreOffice process: seconds, and its output when it failed."""
    cmd = [soffice, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile.as_uri()}",
           "--convert-to", "pdf", "--outdir", str(out_dir), str(xlsx)]
    saved = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(conf)
    try:
        run = run_child(cmd, timeout=600)
    finally:
        if saved is None:
            os.environ.pop("FONTCONFIG_FILE", None)
        else:
            os.environ["FONTCONFIG_FILE"] = saved
    produced = out_dir / (xlsx.stem + ".pdf")
    if run.returncode != 0 or not produced.exists():
        return run.seconds, f"exit {run.returncode}: {tail(run.output)}"
    return run.seconds, ""


def _pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def run(settings: Settings) -> list[Result]:
    from app.disclosure.layout import layout_notice
    from app.disclosure.printing import render_notice

    work = settings.work_dir / "notice-pdf"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    count = QUICK_ROWS if settings.quick else ROWS
    view = notice_view(count)
    ours_pdf, floor_pdf = work / "ours.pdf", work / "floor.pdf"
    results: list[Result] = []
    ours: list[float] = []
    try:
        # the running program: fonts registered and modules loaded by an earlier print
        render_notice(view, ours_pdf)
        strings = floor_strings(layout_notice(view))
        draw_floor(floor_pdf, strings)
        floor: list[float] = []
        for _ in range(settings.repeats):
            gc.collect()
            start = time.perf_counter()
            draw_floor(floor_pdf, strings)
            floor.append(time.perf_counter() - start)
            gc.collect()
            start = time.perf_counter()
            pages = render_notice(view, ours_pdf)
            ours.append(time.perf_counter() - start)
        ours_s, floor_s = median(ours), median(floor)
        ratio = ratio_of(ours_s, floor_s)
        results.append(Result(CANVAS, ours_s, floor_s, ratio, CANVAS_TARGET,
                              ratio is not None and ratio <= CANVAS_LIMIT, "s", {
            "rows": count, "pages": pages, "strings": sum(len(t) for _w, _h, t in strings), "runs": len(ours),
            "paper": "A4 portrait", "file_bytes": ours_pdf.stat().st_size,
            "floor_file_bytes": floor_pdf.stat().st_size,
            "ours": "render_notice(view, path) in a warm process: masking, glyph check, measuring, wrapping, "
                    "column widths, pagination, header/footer/QR on every page, PDF content, fsync, rename",
            "floor": "a bare reportlab Canvas: setFont when it changes and drawString for the same strings at "
                     "the same positions in the same fonts (positions computed beforehand), showPage, save",
            "ours_samples": ours, "floor_samples": floor}))
    except Exception as exc:  # noqa: BLE001 - reported as a failed row with the traceback
        results.append(failed(CANVAS, CANVAS_TARGET, "s", f"{type(exc).__name__}: {exc}",
                              traceback=traceback.format_exc()))
    results.append(_vs_office(settings, view, work, ours))
    shutil.rmtree(work, ignore_errors=True)
    return results


def _vs_office(settings: Settings, view: Any, work: Path, ours: list[float]) -> Result:
    try:
        if not ours:
            return failed(OFFICE, OFFICE_TARGET, "s", "our own render failed, see notice-pdf-vs-canvas")
        soffice, why = install_soffice(allowed=not settings.quick)
        if soffice is None:
            return unavailable(OFFICE, OFFICE_TARGET, "s", why)
        xlsx = work / "ledger.xlsx"
        write_xlsx(xlsx, view)
        conf = _fontconfig(work)
        profile = work / "lo-profile"
        out_dir = work / "office"
        out_dir.mkdir()
        # the first start creates LibreOffice's profile, which a clerk's machine has long had
        _seconds, error = _convert(soffice, xlsx, out_dir, profile, conf)
        if error:
            return failed(OFFICE, OFFICE_TARGET, "s", "LibreOffice did not convert the workbook: " + error)
        office: list[float] = []
        for _ in range(settings.repeats):
            seconds, error = _convert(soffice, xlsx, out_dir, profile, conf)
            if error:
                return failed(OFFICE, OFFICE_TARGET, "s", "LibreOffice did not convert the workbook: " + error)
            office.append(seconds)
        version = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=120).stdout.strip()
        ours_s, office_s = median(ours), median(office)
        faster = office_s / ours_s if ours_s > 0 else None
        return Result(OFFICE, ours_s, office_s, faster, OFFICE_TARGET, faster is not None and faster >= OFFICE_LIMIT,
                      "s", {
            "rows": len(view.tables[0].rows), "runs": len(office), "libreoffice": version,
            "office_pages": _pages(out_dir / "ledger.pdf"), "xlsx_bytes": xlsx.stat().st_size,
            "ratio": "LibreOffice's seconds over ours: how many times faster the notice prints (floor column is "
                     "LibreOffice)",
            "floor": "soffice --headless --convert-to pdf of the same table saved as .xlsx (14 pt WenQuanYi Micro "
                     "Hei, header row repeated, fitted to the A4 width): a fresh process per conversion with its "
                     "profile already created, wall time from spawn to exit",
            "ours_samples": ours, "office_samples": office})
    except Exception as exc:  # noqa: BLE001 - reported as a failed row with the traceback
        return failed(OFFICE, OFFICE_TARGET, "s", f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())
