"""A table's name column stays readable in 大字模式: the measured columns beside it give way (widest first)
instead of squeezing the name to a few pixels, and short columns such as dates keep their width."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QFont, QStandardItemModel  # noqa: E402

from ui import widgets  # noqa: E402


def test_the_stretching_column_keeps_a_quarter_and_the_date_stays_whole(qtbot):
    model = QStandardItemModel(3, 4)
    table = widgets.record_table(model)
    qtbot.addWidget(table)
    font = QFont(table.font())
    font.setPointSize(20)  # large type, as 大字模式 sets it
    table.setFont(font)
    table.resize(900, 300)
    table.show()
    samples = {0: "2026-12-31", 2: "2026-11-05 张贴 2026-015", 3: "还没有拟稿(双击拟稿)"}
    date_width = table.fontMetrics().horizontalAdvance("2026-12-31") + table.fontMetrics().horizontalAdvance("M") * 2
    widgets.size_columns(table, samples, stretch=1)
    qtbot.waitUntil(lambda: table.columnWidth(1) >= table.viewport().width() // 4 - 2, timeout=2_000)
    assert table.columnWidth(0) == date_width
    assert table.columnWidth(2) < table.fontMetrics().horizontalAdvance(samples[2])
