"""Reading and writing the village residents roster (花名册).

Rosters arrive as .xlsx, old .xls or .csv files typed by hand over years:
title rows merged above the header, blank rows, synonyms for the same
column, full-width digits, and ID numbers that Excel has turned into
numbers. Reading collects every problem with the row number the clerk sees
in Excel, so one pass over the file tells them everything to fix.

openpyxl and xlrd are imported inside the functions that need them: the
program starts noticeably faster without them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.i18n import _
from app.people.idcard import IdNumberError, validate_id
from app.people.names import clean_name, name_problem
from app.people.phone import PhoneError, normalize_phone
from app.people.status import LABELS as STATUS_LABELS
from app.sheets import (BRACKETED, HEADER_SEARCH_ROWS, RowError, Rows, SheetFileError, cell_text, csv_sheet, header_key,
                        is_blank, open_sheets, unreadable)

# The headers are part of the file format the township and other programs
# read back, like the stored values 男/女, so they are data and not translated.
COLUMNS: list[str] = [
    "姓名", "性别", "身份证号", "出生日期", "联系电话", "村民小组",
    "户主姓名", "与户主关系", "党员", "村民代表", "住址", "备注", "状态", "预备期开始日期",
]  # fmt: skip
_FIELDS = [
    "name", "sex", "id_number", "birth_date", "phone", "group_name",
    "head_name", "relation", "party_member", "representative", "address", "note", "status", "probation_since",
]  # fmt: skip
_CANONICAL = dict(zip(_FIELDS, COLUMNS))

_SYNONYMS = {
    "name": ["姓名"],
    "sex": ["性别"],
    "id_number": ["身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"],
    "birth_date": ["出生日期", "出生年月", "生日", "出生年月日"],
    "phone": ["联系电话", "电话", "手机", "手机号", "手机号码", "电话号码", "联系方式"],
    "group_name": ["村民小组", "小组", "组别", "所属小组", "组"],
    "head_name": ["户主姓名", "户主"],
    "relation": ["与户主关系", "关系"],
    "party_member": ["党员", "是否党员", "政治面貌"],
    "representative": ["村民代表", "是否村民代表"],
    "address": ["住址", "地址", "家庭住址"],
    "note": ["备注"],
    "status": ["状态", "人员状态", "在册状态"],
    # the day the party members' meeting admitted a probationary member (《中国共产党章程》第七条: the year runs
    # from it); read for probationary members only: a full member's 入党日期 is not kept
    "probation_since": ["预备期开始日期", "预备期开始", "预备期起始日期", "预备期起算日期", "接收预备党员日期",
                        "接收为预备党员日期", "成为预备党员日期", "入党日期", "入党时间"],
}
_HEADER_FIELD = {label: name for name, labels in _SYNONYMS.items() for label in labels}
_POLITICAL_STATUS = "政治面貌"

SHEET_TITLE = "花名册"

_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d*)?[eE][+-]?\d+")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})?")
_SEPARATED_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?|月)?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_SECTION = re.compile(r"(?:.*村)?(第?[0-9一二三四五六七八九十百零〇]+(?:村民)?小?组)(?:[(（].*)?")
# A 15-digit number still fits exactly in a float; from 16 digits on, Excel has rounded.
_EXACT_FLOAT_LIMIT = 10**15

_SEX = {"男": "男", "男性": "男", "m": "男", "male": "男", "女": "女", "女性": "女", "f": "女", "female": "女"}
_PARTY = {"中共党员", "党员"}
# 预备党员 (probationary) in a 党员 or 政治面貌 column: not a full member (《中国共产党章程》第七条)
_PROBATIONARY = {"中共预备党员", "预备党员", "中共预备", "预备", "预备党", "中国共产党预备党员", "共产党预备党员"}
PROBATIONARY_TEXT = "中共预备党员"  # what the export writes in the 党员 column: the 政治面貌 word, read back
_TRUE = {"是", "y", "yes", "1", "√", "✓", "✔", "true", "对", "有", "村民代表", "代表"} | _PARTY
_FALSE = {"否", "n", "no", "0", "×", "✗", "✘", "x", "false", "不是", "无", "非", "群众",
          "共青团员", "团员", "非党员", "无党派人士", "民主党派"}  # fmt: skip


RosterFileError = SheetFileError  # the roster import's name for it


@dataclass
class RosterRow:
    row_number: int  # as Excel shows it: 1-based, title and header rows counted
    name: str
    sex: str  # 男 / 女
    birth_date: dt.date | None
    id_number: str | None  # canonical 18 characters; None for infants not yet given one
    phone: str = ""
    group_name: str = ""  # 村民小组 as typed
    head_name: str = ""  # 户主姓名; empty when the person heads their own household
    relation: str = ""  # 与户主关系
    party_member: bool = False
    representative: bool = False
    address: str = ""
    note: str = ""
    status: str | None = None  # None (在册), "moved" (已迁出) or "died" (已故)
    probationary: bool = False  # 预备党员 in the 党员/政治面貌 column; then party_member is False
    probation_since: dt.date | None = None


@dataclass
class RosterParse:
    """``rows`` holds only rows without errors; ``errors`` every problem found."""

    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    header_row: int = 0
    sheet_name: str = ""


# ---------------------------------------------------------------- reading



def read_roster(path: Path, *, existing_ids: Collection[str] = ()) -> RosterParse:
    """Read the first sheet that has a roster header and check every row.

    ``existing_ids`` are the ID numbers already in the register: a row with
    one of them is reported instead of being imported twice.
    """
    path = Path(path)
    sheets = open_sheets(path, _csv_sheets, missing=_missing, busy=_busy)
    try:
        return _parse_sheets(sheets, path, existing_ids)
    except RosterFileError:
        raise
    except Exception as exc:  # a damaged file can fail anywhere inside the readers
        raise unreadable(path) from exc
    finally:
        sheets.close()


def _missing(path: Path) -> RosterFileError:
    return RosterFileError(_("找不到文件“{name}”，请重新选择。").format(name=path.name))


def _busy(path: Path) -> RosterFileError:
    return RosterFileError(
        _("无法打开文件“{name}”：它可能正被其他程序占用。请关闭 Excel 或 WPS 后再试。").format(name=path.name)
    )


def _web_page(path: Path) -> RosterFileError:
    return RosterFileError(
        _("“{name}”其实是网页格式，不是真正的表格。请用 Excel 或 WPS 打开它，另存为 .xlsx 格式后再导入。").format(
            name=path.name
        )
    )


def _csv_sheets(path: Path) -> Iterator[tuple[str, Rows]]:
    return csv_sheet(path, "姓名", unreadable=unreadable, web_page=_web_page)


def _header_field(key: str) -> str | None:
    if not key:
        return None
    return _HEADER_FIELD.get(key) or _HEADER_FIELD.get(BRACKETED.sub("", key))


@dataclass
class _Header:
    columns: dict[str, int]  # field -> column index, first matching column wins
    labels: dict[str, str]  # field -> the header as written in the sheet
    political_status: bool  # 党员 comes from a 政治面貌 column


def _match_header(values: Any) -> _Header | None:
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    political = False
    for index, value in enumerate(values):
        key = header_key(value)
        name = _header_field(key)
        if name and name not in columns:
            columns[name] = index
            labels[name] = "".join(str(value).split())
            if name == "party_member":
                political = _POLITICAL_STATUS in (key, BRACKETED.sub("", key))
    if not columns:
        return None
    return _Header(columns, labels, political)


def _parse_sheets(sheets: Iterator[tuple[str, Rows]], path: Path, existing_ids: Collection[str]) -> RosterParse:
    without_name = False
    for sheet_name, rows in sheets:
        for row_number, values in rows:
            if row_number > HEADER_SEARCH_ROWS:
                break
            header = _match_header(values)
            if header is None:
                continue
            if "name" in header.columns and len(header.columns) >= 2:
                parser = _RowParser(header, existing_ids)
                parse = parser.parse(rows)
                parse.header_row = row_number
                parse.sheet_name = sheet_name
                return parse
            if len(header.columns) >= 2:
                without_name = True
    if without_name:
        raise RosterFileError(
            _("“{name}”的表头里没有“姓名”这一列。请在表头加上“姓名”列（列名就写“姓名”），再导入。").format(
                name=path.name
            )
        )
    raise RosterFileError(
        _(
            "在“{name}”的前{n}行里没有找到表头。表头应是一行列名，至少包括“姓名”和“身份证号”（或“性别”等）。"
            "请检查是否选错了文件，或把表头改成这样的列名后再导入。"
        ).format(name=path.name, n=HEADER_SEARCH_ROWS)
    )


def _section_title(values: Sequence[Any]) -> str:
    """The group named by a title row that holds nothing else, or ''."""
    texts = [v for v in values if not is_blank(v)]
    if len(texts) != 1 or not isinstance(texts[0], str):
        return ""
    match = _SECTION.fullmatch("".join(texts[0].split()))
    return match[1] if match else ""


def _clean_name(value: Any) -> str:
    # Spaces inside Chinese names only line up two-character names with three-character ones.
    return clean_name(cell_text(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _RowParser:
    def __init__(self, header: _Header, existing_ids: Collection[str]) -> None:
        self.header = header
        self.existing = existing_ids if isinstance(existing_ids, (set, frozenset)) else set(existing_ids)
        self.seen: dict[str, int] = {}
        self.result = RosterParse()
        self.items = list(header.columns.items())
        # Rosters kept group by group put a title row such as “第一村民小组” above each group.
        self.section = ""

    def label(self, name: str) -> str:
        return self.header.labels.get(name, _CANONICAL[name])

    def error(self, row: int, name: str, reason: str, fix: str) -> None:
        self.result.errors.append(RowError(row, self.label(name), reason, fix))

    def parse(self, rows: Rows) -> RosterParse:
        groups: dict[str, None] = {}
        for row_number, values in rows:
            width = len(values)
            cells = {name: values[i] if i < width else None for name, i in self.items}
            filled = sum(1 for v in cells.values() if not is_blank(v))
            if filled <= 1:
                title = _section_title(values)
                if title:
                    self.section = title
                    continue
                if not filled:
                    continue
            if header_key(cells.get("name")) == "姓名":
                continue  # the header repeated above each group's section or printed page
            row = self.parse_row(row_number, cells)
            if row is not None:
                self.result.rows.append(row)
                if row.group_name:
                    groups.setdefault(row.group_name)
        self.result.groups = list(groups)
        return self.result

    def parse_row(self, row: int, cells: dict[str, Any]) -> RosterRow | None:
        errors_before = len(self.result.errors)
        name = _clean_name(cells.get("name"))
        if not name:
            self.error(row, "name", _("姓名没有填写"), _("请填写这个人的姓名；空行可以直接删除"))
        else:
            problem = name_problem(name)  # the register's one rule (app.people.names)
            if problem is not None:
                self.error(row, "name", *problem)

        id_number = self.id_number(row, cells.get("id_number"))
        sex_given = bool(cell_text(cells.get("sex")))
        sex = self.sex(row, cells.get("sex"))
        birth = self.birth_date(row, cells.get("birth_date"))

        if id_number:
            # validate_id has checked the date and returns the canonical form, so read the
            # fields directly (GB 11643: 7th-14th = birth date, 17th odd = man): normalising
            # the number twice more per row is a fifth of the time on a 20,000-row roster.
            id_sex = "男" if int(id_number[16]) % 2 else "女"
            id_birth = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
            if sex and sex != id_sex:
                self.error(
                    row, "sex",
                    _("性别与身份证号不一致：表里填的是“{sex}”，身份证号显示是“{id_sex}”").format(sex=sex, id_sex=id_sex),
                    _("请对照身份证原件核对性别和身份证号"),
                )  # fmt: skip
            if isinstance(birth, dt.date) and birth != id_birth or (
                isinstance(birth, tuple) and birth != (id_birth.year, id_birth.month)
            ):
                shown = birth.isoformat() if isinstance(birth, dt.date) else "{0}-{1:02d}".format(*birth)
                self.error(
                    row, "birth_date",
                    _("出生日期与身份证号不一致：表里是{date}，身份证号里是{id_date}").format(
                        date=shown, id_date=id_birth.isoformat()),
                    _("请对照身份证原件核对出生日期和身份证号"),
                )  # fmt: skip
            sex, birth = id_sex, id_birth
        elif id_number is None:
            if isinstance(birth, tuple):
                self.error(
                    row, "birth_date", _("没有身份证号时，出生日期要写全年、月、日"),
                    _("请写成1990-01-02这样的格式"),
                )  # fmt: skip
            elif not sex_given or birth is None:
                self.error(
                    row, "id_number", _("没有填写身份证号，也没有同时填写性别和出生日期"),
                    _("请填写身份证号；还没有身份证的婴幼儿，请填写性别和出生日期"),
                )  # fmt: skip

        phone = self.phone(row, cells.get("phone"))
        probationary = self.probationary(cells.get("party_member"))
        party = False if probationary else self.flag(row, "party_member", cells.get("party_member"))
        since = self.probation_since(row, cells.get("probation_since")) if probationary else None
        representative = self.flag(row, "representative", cells.get("representative"))
        status = self.status(row, cells.get("status"))
        if len(self.result.errors) != errors_before:
            return None
        return RosterRow(
            row_number=row,
            name=name,
            sex=sex,
            birth_date=birth if isinstance(birth, dt.date) else None,
            id_number=id_number or None,
            phone=phone,
            group_name=cell_text(cells.get("group_name")) or self.section,
            head_name=_clean_name(cells.get("head_name")),
            relation="".join(cell_text(cells.get("relation")).split()),
            party_member=party,
            representative=representative,
            address=cell_text(cells.get("address")),
            note=cell_text(cells.get("note")),
            status=status,
            probationary=probationary,
            probation_since=since,
        )

    def id_number(self, row: int, value: Any) -> str | None | bool:
        """The canonical ID, None when the cell is empty, False when it is wrong (already reported)."""
        numeric = _is_number(value)
        if isinstance(value, float) and (value != value):
            return None
        if isinstance(value, float) and (not value.is_integer() or abs(value) >= _EXACT_FLOAT_LIMIT):
            # Shown the way Excel displays it, so the clerk recognises the cell.
            return self.number_stored(row, f"{value:.5E}")
        text = cell_text(value).lstrip("'")
        if not text:
            return None
        if _SCIENTIFIC.fullmatch("".join(unicodedata.normalize("NFKC", text).split())):
            return self.number_stored(row, text)
        try:
            number = validate_id(text)
        except IdNumberError as exc:
            if numeric and len(text) > 15:
                return self.number_stored(row, text)
            self.error(row, "id_number", str(exc), _("请对照身份证原件改正这一格"))
            return False
        first = self.seen.get(number)
        if first is not None:
            self.error(
                row, "id_number",
                _("第{row}行和第{first}行的身份证号相同（{id}）").format(row=row, first=first, id=number),
                _("同一个人只能登记一次；如果是两个人，请对照身份证原件核对号码"),
            )  # fmt: skip
            return False
        self.seen[number] = row
        if number in self.existing:
            self.error(
                row, "id_number",
                _("身份证号{id}已经在本村花名册里登记过").format(id=number),
                _("这个人已经登记，不用再导入；请删除这一行，或核对身份证号"),
            )  # fmt: skip
            return False
        return number

    def number_stored(self, row: int, shown: str) -> bool:
        self.error(
            row, "id_number",
            _("身份证号被表格存成了数字（{shown}），后几位已经丢失").format(shown=shown),
            _("请把“{column}”这一列的单元格格式设为“文本”，再照身份证原件重新输入").format(
                column=self.label("id_number")),
        )  # fmt: skip
        return False

    def sex(self, row: int, value: Any) -> str:
        text = cell_text(value)
        if not text:
            return ""
        sex = _SEX.get(unicodedata.normalize("NFKC", text).lower())
        if sex is None:
            self.error(
                row, "sex", _("性别“{value}”无法识别").format(value=text),
                _("请填写“男”或“女”；有身份证号的可以留空，会按身份证号自动填写"),
            )  # fmt: skip
            return ""
        return sex

    def birth_date(self, row: int, value: Any) -> dt.date | tuple[int, int] | None | bool:
        """A date, (year, month) for 出生年月 columns, None when empty, False when wrong."""
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if value is None:
            return None
        if _is_number(value) and value == int(value) and 61 <= value < 80000:
            # An Excel date serial in a column formatted as 常规 (general).
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        text = cell_text(value)
        if not text:
            return None
        normalized = unicodedata.normalize("NFKC", text)
        match = _COMPACT_DATE.fullmatch(normalized) or _SEPARATED_DATE.fullmatch(normalized)
        if match:
            year, month = int(match[1]), int(match[2])
            try:
                if match[3] is None:
                    dt.date(year, month, 1)
                    return (year, month)
                return dt.date(year, month, int(match[3]))
            except ValueError:
                pass
        self.error(
            row, "birth_date", _("出生日期“{value}”无法识别").format(value=text),
            _("请写成1990-01-02这样的格式；有身份证号的可以留空，会按身份证号自动填写"),
        )  # fmt: skip
        return False

    def phone(self, row: int, value: Any) -> str:
        try:
            return normalize_phone(cell_text(value))
        except PhoneError as exc:
            self.error(row, "phone", str(exc), exc.fix)
            return ""

    def status(self, row: int, value: Any) -> str | None:
        from app.people.status import StatusError, parse_status

        try:
            return parse_status(cell_text(value))
        except StatusError:
            self.error(
                row, "status", _("状态“{value}”无法识别").format(value=cell_text(value)),
                _("请填写“在册”“已迁出”或“已故”,不填表示在册"),
            )  # fmt: skip
            return None

    @staticmethod
    def probationary(value: Any) -> bool:
        text = "".join(unicodedata.normalize("NFKC", cell_text(value)).split())
        return text in _PROBATIONARY

    def probation_since(self, row: int, value: Any) -> dt.date | None:
        """The day a probationary member was admitted; empty is allowed (the clerk fills it in later)."""
        if is_blank(value):
            return None
        errors = len(self.result.errors)
        day = self.birth_date(row, value)
        if len(self.result.errors) != errors:  # the date reader named the birth column: name this one
            self.result.errors[-1] = RowError(row, self.label("probation_since"),
                                              _("预备期开始日期“{value}”无法识别").format(value=cell_text(value)),
                                              _("请写成2026-03-01这样的格式"))
            return None
        if isinstance(day, dt.date):
            return day
        self.error(row, "probation_since", _("预备期开始日期要写全年、月、日"),
                   _("请写成2026-03-01这样的格式:预备期从支部大会通过之日起算一年"))
        return None

    def flag(self, row: int, name: str, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = unicodedata.normalize("NFKC", cell_text(value)).lower()
        if not text:
            return False
        if name == "party_member" and self.header.political_status:
            # 政治面貌 lists 群众, 共青团员, 民主党派 and so on: only party members count.
            return text in _PARTY
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        self.error(
            row, name, _("“{value}”无法识别").format(value=cell_text(value)),
            _("请填写“是”或“否”"),
        )  # fmt: skip
        return False


# ---------------------------------------------------------------- writing


def _export_values(row: RosterRow) -> list[Any]:
    return [
        row.name, row.sex, row.id_number or "", row.birth_date, row.phone, row.group_name,
        row.head_name, row.relation,
        PROBATIONARY_TEXT if row.probationary else "是" if row.party_member else "否",
        "是" if row.representative else "否",
        row.address, row.note, STATUS_LABELS[row.status], row.probation_since if row.probationary else None,
    ]  # fmt: skip


def write_roster(path: Path, rows: Iterable[RosterRow]) -> None:
    """Write the roster in the layout read_roster reads, safe to open and edit in Excel.

    Written by the program's one workbook writer (app.workbook): text stays text (a note typed as =HYPERLINK(...)
    is never a formula), and a full USB stick gives the one plain message and leaves no half-written roster.
    """
    from app.workbook import Sheet, write_workbook

    text_columns = {COLUMNS.index("身份证号"), COLUMNS.index("联系电话")}
    write_workbook(Path(path), [Sheet(SHEET_TITLE, COLUMNS, [_export_values(r) for r in rows],
                                      text_columns=text_columns, centred_header=True, landscape=True)])
