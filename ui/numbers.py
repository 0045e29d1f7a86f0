"""Whole numbers a person types (attendance, households, votes, amounts, counts): kept exactly as typed.

A plain QSpinBox clamps what is typed to its range without a word: 实到 2000 in a box whose maximum is
200 becomes 200, and the program saves and judges the wrong number. :class:`NumberBox` therefore takes
any whole number a person could type (a technical range far wider than any village), and checks it
against the real limit instead: the register's count of members or households, the law's limit, what
the program can do. A number outside the limit is kept as typed and refused in red beside the field,
with the limit and why; :attr:`NumberBox.ok` stays False and the screen saves nothing until it is
fixed. ``tests/ui/test_numeric_fields.py`` types an over-large and a negative value into every numeric
field of every screen and holds this; it also fails on a QSpinBox made anywhere else in ui/.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QSpinBox, QWidget

from app.i18n import _
from ui.style import message_label, show_message

# the technical range: nine digits either way, far beyond any village, so Qt never changes what was typed
TYPED_MAX = 999_999_999


class NumberBox(QSpinBox):
    """``NumberBox(what, minimum=0, maximum=None, why="")``: a whole number kept as typed and checked here.

    ``what`` names the number in messages (实到人数). ``maximum`` (None: no limit of its own) and ``why`` (the
    reason for it, e.g. 名册里全村共 512 户) can change with :meth:`set_limit`. The message goes to
    ``message`` (a label beside the field; :meth:`field` gives the box with one under it), or, with
    ``message=None``, is left to the screen (the vote boxes, whose rules speak for them: :meth:`problem`).
    ``checked(ok)`` is emitted after each change of value or limit.
    """

    checked = Signal(bool)

    def __init__(self, what: str, *, minimum: int = 0, minimum_why: str = "", maximum: int | None = None,
                 why: str = "", message: QLabel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.what = what
        self.minimum_value, self.minimum_why = minimum, minimum_why
        self.maximum_value, self.why = maximum, why
        self.message = message
        self.setRange(-TYPED_MAX, TYPED_MAX)
        self.setAccessibleName(what)
        self.valueChanged.connect(lambda _v: self.check())

    def set_limit(self, maximum: int | None, why: str = "") -> None:
        """A new real maximum (the register changed, another meeting opened); the value typed is kept."""
        self.maximum_value, self.why = maximum, why
        self.check()

    def set_message_label(self, label: QLabel | None) -> None:
        self.message = label
        self.check()

    def field(self) -> QWidget:
        """This box with its own message line under it."""
        from ui.widgets import with_message_below

        if self.message is None:
            self.message = message_label("error")
        return with_message_below(self, self.message)

    def problem(self) -> str:
        """Why the number typed cannot be taken, with the limit; "" when it can."""
        value = self.value()
        if value < self.minimum_value:
            if self.minimum_value == 0:
                return _("{what}不能是负数(填的是 {value}),请改正。").format(what=self.what, value=value)
            return _("{what}至少是 {minimum}(填的是 {value}){why},请改正。").format(
                what=self.what, minimum=self.minimum_value, value=value,
                why=_(":{why}").format(why=self.minimum_why) if self.minimum_why else "")
        if self.maximum_value is not None and value > self.maximum_value:
            return _("{what}最多是 {maximum}(填的是 {value}){why},请改正。").format(
                what=self.what, maximum=self.maximum_value, value=value,
                why=_(":{why}").format(why=self.why) if self.why else "")
        return ""

    @property
    def ok(self) -> bool:
        return not self.problem()

    def check(self) -> bool:
        """Say in the message line whether the number can be taken; True when it can."""
        text = self.problem()
        if self.message is not None:
            show_message(self.message, text, "error")
        self.checked.emit(not text)
        return not text


def first_problem(*boxes: NumberBox) -> str:
    """The first refusal among ``boxes`` that are shown, "" when every number can be taken."""
    for box in boxes:
        if not box.isHidden():
            text = box.problem()
            if text:
                return text
    return ""
