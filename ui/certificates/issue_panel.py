"""开具证明: choose the kind from the approved list, or be told at once why it cannot be issued.

The clerk types what the person asked for; the approved kinds that match stay
in the list. A request on the negative list, or matching nothing on the
approved list, shows the refusal with the reason and where to go instead, and
one button records it. For a kind that may be issued the form is generated
from the catalogue entry: its purpose, legal basis, materials and time limit,
then the applicant, the kind's own fields (with their printed length), and
who verified and approved. The service checks everything; its FieldError is
shown under the field it names and nothing is numbered.

开具并打印 first shows the certificate as a 样张 (no serial number, no QR code, marked
样张) in the preview; only 确认开具 there numbers it, records it and sends exactly that
page, with its number, to the printer. Closing the 样张 uses no number and records
nothing. A printer that does not print it leaves the certificate issued and 待补打
(docs/certificates.md).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.certificates.catalogue import (EXPIRED, NEGATIVE, ApprovedKind, Decision, FieldSpec, authority_label,
                                        kind_key)
from app.certificates.service import PURPOSE_MAX, IssueRequest, Outcome, RefusalInfo
from app.i18n import _
from app.people.service import FieldError
from app.storage import Store
from ui.certificates import actions, printing
from ui.certificates.applicant_box import ApplicantBox
from ui.certificates.check_form import CheckForm
from ui.certificates.common import mode_text, set_kind
from ui.certificates.form_parts import MODE_ROLE, SPOT_ROLE, CountedEdit, KindDelegate, matches, required_label
from ui.errors import message_for, show_error
from ui.operations import CERTIFICATES, AppWriteOp, WriteOp
from ui.printing.preview import PrintoutDialog
from ui.style import message_label, show_message
from ui.tasks import Task, TaskContext
from ui.widgets import heading, hint, search_timer, selectable

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class IssuePanel(QWidget):
    """The 开具证明 tab. ``changed`` after a certificate was issued or accepted, or a refusal recorded."""

    changed = Signal()

    def __init__(self, store: Store, *, actor: str = "系统", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.context: actions.Context | None = None
        self.kind: ApprovedKind | None = None
        self.decision: Decision | None = None
        self.last_result: actions.IssueResult | None = None
        self.specimen_dialog: PrintoutDialog | None = None
        """The 样张 being looked at, until the clerk confirms or closes it."""
        self.sent_to_printer: bool | None = None
        """Whether the last certificate issued here reached the printer (None: none issued yet)."""
        self.last_refusal: RefusalInfo | None = None
        self.field_rows: dict[str, CountedEdit] = {}
        self.refusal_requested = ""
        self._busy = False

        # -- left: what the person asked for
        self.kind_search = QLineEdit()
        self.kind_search.setPlaceholderText(_("要开什么证明?"))
        self.kind_search.setToolTip(_("输入申请人要开的证明,如“居住证明”;清单上没有的,会说明原因和该去哪里办"))
        self.kind_search.setClearButtonEnabled(True)
        self.kind_list = QListWidget()
        self.kind_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.kind_list.setWordWrap(True)
        self.kind_list.setItemDelegate(KindDelegate(self.kind_list))
        self.kind_list.setUniformItemSizes(False)
        self.kind_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.kind_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.kind_error = message_label("error")
        self.catalogue_label = hint("")
        left = QVBoxLayout()
        left.addWidget(heading(_("第一步:选择证明种类")))
        left.addWidget(self.kind_search)
        left.addWidget(self.kind_list, 1)
        left.addWidget(self.kind_error)
        left.addWidget(self.catalogue_label)
        self.left_box = QWidget()
        self.left_box.setLayout(left)

        # -- right: refusal, or the kind and its form
        self.refusal_box = self._build_refusal_box()
        self.kind_box = self._build_kind_box()
        self.empty_label = hint(_("在左边选择要开的证明。清单上没有的证明,在左上角输入名称,会说明为什么不能开、应该去哪里办。"))

        self.applicant = ApplicantBox(store)
        self.purpose = CountedEdit(PURPOSE_MAX, _("这份证明交给哪里、办什么事,如“办理居住证”"))
        self.fields_box = QWidget()
        self.fields_form = QFormLayout(self.fields_box)
        self.fields_form.setContentsMargins(0, 0, 0, 0)
        self.fields_form.setVerticalSpacing(8)
        self.fields_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.check_form = CheckForm(actions.default_verifier(actor))
        self.check_heading = heading(_("第四步:核实和审批"))
        self.limited_hint = hint(_("限时办结的证明先受理登记;核实、审批后,在“待办”里办结并打印。"))

        self.issue_button = QPushButton(_("开具并打印"))
        self.issue_button.setObjectName("primary")
        self.issue_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.issue_button.setToolTip(_("先看样张(还没有编号);确认后开具,编号登记进台账,并送打印机(Ctrl+回车)"))
        self.issue_message = message_label("ok")
        selectable(self.issue_message)
        # outside the scrolling form: the button is always in view, however long the kind's form is
        self.footer = QWidget()
        footer = QHBoxLayout(self.footer)
        footer.setContentsMargins(8, 8, 16, 4)
        footer.addWidget(self.issue_button, 0, Qt.AlignmentFlag.AlignTop)
        footer.addWidget(self.issue_message, 1)
        footer.addStretch(0)

        self.form = QWidget()
        form = QVBoxLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.setSpacing(10)
        form.addWidget(heading(_("第三步:填写证明内容")))
        purpose_form = QFormLayout()
        purpose_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        purpose_form.addRow(required_label(_("用途"), True), self.purpose)
        form.addLayout(purpose_form)
        form.addWidget(self.fields_box)
        form.addWidget(hint(_("带 * 的必须填写;右边的数字是已填字数和打印格子能放的字数。")))
        form.addSpacing(6)
        form.addWidget(self.check_heading)
        form.addWidget(self.check_form)
        form.addWidget(self.limited_hint)

        self.applicant_part = QWidget()
        applicant_layout = QVBoxLayout(self.applicant_part)
        applicant_layout.setContentsMargins(0, 0, 0, 0)
        applicant_layout.addWidget(heading(_("第二步:申请人")))
        applicant_layout.addWidget(self.applicant)

        body = QWidget()
        body.setObjectName("page")
        right = QVBoxLayout(body)
        right.setContentsMargins(8, 0, 16, 16)
        right.setSpacing(12)
        right.addWidget(self.refusal_box)
        right.addWidget(self.kind_box)
        right.addWidget(self.empty_label)
        right.addWidget(self.applicant_part)
        right.addWidget(self.form)
        right.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("pageScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)

        right_column = QVBoxLayout()
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.setSpacing(0)
        right_column.addWidget(self.scroll, 1)
        right_column.addWidget(self.footer)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.left_box)
        layout.addLayout(right_column, 1)

        self._timer = search_timer(self, self.evaluate_search)
        self.kind_search.textChanged.connect(self._search_typed)
        self.kind_search.returnPressed.connect(self._search_entered)
        self.kind_list.currentItemChanged.connect(lambda item, _old: self._kind_chosen(item))
        self.kind_list.itemActivated.connect(lambda _item: self.applicant.search_edit.setFocus())
        self.issue_button.clicked.connect(self.issue)
        self.record_button.clicked.connect(self.record_refusal)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.issue)
        QWidget.setTabOrder(self.kind_search, self.kind_list)
        self.kind_search.installEventFilter(self)

        self._show_kind(None)
        self.restyle()

    def set_actor(self, actor: str) -> None:
        """Another user logged in: they act from now on, and are the 核实人 unless the clerk typed another."""
        if self.check_form.verifier_edit.text() == actions.default_verifier(self.actor):
            self.check_form.verifier_edit.setText(actions.default_verifier(actor))
        self.actor = actor

    def restyle(self) -> None:
        """The list of kinds as wide as about twelve characters of the current size; long names wrap."""
        self.left_box.setFixedWidth(self.fontMetrics().horizontalAdvance("农村集体经济组织成员身份") + 40)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # ↓ in the search box goes down into the list, as in a browser's address bar
        if (watched is self.kind_search and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Down):
            visible = self.visible_codes()
            if visible:
                if self.kind is None or self.kind.code not in visible:
                    self.select_kind(visible[0])
                self.kind_list.setFocus()
                return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------ building

    def _build_refusal_box(self) -> QFrame:
        box = QFrame()
        box.setObjectName("refusal")
        self.refusal_title = QLabel()
        self.refusal_title.setObjectName("refusalTitle")
        self.refusal_title.setWordWrap(True)
        self.refusal_reason = selectable(QLabel())
        self.refusal_reason.setObjectName("refusalText")
        self.refusal_reason.setWordWrap(True)
        self.refusal_authority = selectable(QLabel())
        self.refusal_authority.setObjectName("refusalWhere")
        self.refusal_authority.setWordWrap(True)
        self.refusal_hint = hint(_("不能开具的证明也要登记:可以先在下面选好申请人,再点“记录拒绝”。"))
        self.record_button = QPushButton(_("记录拒绝"))
        self.record_button.setObjectName("primary")
        self.record_button.setToolTip(_("把这次拒绝和原因记进拒绝开具记录,随台账一起报乡镇"))
        self.refusal_message = message_label("ok")
        self.record_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        row = QHBoxLayout()
        row.addWidget(self.record_button)
        row.addWidget(self.refusal_message, 1)
        row.addStretch(0)  # takes the room while the message is hidden, so the button stays on the left
        layout = QVBoxLayout(box)
        layout.setContentsMargins(20, 14, 20, 16)
        layout.setSpacing(8)
        layout.addWidget(self.refusal_title)
        layout.addWidget(self.refusal_reason)
        layout.addWidget(self.refusal_authority)
        layout.addWidget(self.refusal_hint)
        layout.addLayout(row)
        box.setVisible(False)
        return box

    def _build_kind_box(self) -> QFrame:
        box = QFrame()
        box.setObjectName("kindBox")
        self.kind_title = selectable(QLabel())
        self.kind_title.setObjectName("kindTitle")
        self.kind_title.setWordWrap(True)
        self.kind_mode = QLabel()
        self.kind_mode.setObjectName("modeSpot")
        self.kind_purpose = selectable(QLabel())
        self.kind_basis = selectable(QLabel())
        self.kind_materials = selectable(QLabel())
        details = QFormLayout()
        details.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for label, value in ((_("用途"), self.kind_purpose), (_("设定依据"), self.kind_basis),
                             (_("所需材料"), self.kind_materials)):
            value.setWordWrap(True)
            name = QLabel(label)
            name.setObjectName("hint")
            details.addRow(name, value)
        top = QHBoxLayout()
        top.addWidget(self.kind_title, 1)
        top.addWidget(self.kind_mode, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addLayout(details)
        return box

    # ------------------------------------------------------------ context

    def set_context(self, context: actions.Context) -> None:
        """The catalogues in force and the usual approver, read on a worker by the screen."""
        self.context = context
        chosen = self.kind.code if self.kind else None
        self.check_form.set_approver(context.approver)
        self.kind_list.blockSignals(True)
        self.kind_list.clear()
        cats = context.catalogues
        current = cats.approved_on(context.today) if cats else None
        if current is not None:
            for kind in current.items:
                if not kind.in_force(context.today):
                    continue
                item = QListWidgetItem(kind.name)
                item.setData(Qt.ItemDataRole.UserRole, kind.code)
                item.setData(MODE_ROLE, mode_text(kind))
                item.setData(SPOT_ROLE, kind.on_the_spot)
                item.setToolTip(kind.purpose)
                self.kind_list.addItem(item)
            text = _("清单版本:{version}\n{date} 起施行").format(
                version=current.version, date=current.effective.isoformat())
            if current.example:
                text += "\n" + _("这是示例清单,须换成本省公布的清单。")
            self.catalogue_label.setText(text)
        else:
            self.catalogue_label.setText(context.catalogue_error or _("现在没有生效的可出具证明清单。"))
        self.kind_list.blockSignals(False)
        self._filter_list()
        if chosen is not None:
            self.select_kind(chosen)
        elif self.kind is not None:
            self._show_kind(None)

    def select_kind(self, code: str) -> bool:
        for i in range(self.kind_list.count()):
            item = self.kind_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == code:
                item.setHidden(False)
                self.kind_list.setCurrentItem(item)
                self._kind_chosen(item)
                return True
        return False

    # ------------------------------------------------------------ what was asked for

    def _search_typed(self, _text: str) -> None:
        self._filter_list()
        self._timer.start()

    def _filter_list(self) -> None:
        if self.context is None or self.context.catalogues is None:
            return
        text, cats, today = self.kind_search.text(), self.context.catalogues, self.context.today
        for i in range(self.kind_list.count()):
            item = self.kind_list.item(i)
            kind = cats.find_approved(str(item.data(Qt.ItemDataRole.UserRole)), today)
            item.setHidden(kind is not None and not matches(kind, text))

    def visible_codes(self) -> list[str]:
        return [str(self.kind_list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.kind_list.count())
                if not self.kind_list.item(i).isHidden()]

    def evaluate_search(self) -> Decision | None:
        """Decide on what was typed: select the kind, or show why it cannot be issued."""
        self._timer.stop()
        text = self.kind_search.text().strip()
        if self.context is None or self.context.catalogues is None or not text:
            self._hide_refusal()
            return None
        decision = self.context.catalogues.decide(text, self.context.today)
        self.decision = decision
        if decision.allowed and decision.kind is not None:
            self._hide_refusal()
            if self.kind is None or self.kind.code != decision.kind.code:
                self.select_kind(decision.kind.code)
            return decision
        refused = decision.status in (NEGATIVE, EXPIRED) or (
            not self.visible_codes() and len(kind_key(text)) >= 2)
        if refused:
            self.show_refusal(text, decision)
        else:
            self._hide_refusal()
        return decision

    def _search_entered(self) -> None:
        decision = self.evaluate_search()
        if self.refusal_box.isVisible():
            self.record_button.setFocus()
            return
        visible = self.visible_codes()
        if decision is None or not decision.allowed:
            if len(visible) >= 1:
                self.select_kind(visible[0])
        if self.kind is not None:
            self.applicant.search_edit.setFocus()

    def show_refusal(self, requested: str, decision: Decision, *, recorded: RefusalInfo | None = None) -> None:
        self.refusal_box.setVisible(True)  # first: what _show_kind shows depends on it
        self.kind_list.setCurrentRow(-1)
        self._show_kind(None)
        self.applicant.allow_outside(True)  # a refusal may be for anyone who asks
        self.refusal_requested = requested
        self.refusal_title.setText(_("不能开具:{name}").format(name=requested))
        self.refusal_reason.setText(_("原因:{reason}").format(reason=decision.reason))
        self.refusal_authority.setText(_("{label}:{text}").format(
            label=authority_label(decision.status), text=decision.authority) if decision.authority else "")
        self.refusal_authority.setVisible(bool(decision.authority))
        self.refusal_box.setVisible(True)
        self.empty_label.setVisible(False)
        self.record_button.setEnabled(recorded is None)
        self.refusal_hint.setVisible(recorded is None)
        if recorded is None:
            show_message(self.refusal_message, "")
        else:
            self._refusal_recorded(Outcome("refused", refusal=recorded))
        self.scroll.verticalScrollBar().setValue(0)

    def _hide_refusal(self) -> None:
        if self.refusal_box.isVisible():
            self.refusal_box.setVisible(False)
            self.empty_label.setVisible(self.kind is None)

    def refusal_text(self) -> str:
        """Everything the refusal panel says, for tests and screen readers alike."""
        if not self.refusal_box.isVisible():
            return ""
        labels = (self.refusal_title, self.refusal_reason, self.refusal_authority, self.refusal_message)
        return "\n".join(label.text() for label in labels if label.isVisibleTo(self))

    def record_refusal(self) -> Task | None:
        if self.context is None or self.context.catalogues is None or not self.refusal_box.isVisible():
            return None
        resident_id, applicant = self.applicant.request_parts()
        request = IssueRequest(kind=self.refusal_requested, purpose=self.purpose.text(), resident_id=resident_id,
                               applicant=applicant if applicant and applicant.name.strip() else None)
        store, actor, cats, today = self.store, self.actor, self.context.catalogues, self.context.today

        def work(s: Session, _ctx: object) -> Outcome:
            return actions.record_refusal(s, store.data_dir, request, cats, today)

        return WriteOp(store, actor, work, changes={CERTIFICATES}, initiator=self).success(self._refusal_recorded).failure(self._failed) \
            .disabling(self.record_button).run()

    def _refusal_recorded(self, outcome: Outcome) -> None:
        if not isValid(self):
            return
        self.last_refusal = outcome.refusal
        who = outcome.refusal.applicant if outcome.refusal and outcome.refusal.applicant else ""
        text = _("已记录这次拒绝({who})。").format(who=who) if who else _("已记录这次拒绝。")
        show_message(self.refusal_message, text, "ok")
        self.refusal_hint.setVisible(False)
        self.record_button.setEnabled(False)
        self.changed.emit()

    # ------------------------------------------------------------ the chosen kind

    def _kind_chosen(self, item: QListWidgetItem | None) -> None:
        if item is None or self.context is None or self.context.catalogues is None:
            self._show_kind(None)
            return
        kind = self.context.catalogues.find_approved(str(item.data(Qt.ItemDataRole.UserRole)), self.context.today)
        if kind is not None:
            self._hide_refusal()
        self._show_kind(kind)

    def _show_kind(self, kind: ApprovedKind | None) -> None:
        changed = (kind.code if kind else None) != (self.kind.code if self.kind else None)
        self.kind = kind
        self.kind_box.setVisible(kind is not None)
        self.form.setVisible(kind is not None)
        self.footer.setVisible(kind is not None)
        self.applicant_part.setVisible(kind is not None or self.refusal_box.isVisible())
        self.empty_label.setVisible(kind is None and not self.refusal_box.isVisible())
        show_message(self.kind_error, "")
        if kind is None:
            return
        self.kind_title.setText(kind.title if kind.title == kind.name else "{name}({title})".format(
            name=kind.name, title=kind.title))
        self.kind_mode.setText(mode_text(kind))
        set_kind(self.kind_mode, "modeSpot" if kind.on_the_spot else "modeLimited")
        self.kind_purpose.setText(kind.purpose)
        self.kind_basis.setText(kind.legal_basis)
        self.kind_materials.setText("、".join(kind.materials) or _("无"))
        self.applicant.allow_outside(kind.allows_non_resident)
        self.check_heading.setVisible(kind.on_the_spot)
        self.check_form.setVisible(kind.on_the_spot)
        self.limited_hint.setVisible(not kind.on_the_spot)
        self.issue_button.setText(_("开具并打印") if kind.on_the_spot else _("受理登记"))
        if changed:
            self._build_fields(kind.fields)
            self.check_form.set_kind(kind)
            show_message(self.issue_message, "")  # the last certificate's message belongs to the last kind

    def _build_fields(self, specs: tuple[FieldSpec, ...]) -> None:
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)
        self.field_rows = {}
        after_village = set(self.kind.after_village()) if self.kind is not None else set()
        for spec in specs:
            # the text writes the village's name before these: it is printed once whether typed or not
            row = CountedEdit(spec.max_len, _("证明上前面会写村名,从村民小组写起即可") if spec.name in after_village else "")
            self.field_rows[spec.name] = row
            self.fields_form.addRow(required_label(spec.label, spec.required), row)
        chain: list[QWidget] = [self.purpose.edit, *(r.edit for r in self.field_rows.values()),
                                self.check_form.verifier_edit]
        for before, after in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, after)

    # ------------------------------------------------------------ issuing

    def request(self) -> IssueRequest:
        assert self.kind is not None
        resident_id, applicant = self.applicant.request_parts()
        check, approval = self.check_form.values() if self.kind.on_the_spot else (None, None)
        return IssueRequest(kind=self.kind.code, purpose=self.purpose.text(), resident_id=resident_id,
                            applicant=applicant, fields={n: r.text() for n, r in self.field_rows.items()},
                            check=check, approval=approval)

    def clear_errors(self) -> None:
        self.applicant.clear_errors()
        self.purpose.show_error("")
        for row in self.field_rows.values():
            row.show_error("")
        self.check_form.clear_errors()
        show_message(self.kind_error, "")

    def error_text(self, field: str) -> str:
        """The red message under ``field`` ('' when there is none)."""
        if field == "purpose":
            return self.purpose.error_text()
        if field in self.field_rows:
            return self.field_rows[field].error_text()
        if field in ("applicant", "name", "id_number", "sex"):
            return self.applicant.error_text()
        if field == "kind":
            return self.kind_error.text() if self.kind_error.isVisibleTo(self) else ""
        return self.check_form.error_text(field)

    def issue(self) -> Task | None:
        if self._busy or self.context is None or self.context.catalogues is None:
            return None
        if self.kind is None:
            show_message(self.kind_error, _("请先在清单里选择要开的证明。"), "error")
            self.kind_search.setFocus()
            return None
        self._busy = True
        self.clear_errors()
        show_message(self.issue_message, "")
        request = self.request()
        store, actor, cats, today = self.store, self.actor, self.context.catalogues, dt.date.today()
        if not self.kind.on_the_spot:
            return self._issue_now(request, today)

        def work(_ctx: TaskContext) -> actions.Specimen:
            return actions.specimen(store, actor, request, cats, today)

        return Task(work, write=True).success(lambda sp: self._specimen_ready(sp, request, today)) \
            .failure(self._failed).disabling(self.issue_button).with_progress(self, _("正在排版样张……")).run()

    def _specimen_ready(self, specimen: actions.Specimen, request: IssueRequest, today: dt.date) -> None:
        if not isValid(self):
            return
        if specimen.printout is None:
            # refused: nothing was kept by the look ahead; issuing records the refusal
            self._issue_now(request, today)
            return
        dialog = self.specimen_dialog = printing.specimen_dialog(self, specimen.printout)
        dialog.accepted.connect(lambda: self._confirmed(request, today))
        dialog.rejected.connect(self._specimen_closed)

    def _confirmed(self, request: IssueRequest, today: dt.date) -> None:
        self.specimen_dialog = None
        if isValid(self):
            self._issue_now(request, today)

    def _specimen_closed(self) -> None:
        self.specimen_dialog = None
        if not isValid(self):
            return
        self._busy = False
        show_message(self.issue_message, _("没有开具:样张已关闭,没有占用编号,也没有登记。核对、修改后可以再点“{button}”。").format(
            button=self.issue_button.text()), "hint")

    def _issue_now(self, request: IssueRequest, today: dt.date) -> Task:
        self._busy = True
        store, actor, cats = self.store, self.actor, self.context.catalogues if self.context else None
        assert cats is not None

        def work(_ctx: TaskContext) -> actions.IssueResult:
            return actions.issue(store, actor, request, cats, today)

        label = _("正在开具……") if self.kind is None or self.kind.on_the_spot else _("正在受理……")
        return AppWriteOp(store, work, changes={CERTIFICATES}, initiator=self).success(self._issued).failure(self._failed) \
            .disabling(self.issue_button).with_progress(self, label).run()

    def _issued(self, result: actions.IssueResult) -> None:
        if not isValid(self):
            return
        self._busy = False
        self.last_result = result
        outcome = result.outcome
        if outcome.status == "refused" and outcome.refusal is not None:
            r = outcome.refusal
            self.show_refusal(r.requested, Decision(r.reason_code, None, r.catalogue_version, r.reason, r.authority),
                              recorded=r)
            self.changed.emit()
            return
        c = outcome.certificate
        assert c is not None
        if outcome.status == "pending":
            due = c.due_date.isoformat() if c.due_date else ""
            text = _("已受理:{kind},申请人 {name},受理号 {id}。应在 {due} 前办结。").format(
                kind=c.kind_name, name=c.applicant_name, id=c.id, due=due)
            show_message(self.issue_message, text, "ok")
            QMessageBox.information(self, _("已受理"), text + "\n\n" + _(
                "核实、审批后,到“待办(限时办结)”里点“办结并打印”。首页会提醒到期的待办。"))
        else:
            kept = result.printed
            assert kept is not None and kept.printout is not None
            self._reset_for_next()
            self.changed.emit()
            self._print(c.kind_name, kept)
            return
        self._reset_for_next()
        self.changed.emit()

    def _print(self, kind: str, kept: actions.Printed) -> None:
        """The issued page, exactly the 样张 with its number, to the printer; the print logged once it took it."""
        assert kept.printout is not None
        if printing.to_printer(self, kept.printout):
            self.sent_to_printer = True
            store, actor, serial = self.store, self.actor, kept.serial
            show_message(self.issue_message, _("已开具并送打印机:{kind},编号 {serial},核验码 {code}。\nPDF 留存在 {path}").format(
                kind=kind, serial=kept.serial, code=kept.check_code, path=kept.path), "ok")
            WriteOp(store, actor, lambda s, _ctx: actions.log_print(s, serial, actor),
                    changes={CERTIFICATES}, initiator=self).success(lambda _info: self._print_logged()) \
                .failure(self._failed).run()
            return
        self.sent_to_printer = False
        text = printing.unprinted_text(kept.serial, kept.path)
        show_message(self.issue_message, text, "error")
        QMessageBox.warning(self, _("证明已开具,但没有打印"), text)

    def _print_logged(self) -> None:
        if isValid(self):
            self.changed.emit()

    # ------------------------------------------------------------ unsaved changes (ui.unsaved)

    def unsaved_changes(self) -> str:
        """A form filled in and not issued, for the closing question; "" when nothing."""
        if self.kind is None or self._busy:
            return ""
        who = self.applicant.applicant_name()
        if not (who or self.purpose.text().strip() or any(r.text().strip() for r in self.field_rows.values())):
            return ""
        return _("证明开具:“{kind}”{who}还没有开具").format(
            kind=self.kind.name, who=_("(申请人 {name})").format(name=who) if who else "")

    def save_changes(self) -> None:
        """A certificate is issued only by its own button, after the clerk has checked it: closing never issues
        one. Says so under the form and leaves the window open."""
        show_message(self.issue_message, _("这张证明还没有开具。核对后点“{button}”开具;不开了,关闭时选“不保存”。").format(
            button=self.issue_button.text()), "error")
        return None

    def _reset_for_next(self) -> None:
        """The next person: nothing of this applicant's may end up on their certificate."""
        self.applicant.clear()
        self.purpose.edit.clear()
        for row in self.field_rows.values():
            row.edit.clear()
        self.applicant.search_edit.setFocus()

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self._busy = False
        if isinstance(exc, FieldError):
            if exc.field == "purpose":
                self.purpose.show_error(exc.message)
            elif exc.field in self.field_rows:
                self.field_rows[exc.field].show_error(exc.message)
            elif exc.field == "kind":
                show_message(self.kind_error, exc.message, "error")
            elif not (self.applicant.show_error(exc.field, exc.message)
                      or self.check_form.show_error(exc.field, exc.message)):
                show_message(self.issue_message, exc.message, "error")
            return
        show_message(self.issue_message, message_for(exc), "error")
        show_error(self, exc)
