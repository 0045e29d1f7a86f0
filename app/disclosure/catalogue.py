"""The disclosure catalogue (村务公开目录): what the village discloses, how often, by when, for how long.

The catalogue is data (resources/catalogues/disclosure-*.json), versioned with an
effective date, because each county fixes its own (domain.md, 村务公开). The
township sends newer versions; they are placed in the data directory's
``catalogues`` folder and take over on their effective date, while every notice
keeps the version it was made under (``catalogue_by_version``). A village may
change the numbers (deadlines, posting days, settings) without editing the file:
see ``apply_overrides``. Format: docs/disclosure-catalogue.md.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.i18n import _
from app.resources import catalogue_dirs, read_catalogue_json

FORMAT = 1
FILE_GLOB = "disclosure-*.json"
DEFAULT_FILE = "disclosure-default.json"

CATEGORIES = ("党务", "村务", "财务")
MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY, EVENT = "monthly", "quarterly", "half_yearly", "yearly", "event"
FREQUENCIES = (MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY, EVENT)
# What kind of matter an item is (Organic Law Art. 30): 一般事项 at least every quarter, 重大事项 at once;
# an annual report once a year by its nature; other things posted when they happen (发展党员公示).
GENERAL, MAJOR, ANNUAL, OCCASIONAL = "general", "major", "annual", "occasional"
MATTERS = (GENERAL, MAJOR, ANNUAL, OCCASIONAL)
MATTER_FREQUENCIES: dict[str, tuple[str, ...]] = {GENERAL: (MONTHLY, QUARTERLY), MAJOR: (EVENT,), ANNUAL: (YEARLY,),
                                                  OCCASIONAL: (EVENT,)}
PLACEHOLDERS = ("period", "village")
# a deadline more than a year after its period would leave the calendar unable to say what is late
MAX_DEADLINE_DAYS = 366
MAX_MIN_DAYS = 366
DEFAULT_SETTINGS: dict[str, Any] = {"finance_monthly": False, "finance_threshold": "1000", "hotline": ""}
ITEM_NUMBERS = ("deadline_days", "min_days")
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]{0,7}-[A-Za-z0-9]{1,8}")
_SETTING = re.compile(r"[a-z][a-z0-9_]{0,39}")


class CatalogueError(UserError):
    """A catalogue file or a village's override is unusable; the message names the file and the item."""


def frequency_label(frequency: str) -> str:
    return {MONTHLY: _("每月"), QUARTERLY: _("每季度"), HALF_YEARLY: _("每半年"), YEARLY: _("每年"),
            EVENT: _("随时")}[frequency]


def matter_label(matter: str) -> str:
    """一般事项, 重大事项, 年度事项, 随时公开事项; "" for an item of an older catalogue that does not say."""
    return {GENERAL: _("一般事项"), MAJOR: _("重大事项"), ANNUAL: _("年度事项"), OCCASIONAL: _("随时公开事项")}.get(
        matter, "")


@dataclass(frozen=True)
class CatalogueItem:
    code: str
    name: str
    category: str
    frequency: str
    deadline_days: int
    min_days: int
    template: str
    legal_basis: str
    finance: bool = False
    applies: str = ""
    note: str = ""
    matter: str = ""  # GENERAL, MAJOR, ANNUAL or OCCASIONAL; "" in a catalogue written before items said so

    @property
    def periodic(self) -> bool:
        return self.frequency != EVENT

    def applies_under(self, settings: Mapping[str, Any]) -> bool:
        """Whether the item is disclosed under these settings (``applies``: a setting name, ``!`` negates it)."""
        if not self.applies:
            return True
        name = self.applies.lstrip("!")
        value = bool(settings.get(name, DEFAULT_SETTINGS.get(name, False)))
        return not value if self.applies.startswith("!") else value

    def deadline_text(self) -> str:
        """The deadline rule as the clerk reads it: "次月10日前" rather than "10 days"."""
        n = self.deadline_days
        if self.frequency == EVENT:
            return _("事项发生后 {n} 天内").format(n=n) if n else _("事项发生当天")
        if n == 0:
            return _("期满当天")
        # the day after a period is always the 1st of a month, so n days after the end is the nth of that
        # month as long as the month is long enough: February caps monthly items at 28
        if n <= {MONTHLY: 28, QUARTERLY: 30, HALF_YEARLY: 31, YEARLY: 31}[self.frequency]:
            after = {MONTHLY: _("次月"), QUARTERLY: _("季度结束后次月"), HALF_YEARLY: _("半年结束后次月"),
                     YEARLY: _("次年1月")}[self.frequency]
            return _("{after}{n}日前").format(after=after, n=n)
        return _("期满后 {n} 天内").format(n=n)

    def render(self, period: str, village: str) -> str:
        """The template with the period label and the village name filled in."""
        return self.template.format(period=period, village=village)


@dataclass(frozen=True)
class Catalogue:
    version: str
    effective: dt.date
    name: str
    items: tuple[CatalogueItem, ...]
    settings: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_SETTINGS), hash=False)
    path: Path | None = field(default=None, compare=False)
    description: str = ""
    region: str = ""
    example: bool = False

    def item(self, code: str) -> CatalogueItem:
        wanted = (code or "").strip().upper()
        for it in self.items:
            if it.code.upper() == wanted:
                return it
        raise CatalogueError(_("公开目录(版本 {version})里没有编号为“{code}”的事项。请检查编号,或向乡镇索取最新目录。").format(
            version=self.version, code=code))

    def by_category(self) -> dict[str, list[CatalogueItem]]:
        """Items under 党务, 村务, 财务 in that order, each in the catalogue's own order."""
        out: dict[str, list[CatalogueItem]] = {c: [] for c in CATEGORIES}
        for it in self.items:
            out[it.category].append(it)
        return out

    def applicable(self, settings: Mapping[str, Any] | None = None) -> list[CatalogueItem]:
        s = self.settings if settings is None else {**self.settings, **settings}
        return [it for it in self.items if it.applies_under(s)]


# ---------------------------------------------------------------- village overrides


def effective_settings(catalogue: Catalogue, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The catalogue's settings with the village's own values laid over them.

    A key the catalogue does not define is ignored: after the township sends a
    new catalogue that drops a setting, the village's old value must not stop
    the calendar. A value of the wrong kind is refused with a message.
    """
    out = dict(catalogue.settings)
    for key, value in (overrides or {}).items():
        if key == "items" or key not in out:
            continue
        out[key] = _setting_value(key, value, out[key], _("本村的公开设置"))
    return out


def apply_overrides(catalogue: Catalogue, overrides: Mapping[str, Any] | None) -> Catalogue:
    """The catalogue with the village's settings and per-item numbers, e.g.
    ``{"finance_monthly": true, "items": {"CW-01": {"deadline_days": 15}}}``.

    An item code the catalogue does not have is ignored for the same reason as
    an unknown setting; a number out of range is refused.
    """
    overrides = overrides or {}
    settings = effective_settings(catalogue, overrides)
    per_item = overrides.get("items") or {}
    if not isinstance(per_item, Mapping):
        raise CatalogueError(_("本村的公开设置里 items 应为“事项编号: 数字”的对应表。"))
    wanted = {str(k).strip().upper(): v for k, v in per_item.items()}
    items = []
    for it in catalogue.items:
        change = wanted.get(it.code.upper())
        if change:
            if not isinstance(change, Mapping):
                raise CatalogueError(_("本村的公开设置里“{code}”应写成 {{\"deadline_days\": 15}} 这样。").format(code=it.code))
            numbers = {}
            for key, value in change.items():
                if key not in ITEM_NUMBERS:
                    raise CatalogueError(_("本村的公开设置里“{code}”只能改 deadline_days(截止天数)和 min_days(最少张贴天数),"
                                           "不能改“{key}”。").format(code=it.code, key=key))
                numbers[key] = _item_number(key, value, _("本村的公开设置"), it.code)
            it = replace(it, **numbers)
        items.append(it)
    return replace(catalogue, items=tuple(items), settings=settings)


def _setting_value(key: str, value: Any, current: Any, where: str) -> Any:
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise CatalogueError(_("{where}里的“{key}”应为 true 或 false。").format(where=where, key=key))
        return value
    if isinstance(current, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise CatalogueError(_("{where}里的“{key}”应为不小于 0 的整数。").format(where=where, key=key))
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # a threshold typed as 2000 means "2000"
    if not isinstance(value, str):
        raise CatalogueError(_("{where}里的“{key}”应为文字。").format(where=where, key=key))
    value = value.strip()
    if key == "finance_threshold":
        try:
            amount = Decimal(value)
        except InvalidOperation:
            amount = Decimal(-1)
        if not amount.is_finite() or amount < 0:
            raise CatalogueError(_("{where}里的大额支出标准 finance_threshold 应为不小于 0 的金额(元),例如 \"1000\"。").format(
                where=where))
    return value


def _item_number(key: str, value: Any, where: str, code: str) -> int:
    low, high = (0, MAX_DEADLINE_DAYS) if key == "deadline_days" else (1, MAX_MIN_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        what = _("截止天数 deadline_days") if key == "deadline_days" else _("最少张贴天数 min_days")
        raise CatalogueError(_("{where}里“{code}”的{what}应为 {low} 到 {high} 之间的整数。").format(
            where=where, code=code, what=what, low=low, high=high))
    return value


# ---------------------------------------------------------------- loading


def load_all(data_dir: Path | None = None) -> list[Catalogue]:
    """Every disclosure catalogue shipped and received, oldest effective date first.

    Among catalogues with the same effective date, the data directory's come
    after the shipped ones and a higher version after a lower one, so the last
    one in force on a day is the one that counts.
    """
    found: list[tuple[dt.date, tuple[Any, ...], int, Catalogue]] = []
    by_version: dict[str, Catalogue] = {}
    for d in catalogue_dirs(data_dir):
        if not d.is_dir():
            continue
        for path in sorted(d.glob(FILE_GLOB)):
            cat = load_catalogue_file(path)
            same = by_version.get(cat.version)
            if same is not None:
                if same != cat:
                    raise CatalogueError(_("公开目录文件 {a} 和 {b} 的版本号都是 {version},内容却不同。"
                                           "请删去其中错的一个,或向乡镇索取更正后的目录。").format(
                        a=same.path.name if same.path else "?", b=path.name, version=cat.version))
                continue  # the township sent back the file that ships: the same catalogue
            by_version[cat.version] = cat
            found.append((cat.effective, _version_key(cat.version), len(found), cat))
    found.sort(key=lambda t: t[:3])
    return [t[3] for t in found]


def in_force(catalogues: Sequence[Catalogue], on: dt.date) -> Catalogue | None:
    """Of ``catalogues`` in :func:`load_all`'s order (oldest effective date first), the one in force on ``on``:
    the last whose effective date has come; None before the first."""
    found = None
    for cat in catalogues:
        if cat.effective <= on:
            found = cat
    return found


def _none_in_force(on: dt.date) -> CatalogueError:
    return CatalogueError(_("{date} 还没有生效的村务公开目录。请向乡镇索取本县现行的公开目录,放进数据目录的 "
                            "catalogues 文件夹。").format(date=on.isoformat()))


def load_catalogue(data_dir: Path | None = None, on: dt.date | None = None) -> Catalogue:
    """The catalogue in force on ``on`` (today by default): the newest version whose effective date has come."""
    on = on or dt.date.today()
    found = in_force(load_all(data_dir), on)
    if found is None:
        raise _none_in_force(on)
    return found


def first_effective(data_dir: Path | None = None) -> dt.date | None:
    """The effective date of the oldest catalogue: the calendar's natural start (calendar.py, ``since``)."""
    every = load_all(data_dir)
    return every[0].effective if every else None


def catalogue_by_version(version: str, data_dir: Path | None = None) -> Catalogue:
    """The catalogue a notice was made under, whatever is in force today."""
    for cat in load_all(data_dir):
        if cat.version == (version or "").strip():
            return cat
    raise CatalogueError(_("找不到版本为“{version}”的村务公开目录。这份公开事项是按它制作的;"
                           "请把乡镇发来的该版本目录放进数据目录的 catalogues 文件夹。").format(version=version))


def load_catalogue_file(path: Path) -> Catalogue:
    path = Path(path)
    try:
        doc = read_catalogue_json(path)
    except (OSError, ValueError) as exc:
        raise CatalogueError(_("公开目录文件 {path} 无法读取或不是有效的目录文件({reason})。").format(
            path=path, reason=exc)) from exc
    return parse_catalogue(doc, path)


def _version_key(version: str) -> tuple[Any, ...]:
    # "2026.10" is newer than "2026.9": numbers compare as numbers
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.findall(r"\d+|\D+", version))


def parse_catalogue(doc: Any, path: Path) -> Catalogue:
    where = Path(path).name

    def bad(what: str) -> CatalogueError:
        return CatalogueError(_("公开目录文件 {file} 有错:{what}").format(file=where, what=what))

    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise bad(_("不是本程序认识的目录格式(format 应为 {n})。").format(n=FORMAT))
    version = doc.get("version")
    if not isinstance(version, str) or not version.strip():
        raise bad(_("缺少版本号 version。"))
    try:
        effective = dt.date.fromisoformat(str(doc.get("effective")))
    except ValueError as exc:
        raise bad(_("生效日期 effective 应为 YYYY-MM-DD 格式的日期。")) from exc
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad(_("缺少目录名称 name。"))
    settings = _parse_settings(doc.get("settings", {}), bad)
    items_doc = doc.get("items")
    if not isinstance(items_doc, list) or not items_doc:
        raise bad(_("事项清单 items 是空的。"))
    # a catalogue says for every item what kind of matter it is, or (written before 2026.2) for none
    classified = any(isinstance(x, dict) and "matter" in x for x in items_doc)
    items = tuple(_parse_item(x, i, settings, bad, classified) for i, x in enumerate(items_doc, 1))
    seen: set[str] = set()
    for it in items:
        if it.code.upper() in seen:
            raise bad(_("事项编号“{code}”重复。").format(code=it.code))
        seen.add(it.code.upper())
    return Catalogue(version=version.strip(), effective=effective, name=name.strip(), items=items,
                     settings=settings, path=Path(path), description=str(doc.get("description", "")).strip(),
                     region=str(doc.get("region", "")).strip(), example=bool(doc.get("example", False)))


def _parse_settings(doc: Any, bad: Any) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise bad(_("设置 settings 应为“名称: 值”的对应表。"))
    settings = dict(DEFAULT_SETTINGS)
    for key, value in doc.items():
        if not _SETTING.fullmatch(str(key)):
            raise bad(_("设置名“{key}”只能用小写英文字母、数字和下划线。").format(key=key))
        if key in DEFAULT_SETTINGS:
            try:
                value = _setting_value(key, value, DEFAULT_SETTINGS[key], _("设置 settings "))
            except CatalogueError as exc:
                raise bad(str(exc)) from exc
        elif not isinstance(value, (bool, int, str)):
            raise bad(_("设置“{key}”的值只能是 true/false、整数或文字。").format(key=key))
        settings[key] = value
    return settings


def _parse_item(doc: Any, index: int, settings: dict[str, Any], bad: Any, classified: bool = False) -> CatalogueItem:
    if not isinstance(doc, dict):
        raise bad(_("第 {n} 项不是对象。").format(n=index))
    who = str(doc.get("code") or doc.get("name") or _("第 {n} 项").format(n=index))

    def text(key: str, required: bool = True) -> str:
        value = doc.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            raise bad(_("事项“{who}”缺少 {key}。").format(who=who, key=key))
        return value.strip()

    code = text("code")
    if not _CODE.fullmatch(code):
        raise bad(_("事项编号“{code}”应为字母开头、一个连字符隔开的两段字母或数字,例如 CW-01。").format(code=code))
    category, frequency = doc.get("category"), doc.get("frequency")
    if category not in CATEGORIES:
        raise bad(_("事项“{who}”的类别 category 应为 党务、村务 或 财务。").format(who=who))
    if frequency not in FREQUENCIES:
        raise bad(_("事项“{who}”的频次 frequency 应为 monthly、quarterly、half_yearly、yearly 或 event。").format(who=who))
    matter = _matter(doc, who, str(frequency), bad) if classified else ""
    numbers = {}
    for key in ITEM_NUMBERS:
        if key not in doc:
            raise bad(_("事项“{who}”缺少 {key}。").format(who=who, key=key))
        try:
            numbers[key] = _item_number(key, doc[key], _("目录"), code)
        except CatalogueError as exc:
            raise bad(str(exc)) from exc
    template = text("template", required=False)
    try:
        used = [n for _lit, n, _spec, _conv in string.Formatter().parse(template) if n is not None]
    except ValueError as exc:
        raise bad(_("事项“{who}”的模板里花括号不成对:{reason}。要写花括号本身请写成 {{{{ 和 }}}}。").format(
            who=who, reason=exc)) from exc
    unknown = [n for n in used if n not in PLACEHOLDERS]
    if unknown:
        raise bad(_("事项“{who}”的模板只能用 {{period}}(期间)和 {{village}}(村名),不能用:{names}").format(
            who=who, names="、".join("{" + n + "}" for n in unknown)))
    applies = text("applies", required=False)
    if applies and not isinstance(settings.get(applies.lstrip("!")), bool):
        raise bad(_("事项“{who}”的适用条件 applies“{cond}”不是目录里的一个 true/false 设置。").format(who=who, cond=applies))
    finance = doc.get("finance", False)
    if not isinstance(finance, bool):
        raise bad(_("事项“{who}”的 finance 应为 true 或 false。").format(who=who))
    return CatalogueItem(code=code, name=text("name"), category=str(category), frequency=str(frequency),
                         deadline_days=numbers["deadline_days"], min_days=numbers["min_days"], template=template,
                         legal_basis=text("legal_basis"), finance=finance, applies=applies,
                         note=text("note", required=False), matter=matter)


def _matter(doc: dict[str, Any], who: str, frequency: str, bad: Any) -> str:
    """The item's kind of matter, checked against its frequency (Organic Law Art. 30: 一般事项至少每季度公布一次;
    涉及村民利益的重大事项应当随时公布)."""
    matter = doc.get("matter")
    if matter is None:
        raise bad(_("事项“{who}”缺少 matter(事项性质)。目录里只要有一个事项写了 matter,每个事项都要写:"
                    "general(一般事项)、major(重大事项)、annual(年度事项)或 occasional(其他随时公开的事项)。").format(
            who=who))
    if matter not in MATTERS:
        raise bad(_("事项“{who}”的事项性质 matter 应为 general、major、annual 或 occasional。").format(who=who))
    if frequency in MATTER_FREQUENCIES[matter]:
        return str(matter)
    if matter == GENERAL and frequency in (HALF_YEARLY, YEARLY):
        raise bad(_("事项“{who}”是一般事项(matter 为 general),频次却是{frequency}({value})。《村民委员会组织法》"
                    "第三十条规定一般事项至少每季度公布一次:请把频次 frequency 改为 quarterly 或 monthly;"
                    "如果它本来就是一年一次的年度报告,请把 matter 改为 annual。").format(
            who=who, frequency=frequency_label(frequency), value=frequency))
    if matter == GENERAL:
        raise bad(_("事项“{who}”是一般事项(matter 为 general),要定期公布,频次 frequency 应为 quarterly 或 monthly;"
                    "事项发生时才公布的,请把 matter 改为 major 或 occasional。").format(who=who))
    if matter == MAJOR:
        raise bad(_("事项“{who}”是重大事项(matter 为 major)。《村民委员会组织法》第三十条规定涉及村民利益的重大事项"
                    "应当随时公布,频次 frequency 应为 event。").format(who=who))
    if matter == ANNUAL:
        raise bad(_("事项“{who}”是年度事项(matter 为 annual),频次 frequency 应为 yearly;"
                    "一年不止公布一次的,请把 matter 改为 general。").format(who=who))
    raise bad(_("事项“{who}”是随时公开的事项(matter 为 occasional),频次 frequency 应为 event。").format(who=who))


def _village_overrides(data_dir: Path | None) -> Mapping[str, Any]:
    from app.config import load_settings

    return load_settings(data_dir).get("disclosure", {}) if data_dir else {}


def village_catalogue(data_dir: Path | None, on: dt.date | None = None) -> Catalogue:
    """The catalogue in force on ``on`` with the village's own numbers (settings.json "disclosure")."""
    catalogue = load_catalogue(data_dir, on)
    overrides = _village_overrides(data_dir)
    return apply_overrides(catalogue, overrides) if overrides else catalogue


def village_catalogues(data_dir: Path | None, on: dt.date | None = None) -> list[Catalogue]:
    """Every version shipped and received, oldest effective date first (:func:`load_all`), each with the
    village's own numbers: the calendar judges each period by the version in force on its last day
    (app.disclosure.calendar, docs/disclosure-catalogue.md section 5). ``in_force(result, on)`` is
    :func:`village_catalogue` for that day. Like it, refuses when no version is in force on ``on`` yet.
    """
    on = on or dt.date.today()
    every = load_all(data_dir)
    if in_force(every, on) is None:
        raise _none_in_force(on)
    overrides = _village_overrides(data_dir)
    return [apply_overrides(c, overrides) for c in every] if overrides else every
