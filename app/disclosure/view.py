"""What a notice printout shows: a plain value handed from the disclosure core to printing.

Everything here is already the printed text except personal data: printing passes
every body line and table cell through ``app.masking.mask_text``, so an ID number,
phone number or bank account typed into a notice never reaches the public board.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from app.printing.tables import PrintedTable

# a table of a notice: the printing toolkit's table, which the finance statement also builds
NoticeTable = PrintedTable

# body markup, deliberately small so a clerk can type it: a line starting with "## " is a
# sub-heading, "- " a bullet; a blank line separates paragraphs; nothing else is special.
HEADING_PREFIX = "## "
BULLET_PREFIX = "- "


@dataclass(frozen=True)
class NoticeView:
    village_name: str
    number: str  # 公开编号, e.g. "2026-015"; "草稿" before posting
    title: str
    category: str  # 党务 / 村务 / 财务
    period_label: str  # e.g. "2026年10月", "2026年第三季度"
    body: str
    tables: list[NoticeTable] = field(default_factory=list)
    posted_from: datetime.date | None = None
    posted_until: datetime.date | None = None
    reviewers: str = ""  # 监委会 members who reviewed, joined with "、"
    hotline: str = ""  # 监督电话
    print_date: datetime.date | None = None
    chain_head: str = ""  # e.g. "第 123 号 · 3f2a9c1b"
    qr_payload: str = ""  # ASCII: notice number and content hash
    check_code: str = ""  # 核验码 printed beside the QR code (posted notices only): app.disclosure.service.check_code
    draft: bool = False  # printed with a visible 草稿 (not yet posted) mark
    corrects: str = ""  # "更正 2026-011:原因……" when this notice corrects another
