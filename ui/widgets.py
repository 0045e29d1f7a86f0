"""Small pieces every screen uses: headings, hints, selectable labels (styled in ui/style.py),
a question whose buttons say what they do, a table of records, a list-backed table model."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (QAbstractItemModel, QAbstractTableModel, QEvent, QItemSelectionModel, QModelIndex,
                            QObject, QPersistentModelIndex, QSize, Qt, QTimer, QUrl)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QFrame, QHeaderView, QLabel, QMessageBox,
                               QScrollArea, QStackedWidget, QTableView, QVBoxLayout, QWidget)

from app.i18n import _
from ui.style import BASE_POINT_SIZE

AnyIndex = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")

# how long typing must pause before a search box searches (Enter searches at once)
SEARCH_DELAY_MS = 250


def base_size() -> int:
    """The application font's point size, which 大字模式 raises; screens derive their own sizes from it."""
    app = QApplication.instance()
    base = app.font().pointSize() if isinstance(app, QApplication) else BASE_POINT_SIZE
    return base if base > 0 else BASE_POINT_SIZE


class FollowsTextSize:
    """Mixin (before QWidget) for a screen whose own style sheet is derived from the base size.

    ``restyle()`` calls ``apply_text_size(base)`` when the base size changed since
    the last time; a font or style change (大字模式) restyles once it has settled.
    """

    _styled_base = 0

    def apply_text_size(self, base: int) -> None:
        raise NotImplementedError

    def restyle(self) -> None:
        base = base_size()
        if base != self._styled_base:
            self._styled_base = base
            self.apply_text_size(base)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, self._restyle_if_alive)
        super().changeEvent(event)  # type: ignore[misc]

    def _restyle_if_alive(self) -> None:
        from shiboken6 import isValid

        if isValid(self):
            self.restyle()


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("heading")
    label.setWordWrap(True)
    return label


def hint(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


def selectable(label: QLabel) -> QLabel:
    """Let the clerk select and copy the text (a file path, a fingerprint, a serial)."""
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def confirm(parent: QWidget, title: str, text: str, yes: str, no: str) -> bool:
    """A question whose buttons say what they do; No is the default, so Enter never destroys anything."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def open_path(path: Path) -> bool:
    """Hand a file (a PDF to print, a kept photo or scan) to the system's viewer; False when none opened it.

    PySide6-Essentials has no QtPdf, so the program cannot draw a PDF itself; the system viewer also
    knows the office printer and its paper trays. The one seam tests and screenshot tools replace.
    """
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def record_table(model: QAbstractItemModel) -> QTableView:
    """A read-only table of records: whole rows selected one at a time, no editing in place."""
    table = QTableView()
    table.setModel(model)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.horizontalHeader().setHighlightSections(False)
    return table


def size_columns(table: QTableView, samples: dict[int, str], *, stretch: int | None = None) -> None:
    """Tall rows (older eyes, fingers on a touchpad) and each listed column as wide as the widest
    text it usually holds, measured in the table's font so 大字模式 widens them; ``stretch`` takes
    what is left. Call again after the font changes."""
    metrics = table.fontMetrics()
    row = int(metrics.height() * 2.1)
    table.verticalHeader().setDefaultSectionSize(row)
    header = table.horizontalHeader()
    header.setMinimumHeight(row)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    pad = metrics.horizontalAdvance("M") * 2
    widths = {column: metrics.horizontalAdvance(sample) + pad for column, sample in samples.items()}
    for column, width in widths.items():
        table.setColumnWidth(column, width)
    if stretch is not None:
        # in 大字模式 the measured columns can leave the stretching one (the record's name) a few pixels:
        # then the widest of them give up width, so the name keeps at least a quarter of the table
        keeper = getattr(table, "_cunwu_stretch_keeper", None)
        if keeper is None:
            keeper = _StretchKeeper(table)
            table.viewport().installEventFilter(keeper)
            table._cunwu_stretch_keeper = keeper  # type: ignore[attr-defined]
        keeper.widths = widths
        keeper.fit()


class _StretchKeeper(QObject):
    """Narrows a table's measured columns when its stretching column would be left too narrow to read."""

    SHARE = 4  # the stretching column keeps at least 1/SHARE of the width

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        self.widths: dict[int, int] = {}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        available = self.table.viewport().width()
        room = available - available // self.SHARE
        cap = max(self.widths.values(), default=0)
        # the widest columns give way first, down to a common width; short ones (dates) stay whole
        while cap > 0 and sum(min(w, cap) for w in self.widths.values()) > room:
            cap -= 4
        for column, width in self.widths.items():
            self.table.setColumnWidth(column, min(width, max(cap, 0)) if room > 0 else width)


class ListModel(QAbstractTableModel, Generic[Row]):
    """A table over a list of plain rows, replaced whole by :meth:`set_rows`.

    ``columns`` is the IntEnum of the columns and ``title`` gives each one's header (read when
    painted, so a change of language shows); a subclass answers :meth:`data` for one row.
    """

    def __init__(self, columns: type[IntEnum], title: Callable[[Any], str], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns, self._title = columns, title
        self._rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802,B008 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802,B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._title(self._columns(section))
        return None


def select_row(table: QTableView, row: int) -> None:
    """Make ``row`` the one selected row of ``table`` and scroll it into view."""
    index = table.model().index(row, 0)
    table.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    table.scrollTo(index)


def search_timer(parent: QObject, search: Callable[[], None]) -> QTimer:
    """A timer that runs ``search`` once typing pauses: connect the box's textChanged to its start."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(SEARCH_DELAY_MS)
    timer.timeout.connect(search)
    return timer


def with_message_below(widget: QWidget, message: QLabel) -> QWidget:
    """A form field and the line under it that says what is wrong with it."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(widget)
    layout.addWidget(message)
    return box


def fit_combos(*combos: QComboBox) -> None:
    """Chinese is wider than the "X" Qt sizes a combo's contents by: make room for the longest choice."""
    for combo in combos:
        metrics = combo.fontMetrics()
        widest = max((metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
        combo.setMinimumWidth(widest + metrics.horizontalAdvance("M") * 3)


def refill_years(combo: QComboBox, years: set[int] | list[int], this_year: int, data: Callable[[int], Any] = int) -> None:
    """Keep the first choice ("all years"), list ``years`` and this year newest first, keep the chosen one."""
    combo.blockSignals(True)
    chosen = combo.currentData()
    while combo.count() > 1:
        combo.removeItem(1)
    for y in sorted(set(years) | {this_year}, reverse=True):
        combo.addItem(_("{year}年").format(year=y), data(y))
    combo.setCurrentIndex(max(combo.findData(chosen), 0))
    combo.blockSignals(False)


class PageStack(QStackedWidget):
    """Pages shown one at a time that ask only for the room of the page shown (a QStackedWidget asks for its
    largest page's): a tall page seen once does not keep the window taller than the office screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        page = self.currentWidget()
        if page is None:
            return super().minimumSizeHint()
        return page.minimumSizeHint().expandedTo(page.minimumSize())


class VerticalScroll(QScrollArea):
    """A column that scrolls up and down only: it asks for the width its content needs (a splitter beside it
    gives way), so nothing is cut on the right in 大字模式."""

    def __init__(self, inner: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(inner)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        inner = self.widget()
        if inner is None:
            return hint
        width = inner.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        return QSize(max(hint.width(), width), hint.height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the content needs another width now (other buttons, 大字模式)
        return super().eventFilter(watched, event)


def grow_to_fit(widget: QWidget) -> None:
    """A message was shown in ``widget``'s dialog: let the dialog grow to show it whole.

    A word-wrapped message needs more lines than the dialog was laid out for, and Qt does not grow a
    window for a label's height-for-width by itself, so a two-line explanation (a wrong ID number's)
    was cut off. Once the label has its new text the dialog takes the height its layout wants at its
    width, up to the screen's height. Screens in the main window are left to their own layouts."""
    QTimer.singleShot(0, lambda: _grow(widget))


def _grow(widget: QWidget) -> None:
    from shiboken6 import isValid
    from PySide6.QtWidgets import QDialog

    if not isValid(widget):
        return
    window = widget.window()
    layout = window.layout()
    if not isinstance(window, QDialog) or not window.isVisible() or layout is None:
        return
    layout.activate()
    width = window.width()
    needed = layout.totalMinimumSize().height()
    if layout.hasHeightForWidth():
        needed = max(needed, layout.totalHeightForWidth(width))
    screen = window.screen()
    if screen is not None:
        frame = window.frameGeometry().height() - window.height()
        needed = min(needed, screen.availableGeometry().height() - frame)
    if needed > window.height():
        window.resize(width, needed)
