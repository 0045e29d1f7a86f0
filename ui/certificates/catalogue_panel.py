"""可开具/不予出具清单: the two catalogues in force, readable, as the office posts them."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from app.certificates.catalogue import CatalogueList
from app.i18n import _
from ui.certificates import actions
from ui.certificates.common import mode_text
from ui.style import ERROR, MUTED
from ui.widgets import heading


def _e(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _header(lst: CatalogueList) -> str:
    parts = [_("版本 {version},{date} 起施行").format(version=lst.version, date=lst.effective.isoformat())]
    if lst.expires:
        parts.append(_("{date} 失效").format(date=lst.expires.isoformat()))
    if lst.region:
        parts.append(lst.region)
    out = '<p style="color:{muted}">{text}</p>'.format(muted=MUTED, text=_e(",".join(parts)))
    if lst.example:
        out += '<p style="color:{red}"><b>{note}</b></p>'.format(
            red=ERROR, note=_e(lst.note or _("示例目录,须替换为本省公布的清单")))
    return out


def approved_html(lst: CatalogueList | None) -> str:
    if lst is None:
        return "<p>{text}</p>".format(text=_e(_("现在没有生效的可出具证明清单,暂时不能出具任何证明。")))
    rows = [_header(lst)]
    for n, k in enumerate(lst.items, start=1):
        rows.append("<h3>{n}. {name} <span style='color:{muted}'>({code})</span></h3>".format(
            n=n, name=_e(k.name), code=_e(k.code), muted=MUTED))
        items = [(_("办结时限"), "<b>{t}</b>".format(t=_e(mode_text(k)))), (_("用途"), _e(k.purpose)),
                 (_("设定依据"), _e(k.legal_basis)), (_("所需材料"), _e("、".join(k.materials) or _("无"))),
                 (_("核实内容"), _e(k.check or "-"))]
        if k.effective or k.expires:
            items.append((_("本项有效期"), _e("{a} — {b}".format(a=k.effective or "", b=k.expires or ""))))
        rows.append("<table cellspacing='0' cellpadding='3'>" + "".join(
            "<tr><td valign='top' style='color:{muted}' width='90'>{label}</td><td>{value}</td></tr>".format(
                muted=MUTED, label=_e(label), value=value) for label, value in items) + "</table>")
    return "".join(rows)


def _source_html(lst: CatalogueList) -> str:
    if lst.document is None:
        return ""
    return "<p>{file}<br>{name}</p>".format(
        file=_e(_("文件:{citation}").format(citation=lst.document.citation())),
        name=_e(_("清单:{name}").format(name=lst.list_name())))


def _refused_items(lst: CatalogueList) -> str:
    rows = [_header(lst), _source_html(lst)]
    if lst.note and not lst.example:
        rows.append("<p style='color:{muted}'>{note}</p>".format(muted=MUTED, note=_e(lst.note)))
    for n, item in enumerate(lst.items, start=1):
        rows.append("<p><b>{n}. {name}</b><br>{go}<br><span style='color:{muted}'>{aliases}</span></p>".format(
            n=item.no or n, name=_e(item.label), muted=MUTED,
            go=_e(_("请到:{authority}").format(authority=item.authority)),
            aliases=_e(_("常见叫法:{names}").format(names="、".join(item.aliases))) if item.aliases else ""))
    return "".join(rows)


def negative_html(national: CatalogueList | None, provincial: CatalogueList | None = None,
                  received: str = "") -> str:
    """The national list, then the province's additions, each with the document it comes from."""
    rows = ["<h3>{t}</h3>".format(t=_e(_("一、全国清单")))]
    rows.append(_refused_items(national) if national is not None else "<p>{text}</p>".format(
        text=_e(_("现在没有生效的全国清单。"))))
    if provincial is None:
        rows.append("<h3>{t}</h3><p style='color:{muted}'>{text}</p>".format(
            t=_e(_("二、本省增补清单")), muted=MUTED,
            text=_e(_("没有。省里公布了全国清单以外的项目的,把乡镇发来的文件放进 {dir}。").format(dir=received)
                    if received else _("没有。"))))
    else:
        rows.append("<h3>{t}</h3>".format(t=_e(_("二、本省增补清单({region})").format(region=provincial.region))))
        rows.append(_refused_items(provincial))
    return "".join(rows)


class CataloguePanel(QWidget):
    """Both lists side by side: what may be issued (with its basis) and what must be refused (and where to go)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.approved_view = QTextBrowser()
        self.approved_view.setOpenLinks(False)
        self.negative_view = QTextBrowser()
        self.negative_view.setOpenLinks(False)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 4, 0)
        left_layout.addWidget(heading(_("可以出具的证明")))
        left_layout.addWidget(self.approved_view, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 0, 0, 0)
        right_layout.addWidget(heading(_("不应由村委会出具的证明")))
        right_layout.addWidget(self.negative_view, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(splitter)

    def set_context(self, context: actions.Context) -> None:
        cats = context.catalogues
        if cats is None:
            text = "<p style='color:{red}'>{e}</p>".format(red=ERROR, e=_e(context.catalogue_error))
            self.approved_view.setHtml(text)
            self.negative_view.setHtml(text)
            return
        self.approved_view.setHtml(approved_html(cats.approved_on(context.today)))
        self.negative_view.setHtml(negative_html(cats.negative_on(context.today), cats.provincial_on(context.today),
                                                 context.received_dir))

    def text(self) -> str:
        return self.approved_view.toPlainText() + "\n" + self.negative_view.toPlainText()
