"""关于: the program's version, where its data lives, its licence and the licences of the fonts it ships.

The fonts are in resources/fonts with their licence files (resources/fonts/README.md); :data:`FONTS` names
each font file and its licence, and tests/ui/test_help.py fails on a font file shipped without an entry
or a licence file.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app import program_version
from app.i18n import _
from app.resources import resource_path
from ui.widgets import heading, hint, open_path, selectable

FONT_DIR = "fonts"
FONT_SUFFIXES = (".ttf", ".ttc", ".otf")
PROGRAM_LICENCE = "GPL-3.0-or-later"  # pyproject.toml's license
PROGRAM_LICENCE_FILE = "licences/GPL-3.0.txt"  # in resources/


@dataclass(frozen=True)
class FontInfo:
    name: str
    files: tuple[str, ...]  # in resources/fonts
    licence: str
    licence_file: str       # in resources/fonts
    use: str


def fonts() -> list[FontInfo]:
    return [
        FontInfo(_("文泉驿微米黑(WenQuanYi Micro Hei)"), ("wqy-microhei.ttc",),
                 _("Apache 许可证 2.0 版(Apache-2.0)"), "wqy-microhei.LICENSE.txt",
                 _("窗口和打印用的主要字体")),
        FontInfo(_("花园明朝A、花园明朝B(HanaMinA、HanaMinB)"), ("HanaMinA.ttf", "HanaMinB.ttf"),
                 _("花园字体许可证(Hanazono Font License)或 SIL 开放字体许可证 1.1 版(OFL-1.1),任选其一"),
                 "HanaMin.LICENSE.txt", _("打印生僻字(扩展A区到F区)用的备用字体")),
    ]


def font_dir() -> Path:
    return resource_path(FONT_DIR)


class LicenceDialog(QDialog):
    """The whole text of a licence file, to read and copy."""

    def __init__(self, title: str, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        try:
            self.text.setPlainText(path.read_text(encoding="utf-8", errors="replace"))
        except OSError as exc:
            self.text.setPlainText(_("无法读取 {path}:{reason}").format(path=path, reason=exc.strerror or exc))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(900, 640)


class AboutDialog(QDialog):
    """``AboutDialog(data_dir)``: version, data directory, the program's licence, the fonts and their licences."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("关于村务"))
        self.data_dir = Path(data_dir)
        self.licence_buttons: dict[str, QPushButton] = {}
        self.missing: list[str] = []

        title = QLabel(_("村务"))
        title.setObjectName("title")
        self.version_label = selectable(QLabel(_("版本 {version}").format(version=program_version())))
        self.version_label.setObjectName("heading")
        purpose = hint(_("村委会的村务公开、会议记录、证明开具和村民信息管理。不联网,数据都在这台电脑上。"))

        self.data_label = selectable(QLabel(str(self.data_dir)))
        self.data_label.setWordWrap(True)
        open_button = QPushButton(_("打开数据目录"))
        open_button.clicked.connect(lambda: open_path(self.data_dir))
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_label, 1)
        data_row.addWidget(open_button, 0, Qt.AlignmentFlag.AlignTop)

        self.licence_label = QLabel(_(
            "本程序是自由软件,按 GNU 通用公共许可证第3版或(由您选择)任何更新的版本({licence})发布,"
            "可以自由使用、复制、修改和分发;本程序不提供任何担保。").format(licence=PROGRAM_LICENCE))
        self.licence_label.setWordWrap(True)
        self.qt_label = hint(_("界面使用 Qt {qt}(PySide6 {pyside},GNU 宽通用公共许可证第3版,LGPL-3.0);"
                               "Python {python}。").format(qt=qVersion(), pyside=pyside_version,
                                                          python=platform.python_version()))

        fonts_grid = QGridLayout()
        fonts_grid.setColumnStretch(0, 1)
        for row, font in enumerate(fonts()):
            text = QLabel(_("<b>{name}</b>:{use}<br>许可证:{licence}<br>文件:{files}").format(
                name=font.name, use=font.use, licence=font.licence, files=_("、").join(font.files)))
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.RichText)
            fonts_grid.addWidget(text, row, 0)
            path = font_dir() / font.licence_file
            if path.is_file():
                button = QPushButton(_("许可证全文"))
                button.clicked.connect(lambda _checked=False, f=font, p=path: self.show_licence(f.name, p))
                self.licence_buttons[font.licence_file] = button
                fonts_grid.addWidget(button, row, 1, Qt.AlignmentFlag.AlignTop)
            else:
                self.missing.append(font.licence_file)
                missing = QLabel(_("许可证文件缺失:{name}").format(name=font.licence_file))
                missing.setObjectName("error")
                fonts_grid.addWidget(missing, row, 1, Qt.AlignmentFlag.AlignTop)

        body = QWidget()
        body.setObjectName("page")
        layout = QVBoxLayout(body)
        layout.addWidget(title)
        layout.addWidget(self.version_label)
        layout.addWidget(purpose)
        layout.addSpacing(8)
        layout.addWidget(heading(_("数据目录")))
        layout.addLayout(data_row)
        layout.addSpacing(8)
        layout.addWidget(heading(_("许可证")))
        licence_row = QHBoxLayout()
        licence_row.addWidget(self.licence_label, 1)
        program_licence = resource_path(PROGRAM_LICENCE_FILE)
        if program_licence.is_file():
            button = QPushButton(_("许可证全文"))
            button.clicked.connect(lambda: self.show_licence(_("村务"), program_licence))
            self.licence_buttons[PROGRAM_LICENCE_FILE] = button
            licence_row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        else:
            self.missing.append(PROGRAM_LICENCE_FILE)
        layout.addLayout(licence_row)
        layout.addWidget(self.qt_label)
        layout.addSpacing(8)
        layout.addWidget(heading(_("字体和字体的许可证")))
        layout.addLayout(fonts_grid)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("pageScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addWidget(buttons)
        width = 860
        wrapped = layout.heightForWidth(width - 40)  # the height the wrapped lines take at that width
        height = (wrapped if wrapped > 0 else body.sizeHint().height()) + 80
        screen = self.screen()
        room = screen.availableGeometry().height() - 40 if screen is not None else 688
        self.resize(width, min(height, room, 688))  # a 1366x768 screen less its taskbar holds it

    def show_licence(self, name: str, path: Path) -> LicenceDialog:
        dialog = LicenceDialog(_("许可证 — {name}").format(name=name), path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
