"""The window shows Chinese with the shipped font, on a machine that has no Chinese font of its own."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtGui import QFont, QFontInfo, QFontMetrics, QRawFont  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.printing.fonts import font_paths  # noqa: E402
from ui.fonts import install_app_font, loaded_font_files  # noqa: E402

WQY = "WenQuanYi Micro Hei"


@pytest.fixture
def app() -> Iterator[QApplication]:
    application = QApplication.instance() or QApplication([])
    assert isinstance(application, QApplication)
    before = QFont(application.font())
    yield application
    application.setFont(before)


def test_default_font_is_the_shipped_chinese_font(app: QApplication) -> None:
    family = install_app_font(app)
    assert family == WQY
    font = app.font()
    assert QFontInfo(font).family() == WQY
    assert QRawFont.fromFont(font).familyName() == WQY
    assert QFontMetrics(font).inFontUcs4(ord("村"))


def test_the_shipped_files_are_what_qt_loaded(app: QApplication) -> None:
    install_app_font(app)
    loaded = loaded_font_files()
    for path in font_paths().values():
        assert path in loaded, path
    assert WQY in loaded[font_paths()["CunwuSans"]]


def test_rare_name_characters_fall_back_to_the_shipped_fallbacks(app: QApplication) -> None:
    install_app_font(app)
    assert app.font().families()[:3] == [WQY, "HanaMinA", "HanaMinB"]
    assert QRawFont.fromFont(QFont("HanaMinA")).supportsCharacter(0x20000)  # 𠀀
    assert QRawFont.fromFont(QFont("HanaMinB")).supportsCharacter(0x2A700)  # 𪜀
    assert not QRawFont.fromFont(QFont(WQY)).supportsCharacter(0x20000)


def test_point_size_is_applied_for_clerks_who_need_large_text(app: QApplication) -> None:
    install_app_font(app, point_size=16)
    assert app.font().pointSize() == 16
    assert QFontInfo(app.font()).family() == WQY
