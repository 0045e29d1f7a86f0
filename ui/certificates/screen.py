"""证明开具: issue certificates from the approved list, refuse the rest, keep the register, verify QR codes.

Five tabs in the order of the day's work: 开具证明, 待办(限时办结), 台账, 核验,
and the two catalogues. What every tab needs first (the catalogues in force,
the usual approver, the years in the register) is read once on a worker and
again whenever the screen is shown, so a catalogue received from the township
takes effect without a restart.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget
from shiboken6 import isValid

from app.certificates.service import PendingInfo
from app.i18n import _
from app.storage import Store
from ui.certificates import actions, common
from ui.certificates.catalogue_panel import CataloguePanel
from ui.certificates.issue_panel import IssuePanel
from ui.certificates.pending_panel import PendingPanel
from ui.certificates.register_panel import RegisterPanel
from ui.certificates.verify_panel import VerifyPanel
from ui.errors import message_for
from ui.operations import CERTIFICATES, RESIDENTS, VILLAGE, LatestReadOp, made_here
from ui.widgets import FollowsTextSize, hint

ISSUE, PENDING, REGISTER, VERIFY, CATALOGUE = range(5)


class CertificatesScreen(FollowsTextSize, QWidget):
    """``CertificatesScreen(store, actor=...)``; :meth:`refresh` reads everything again.

    ``context_loaded`` carries the :class:`actions.Context` each time it has been read.
    """

    context_loaded = Signal(object)

    def __init__(self, store: Store, *, actor: str = "系统", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.context: actions.Context | None = None
        self._context_read = LatestReadOp(self, store, lambda s: actions.load_context(s, store.data_dir),
                                          self._show_context, self._failed)
        # white like the other screens' pages: the style sheet paints a QWidget#page only with this attribute
        self.setObjectName("page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

        title = QLabel(_("证明开具"))
        title.setObjectName("title")
        self.status_label = hint(_("正在读取证明目录……"))

        self.issue_panel = IssuePanel(store, actor=actor)
        self.pending_panel = PendingPanel(store, actor=actor)
        self.register_panel = RegisterPanel(store, actor=actor)
        self.verify_panel = VerifyPanel(store)
        self.catalogue_panel = CataloguePanel()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.issue_panel, _("开具证明"))
        self.tabs.addTab(self.pending_panel, _("待办(限时办结)"))
        self.tabs.addTab(self.register_panel, _("台账"))
        self.tabs.addTab(self.verify_panel, _("核验"))
        self.tabs.addTab(self.catalogue_panel, _("可开具/不予出具清单"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(self.status_label)
        layout.addWidget(self.tabs, 1)

        self.issue_panel.changed.connect(self._issued)
        self.pending_panel.changed.connect(self._pending_changed)
        self.pending_panel.loaded.connect(self._pending_loaded)
        self.tabs.currentChanged.connect(self._tab_changed)

        self.restyle()
        self.refresh()

    def set_actor(self, actor: str) -> None:
        """Another user logged in: what this screen writes is theirs, and they are the default 核实人."""
        self.actor = actor
        self.issue_panel.set_actor(actor)
        self.pending_panel.actor = actor
        self.register_panel.actor = actor

    # ------------------------------------------------------------ reading

    def refresh(self) -> None:
        """Read the catalogues, approver and years again, then the pending list and the register."""
        self.load_context()
        self.pending_panel.refresh()
        self.register_panel.refresh()  # nothing yet the first time: the context sets its filters

    def on_store_changed(self, kinds: frozenset[str], initiator: object = None) -> None:
        """Certificates, or the residents and roles they name, changed elsewhere: read again if shown (this
        screen's own panels show their own changes)."""
        if kinds & {CERTIFICATES, RESIDENTS, VILLAGE} and not self.isHidden() and not made_here(self, initiator):
            self.refresh()

    def load_context(self) -> None:
        self._context_read.request()

    def _failed(self, exc: BaseException) -> None:
        if isValid(self):
            self.status_label.setText(_("读取证明目录时出错:{reason}").format(reason=message_for(exc)))
            common.set_kind(self.status_label, "error")
            self.status_label.setVisible(True)

    def _show_context(self, context: actions.Context) -> None:
        if not isValid(self):
            return
        self.context = context
        for panel in (self.issue_panel, self.pending_panel, self.register_panel, self.catalogue_panel):
            panel.set_context(context)
        if context.catalogues is None:
            self.status_label.setText(context.catalogue_error)
        elif context.approver is None:
            self.status_label.setText(_("村民名册的职务里没有登记在任的村民委员会主任:开具时请填写审批人。"))
        else:
            self.status_label.setText("")
        common.set_kind(self.status_label, "error" if context.catalogues is None else "hint")
        self.status_label.setVisible(bool(self.status_label.text()))
        self.context_loaded.emit(context)

    # ------------------------------------------------------------ between the tabs

    def _issued(self) -> None:
        result = self.issue_panel.last_result
        serial = result.outcome.certificate.serial if result and result.outcome.certificate else None
        if serial:
            self.register_panel.show_serial(serial)
        else:
            self.register_panel.refresh()
        self.pending_panel.refresh()
        self.load_context()  # a first certificate of a new year adds the year to the filter

    def _pending_changed(self) -> None:
        self.register_panel.refresh()

    def _pending_loaded(self, rows: list[PendingInfo]) -> None:
        if not isValid(self):
            return
        overdue = sum(1 for r in rows if r.overdue)
        if overdue:
            text = _("待办(限时办结)·{n}件,{m}件超期").format(n=len(rows), m=overdue)
        elif rows:
            text = _("待办(限时办结)·{n}件").format(n=len(rows))
        else:
            text = _("待办(限时办结)")
        self.tabs.setTabText(PENDING, text)

    def _tab_changed(self, index: int) -> None:
        if index == VERIFY:
            self.verify_panel.scan_edit.setFocus()

    def show_tab(self, index: int) -> QWidget:
        self.tabs.setCurrentIndex(index)
        return self.tabs.widget(index)

    # ------------------------------------------------------------ look

    def apply_text_size(self, base: int) -> None:
        self.setStyleSheet(common.style_sheet(base))
        self.issue_panel.restyle()
        self.pending_panel.restyle()
        self.register_panel.restyle()

