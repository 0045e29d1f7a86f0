"""Titles over two lines: split into even lines, between words, never inside one.

A notice's title is read from across the room, so one that needs two lines is split in two
halves of about the same width, not a full line and a leftover word, and never inside a word:
关于2026年第三季度最低生活保障金 / 发放情况的公示, not ……最低生 / 活保障金…….

Chinese has no spaces between words. Where a title can break is decided by a small lexicon of
the words village notices are made of (the terms of the disclosure and certificate catalogues
and of the law), by the function words that end a phrase (的 与 和 及), and by punctuation;
Latin words and numbers are never cut (app.printing.metrics). A general segmentation library
was measured against this (docs/printing.md): it costs about a second to load its dictionary
the first time a title is split, for titles whose words this lexicon already knows.
"""

from __future__ import annotations

import re

from app.printing.metrics import NO_LINE_END, NO_LINE_START, Metrics

# The words titles are made of; a line never breaks inside one. Longer words first is not
# needed: every word's inside positions are protected.
LEXICON = (
    "村民委员会", "居民委员会", "村务监督委员会", "监督委员会", "村民代表会议", "村民代表", "村民会议",
    "村民小组", "党支部", "党员大会", "支部委员会", "党组织", "村集体", "集体经济", "集体资产", "集体土地",
    "经济合作社", "股份经济合作社", "最低生活保障", "最低生活保障金", "低保", "特困人员", "供养",
    "临时救助", "医疗救助", "残疾人", "困难残疾人", "生活补贴", "护理补贴", "高龄津贴", "养老保险",
    "医疗保险", "城乡居民", "基本养老", "退役军人", "优抚对象", "抚恤", "补助", "补贴", "救助", "资金",
    "专项资金", "惠农补贴", "耕地地力保护补贴", "耕地地力", "地力保护", "种粮", "粮食", "农机购置",
    "宅基地", "土地承包", "承包经营", "土地流转", "征地补偿", "征收", "补偿费", "安置", "拆迁",
    "公益事业", "一事一议", "财政奖补", "工程项目", "项目建设", "招标", "投标", "合同", "承包", "租赁",
    "收入", "支出", "收支", "财务", "账目", "预算", "决算", "审计", "债权", "债务", "收益分配", "分配方案",
    "公开", "公示", "公告", "通知", "情况", "明细", "名单", "结果", "方案", "计划", "报告", "决定", "决议",
    "发放", "使用", "管理", "评议", "审核", "审批", "申请", "办理", "登记", "变更", "选举", "换届",
    "候选人", "计划生育", "独生子女", "奖励扶助", "扶贫", "脱贫", "防止返贫", "监测对象", "乡村振兴",
    "人居环境", "环境整治", "道路", "硬化", "饮水", "安全", "消防", "防汛", "疫情", "卫生", "学校",
    "第一季度", "第二季度", "第三季度", "第四季度", "上半年", "下半年", "年度", "季度", "月份",
    "工作", "会议", "纪要", "记录", "证明", "台账", "村务", "党务", "事务", "建设", "服务", "社区",
)

# A break just after these ends a phrase: a good place for the line to turn.
_PHRASE_ENDS = frozenset("的与和及、，,：:；;")
_UNITS = re.compile(r"[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+(?:[.,:/%'_+\-][0-9A-Za-z]+)*%?|\s+|.", re.S)


def _protected(text: str) -> set[int]:
    """Positions (a break before text[i]) inside a lexicon word."""
    inside: set[int] = set()
    for word in LEXICON:
        start = text.find(word)
        while start >= 0:
            inside.update(range(start + 1, start + len(word)))
            start = text.find(word, start + 1)
    return inside


def balanced_lines(m: Metrics, text: str, size: float, width: float) -> list[str]:
    """``text`` as centred-title lines no wider than ``width``.

    One line if it fits. Two lines: the break where the halves are closest in width, among the breaks
    that split no word and follow the line-breaking rules; a break after a phrase end (的, 、) is
    preferred when it is nearly as even. More than two lines: even lines at the narrowest width that
    still needs no more lines.
    """
    lines = m.wrap(text, size, width)
    if len(lines) < 2:
        return lines
    if len(lines) == 2:
        best = _two_lines(m, text, size, width)
        if best:
            return best
    low, high = width / len(lines), width
    while high - low > 1:
        middle = (low + high) / 2
        if len(m.wrap(text, size, middle)) > len(lines):
            low = middle
        else:
            high = middle
    return m.wrap(text, size, high)


def _two_lines(m: Metrics, text: str, size: float, width: float) -> list[str] | None:
    units = _UNITS.findall(text)
    inside = _protected(text)
    total = m.width(text, size)
    best: tuple[float, int] | None = None
    position = 0
    for k in range(1, len(units)):
        position += len(units[k - 1])
        left, right = text[:position].rstrip(), text[position:].lstrip()
        if not left or not right:
            continue
        if right[0] in NO_LINE_START or left[-1] in NO_LINE_END:
            continue
        wl = m.width(left, size)
        wr = total - m.width(text[:position], size) - (m.width(text[position:], size) - m.width(right, size))
        if wl > width or wr > width:
            continue
        cost = abs(wl - wr)
        if position in inside:
            cost += 4 * width  # only where no break between words fits
        if left[-1] in _PHRASE_ENDS:
            cost -= 1.5 * size
        if best is None or cost < best[0]:
            best = (cost, position)
    if best is None:
        return None
    position = best[1]
    return [text[:position].rstrip(), text[position:].lstrip()]
