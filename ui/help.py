"""The user guide inside the program: F1 or 帮助 opens docs/user-guide.md at the part for the screen in front.

The guide is the same file as docs/user-guide.md, with the pictures of docs/images; the program finds it
where it was installed (:func:`guide_file`): beside the program in a PyInstaller build (build.spec puts it
in resources/help), in the environment's share/cunwu/help after ``pip install`` (pyproject's data-files),
or in the source tree. No network is needed.

Each screen of the main window has a section of the guide (:data:`SCREEN_SECTIONS`), and a tab of a screen
may have a part of it (:data:`TAB_SECTIONS`); tests/ui/test_help.py holds every one present in the guide.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFont, QImageReader, QResizeEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.i18n import _
from app.resources import resource_path
from ui.nav import install_shortcut, nav_column  # noqa: F401 - the window's left column, kept importable here

GUIDE_NAME = "user-guide.md"
HELP_DIR = "help"  # in resources/ of a PyInstaller build and in share/cunwu/ of a pip installation

# the screen's key in the main window -> the heading of its section (without the number 一、二、...)
SCREEN_SECTIONS: dict[str, str] = {
    "home": "首页",
    "disclosure": "村务公开",
    "meetings": "会议记录和“四议两公开”",
    "certificates": "开具证明",
    "residents": "村民信息",
    "sync": "同步到乡镇(U盘)",
    "settings": "备份和恢复",
}

# a screen's tab (the screen's attribute holding the tab's page) -> a heading inside the screen's section
TAB_SECTIONS: dict[str, dict[str, str]] = {
    "disclosure": {"calendar": "公开日历:这个月该公开什么", "notices": "审核、批准、张贴", "editor": "写公告"},
    "meetings": {"calendar": "会议日历和会议列表", "meetings": "会议日历和会议列表",
                 "editor": "一次会议,按开会的顺序记", "board": "四议两公开"},
    "certificates": {"issue_panel": "开具", "register_panel": "台账、作废和补打", "verify_panel": "核验",
                     "catalogue_panel": "不能开的证明"},
}

HELP_SECTION = "帮助和关于"  # the guide's own section on this window
_NUMBER = re.compile(r"^[一二三四五六七八九十百]+、\s*")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")


def guide_file() -> Path | None:
    """The user guide the program shows: installed with the program, else the source tree's."""
    candidates = [
        resource_path(HELP_DIR, GUIDE_NAME),
        Path(sys.prefix) / "share" / "cunwu" / HELP_DIR / GUIDE_NAME,
        Path(__file__).resolve().parent.parent / "docs" / GUIDE_NAME,
    ]
    return next((path for path in candidates if path.is_file()), None)


def plain_heading(text: str) -> str:
    """A heading as the mapping names it: without its number (三、) and the markup around it."""
    text = text.strip().lstrip("#").strip().replace("**", "").replace("`", "")
    return _NUMBER.sub("", text).strip()


@dataclass(frozen=True)
class Heading:
    level: int  # 2 for a section, 3 for a part of it
    title: str  # as shown (with its number)
    key: str    # plain_heading(title)


def headings(markdown: str) -> list[Heading]:
    """The sections and parts of the guide (## and ###), in order; code blocks are skipped."""
    found = []
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        match = re.match(r"^(#{2,3})\s+(.+?)\s*#*\s*$", line)
        if match and not fenced:
            title = match.group(2).replace("**", "").replace("`", "")
            found.append(Heading(len(match.group(1)), title, plain_heading(title)))
    return found


def find_heading(found: list[Heading], screen: str, tab: str | None = None) -> Heading | None:
    """The heading for ``screen`` (a key of SCREEN_SECTIONS) and, when the guide has one, its ``tab``'s part."""
    section_key = SCREEN_SECTIONS.get(screen)
    start = next((i for i, h in enumerate(found) if h.level == 2 and h.key == section_key), None)
    if start is None:
        return None
    part_key = TAB_SECTIONS.get(screen, {}).get(tab or "")
    if part_key is not None:
        for h in found[start + 1:]:
            if h.level <= 2:
                break
            if h.key == part_key:
                return h
    return found[start]


def current_tab(screen_widget: QWidget | None, screen: str) -> str | None:
    """The attribute name of the tab shown on a screen with tabs (``tabs``), if the guide maps it."""
    tabs = getattr(screen_widget, "tabs", None)
    page = tabs.currentWidget() if tabs is not None and hasattr(tabs, "currentWidget") else None
    if page is None:
        return None
    for attribute in TAB_SECTIONS.get(screen, {}):
        if getattr(screen_widget, attribute, None) is page:
            return attribute
    return None


def shown_markdown(markdown: str, folder: Path) -> str:
    """The guide as the window shows it: a picture whose file is missing is left out (its caption stays)."""

    def picture(match: re.Match[str]) -> str:
        alt, target = match.group(1), match.group(2)
        if "://" in target or (folder / target).is_file():
            return match.group(0)
        return "*{alt}*".format(alt=alt) if alt else ""

    return _IMAGE.sub(picture, markdown)


def help_point_size() -> float:
    """The guide's type: a little larger than the program's own (which 大字模式 already enlarges)."""
    base = QApplication.font().pointSizeF()
    if base <= 0:
        base = 12.0
    return round(base * 1.15, 1)


class _GuideText(QTextBrowser):
    """The guide's text; says when its width changes, so the pictures are fitted again."""

    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.resized.emit()


class HelpWindow(QDialog):
    """The user guide: contents on the left, the text on the right, opened at a section (``show_section``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("村务 — 使用说明"))
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setModal(False)
        self.path = guide_file()
        self.found: list[Heading] = []

        self.contents = QTreeWidget()
        self.contents.setObjectName("helpContents")
        self.contents.setHeaderHidden(True)
        self.contents.setWordWrap(True)
        self.contents.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.contents.setAccessibleName(_("目录"))
        self.browser = _GuideText()
        self.browser.setObjectName("helpText")
        self.browser.setOpenLinks(False)
        # the text wraps and the pictures are fitted: a sideways scroll bar would only move the margin
        self.browser.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.browser.anchorClicked.connect(self._link)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)

        self.contents.itemClicked.connect(self._contents_clicked)
        self.contents.currentItemChanged.connect(lambda item, _old: self._contents_clicked(item))
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(100)
        self._fit_timer.timeout.connect(self.fit_images)
        # a signal, not an event filter on the viewport: a filter is called while Qt tears the window down
        self.browser.resized.connect(self._fit_timer.start)
        self.load()
        self._size_to_screen()

    # ------------------------------------------------------------ the text

    def load(self) -> None:
        document = QTextDocument(self.browser)
        font = QFont(QApplication.font())
        font.setPointSizeF(help_point_size())
        document.setDefaultFont(font)
        if self.path is None:
            document.setMarkdown(_("# 找不到使用说明\n\n程序的使用说明文件(user-guide.md)不在安装目录里。"
                                   "请重新安装程序,或向乡镇负责村务的同志要一份使用说明。"))
            self.browser.setDocument(document)
            return
        folder = self.path.parent
        markdown = self.path.read_text(encoding="utf-8")
        self.found = headings(markdown)
        document.setBaseUrl(QUrl.fromLocalFile(str(folder) + "/"))
        document.setMarkdown(shown_markdown(markdown, folder), QTextDocument.MarkdownFeature.MarkdownDialectGitHub)
        self.browser.setSearchPaths([str(folder)])
        self.browser.setDocument(document)
        self._fill_contents()

    def _fill_contents(self) -> None:
        self.contents.clear()
        parent: QTreeWidgetItem | None = None
        for h in self.found:
            if h.level == 2:
                parent = QTreeWidgetItem([h.title])
                self.contents.addTopLevelItem(parent)
                item = parent
            else:
                item = QTreeWidgetItem([h.title])
                (parent.addChild(item) if parent is not None else self.contents.addTopLevelItem(item))
            item.setData(0, Qt.ItemDataRole.UserRole, h.title)
            item.setToolTip(0, h.title)

    def fit_images(self, width: int | None = None) -> None:
        """Pictures no wider than the text area (screenshots are wider than the window)."""
        document = self.browser.document()
        if width is None:
            width = self.browser.viewport().width()
        width = max(width - 2 * int(document.documentMargin()) - 24, 200)
        reading = self.current_heading() if self.browser.verticalScrollBar().value() > 0 else ""
        changed = False
        block = document.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fragment.isValid() and fmt.isImageFormat():
                    image = fmt.toImageFormat()
                    natural = QImageReader(self._image_path(image.name())).size()
                    if natural.isValid() and natural.width() > 0:
                        table = QTextCursor(block).currentTable()  # pictures side by side share the width
                        room = (width - 40) // table.columns() - 24 if table is not None else width
                        shown = min(natural.width(), max(room, 80))
                        if abs(image.width() - shown) > 1:
                            image.setWidth(shown)
                            image.setHeight(natural.height() * shown / natural.width())
                            cursor = QTextCursor(document)
                            cursor.setPosition(fragment.position())
                            cursor.setPosition(fragment.position() + fragment.length(),
                                               QTextCursor.MoveMode.KeepAnchor)
                            cursor.setCharFormat(image)
                            changed = True
                it += 1
            block = block.next()
        if changed and reading:
            self.scroll_to(reading)  # the pictures above it changed height: back to what was being read

    def _image_path(self, name: str) -> str:
        url = QUrl(name)
        if url.isLocalFile():
            return url.toLocalFile()
        return str((self.path.parent if self.path else Path(".")) / name)


    # ------------------------------------------------------------ moving about

    def show_section(self, screen: str, tab: str | None = None) -> bool:
        """Scroll to the guide's part for ``screen`` (and its ``tab``); False if the guide has none."""
        heading = find_heading(self.found, screen, tab)
        if heading is None:
            return False
        return self.scroll_to(heading.title)

    def scroll_to(self, title: str) -> bool:
        document = self.browser.document()
        block = document.begin()
        wanted = plain_heading(title)
        while block.isValid():
            if block.blockFormat().headingLevel() > 0 and plain_heading(block.text()) == wanted:
                cursor = QTextCursor(block)
                self.browser.setTextCursor(cursor)
                document.pageCount()  # lays the whole text out, so the scroll bar reaches that far
                top = document.documentLayout().blockBoundingRect(block).top()
                self.browser.verticalScrollBar().setValue(int(top))
                self._select_in_contents(block.text())
                return True
            block = block.next()
        return False

    def current_heading(self) -> str:
        """The heading at the top of the text area (what the reader is looking at)."""
        cursor = self.browser.cursorForPosition(self.browser.viewport().rect().topLeft())
        block = cursor.block()
        while block.isValid() and block.blockFormat().headingLevel() == 0:
            block = block.previous()
        return block.text() if block.isValid() else ""

    def _select_in_contents(self, title: str) -> None:
        wanted = plain_heading(title)
        for i in range(self.contents.topLevelItemCount()):
            top = self.contents.topLevelItem(i)
            for item in [top] + [top.child(j) for j in range(top.childCount())]:
                if plain_heading(item.text(0)) == wanted:
                    self.contents.blockSignals(True)
                    self.contents.collapseAll()
                    top.setExpanded(True)
                    self.contents.setCurrentItem(item)
                    self.contents.scrollToItem(item)
                    self.contents.blockSignals(False)
                    return

    def _contents_clicked(self, item: QTreeWidgetItem | None) -> None:
        if item is not None:
            self.scroll_to(str(item.data(0, Qt.ItemDataRole.UserRole)))

    def _link(self, url: QUrl) -> None:
        if url.hasFragment() and not url.path():
            self.browser.scrollToAnchor(url.fragment())

    # ------------------------------------------------------------ size

    def _size_to_screen(self) -> None:
        """Most of a 1366x768 screen, never more than the screen holds (a taskbar leaves about 728)."""
        width, height = 1180, 688
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            width, height = min(width, available.width() - 40), min(height, available.height() - 40)
        self.resize(width, height)
        metrics = self.contents.fontMetrics()
        widest = max((metrics.horizontalAdvance(h.title) for h in self.found if h.level == 2), default=200)
        left = min(widest + metrics.horizontalAdvance("M") * 3 + 20, width // 3)
        self.contents.setMinimumWidth(min(left, 200))
        self.splitter.setSizes([left, width - left])
        self.fit_images(width - left - 40)  # the text area's width to be; fitted again once shown


def show_help(parent: QWidget, screen: str, tab: str | None = None) -> HelpWindow:
    """Open (or bring forward) the help window of ``parent`` at the part for ``screen``."""
    window = getattr(parent, "_cunwu_help", None)
    if not isinstance(window, HelpWindow) or not isValid(window):
        window = HelpWindow(parent)
        parent._cunwu_help = window  # type: ignore[attr-defined] - one help window per main window
    window.show()
    window.raise_()
    window.activateWindow()
    window.show_section(screen, tab)

    def settled() -> None:  # once the window has its size and the text is laid out at that width
        if isValid(window):
            window.fit_images()
            window.show_section(screen, tab)

    QTimer.singleShot(0, settled)
    return window

