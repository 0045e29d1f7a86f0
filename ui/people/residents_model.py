"""The residents table: ResidentRow dataclasses, loaded a page at a time (ui.paged_model).

Pages are read on the GUI thread through a short read session. A page of 200
with its count takes a few milliseconds even on a 20,000-person register
(SQLite in WAL mode never makes a reader wait for the writer), which is less
than one frame: a worker round trip would only add a moment of empty table and
the bookkeeping for answers that arrive after the person typed something else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal

from app.i18n import _
from app.masking import mask_id
from app.people.idcard import age_on
from app.people.service import ResidentQuery, ResidentRow, count_residents, search_residents
from app.storage import Store
from ui.operations import read_now
from ui.paged_model import PAGE, PagedModel
from ui.widgets import AnyIndex

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["PAGE", "Columns", "ResidentsTableModel", "column_title", "read_page", "sex_label"]

ROW_ROLE = Qt.ItemDataRole.UserRole + 1


class Columns(IntEnum):
    NAME = 0
    SEX = 1
    BIRTH_DATE = 2
    AGE = 3
    ID_NUMBER = 4
    PHONE = 5
    GROUP = 6
    RELATION = 7
    PARTY_MEMBER = 8
    REPRESENTATIVE = 9


def column_title(column: Columns) -> str:
    # built when asked, so a change of language shows at the next repaint
    return {
        Columns.NAME: _("姓名"),
        Columns.SEX: _("性别"),
        Columns.BIRTH_DATE: _("出生日期"),
        Columns.AGE: _("年龄"),
        Columns.ID_NUMBER: _("身份证号"),
        Columns.PHONE: _("联系电话"),
        Columns.GROUP: _("村民小组"),
        Columns.RELATION: _("与户主关系"),
        Columns.PARTY_MEMBER: _("党员"),
        Columns.REPRESENTATIVE: _("村民代表"),
    }[column]


def sex_label(stored: str) -> str:
    """男/女 are stored as data; this is how they read on screen."""
    return {"男": _("男"), "女": _("女")}.get(stored, stored)


_CENTRED = {Columns.SEX, Columns.AGE, Columns.PARTY_MEMBER, Columns.REPRESENTATIVE}


@dataclass(frozen=True)
class ResidentsPage:
    total: int  # counted with the first page only; later pages carry -1
    rows: list[ResidentRow]


def read_page(store: Store, query: ResidentQuery, offset: int, limit: int) -> ResidentsPage:
    """One page, read on the GUI thread (measured: docs/architecture.md, "Screens and the store")."""
    def page(s: Session) -> ResidentsPage:
        total = count_residents(s, query) if offset == 0 else -1
        return ResidentsPage(total, search_residents(s, query, offset=offset, limit=limit))

    return read_now(store, page)


class ResidentsTableModel(PagedModel[ResidentRow, ResidentQuery]):
    """Residents matching a :class:`ResidentQuery`, fetched lazily in pages of :data:`PAGE`, on the GUI thread."""

    totalChanged = Signal(int)

    def __init__(self, store: Store, query: ResidentQuery | None = None, *, mask_ids: bool = False,
                 parent: Any = None) -> None:
        super().__init__(store, read_page, "residents", Columns, column_title, parent, on_gui_thread=True)
        self._mask_ids = mask_ids
        self._today = dt.date.today()
        self.loaded.connect(lambda: self.totalChanged.emit(self._total))
        self.set_query(query or ResidentQuery())

    # ------------------------------------------------------------ state

    @property
    def query(self) -> ResidentQuery:
        return self._query or ResidentQuery()

    @property
    def mask_ids(self) -> bool:
        return self._mask_ids

    def set_query(self, query: ResidentQuery, *, keep: int = 0) -> None:
        """Show the first page of residents matching ``query`` (at least ``keep`` rows, so a refresh does not jump)."""
        self._today = dt.date.today()
        super().set_query(query, keep=keep)

    def _failed(self, exc: BaseException, generation: int) -> None:
        if generation == self._generation and self.loading:
            # the first page of a search failed: show nobody rather than the last search's rows
            self.beginResetModel()
            self._rows, self._total, self._exhausted = [], 0, True
            self.endResetModel()
            self.totalChanged.emit(0)
        super()._failed(exc, generation)

    def set_mask_ids(self, mask: bool) -> None:
        if mask == self._mask_ids:
            return
        self._mask_ids = mask
        if self._rows:
            self.dataChanged.emit(self.index(0, Columns.ID_NUMBER), self.index(len(self._rows) - 1, Columns.ID_NUMBER))

    def replace_row(self, resident: ResidentRow) -> None:
        """Show an edited resident in place, without reading the page again."""
        i = self.row_of(resident.id)
        if i is None:
            return
        self._rows[i] = resident
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(Columns) - 1))

    def remove_resident(self, resident_id: int) -> None:
        """Drop a deleted resident; the next page still starts at the right offset."""
        i = self.row_of(resident_id)
        if i is None:
            return
        self.beginRemoveRows(QModelIndex(), i, i)
        del self._rows[i]
        self.endRemoveRows()
        self._total = max(0, self._total - 1)
        self.totalChanged.emit(self._total)

    # ------------------------------------------------------------ Qt model

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return super().headerData(section, orientation, role)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        r = self._rows[index.row()]
        column = Columns(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(r, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignHCenter if column in _CENTRED else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == Columns.NAME and r.note:
            return r.note
        if role == ROW_ROLE:
            return r
        return None

    def display(self, r: ResidentRow, column: Columns) -> str:
        if column == Columns.NAME:
            return r.name
        if column == Columns.SEX:
            return sex_label(r.sex)
        if column == Columns.BIRTH_DATE:
            return r.birth_date.isoformat() if r.birth_date else ""
        if column == Columns.AGE:
            if r.birth_date is None or r.birth_date > self._today:
                return ""
            return str(age_on(r.birth_date, self._today))
        if column == Columns.ID_NUMBER:
            if not r.id_number:
                return ""
            return mask_id(r.id_number) if self._mask_ids else r.id_number
        if column == Columns.PHONE:
            return r.phone
        if column == Columns.GROUP:
            return r.group_name
        if column == Columns.RELATION:
            return r.relation
        if column == Columns.PARTY_MEMBER:
            return _("是") if r.party_member else _("预备党员") if r.probationary else ""
        if column == Columns.REPRESENTATIVE:
            return _("是") if r.representative else ""
        return ""
