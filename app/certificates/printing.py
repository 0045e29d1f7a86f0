"""Printing a certificate (出具证明) with its stub, and the certificate register (台账).

A certificate is one A4 page: the stub (存根) the office keeps on top, a cut
line with the serial number printed across it (骑缝号, so a stub and a
certificate can be matched by their halves), and the certificate below with a
QR code and check code for verification. Every string goes through the font
helpers first: a character no shipped font has stops printing with a message,
never a blank box in someone's name. A certificate that does not fit one page
is refused rather than cut off.

ReportLab is imported inside the functions: start-up must stay fast for clerks
who do not print.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import UserError
from app.certificates.view import CertificateView
from app.files import WriteFailed, replacing
from app.i18n import _
from app.masking import mask_text
from app.printing.fonts import (
    PRIMARY_FONT,
    draw_text,
    paragraph_markup,
    register_fonts,
    split_runs,
    text_width,
)

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

MM = 72 / 25.4
A4_W, A4_H = 595.2756, 841.8898
MARGIN_X = 20 * MM
SEAM_Y = A4_H - 86 * MM
"""The cut line sits at a fixed height so every stub in a bundle is the same size."""

QR_SIZE = 38 * MM
"""Outer size with the quiet zone; the code itself stays above 30 mm for phones and USB scanners."""

QR_LIFT = 38
"""Room under the QR code for the check code and its label."""

SEAL_SIZE = 42 * MM
"""A village committee's round seal is 42 mm across."""

BODY_SIZES: tuple[tuple[float, float], ...] = ((16, 1.75), (15, 1.7), (14, 1.6), (14, 1.45))
"""(font size, leading factor) tried in order; 14 pt is the smallest an older reader should get."""

STUB_SIZES: tuple[float, ...] = (11.5, 11, 10.5, 10)

GRAY = (0.35, 0.35, 0.35)
LIGHT = (0.6, 0.6, 0.6)

VOID_KEY = "voided"
VOID_STATES = frozenset({"voided", "void", "已作废"})


class CertificateLayoutError(UserError, ValueError):
    """The certificate does not fit one A4 page; nothing was printed."""


def chinese_date(day: datetime.date) -> str:
    """2026-11-24 -> '二〇二六年十一月二十四日', as dates are written on certificates."""
    digits = "〇一二三四五六七八九"

    def number(n: int) -> str:
        tens, ones = divmod(n, 10)
        if tens == 0:
            return digits[ones]
        return ("" if tens == 1 else digits[tens]) + "十" + ("" if ones == 0 else digits[ones])

    year = "".join(digits[int(c)] for c in str(day.year))
    return _("{year}年{month}月{day}日").format(year=year, month=number(day.month), day=number(day.day))


def issuing_unit(village_name: str) -> str:
    """The committee's formal name: '柳林村' is issued by '柳林村村民委员会'."""
    if village_name.endswith("委员会"):
        return village_name
    if village_name.endswith("社区"):
        return village_name + _("居民委员会")
    return village_name + _("村民委员会")


def reprint_mark(view: CertificateView) -> str:
    return _("补打（第{count}次打印）").format(count=view.print_count)


# ---------------------------------------------------------------- certificate


def render_certificate(path: Path, view: CertificateView) -> None:
    """Write the certificate with its stub as a one-page A4 PDF at ``path``.

    Raises :class:`~app.printing.fonts.MissingGlyphError` if a character is in
    no shipped font and :class:`CertificateLayoutError` if the text does not fit
    one page; in both cases ``path`` is left as it was.
    """
    with replacing(path) as tmp:
        _render(tmp, view)


def print_after_commit(store: Any, actor: str, work: Callable[[Any], tuple[Any, CertificateView | None]],
                       target: Callable[[CertificateView], Path]) -> tuple[Any, CertificateView | None, Path | None]:
    """Run ``work(session)`` in one write transaction and render the view it returns there.

    The PDF takes its name (``target(view)``) only after the commit: a power cut can
    leave a numbered certificate not yet printed (it can be reprinted), never a
    printed certificate whose number was not kept. A failed render rolls the
    transaction back, so no number is used. Returns (result, view, path).
    """
    with ExitStack() as files:
        with store.begin(actor) as session:
            result, view = work(session)
            if view is None:
                return result, None, None
            path = target(view)
            _render(files.enter_context(replacing(path)), view)
        try:
            files.close()  # the rename to the final name, after the commit
        except WriteFailed as exc:
            # the number is kept: saying only "not written" would have the clerk issue a second one
            raise WriteFailed(_("证明 {serial} 已登记,但没有写成 PDF 文件:{reason} "
                                "请用“补打”重新打印这份证明,不要重新开具。").format(serial=view.serial, reason=exc.message),
                              errno_=exc.errno) from exc
    return result, view, path


def _render(file: Path, view: CertificateView) -> None:
    register_fonts()
    _check_characters(view)
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(file), pagesize=(A4_W, A4_H), pageCompression=1)
    canvas.setTitle(view.title)
    canvas.setSubject(view.serial)
    keep = (view.village_code,)
    stub_table = _stub_table(view, keep)
    # the certificate is handed to the applicant to identify them: their own number is printed whole in the
    # body (a school or an office must match it); the stub kept in the village shows it masked
    body = _fit_body(view, (*keep, view.applicant_id_number))
    _draw_stub(canvas, view, stub_table)
    _draw_seam(canvas, view)
    _draw_certificate(canvas, view, body)
    canvas.showPage()
    canvas.save()


def _public(text: str, keep: tuple[str, ...]) -> str:
    # The core masks personal numbers already; this is the net under it, since a
    # full ID number on paper handed across a counter cannot be taken back.
    return mask_text(text, keep=keep)


def _one_line(text: str) -> str:
    """Line breaks typed into a field print as spaces; only the body keeps its paragraphs."""
    return " ".join(text.split("\n")).replace("\r", "").replace("\t", " ")


def _check_characters(view: CertificateView) -> None:
    texts = [
        view.village_name, view.village_code, view.serial, view.kind_name, view.title,
        *view.body.splitlines(), view.applicant_name, _one_line(view.purpose), view.verifier, view.approver,
        view.check_code, view.chain_head,
    ]
    texts += [_one_line(part) for row in view.stub_lines for part in row]
    for text in texts:
        split_runs(text)


def _draw_stub(canvas: Canvas, view: CertificateView, table: object) -> None:
    top = A4_H - 14 * MM
    title = _("存　根")
    _draw_centered(canvas, A4_W / 2, top - 20, title, 20)
    note = _("（本联由出具单位留存备查）")
    draw_text(canvas, A4_W / 2 + text_width(title, 20) / 2 + 8, top - 19, note, 9)
    if view.reprint:
        _draw_reprint_mark(canvas, MARGIN_X, top - 21, view)
    table.drawOn(canvas, MARGIN_X, top - 34 - table._height)  # type: ignore[attr-defined]


def _stub_table(view: CertificateView, keep: tuple[str, ...]) -> object:
    rows: list[tuple[str, str]] = [
        (_("编号"), view.serial),
        (_("证明种类"), view.kind_name),
        (_("申请人"), view.applicant_name),
        (_("出具日期"), _("{y}年{m}月{d}日").format(y=view.issue_date.year, m=view.issue_date.month,
                                                d=view.issue_date.day)),
        (_("用途"), _public(_one_line(view.purpose), keep)),
        (_("核实人"), view.verifier),
        (_("审批人"), view.approver),
    ]
    rows += [(_one_line(label), _public(_one_line(value), keep)) for label, value in view.stub_lines]
    available = (A4_H - 14 * MM - 34) - (SEAM_Y + 9 * MM)
    width = A4_W - 2 * MARGIN_X
    for size in STUB_SIZES:
        table = _grid(rows, width, size)
        height = table.wrap(width, available)[1]
        if height <= available:
            return table
    raise CertificateLayoutError(
        _("存根的栏目太多或太长，一页纸打印不下。请减少存根栏目或缩短内容后再打印。")
    )


def _grid(rows: list[tuple[str, str]], width: float, size: float) -> object:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Table, TableStyle

    label_style = _style("stub-label", size, 1.3, color=GRAY)
    value_style = _style("stub-value", size, 1.3)

    def label_width(labels: list[str]) -> float:
        longest = max((stringWidth(label, PRIMARY_FONT, size) for label in labels), default=0)
        return min(max(longest, size * 3), size * 7) + 13

    left_w = label_width([label for label, _value in rows[0::2]])
    right_w = label_width([label for label, _value in rows[1::2]])
    value_w = (width - left_w - right_w) / 2
    cells = [(_para(label, label_style), _para(value, value_style)) for label, value in rows]
    if len(cells) % 2:
        cells.append((_para("", label_style), _para("", value_style)))
    data = [[*cells[i], *cells[i + 1]] for i in range(0, len(cells), 2)]
    table = Table(data, colWidths=[left_w, value_w, right_w, value_w])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, GRAY),
        ("BACKGROUND", (0, 0), (0, -1), (0.93, 0.93, 0.93)),
        ("BACKGROUND", (2, 0), (2, -1), (0.93, 0.93, 0.93)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _draw_seam(canvas: Canvas, view: CertificateView) -> None:
    size = 15
    pad = 9
    box_w = text_width(view.serial, size) + 2 * pad
    box_h = size + 2 * pad
    box_left = A4_W / 2 - box_w / 2
    canvas.saveState()
    canvas.setDash(6, 4)
    canvas.setLineWidth(0.8)
    canvas.setStrokeColorRGB(*GRAY)
    canvas.line(8 * MM, SEAM_Y, box_left - 4, SEAM_Y)
    canvas.line(box_left + box_w + 4, SEAM_Y, A4_W - 8 * MM, SEAM_Y)
    canvas.setDash()
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setLineWidth(1)
    # The box is centred on the cut, so each half keeps half of every character:
    # a stub and a certificate are matched by putting their halves together.
    canvas.rect(box_left, SEAM_Y - box_h / 2, box_w, box_h)
    canvas.restoreState()
    draw_text(canvas, box_left + pad, SEAM_Y - size * 0.36, view.serial, size)
    _draw_scissors(canvas, 12 * MM, SEAM_Y)
    canvas.saveState()
    canvas.setFillColorRGB(*GRAY)
    label = _("沿此线剪开")
    draw_text(canvas, 20 * MM, SEAM_Y + 4, label, 9)
    draw_text(canvas, A4_W - 8 * MM - text_width(label, 9), SEAM_Y + 4, label, 9)
    seam_label = _("骑缝编号")
    draw_text(canvas, box_left - text_width(seam_label, 9) - 8, SEAM_Y - 13, seam_label, 9)
    canvas.restoreState()


def _draw_scissors(canvas: Canvas, x: float, y: float) -> None:
    # Drawn as lines because the scissors character is only in an optional font.
    canvas.saveState()
    canvas.setLineWidth(1)
    canvas.setStrokeColorRGB(*GRAY)
    canvas.circle(x - 10, y + 4, 2.6)
    canvas.circle(x - 10, y - 4, 2.6)
    canvas.line(x - 7.6, y + 3, x + 9, y - 2.2)
    canvas.line(x - 7.6, y - 3, x + 9, y + 2.2)
    canvas.restoreState()


def _fit_body(view: CertificateView, keep: tuple[str, ...]) -> list[object]:
    width = A4_W - 2 * MARGIN_X
    available = _body_top() - _body_bottom()
    paragraphs = [line.strip() for line in _public(view.body, keep).splitlines() if line.strip()]
    shown_purpose = _public(_one_line(view.purpose), keep)
    # the reference texts end with 此证明用于{purpose}: a 用途 line under them would say it twice
    joined = "".join(paragraphs)
    said = any(lead + shown_purpose in joined for lead in ("用于", "用途:", "用途：", "用途"))
    purpose = "" if shown_purpose and said else _("用途：{purpose}").format(purpose=shown_purpose)
    for size, leading in BODY_SIZES:
        style = _style("body", size, leading, indent=2 * size, space_after=size * 0.4)
        flowables = [_para(text, style) for text in paragraphs]
        if purpose:
            flowables.append(_para(purpose, _style("purpose", size - 2, 1.5, space_before=size * 0.3)))
        if sum(_height(f, width) for f in flowables) <= available:
            return flowables
    raise CertificateLayoutError(
        _("证明正文太长（{count}字），一张A4纸打印不下。请删减正文后再打印。").format(
            count=len(view.body.replace("\n", ""))
        )
    )


def _height(flowable: object, width: float) -> float:
    h = flowable.wrap(width, A4_H)[1]  # type: ignore[attr-defined]
    return h + flowable.getSpaceBefore() + flowable.getSpaceAfter()  # type: ignore[attr-defined]


def _body_top() -> float:
    return SEAM_Y - 38 * MM


def _body_bottom() -> float:
    return 14 * MM + 16 + QR_SIZE + QR_LIFT


def _draw_certificate(canvas: Canvas, view: CertificateView, body: list[object]) -> None:
    top = SEAM_Y - 12 * MM
    serial = _("编号：{serial}").format(serial=view.serial)
    draw_text(canvas, A4_W - MARGIN_X - text_width(serial, 12), top - 10, serial, 12)
    if view.reprint:
        _draw_reprint_mark(canvas, MARGIN_X, top - 12, view)
    _draw_title(canvas, view.title, top - 56)

    width = A4_W - 2 * MARGIN_X
    y = _body_top()
    for flowable in body:
        y -= flowable.getSpaceBefore()  # type: ignore[attr-defined]
        h = flowable.wrap(width, A4_H)[1]  # type: ignore[attr-defined]
        y -= h
        flowable.drawOn(canvas, MARGIN_X, y)  # type: ignore[attr-defined]
        y -= flowable.getSpaceAfter()  # type: ignore[attr-defined]

    bottom = 14 * MM + 16
    _draw_qr(canvas, view, MARGIN_X, bottom)
    _draw_signature(canvas, view, bottom)
    canvas.saveState()
    canvas.setFillColorRGB(*GRAY)
    chain = _("防篡改链：{head}").format(head=view.chain_head)
    draw_text(canvas, MARGIN_X, 12 * MM, chain, 8.5)
    hint = _("本证明未加盖公章无效")
    draw_text(canvas, A4_W - MARGIN_X - text_width(hint, 8.5), 12 * MM, hint, 8.5)
    canvas.restoreState()


def _draw_title(canvas: Canvas, title: str, baseline: float) -> None:
    width = A4_W - 2 * MARGIN_X
    size = 28.0
    # Short titles are spaced out, as on printed forms; long ones shrink to fit.
    gap = size * 0.5 if len(title) <= 6 else 0.0
    while size > 16 and text_width(title, size) + gap * (len(title) - 1) > width:
        size -= 1
        gap = 0.0
    if text_width(title, size) > width:
        raise CertificateLayoutError(_("证明标题“{title}”太长，一行打印不下。请缩短标题。").format(title=title))
    total = text_width(title, size) + gap * (len(title) - 1)
    x = A4_W / 2 - total / 2
    for char in title:
        x = draw_text(canvas, x, baseline, char, size) + gap


def _draw_qr(canvas: Canvas, view: CertificateView, x: float, bottom: float) -> None:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode import qr
    from reportlab.graphics.shapes import Drawing

    widget = qr.QrCodeWidget(view.qr_payload, barLevel="M", barWidth=QR_SIZE, barHeight=QR_SIZE)
    drawing = Drawing(QR_SIZE, QR_SIZE)
    drawing.add(widget)
    qr_bottom = bottom + QR_LIFT
    renderPDF.draw(drawing, canvas, x, qr_bottom)

    # One character per cell, so 0/O and 1/I are read one at a time and typed correctly.
    size = 17
    pitch = QR_SIZE / max(len(view.check_code), 6)
    cell_bottom = bottom + 12
    canvas.saveState()
    canvas.setLineWidth(0.6)
    canvas.setStrokeColorRGB(*GRAY)
    for i, char in enumerate(view.check_code):
        left = x + i * pitch
        canvas.rect(left + 1, cell_bottom, pitch - 2, size + 6)
        draw_text(canvas, left + pitch / 2 - text_width(char, size) / 2, cell_bottom + 5, char, size)
    canvas.setFillColorRGB(*GRAY)
    label = _("校验码（扫码或输入校验码核验）")
    draw_text(canvas, x, bottom, label, 8.5)
    canvas.restoreState()


def _draw_signature(canvas: Canvas, view: CertificateView, bottom: float) -> None:
    right = A4_W - MARGIN_X
    seal_left = MARGIN_X + QR_SIZE + 10 * MM
    text_left = seal_left + SEAL_SIZE + 6 * MM
    width = right - text_left
    unit = issuing_unit(view.village_name)
    lines = [
        (_fit(unit, width, 15, 10, _("出具单位名称")), unit),
        (_fit(view.village_code, width, 10.5, 8, _("统一社会信用代码")), view.village_code),
        (_fit(chinese_date(view.issue_date), width, 15, 10, _("日期")), chinese_date(view.issue_date)),
    ]
    code_label = _("统一社会信用代码")
    top = bottom + SEAL_SIZE + 6
    ys = [top - 40, top - 76, top - 112]
    for (size, text), y in zip(lines, ys):
        draw_text(canvas, right - text_width(text, size), y, text, size)
    canvas.saveState()
    canvas.setFillColorRGB(*GRAY)
    draw_text(canvas, right - text_width(code_label, 8.5), ys[1] + 13, code_label, 8.5)
    canvas.restoreState()

    seal_bottom = bottom + 6
    canvas.saveState()
    canvas.setDash(3, 3)
    canvas.setLineWidth(0.8)
    canvas.setStrokeColorRGB(*LIGHT)
    canvas.rect(seal_left, seal_bottom, SEAL_SIZE, SEAL_SIZE)
    canvas.setFillColorRGB(*LIGHT)
    label = _("盖章处")
    _draw_centered(canvas, seal_left + SEAL_SIZE / 2, seal_bottom + SEAL_SIZE / 2 - 5, label, 14)
    canvas.restoreState()


def _fit(text: str, width: float, size: float, smallest: float, what: str) -> float:
    while size > smallest and text_width(text, size) > width:
        size -= 0.5
    if text_width(text, size) > width:
        raise CertificateLayoutError(_("{what}“{text}”太长，一行打印不下。").format(what=what, text=text))
    return size


def _draw_reprint_mark(canvas: Canvas, left: float, y: float, view: CertificateView) -> None:
    size = 13
    text = reprint_mark(view)
    canvas.saveState()
    canvas.setLineWidth(1.6)
    canvas.rect(left, y - 6, text_width(text, size) + 12, size + 10)
    canvas.restoreState()
    draw_text(canvas, left + 6, y, text, size)


def _draw_centered(canvas: Canvas, cx: float, y: float, text: str, size: float) -> None:
    draw_text(canvas, cx - text_width(text, size) / 2, y, text, size)


def _style(
    name: str, size: float, leading: float, *, indent: float = 0, space_before: float = 0,
    space_after: float = 0, color: tuple[float, float, float] = (0, 0, 0), align: int = 0,
) -> object:
    from reportlab.lib.colors import Color
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(
        name, fontName=PRIMARY_FONT, fontSize=size, leading=size * leading, wordWrap="CJK",
        firstLineIndent=indent, spaceBefore=space_before, spaceAfter=space_after,
        textColor=Color(*color), alignment=align,
    )


def _para(text: str, style: object) -> object:
    from reportlab.platypus import Paragraph

    return Paragraph(paragraph_markup(text), style)




# ------------------------------------------------------------------- register


def render_register(
    path: Path, title: str, rows: list[dict], columns: list[tuple[str, str]], *, state_key: str = "state"
) -> None:
    """Print the certificate register (台账) as a table on A4 landscape.

    ``columns`` are (row key, Chinese header) in print order. A row whose
    ``voided`` is true, or whose ``state_key`` value is 'voided' or '已作废',
    prints with 已作废 in that column and greyed out. The header row repeats on
    every page and each page is numbered 第 N 页 共 M 页.
    """
    register_fonts()
    from reportlab.lib.pagesizes import landscape
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

    page_w, page_h = landscape((A4_W, A4_H))
    margin = 14 * MM
    width = page_w - 2 * margin
    split_runs(title)
    head_style = _style("reg-head", 11, 1.3, color=(0, 0, 0))
    cell_style = _style("reg-cell", 10.5, 1.3)
    void_style = _style("reg-void", 10.5, 1.3, color=GRAY)

    data: list[list[Paragraph]] = [[_para(label, head_style) for _key, label in columns]]
    void_rows: list[int] = []
    texts: list[list[str]] = [[label for _key, label in columns]]
    for row in rows:
        voided = _is_void(row, state_key)
        line = [_cell_text(row, key, state_key, voided) for key, _label in columns]
        texts.append(line)
        data.append([
            _para(text, void_style if voided and key != state_key else cell_style)
            for (key, _label), text in zip(columns, line)
        ])
        if voided:
            void_rows.append(len(data) - 1)

    whole = {i for i, (key, _label) in enumerate(columns) if key in UNBROKEN}
    table = LongTable(data, colWidths=_column_widths(texts, width, whole), repeatRows=1)
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRAY),
        ("BACKGROUND", (0, 0), (-1, 0), (0.88, 0.88, 0.88)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), (0.95, 0.95, 0.95)) for r in void_rows]
    table.setStyle(TableStyle(commands))

    def on_page(canvas: Canvas, doc: object) -> None:
        _draw_centered(canvas, page_w / 2, page_h - margin + 2, title, 16)

    with replacing(path) as tmp:
        doc = SimpleDocTemplate(
            str(tmp), pagesize=(page_w, page_h), leftMargin=margin, rightMargin=margin,
            topMargin=margin + 14, bottomMargin=margin + 6, title=title,
        )
        doc.build([table], onFirstPage=on_page, onLaterPages=on_page,
                  canvasmaker=_numbered_canvas(page_w, margin))


def _is_void(row: dict, state_key: str) -> bool:
    return bool(row.get(VOID_KEY)) or str(row.get(state_key, "")).strip() in VOID_STATES


def _cell_text(row: dict, key: str, state_key: str, voided: bool) -> str:
    if key == state_key and voided:
        return _("已作废")
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return _one_line(str(value))


# register columns whose values must not be broken over two lines
UNBROKEN = frozenset({"serial", "applicant_id_masked", "issue_date", "applied_on", "due_date"})


def _column_widths(texts: list[list[str]], width: float, whole: set[int] = frozenset()) -> list[float]:
    """Short columns (编号, 日期, 状态) keep their full width; only the long ones wrap."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    pad = 16
    count = len(texts[0]) if texts else 0
    sample = texts[:300]  # enough rows to size the columns without measuring a whole year twice
    # a header may wrap (打印/次数) but its longest word, two characters, must fit; the values decide
    two_chars = stringWidth("打印", PRIMARY_FONT, 11)
    natural = [
        max([two_chars] + [stringWidth(row[col], PRIMARY_FONT, 10.5) for row in sample[1:]]) + pad
        for col in range(count)
    ]
    if sum(natural) <= width:
        extra = (width - sum(natural)) / max(count, 1)
        return [w + extra for w in natural]
    widths: dict[int, float] = {}
    left = width
    pending = set(range(count))
    # a serial number, a date or a masked ID broken over two lines is misread: those columns keep
    # their width first, and the long texts share what is left
    if sum(natural[col] for col in whole) <= width * 0.6:
        for col in whole:
            widths[col] = natural[col]
            left -= natural[col]
        pending -= whole
    while pending:
        fair = left / len(pending)
        narrow = {col for col in pending if natural[col] <= fair}
        if not narrow:
            break
        for col in narrow:
            widths[col] = natural[col]
            left -= natural[col]
        pending -= narrow
    wide_total = sum(natural[col] for col in pending) or 1
    for col in pending:
        widths[col] = natural[col] * left / wide_total
    return [widths[col] for col in range(count)]


def _numbered_canvas(page_w: float, margin: float) -> Callable[..., Canvas]:
    from reportlab.pdfgen.canvas import Canvas as BaseCanvas

    class NumberedCanvas(BaseCanvas):
        # The total page count is known only at the end, so pages are kept and numbered on save.
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                text = _("第 {page} 页 共 {total} 页").format(page=number, total=total)
                _draw_centered(self, page_w / 2, margin - 8, text, 10)
                super().showPage()
            super().save()

    return NumberedCanvas
