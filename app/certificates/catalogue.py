"""The certificate catalogues: what the village may issue, and what it must not.

All are data (resources/catalogues/certificates-*.json), versioned with an
effective date. The township can send newer versions; they are placed in the
data directory's ``catalogues`` folder and take over on their effective date,
while every certificate keeps the version it was issued under.

What must not be issued comes in two parts: the national list (民发〔2020〕20号,
its 20 items word for word and in their published order) and, where the
province has published more, the province's additions, each list naming the
document it comes from. A provincial list may only add: an entry that repeats a
national item, or gives it another name, is refused when the files are read.
Format: docs/certificates.md.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.i18n import _
from app.masking import mask_id, mask_text
from app.resources import CATALOGUE_DIR, catalogue_dirs, read_catalogue_json  # noqa: F401 - CATALOGUE_DIR for callers

FORMAT = 1
FILE_GLOB = "certificates-*.json"
# provincial additions: a name that versions before the split do not read, so they cannot take the
# province's few items for the whole list (docs/certificates.md)
PROVINCIAL_GLOB = "provincial-negative-*.json"
NATIONAL, PROVINCIAL = "national", "provincial"
MODES = ("on_the_spot", "time_limited")
STANDARD_FIELDS = ("name", "id_number", "sex", "village", "group", "purpose")
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.]{0,15}(-[A-Za-z0-9_.]{1,16})?")
_SHORT = re.compile(r"[^\s\-]{1,4}")


class CatalogueError(UserError):
    """A catalogue file is unusable or contradicts another; the message names the file and the entry."""


def standard_field_label(name: str) -> str:
    return {"name": _("姓名"), "id_number": _("公民身份号码"), "sex": _("性别"), "village": _("村名"),
            "group": _("村民小组"), "purpose": _("用途")}[name]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    max_len: int
    required: bool = True


@dataclass(frozen=True)
class ApprovedKind:
    code: str
    name: str
    title: str
    short: str
    purpose: str
    legal_basis: str
    materials: tuple[str, ...]
    check: str
    mode: str
    days: int
    working_days: bool
    requires_residence: bool
    allows_non_resident: bool
    fields: tuple[FieldSpec, ...]
    template: str
    print_full: frozenset[str]
    effective: dt.date | None = None
    expires: dt.date | None = None

    @property
    def on_the_spot(self) -> bool:
        return self.mode == "on_the_spot"

    def in_force(self, on: dt.date) -> bool:
        return (self.effective is None or self.effective <= on) and (self.expires is None or on <= self.expires)

    def due_date(self, applied_on: dt.date) -> dt.date:
        """The last day a time-limited certificate may take. Working days skip Saturdays and Sundays only:
        the statutory holiday calendar changes every year and is not known offline."""
        if not self.working_days:
            return applied_on + dt.timedelta(days=self.days)
        day, left = applied_on, self.days
        while left > 0:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day

    def placeholders(self) -> list[str]:
        return _placeholders(self.template)

    def after_village(self) -> list[str]:
        """The fields the text writes right after the village's name (an address, a location)."""
        return _after_village(self.template)

    def render(self, values: dict[str, str]) -> str:
        """The reference text with every field filled in.

        The applicant's own 公民身份号码 is written in full: the certificate is handed to the person so that a
        school or an office can match it to them (the stub and the register show it masked). Other fields
        are masked unless ``print_full`` lists them. A field placed right after ``{village}`` that already
        begins with the village's name (an address typed or kept as 柳林村第一村民小组12号) does not repeat it.
        """
        shown = {k: (v if k in self.print_full or k == "id_number" else mask_value(k, v)) for k, v in values.items()}
        village = shown.get("village", "")
        if village:
            for name in _after_village(self.template):
                value = shown.get(name, "")
                if value.lstrip().startswith(village):
                    shown[name] = value.lstrip()[len(village):]
        return self.template.format_map(_Strict(shown))


def _after_village(template: str) -> list[str]:
    """The placeholders that follow ``{village}`` with nothing between them."""
    names: list[str] = []
    previous = None
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        if previous == "village" and not literal and name:
            names.append(name)
        previous = name
    return names


class _Strict(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        raise KeyError(key)


def mask_value(name: str, value: str) -> str:
    if not value:
        return ""
    return mask_id(value) if name == "id_number" else mask_text(value)


@dataclass(frozen=True)
class NegativeKind:
    name: str
    aliases: tuple[str, ...]  # common ways people ask for it (not part of the published text)
    authority: str  # where to send the person instead
    basis: str  # the document that puts it on the list, with its number
    scope: str = ""
    example: bool = False
    no: int = 0  # its number in the published list (0: not numbered)
    listed_as: str = ""  # the published line word for word, with any other names in brackets

    @property
    def published_names(self) -> tuple[str, ...]:
        """The other names the published line gives in brackets, e.g. 户籍证明 for 居民身份信息证明."""
        inner = _bracketed(self.listed_as)
        if not inner:
            return ()
        names = [n.strip() for n in re.split(r"[、,，;；]", inner) if n.strip()]
        if names and names[-1].endswith("等"):
            names[-1] = names[-1][:-1]
        return tuple(n for n in names if n)

    @property
    def label(self) -> str:
        """The item as published: its line, or its name when the line says nothing more."""
        return self.listed_as or self.name

    def names(self) -> tuple[str, ...]:
        """Every name it is known by: its own, the published line and other names, then the common ones."""
        line = (self.listed_as,) if self.listed_as else ()
        return (self.name, *line, *self.published_names, *self.aliases)


def _bracketed(text: str) -> str:
    t = unicodedata.normalize("NFKC", text or "").strip()
    if t.endswith(")") and "(" in t:
        return t[t.index("(") + 1:-1]
    return ""


@dataclass(frozen=True)
class Source:
    """The published document a list comes from."""

    title: str  # without the issuers, e.g. 关于改进和规范基层群众性自治组织出具证明工作的指导意见
    issuer: str  # the bodies that issued it
    number: str = ""  # 发文字号, e.g. 民发〔2020〕20号 ('' when not known)
    list_title: str = ""  # the list's own title, when the list is part of the document

    def citation(self) -> str:
        """``issuer《title》(number)``, as a basis is cited."""
        text = "{issuer}《{title}》".format(issuer=self.issuer, title=self.title)
        return text + "({number})".format(number=self.number) if self.number else text

    def list_name(self) -> str:
        return "《{name}》".format(name=self.list_title or self.title)


@dataclass(frozen=True)
class CatalogueList:
    kind: str  # 'approved' | 'negative'
    version: str
    effective: dt.date
    expires: dt.date | None
    region: str
    example: bool
    note: str
    items: tuple[Any, ...]  # ApprovedKind or NegativeKind
    source: Path = field(compare=False)
    scope: str = ""  # negative lists: NATIONAL or PROVINCIAL
    document: Source | None = None  # the published document the list comes from

    def in_force(self, on: dt.date) -> bool:
        return self.effective <= on and (self.expires is None or on <= self.expires)

    def overlaps(self, other: CatalogueList) -> bool:
        far = dt.date.max
        return self.effective <= (other.expires or far) and other.effective <= (self.expires or far)

    def to_json(self) -> dict[str, Any]:
        def plain(item: Any) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for k, v in item.__dict__.items():
                if isinstance(v, (dt.date,)):
                    v = v.isoformat()
                elif isinstance(v, frozenset):
                    v = sorted(v)
                elif isinstance(v, tuple):
                    v = [plain(x) if isinstance(x, FieldSpec) else x for x in v]
                out[k] = v
            if isinstance(item, NegativeKind):
                out["published_names"] = list(item.published_names)
            return out

        out = {"format": FORMAT, "kind": self.kind, "version": self.version,
               "effective": self.effective.isoformat(), "expires": self.expires.isoformat() if self.expires else None,
               "region": self.region, "example": self.example, "note": self.note}
        if self.kind == "negative":
            out["scope"] = self.scope
            if self.document is not None:
                out["source"] = {"title": self.document.title, "issuer": self.document.issuer,
                                 "number": self.document.number, "list": self.document.list_title,
                                 "citation": self.document.citation()}
        out["items"] = [plain(i) for i in self.items]
        return out

    def list_name(self) -> str:
        """The list's published title in 《》, or a plain description when the file names none."""
        if self.document is not None:
            return self.document.list_name()
        return _("不应由村(居)民委员会出具的证明清单")


# what became of a request for a kind of certificate
OK, NEGATIVE, UNKNOWN, EXPIRED, NO_CATALOGUE = "ok", "negative", "unknown", "expired", "no-catalogue"


@dataclass(frozen=True)
class Decision:
    status: str
    kind: ApprovedKind | None
    catalogue_version: str
    reason: str = ""
    authority: str = ""  # NEGATIVE: where to send the person; otherwise what to do instead
    item: NegativeKind | None = None  # NEGATIVE: the entry of the national or provincial list
    basis: str = ""  # NEGATIVE: the document that puts it on the list

    @property
    def allowed(self) -> bool:
        return self.status == OK


def kind_key(text: str) -> str:
    """How a requested kind is compared: width, spaces and a trailing 证明 do not matter."""
    t = unicodedata.normalize("NFKC", text or "")
    t = re.sub(r"[\s·.,;:!?'\"“”‘’、。,;:()\[\]《》〔〕<>]+", "", t)
    t = re.sub(r"^(开具|出具|开|办理|办)", "", t)
    return t[:-2] if t.endswith("证明") and len(t) > 2 else t


@dataclass(frozen=True)
class Catalogues:
    approved: tuple[CatalogueList, ...]
    negative: tuple[CatalogueList, ...]  # the national lists
    provincial: tuple[CatalogueList, ...] = ()  # the province's additions to them

    def approved_on(self, on: dt.date) -> CatalogueList | None:
        return _newest(self.approved, on)

    def negative_on(self, on: dt.date) -> CatalogueList | None:
        """The national list in force."""
        return _newest(self.negative, on)

    def provincial_on(self, on: dt.date) -> CatalogueList | None:
        """The province's additions in force (at most one province's: the loader refuses two)."""
        return _newest(self.provincial, on)

    def refused_on(self, on: dt.date) -> tuple[CatalogueList, ...]:
        """The lists of what must not be issued, national first."""
        return tuple(x for x in (self.negative_on(on), self.provincial_on(on)) if x is not None)

    def decide(self, text: str, on: dt.date) -> Decision:
        """Whether a certificate of the kind asked for (code or exact name) may be issued on ``on``."""
        current = self.approved_on(on)
        version = current.version if current else ""
        found = _find_approved(current, text) if current else None
        if found is not None and found.in_force(on):
            return Decision(OK, found, version)
        for lst in self.refused_on(on):
            item = _find_negative(lst, text)
            if item is not None:
                return Decision(NEGATIVE, None, version, _negative_reason(lst, item, text), item.authority,
                                item=item, basis=item.basis)
        if found is not None:  # listed, but this entry is not (or no longer) in force
            if found.effective and on < found.effective:
                why = _("“{name}”要到 {date} 才开始出具。").format(name=found.name, date=found.effective.isoformat())
            else:
                why = _ended(found, found.expires, version)
            return Decision(EXPIRED, None, version, why, _unknown_authority())
        for lst in reversed(self.approved):
            old = _find_approved(lst, text) if lst is not current and lst.effective <= on else None
            if old is not None:
                ended = lst.expires
                if current is not None and (ended is None or ended >= current.effective):
                    ended = current.effective - dt.timedelta(days=1)
                return Decision(EXPIRED, None, version, _ended(old, old.expires or ended, version),
                                _unknown_authority())
        if current is None:
            return Decision(NO_CATALOGUE, None, "", _(
                "现在没有生效的可出具证明清单,暂时不能出具任何证明。请向乡镇索取本省现行清单。"), _unknown_authority())
        return Decision(UNKNOWN, None, version, _(
            "“{name}”不在本村公布的可出具证明清单上,也不在不应出具的清单上,本村不能开。"
            "请先在可出具清单里看看有没有同一种证明换了叫法。").format(
            name=text.strip()), _unknown_authority())

    def find_approved(self, text: str, on: dt.date) -> ApprovedKind | None:
        current = self.approved_on(on)
        return _find_approved(current, text) if current else None

    def find_refused(self, text: str, on: dt.date) -> NegativeKind | None:
        """The entry of the national or provincial list in force that ``text`` names, if any."""
        for lst in self.refused_on(on):
            item = _find_negative(lst, text)
            if item is not None:
                return item
        return None


def _find_negative(lst: CatalogueList, text: str) -> NegativeKind | None:
    key = kind_key(text)
    if not key:
        return None
    for item in lst.items:
        if key in {kind_key(n) for n in item.names()}:
            return item  # type: ignore[no-any-return]
    return None


def _negative_reason(lst: CatalogueList, item: NegativeKind, asked: str) -> str:
    """Why it is refused, naming the list and the item as published, and the basis."""
    key = kind_key(asked)
    own = key == kind_key(item.name)
    # the published line when the word asked for comes from it, so the clerk sees where it stands
    shown = item.label if key in {kind_key(n) for n in item.published_names} else item.name
    where = lst.list_name()
    if item.no and own:
        text = _("“{name}”是{list}第{no}项,村(居)民委员会不应出具。").format(name=item.name, list=where, no=item.no)
    elif item.no:
        text = _("“{asked}”属于{list}第{no}项“{name}”,村(居)民委员会不应出具。").format(
            asked=asked.strip(), list=where, no=item.no, name=shown)
    elif own:
        text = _("“{name}”在{list}上,村(居)民委员会不应出具。").format(name=item.name, list=where)
    else:
        text = _("“{asked}”属于{list}上的“{name}”,村(居)民委员会不应出具。").format(
            asked=asked.strip(), list=where, name=shown)
    return text + "\n" + _("依据:{basis}。").format(basis=item.basis.rstrip("。"))


def authority_label(status: str) -> str:
    """How the second line of a refusal starts: a place to go for a listed kind, advice otherwise."""
    return _("请到") if status == NEGATIVE else _("怎么办")


def _unknown_authority() -> str:
    return _("请申请人告诉要这份证明的单位:村委会只能开本村公布的可出具清单上的证明,该单位可以自己核查,"
             "或者请本人写书面承诺。拿不准该去哪里办的,请问乡镇(街道)。")


def _ended(kind: ApprovedKind, ended: dt.date | None, version: str) -> str:
    return _("“{name}”已于 {date} 停止出具,不在现行的证明清单(版本 {version})上。").format(
        name=kind.name, date=ended.isoformat() if ended else "?", version=version or "-")


def _find_approved(lst: CatalogueList | None, text: str) -> ApprovedKind | None:
    if lst is None:
        return None
    raw = unicodedata.normalize("NFKC", text or "").strip()  # full-width letters and digits type the same code
    key = kind_key(raw)
    for item in lst.items:
        if raw.upper() == item.code.upper() or (key and key in (kind_key(item.name), kind_key(item.title))):
            return item
    return None


def _newest(lists: tuple[CatalogueList, ...], on: dt.date) -> CatalogueList | None:
    best: CatalogueList | None = None
    for lst in lists:  # later files win a tie: the data directory's come after the shipped ones
        if lst.in_force(on) and (best is None or lst.effective >= best.effective):
            best = lst
    return best


# ---------------------------------------------------------------- loading


def load_catalogues(data_dir: Path | None = None, *, dirs: list[Path] | None = None) -> Catalogues:
    """Every certificate catalogue shipped and received, checked against each other.

    Raises CatalogueError naming the file and entry at fault, including a kind
    that is on the approved list and a list of what must not be issued at the
    same time, and a provincial entry that repeats or renames a national one.
    """
    approved: list[CatalogueList] = []
    negative: list[CatalogueList] = []
    provincial: list[CatalogueList] = []
    for d in dirs if dirs is not None else catalogue_dirs(data_dir):
        if not d.is_dir():
            continue
        for path in sorted({*d.glob(FILE_GLOB), *d.glob(PROVINCIAL_GLOB)}, key=lambda p: p.name):
            lst = read_catalogue(path)
            if lst.kind == "approved":
                approved.append(lst)
            else:
                (provincial if lst.scope == PROVINCIAL else negative).append(lst)
    for lists in (approved, negative, provincial):
        lists.sort(key=lambda c: c.effective)
    _cross_check(approved, negative + provincial)
    _check_provincial(negative, provincial)
    return Catalogues(tuple(approved), tuple(negative), tuple(provincial))


def _cross_check(approved: list[CatalogueList], negative: list[CatalogueList]) -> None:
    for a in approved:
        for n in negative:
            if not a.overlaps(n):
                continue
            banned = {kind_key(x): item for item in n.items for x in item.names()}
            for kind in a.items:
                for key in {kind_key(kind.name), kind_key(kind.title)}:
                    if key in banned:
                        raise CatalogueError(_(
                            "证明目录有错:“{name}”({code})在可出具清单 {approved}(版本 {av})里,又在不应出具清单 "
                            "{negative}(版本 {nv})里的“{banned}”中。请向乡镇索取更正后的目录。").format(
                            name=kind.name, code=kind.code, approved=a.source.name, av=a.version,
                            negative=n.source.name, nv=n.version, banned=banned[key].name))


def _check_provincial(national: list[CatalogueList], provincial: list[CatalogueList]) -> None:
    """A provincial list only adds: none of its names may be a national item's, and one province at a time."""
    for p in provincial:
        for n in national:
            if not p.overlaps(n):
                continue
            known = {kind_key(x): item for item in n.items for x in item.names()}
            for item in p.items:
                for name in item.names():
                    other = known.get(kind_key(name))
                    if other is None:
                        continue
                    number = _("第{no}项").format(no=other.no) if other.no else ""
                    if kind_key(item.name) == kind_key(other.name):
                        what = _("重复了全国清单{number}“{national}”").format(number=number, national=other.name)
                    else:
                        what = _("用“{name}”这个叫法重复了全国清单{number}“{national}”").format(
                            name=name, number=number, national=other.name)
                    raise CatalogueError(_(
                        "省级增补清单 {file} 里的“{entry}”{what}。全国清单上的证明已经不能出具,省级清单只能增加"
                        "全国清单以外的证明。请删去这一项,或向乡镇索取更正后的文件。").format(
                        file=p.source.name, entry=item.name, what=what))
        for q in provincial:
            if q is not p and q.region != p.region and p.overlaps(q):
                first, second = sorted((p, q), key=lambda x: x.source.name)
                raise CatalogueError(_(
                    "同时有两个省的增补清单:{a}({ra})和 {b}({rb})。一个村只适用本省的清单,请把另一个文件移出 "
                    "catalogues 文件夹。").format(a=first.source.name, ra=first.region, b=second.source.name,
                                              rb=second.region))


def read_catalogue(path: Path) -> CatalogueList:
    try:
        doc = read_catalogue_json(path)
    except (OSError, ValueError) as exc:
        raise CatalogueError(_("证明目录文件 {path} 无法读取或不是有效的目录文件({reason})。").format(
            path=path, reason=exc)) from exc
    return parse_catalogue(doc, path)


def parse_catalogue(doc: Any, path: Path) -> CatalogueList:
    where = path.name

    def bad(what: str) -> CatalogueError:
        return CatalogueError(_("证明目录文件 {file} 有错:{what}").format(file=where, what=what))

    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise bad(_("不是本程序认识的目录格式(format 应为 {n})。").format(n=FORMAT))
    kind = doc.get("kind")
    if kind not in ("approved", "negative"):
        raise bad(_("kind 应为 approved 或 negative。"))
    version = doc.get("version")
    if not isinstance(version, str) or not version.strip():
        raise bad(_("缺少版本号 version。"))
    effective = _date(doc.get("effective"), bad, "effective")
    if effective is None:
        raise bad(_("缺少生效日期 effective。"))
    expires = _date(doc.get("expires"), bad, "expires")
    if expires is not None and expires < effective:
        raise bad(_("失效日期早于生效日期。"))
    items_doc = doc.get("items")
    if not isinstance(items_doc, list) or not items_doc:
        raise bad(_("清单 items 是空的。"))
    region = str(doc.get("region", "")).strip()
    scope, document = "", None
    if kind == "approved":
        items: tuple[Any, ...] = tuple(_approved_item(x, bad) for x in items_doc)
        _unique(items, lambda k: k.code.upper(), bad, _("编号"))
        _unique(items, lambda k: k.short, bad, _("简称"))
        _unique(items, lambda k: kind_key(k.name), bad, _("名称"))
    else:
        scope = str(doc.get("scope") or NATIONAL)
        if scope not in (NATIONAL, PROVINCIAL):
            raise bad(_("scope 应为 national(全国清单)或 provincial(省级增补清单)。"))
        if path.match(PROVINCIAL_GLOB) and scope != PROVINCIAL:
            raise bad(_("文件名以 provincial-negative- 开头的,应是省级增补清单(scope 为 provincial)。"))
        document = _source(doc.get("source"), bad)
        if scope == PROVINCIAL:
            if document is None:
                raise bad(_("省级增补清单要写明来源 source:文件标题 title 和发文机关 issuer(知道文号的写 number)。"))
            if not region:
                raise bad(_("省级增补清单要写明省份 region。"))
        default_scope = _("全国") if scope == NATIONAL else region
        items = tuple(_negative_item(x, bad, default_scope) for x in items_doc)
        _unique([k for i in items for k in {kind_key(n) for n in i.names()}], lambda k: k, bad, _("名称或别名"))
        numbers = [i.no for i in items if i.no]
        if numbers and numbers != list(range(1, len(items) + 1)):
            raise bad(_("序号 no 应从 1 起按公布的顺序连续编排,每一项都要有。"))
    return CatalogueList(kind=kind, version=version.strip(), effective=effective, expires=expires,
                         region=region, example=bool(doc.get("example", False)),
                         note=str(doc.get("note", "")), items=items, source=path, scope=scope, document=document)


def _source(doc: Any, bad: Any) -> Source | None:
    if doc is None:
        return None
    if not isinstance(doc, dict):
        raise bad(_("来源 source 应写成对象:title、issuer、number、list。"))
    values = {}
    for key in ("title", "issuer", "number", "list"):
        value = doc.get(key, "")
        if not isinstance(value, str):
            raise bad(_("来源 source 的 {key} 应为文字。").format(key=key))
        values[key] = value.strip()
    if not values["title"] or not values["issuer"]:
        raise bad(_("来源 source 要写明文件标题 title 和发文机关 issuer。"))
    return Source(values["title"], values["issuer"], values["number"], values["list"])


def _unique(items: Iterable[Any], key: Any, bad: Any, what: str) -> None:
    seen: set[str] = set()
    for item in items:
        k = key(item)
        if k in seen:
            raise bad(_("{what}“{value}”重复。").format(what=what, value=k))
        seen.add(k)


def _date(value: Any, bad: Any, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise bad(_("{name} 不是 YYYY-MM-DD 格式的日期:{value}").format(name=name, value=value)) from exc


def _text(doc: dict[str, Any], key: str, bad: Any, who: str, *, required: bool = True) -> str:
    value = doc.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise bad(_("“{who}”缺少 {key}。").format(who=who, key=key))
    return value.strip()


def _approved_item(doc: Any, bad: Any) -> ApprovedKind:
    if not isinstance(doc, dict):
        raise bad(_("清单里有一项不是对象。"))
    who = str(doc.get("code") or doc.get("name") or "?")
    code = _text(doc, "code", bad, who)
    if not _CODE.fullmatch(code):
        raise bad(_("编号“{code}”只能由字母、数字和一个连字符组成。").format(code=code))
    name = _text(doc, "name", bad, who)
    short = _text(doc, "short", bad, who)
    if not _SHORT.fullmatch(short):
        raise bad(_("“{who}”的简称 short 应为1到4个字(通常2个),不能有空格或连字符。").format(who=who))
    mode = doc.get("mode")
    if mode not in MODES:
        raise bad(_("“{who}”的 mode 应为 on_the_spot(当场办结)或 time_limited(限时办结)。").format(who=who))
    days = doc.get("days", 0)
    if not isinstance(days, int) or days < 0 or (mode == "time_limited" and days < 1) or days > 60:
        raise bad(_("“{who}”的办结时限 days 应为1到60天。").format(who=who))
    fields_doc = doc.get("fields", [])
    if not isinstance(fields_doc, list):
        raise bad(_("“{who}”的 fields 应为列表。").format(who=who))
    fields = []
    for f in fields_doc:
        if not isinstance(f, dict) or not _FIELD_NAME.fullmatch(str(f.get("name", ""))):
            raise bad(_("“{who}”的填写项名称只能是小写英文字母、数字和下划线。").format(who=who))
        fname = str(f["name"])
        if fname in STANDARD_FIELDS:
            raise bad(_("“{who}”的填写项“{field}”与标准项重名。").format(who=who, field=fname))
        max_len = f.get("max_len")
        if not isinstance(max_len, int) or not 1 <= max_len <= 200:
            raise bad(_("“{who}”的填写项“{field}”的 max_len 应为1到200。").format(who=who, field=fname))
        fields.append(FieldSpec(fname, _text(f, "label", bad, who), max_len, bool(f.get("required", True))))
    _unique(fields, lambda f: f.name, bad, _("填写项"))
    template = _text(doc, "template", bad, who)
    try:
        used = _placeholders(template)
    except ValueError as exc:
        raise bad(_("“{who}”的参考文本里的花括号不成对:{reason}").format(who=who, reason=exc)) from exc
    known = set(STANDARD_FIELDS) | {f.name for f in fields}
    unknown = [u for u in used if u not in known]
    if unknown:
        raise bad(_("“{who}”的参考文本用了没有定义的填写项:{names}").format(who=who, names="、".join(unknown)))
    print_full = doc.get("print_full", ["name"])
    if not isinstance(print_full, list) or any(not isinstance(p, str) or p not in known for p in print_full):
        raise bad(_("“{who}”的 print_full 只能列出已定义的填写项。").format(who=who))
    materials = doc.get("materials", [])
    if not isinstance(materials, list) or not all(isinstance(m, str) and m.strip() for m in materials):
        raise bad(_("“{who}”的所需材料 materials 应为文字列表。").format(who=who))
    effective, expires = _date(doc.get("effective"), bad, "effective"), _date(doc.get("expires"), bad, "expires")
    return ApprovedKind(
        code=code, name=name, title=_text(doc, "title", bad, who, required=False) or name, short=short,
        purpose=_text(doc, "purpose", bad, who), legal_basis=_text(doc, "legal_basis", bad, who),
        materials=tuple(m.strip() for m in materials), check=_text(doc, "check", bad, who, required=False),
        mode=str(mode), days=days, working_days=bool(doc.get("working_days", False)),
        requires_residence=bool(doc.get("requires_residence", True)),
        allows_non_resident=bool(doc.get("allows_non_resident", False)),
        fields=tuple(fields), template=template, print_full=frozenset(print_full),
        effective=effective, expires=expires)


def _negative_item(doc: Any, bad: Any, default_scope: str = "") -> NegativeKind:
    if not isinstance(doc, dict):
        raise bad(_("清单里有一项不是对象。"))
    who = str(doc.get("name") or "?")
    aliases = doc.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise bad(_("“{who}”的别名 aliases 应为文字列表。").format(who=who))
    no = doc.get("no", 0)
    if not isinstance(no, int) or isinstance(no, bool) or no < 0:
        raise bad(_("“{who}”的序号 no 应为正整数。").format(who=who))
    name = _text(doc, "name", bad, who)
    listed_as = _text(doc, "listed_as", bad, who, required=False)
    inner = _bracketed(listed_as)
    if listed_as and unicodedata.normalize("NFKC", listed_as) not in (name, "{n}({i})".format(n=name, i=inner)):
        raise bad(_("“{who}”的 listed_as 应是公布的原文:名称本身,或名称后面括号里写其他叫法。").format(who=who))
    return NegativeKind(name=name, aliases=tuple(a.strip() for a in aliases),
                        authority=_text(doc, "authority", bad, who), basis=_text(doc, "basis", bad, who),
                        scope=_text(doc, "scope", bad, who, required=False) or default_scope,
                        example=bool(doc.get("example", False)), no=no, listed_as=listed_as)


def _placeholders(template: str) -> list[str]:
    names: list[str] = []
    for _literal, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if spec or conversion or not _FIELD_NAME.fullmatch(name):
            raise ValueError("{" + name + "}")
        names.append(name)
    return names
