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


_DEFERRED = r"""
import sys
from PySide6.QtGui import QFontDatabase, QRawFont, QFont
from PySide6.QtWidgets import QApplication, QLabel
from app.printing.fonts import font_paths
from ui.fonts import (FALLBACK_FAMILIES, fallbacks_for, install_app_font, install_fallback_fonts, loaded_font_files,
                      needs_fallback)

app = QApplication([])
install_app_font(app, fallbacks=False)
print("families:", app.font().families()[:3])
print("read at start:", sorted(p.name for p in loaded_font_files()))
print("needs:", needs_fallback("杨树湾村 张三"), needs_fallback("𠀀"), needs_fallback("㐀"))
label = QLabel("王𠀀")  # laid out before the fallbacks are read
label.sizeHint()
fallbacks_for(app, "杨树湾村", "张三")
print("after common names:", sorted(p.name for p in loaded_font_files()))
fallbacks_for(app, "证明待办:王𠀀的居住证明")
print("after a rare name:", sorted(p.name for p in loaded_font_files()))
files = {name: loaded_font_files()[path] for name, path in font_paths().items()}
print("files hold:", all(FALLBACK_FAMILIES[n] in files[n] for n in FALLBACK_FAMILIES))
print("label:", label.text())
print("again:", install_fallback_fonts(app))
"""


def test_the_rare_characters_fonts_are_read_when_a_text_needs_them(tmp_path):
    """The program starts with the primary font only, the fallbacks already named; a text with a character
    only they have (a rare name) has them read before it is shown, and the families named are the files'."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", _DEFERRED], cwd=root, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    assert lines["families"] == str([WQY, "HanaMinA", "HanaMinB"])
    assert lines["read at start"] == "['wqy-microhei.ttc']"
    assert lines["needs"] == "False True True"
    assert lines["after common names"] == "['wqy-microhei.ttc']"
    assert lines["after a rare name"] == "['HanaMinA.ttf', 'HanaMinB.ttf', 'wqy-microhei.ttc']"
    assert lines["files hold"] == "True"
    assert lines["label"] == "王𠀀"
    assert lines["again"] == "[]"


_HOME = r"""
import sys
from pathlib import Path
from app.people.service import init_village
import random
from app.people.uscc import make_uscc
from app.schema import open_store
import ui.app
from ui.fonts import loaded_font_files

data = Path(sys.argv[1])
store = open_store(data)
with store.begin("测试") as s:
    init_village(s, name=sys.argv[2], code=make_uscc(random.Random(1)), township="石桥镇", county="平原县",
                 groups=["第一村民小组"])
store.close()
ui.app.FALLBACK_FONTS_AFTER_MS = 10 ** 6  # only the home screen's own check may read them here
code = ui.app.main(["--smoke", "--data-dir", str(data)])
print("read:", sorted(p.name for p in loaded_font_files()))
sys.exit(code)
"""


@pytest.mark.parametrize(("village", "read"), [("柳林村", False), ("𡌶林村", True)])
def test_the_home_screen_reads_the_rare_characters_fonts_before_showing_a_name_that_needs_them(
        tmp_path, village, read):
    """A village whose name has a rare character (𡌶, Extension B) has its fonts read before the home screen shows
    the name, so it never shows as a box; a name of common characters leaves them for later."""
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run([sys.executable, "-c", _HOME, str(tmp_path / "v"), village], capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).resolve().parents[2],
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert village in done.stdout
    assert ("HanaMinB.ttf" in done.stdout) is read
