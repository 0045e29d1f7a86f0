"""核验证明: a certificate someone brings to the township, checked against every village's key and the
registers the hub received (app.hub.verify.verify_with_hub): genuine, voided, or never seen by the hub.

The village's own 核验 panel (ui.certificates.verify_panel.VerifyPanel) with the hub as what it asks: the
same scan box (a USB scanner types and presses Enter), the same big answer in words and colour.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.i18n import _
from ui.certificates.verify_panel import VerifyPanel
from ui.township.ops import HubRead
from ui.widgets import FollowsTextSize, heading, hint


class HubVerifyPanel(VerifyPanel):
    """VerifyPanel asking the hub instead of a village store."""

    def __init__(self, hub: Any, parent: QWidget | None = None) -> None:
        super().__init__(None, parent)  # type: ignore[arg-type] - the store is only used by verify()
        self.hub = hub
        self.scan_edit.setPlaceholderText(_("扫描证明上的二维码,或输入二维码下面的六位核验码,按回车核验"))
        first = self.layout().itemAt(0).widget()  # the panel's explanation, written for a village
        if isinstance(first, QLabel):
            first.setText(_("核对证明真假:扫描后自动核对开具证明的村的签名,和乡镇收到的该村台账,看是否真实、是否已作废。"
                            "扫码枪会自己按回车,扫完一张可以直接扫下一张。二维码扫不出来时,输入二维码下面的六位核验码"
                            "(大小写都可以)。结果是“台账里没有这份证明”的,可能是村里上次交同步包以后才开的,"
                            "请打电话向该村核实。"))

    def verify(self) -> Any:
        from app.hub.verify import verify_with_hub

        text = self.scan_edit.text().strip()
        if not text:
            self.scan_edit.setFocus()
            return None
        self.scan_edit.clear()
        self.scan_edit.setFocus()
        self._asked += 1
        asked = self._asked
        return (HubRead(self.hub, lambda hub, _ctx: verify_with_hub(hub, text))
                .success(lambda v: self._show(v, text, asked)).failure(lambda exc: self._failed(exc, asked)).run())


class HubVerifyScreen(FollowsTextSize, QWidget):
    def __init__(self, hub: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = HubVerifyPanel(hub)
        title = heading(_("核验证明"))
        title.setObjectName("title")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(hint(_("群众或单位拿来的村证明,在这里核对是不是本乡镇的村开具的、有没有作废。")))
        layout.addWidget(self.panel, 1)
        self.setFocusProxy(self.panel)
        self.restyle()

    def apply_text_size(self, base: int) -> None:
        from ui.certificates import common

        self.setStyleSheet(common.style_sheet(base))
