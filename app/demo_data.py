"""A synthetic but realistic village, as plain data, for demos, screenshots and benchmarks.

Nothing here touches the database: a loader turns a ``DemoVillage`` into records. Every
kind of record has its own function and all of them draw from one ``random.Random(seed)``
passed down explicitly, so the same seed and the same ``today`` always give the same
village, and later features can add their own kinds of records without disturbing the
ones already there (append new draws after the existing ones, never in between).

Names, relations, bodies and titles are data that the loader stores, not messages, so
they are plain Chinese strings and not wrapped in ``_()``: translating them would change
the records themselves.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate

from app.errors import UserError
from app.i18n import _
from app.people.idcard import check_digit
from app.people.uscc import org_code_check_char, uscc_check_char

SIZES: dict[str, int] = {"small": 2000, "large": 20000}

GROUP_NAMES = ["第一村民小组", "第二村民小组", "第三村民小组", "第四村民小组",
               "第五村民小组", "第六村民小组", "第七村民小组", "第八村民小组"]

BODY_BRANCH = "党支部"
BODY_COMMITTEE = "村民委员会"
BODY_SUPERVISION = "村务监督委员会"
BODY_GROUP = "村民小组"
BODY_REPRESENTATIVES = "村民代表会议"

MALE_RELATIONS = frozenset({"子", "孙子", "父亲", "女婿"})
FEMALE_RELATIONS = frozenset({"女", "孙女", "母亲", "儿媳"})


class UnknownDemoSizeError(UserError, ValueError):
    """The demo village size asked for is not one of ``SIZES``."""


@dataclass
class DemoPerson:
    name: str
    sex: str  # '男' / '女'
    birth_date: date
    id_number: str | None
    phone: str
    relation: str
    party_member: bool
    representative: bool = False
    note: str = ""


@dataclass
class DemoHousehold:
    number: str
    group_index: int
    address: str
    members: list[DemoPerson]  # members[0] is the head (relation '户主')


@dataclass
class DemoRole:
    person: tuple[int, int]  # (household index, member index)
    body: str
    title: str
    group_index: int | None
    term_start: date
    term_end: date


@dataclass
class DemoVillage:
    name: str
    code: str
    township: str
    county: str
    groups: list[str]
    households: list[DemoHousehold]
    roles: list[DemoRole]
    area_code: str


@dataclass(frozen=True)
class DemoPlace:
    county: str
    area_code: str
    neighbours: tuple[str, ...]  # nearby county codes, where most married-in spouses come from
    township: str
    village: str
    clan: str | None  # a village like 张庄 is largely one lineage


# Real county codes (GB/T 2260) from the provinces of the project's source documents.
_COUNTIES: list[tuple[str, str, tuple[str, ...]]] = [
    ("平原县", "371426", ("371402", "371424", "371425", "371427", "371428")),
    ("柳城县", "450222", ("450206", "450223", "450224", "450225")),
    ("湘阴县", "430624", ("430621", "430626", "430681", "430682")),
    ("平遥县", "140728", ("140702", "140727", "140729", "140781")),
    ("江川区", "530403", ("530402", "530423", "530424", "530481")),
]
# Brides from far away: a few other provinces' county codes.
_FAR_AREAS = ("410526", "130529", "340321", "511321", "522422", "421182")
_TOWNSHIPS = ["石桥镇", "王庄镇", "桃园镇", "新集乡", "河口镇", "双庙乡", "高店镇", "李营乡"]
VILLAGES: list[tuple[str, str | None]] = [
    ("柳林村", None), ("张庄村", "张"), ("李家营村", "李"), ("王楼村", "王"), ("前刘村", "刘"),
    ("杨树湾村", "杨"), ("枣园村", None), ("东陈村", "陈"), ("桃花村", None), ("赵官屯村", "赵"),
]

# Rough national frequencies (per cent of population) for the common surnames.
_SURNAME_WEIGHTS: dict[str, float] = {
    "王": 7.1, "李": 7.0, "张": 6.7, "刘": 5.4, "陈": 4.5, "杨": 3.1, "黄": 2.1, "赵": 2.0,
    "吴": 2.0, "周": 1.9, "徐": 1.3, "孙": 1.2, "马": 1.1, "朱": 1.1, "胡": 1.0, "郭": 1.0,
    "何": 0.9, "高": 0.9, "林": 0.9, "罗": 0.9, "郑": 0.8, "梁": 0.8, "谢": 0.7, "宋": 0.7,
    "唐": 0.7, "许": 0.7, "韩": 0.6, "冯": 0.6, "邓": 0.6, "曹": 0.6, "彭": 0.6, "曾": 0.5,
    "肖": 0.5, "田": 0.5, "董": 0.5, "袁": 0.5, "潘": 0.5, "于": 0.5, "蒋": 0.5, "蔡": 0.5,
    "余": 0.5, "杜": 0.5, "叶": 0.4, "程": 0.4, "苏": 0.4, "魏": 0.4, "吕": 0.4, "丁": 0.4,
    "任": 0.4, "沈": 0.4, "姚": 0.4, "卢": 0.4, "姜": 0.4, "崔": 0.4, "钟": 0.3, "谭": 0.3,
    "陆": 0.3, "汪": 0.3, "范": 0.3, "金": 0.3, "石": 0.3, "廖": 0.3, "贾": 0.3, "夏": 0.3,
    "韦": 0.3, "付": 0.3, "方": 0.3, "白": 0.3, "邹": 0.3, "孟": 0.3, "熊": 0.3, "秦": 0.3,
    "邱": 0.3, "江": 0.3, "尹": 0.3, "薛": 0.2, "闫": 0.2, "段": 0.2, "雷": 0.2, "侯": 0.2,
    "龙": 0.2, "史": 0.2, "陶": 0.2, "黎": 0.2, "贺": 0.2, "顾": 0.2, "毛": 0.2, "郝": 0.2,
    "龚": 0.2, "邵": 0.2, "万": 0.2, "钱": 0.2, "严": 0.2, "覃": 0.2, "武": 0.2, "戴": 0.2,
    "莫": 0.2, "孔": 0.2, "向": 0.2, "汤": 0.2,
    "欧阳": 0.03, "司马": 0.01, "诸葛": 0.01,
}
SURNAMES = list(_SURNAME_WEIGHTS)
_SURNAME_CUM = list(accumulate(_SURNAME_WEIGHTS.values()))

# Given-name characters by generation: (born before 1960, 1960-84, 1985-2004, 2005 on).
_MALE_STOCK_OLD = ["建国", "建军", "国庆", "国强", "国华", "卫国", "卫东", "德福", "德胜", "福贵",
                   "长青", "长海", "振华", "志刚", "保国", "保田", "树林", "树森", "金山", "玉山",
                   "永福", "永贵", "春生", "秋生", "洪波", "凤山", "广才"]
_FEMALE_STOCK_OLD = ["秀英", "桂英", "玉兰", "秀兰", "凤英", "桂兰", "淑珍", "兰英", "春花", "翠花",
                     "玉珍", "桂芝", "秀珍", "凤兰", "素芳", "玉梅", "桂香", "秀云", "金花", "玉英",
                     "淑英", "秀芳", "月娥", "彩霞", "荣华"]
_MALE_CHARS = (
    "德福贵富喜春明华志文武忠义成山林海田顺发生荣昌仁保良全有才根柱满旺广庆祥宝",
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞波宁建东峰林海亮红兵利龙旭新春锋健俊永卫",
    "浩宇轩博皓俊睿晨泽航辰逸铭阳鹏磊凯帅龙杰文子一嘉家明天思宏昊然豪瑞涛宁",
    "梓睿宇轩浩子墨泽一诺俊辰沐宸皓铭奕博锦煜安承晨航",
)
_FEMALE_CHARS = (
    "英兰珍芝花翠凤秀桂玉梅香云娥芬莲菊荣素淑巧月",
    "丽静敏燕艳娟霞芳红玲梅莉萍雪琳娜丹英华慧洁蓉莹琴春晓玉亚海",
    "欣怡涵雨萱诗佳琪思语可馨悦彤妍婧雪梦雅静婷倩晴瑶璐露颖丹月",
    "梓涵欣妍诺一雨萱可馨若依沐语思彤芷梦琪悦安歆汐桐",
)
_SINGLE_CHAR_SHARE = (0.2, 0.35, 0.2, 0.1)

# Rare characters (生僻字) that real people carry in their names, so that every screen,
# export and printed page is exercised with them.  BMP: 喆 犇 淼 昇 堃 昳 玥 赟 鑫 曌 頔.
# CJK Extension A: 䶮 U+4DAE (the simplified 龑, reported in the press as blocking bank
# accounts), 㛃 U+36C3.  Beyond the BMP (surrogate pairs in UTF-16, missing from most fonts):
# 𤩽 U+24A7D (Extension B, named by the Ministry of Public Security among name characters
# in use), 𫖯 U+2B5AF (Extension C, as in 赵孟𫖯, in the 通用规范汉字表) and 𬍛 U+2C35B
# (Extension E, a Guangzhou woman's name 玓𬍛 that her exam admission slip could not print).
_RARE_MALE = ["喆", "犇", "淼", "昇", "堃", "䶮", "昳", "赟", "鑫", "𤩽", "𫖯"]
_RARE_FEMALE = ["㛃", "玥", "曌", "淼", "昳", "頔", "𬍛", "𤩽"]
_RARE_SHARE = 0.005

_MOBILE_PREFIXES = ["130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
                    "150", "151", "152", "153", "155", "156", "157", "158", "159",
                    "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
                    "191", "193", "195", "198", "199"]


def generate_village(size: str = "small", seed: int = 2026, *, today: date | None = None) -> DemoVillage:
    """A whole village of about ``SIZES[size]`` residents, the same for the same seed and day."""
    if size not in SIZES:
        raise UnknownDemoSizeError(
            _("没有“{size}”这种演示村规模，请选择 small（约两千人）或 large（约两万人）。").format(size=size))
    today = today or date.today()
    rng = random.Random(seed)
    place = pick_place(rng)
    code = make_uscc(rng, place.area_code)
    target = round(SIZES[size] * rng.uniform(0.95, 1.05))
    households = make_households(rng, place, target, today)
    roles = pick_roles(rng, households, today=today)
    return DemoVillage(name=place.village, code=code, township=place.township, county=place.county,
                       groups=list(GROUP_NAMES), households=households, roles=roles,
                       area_code=place.area_code)


# ---------------------------------------------------------------- place and codes

def pick_place(rng: random.Random) -> DemoPlace:
    county, area, neighbours = rng.choice(_COUNTIES)
    village, clan = rng.choice(VILLAGES)
    return DemoPlace(county=county, area_code=area, neighbours=neighbours,
                     township=rng.choice(_TOWNSHIPS), village=village, clan=clan)


def make_uscc(rng: random.Random, area_code: str) -> str:
    """A GB 32100 code for a villagers' committee: 5 = civil affairs, 4 = grass-roots self-government."""
    body = "".join(str(rng.randrange(10)) for _unused in range(8))
    org = body + org_code_check_char(body)
    head = "54" + area_code + org
    return head + uscc_check_char(head)


# ---------------------------------------------------------------- people

@dataclass
class _Ctx:
    """What every person-making function needs; the one rng lives here."""
    rng: random.Random
    today: date
    place: DemoPlace
    used_ids: set[str] = field(default_factory=set)
    used_phones: set[str] = field(default_factory=set)


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _birth_for_age(rng: random.Random, today: date, age: int) -> date:
    latest = _years_before(today, age).toordinal()
    earliest = _years_before(today, age + 1).toordinal() + 1
    return date.fromordinal(rng.randint(earliest, latest))


def _surname(ctx: _Ctx, *, lineage: bool = False) -> str:
    if lineage and ctx.place.clan and ctx.rng.random() < 0.35:
        return ctx.place.clan
    return ctx.rng.choices(SURNAMES, cum_weights=_SURNAME_CUM)[0]


def _generation(year: int) -> int:
    return 0 if year < 1960 else 1 if year < 1985 else 2 if year < 2005 else 3


def _given_name(rng: random.Random, sex: str, year: int) -> str:
    gen = _generation(year)
    if gen == 0 and rng.random() < 0.5:
        name = rng.choice(_MALE_STOCK_OLD if sex == "男" else _FEMALE_STOCK_OLD)
    else:
        chars = (_MALE_CHARS if sex == "男" else _FEMALE_CHARS)[gen]
        if rng.random() < _SINGLE_CHAR_SHARE[gen]:
            name = rng.choice(chars)
        else:
            name = rng.choice(chars) + rng.choice(chars)
    if rng.random() < _RARE_SHARE:
        name = _with_rare(rng, name, sex)
    return name


def _with_rare(rng: random.Random, given: str, sex: str) -> str:
    rare = rng.choice(_RARE_MALE if sex == "男" else _RARE_FEMALE)
    if rare == "𬍛":
        return "玓𬍛"
    return rare if len(given) == 1 else given[0] + rare


def _id_number(ctx: _Ctx, area: str, birth: date, sex: str) -> str:
    while True:
        seq = ctx.rng.randrange(1000)
        if (seq % 2 == 1) != (sex == "男"):
            seq = (seq + 1) % 1000
        first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
        number = first17 + check_digit(first17)
        if number not in ctx.used_ids:
            ctx.used_ids.add(number)
            return number


def _phone(ctx: _Ctx, age: int) -> str:
    if age < 18:
        return ""
    no_phone = 0.6 if age >= 80 else 0.35 if age >= 65 else 0.12
    if ctx.rng.random() < no_phone:
        return ""
    while True:
        number = ctx.rng.choice(_MOBILE_PREFIXES) + f"{ctx.rng.randrange(10 ** 8):08d}"
        if number not in ctx.used_phones:
            ctx.used_phones.add(number)
            return number


def _party_member(rng: random.Random, sex: str, age: int) -> bool:
    if age < 18:
        return False
    if age >= 35:
        return rng.random() < (0.12 if sex == "男" else 0.04)
    return rng.random() < (0.04 if sex == "男" else 0.02)


def _make_person(ctx: _Ctx, *, surname: str, sex: str, age: int, relation: str,
                married_in: bool = False) -> DemoPerson:
    """One resident; a spouse who married in was usually born in a neighbouring county."""
    rng = ctx.rng
    age = max(0, min(age, 99))
    birth = _birth_for_age(rng, ctx.today, age)
    area = ctx.place.area_code
    if married_in and rng.random() < 0.25:
        area = rng.choice(ctx.place.neighbours) if rng.random() < 0.8 else rng.choice(_FAR_AREAS)
    id_number: str | None = _id_number(ctx, area, birth, sex)
    note = ""
    if age == 0 and rng.random() < 0.01:
        id_number, note = None, "新生儿，尚未办理身份证"
    elif 18 <= age <= 45 and rng.random() < 0.3:
        note = "外出务工"
    return DemoPerson(name=surname + _given_name(rng, sex, birth.year), sex=sex, birth_date=birth,
                      id_number=id_number, phone=_phone(ctx, age), relation=relation,
                      party_member=_party_member(rng, sex, age), note=note)


# ---------------------------------------------------------------- households

def _couple(ctx: _Ctx, head_age: int, *, female_head: bool = False) -> tuple[DemoPerson, DemoPerson, str]:
    """Head and spouse of the opposite sex with a similar age; returns the children's surname."""
    rng = ctx.rng
    wife_age = head_age + rng.randint(-6, 2) if not female_head else head_age
    husband_age = head_age if not female_head else head_age + rng.randint(-2, 6)
    husband_surname = _surname(ctx, lineage=True)
    husband = _make_person(ctx, surname=husband_surname, sex="男", age=husband_age,
                          relation="配偶" if female_head else "户主", married_in=female_head)
    wife = _make_person(ctx, surname=_surname(ctx), sex="女", age=wife_age,
                       relation="户主" if female_head else "配偶", married_in=not female_head)
    head, spouse = (wife, husband) if female_head else (husband, wife)
    return head, spouse, husband_surname


def _children(ctx: _Ctx, surname: str, mother_age: int, *, son: str, daughter: str,
              room: int) -> list[DemoPerson]:
    """Children born when the mother was 20-38; grown ones have often left (daughters marry out)."""
    rng = ctx.rng
    mother_birth_year = ctx.today.year - mother_age
    wanted = rng.choices([0, 1, 2, 3], weights=[4, 38, 45, 13] if mother_birth_year >= 1975
                         else [3, 22, 45, 30])[0]
    kids: list[DemoPerson] = []
    gap = rng.randint(20, 30)
    for _unused in range(wanted):
        age = mother_age - gap
        gap += rng.randint(1, 6)
        if age < 0 or gap > 40 or len(kids) >= room:
            break
        sex = "男" if rng.random() < 0.52 else "女"
        if age >= 18:
            stays = (0.55 if age < 30 else 0.15) if sex == "男" else (0.3 if age < 26 else 0.05)
            if rng.random() >= stays:
                continue
        kids.append(_make_person(ctx, surname=surname, sex=sex, age=age,
                                relation=son if sex == "男" else daughter))
    return kids


def _single_elder(ctx: _Ctx) -> list[DemoPerson]:
    sex = "女" if ctx.rng.random() < 0.7 else "男"
    return [_make_person(ctx, surname=_surname(ctx, lineage=sex == "男"), sex=sex,
                        age=ctx.rng.randint(65, 94), relation="户主")]


def _elder_couple(ctx: _Ctx) -> list[DemoPerson]:
    rng = ctx.rng
    head, spouse, surname = _couple(ctx, rng.randint(60, 88))
    members = [head, spouse]
    if rng.random() < 0.15:  # an unmarried son who stayed with his parents
        son_age = max(25, _age(spouse.birth_date, ctx.today) - rng.randint(22, 35))
        members.append(_make_person(ctx, surname=surname, sex="男", age=son_age, relation="子"))
    return members


def _nuclear(ctx: _Ctx) -> list[DemoPerson]:
    rng = ctx.rng
    head_age = rng.randint(26, 60)
    roll = rng.random()
    if roll < 0.08:  # widowed or divorced parent alone with the children
        sex = "女" if rng.random() < 0.6 else "男"
        surname = _surname(ctx, lineage=sex == "男")
        head = _make_person(ctx, surname=surname, sex=sex, age=head_age, relation="户主")
        mother_age = head_age if sex == "女" else head_age - rng.randint(0, 4)
        kid_surname = surname if sex == "男" else _surname(ctx, lineage=True)
        return [head] + _children(ctx, kid_surname, mother_age, son="子", daughter="女", room=3)
    head, spouse, surname = _couple(ctx, head_age, female_head=roll < 0.13)
    wife = head if head.sex == "女" else spouse
    members = [head, spouse]
    members += _children(ctx, surname, _age(wife.birth_date, ctx.today), son="子", daughter="女", room=3)
    return members


def _three_generations(ctx: _Ctx) -> list[DemoPerson]:
    rng = ctx.rng
    head, spouse, surname = _couple(ctx, rng.randint(52, 80))
    grandma_age = _age(spouse.birth_date, ctx.today)
    young_age = max(20, grandma_age - rng.randint(21, 32))
    if rng.random() < 0.9:
        son = _make_person(ctx, surname=surname, sex="男", age=young_age, relation="子")
        dil = _make_person(ctx, surname=_surname(ctx), sex="女", age=young_age - rng.randint(-1, 4),
                          relation="儿媳", married_in=True)
        father, mother = son, dil
        middle = [son, dil]
    else:  # a son-in-law who married into the household (上门女婿)
        daughter = _make_person(ctx, surname=surname, sex="女", age=young_age, relation="女")
        sil = _make_person(ctx, surname=_surname(ctx), sex="男", age=young_age + rng.randint(-1, 4),
                          relation="女婿", married_in=True)
        father, mother = sil, daughter
        middle = [daughter, sil]
    kid_surname = _surname_of(father)
    members = [head, spouse] + middle
    members += _children(ctx, kid_surname, _age(mother.birth_date, ctx.today),
                         son="孙子", daughter="孙女", room=7 - len(members))
    return members


def _with_parents(ctx: _Ctx) -> list[DemoPerson]:
    rng = ctx.rng
    head_age = rng.randint(30, 55)
    head, spouse, surname = _couple(ctx, head_age)
    members = [head, spouse]
    members += _children(ctx, surname, _age(spouse.birth_date, ctx.today), son="子", daughter="女", room=3)
    father_age = head_age + rng.randint(23, 35)
    roll = rng.random()
    if roll < 0.6 and father_age <= 95:
        members.append(_make_person(ctx, surname=surname, sex="男", age=father_age, relation="父亲"))
    if roll >= 0.3:
        members.append(_make_person(ctx, surname=_surname(ctx), sex="女",
                                   age=min(97, father_age - rng.randint(-1, 5)), relation="母亲"))
    return members


def _single_adult(ctx: _Ctx) -> list[DemoPerson]:
    sex = "男" if ctx.rng.random() < 0.85 else "女"
    return [_make_person(ctx, surname=_surname(ctx, lineage=sex == "男"), sex=sex,
                        age=ctx.rng.randint(25, 64), relation="户主")]


# Tilted towards the old: the young adults of a village have mostly moved their registration
# to town or married out, leaving elderly couples and grandparents with grandchildren.
_HOUSEHOLD_KINDS = [(_single_elder, 12), (_elder_couple, 21), (_nuclear, 28),
                    (_three_generations, 26), (_with_parents, 9), (_single_adult, 4)]


def _surname_of(person: DemoPerson) -> str:
    # Compound surnames are the only two-character ones in the list.
    return person.name[:2] if person.name[:2] in ("欧阳", "司马", "诸葛") else person.name[:1]


def make_households(rng: random.Random, place: DemoPlace, target: int, today: date) -> list[DemoHousehold]:
    """Households until about ``target`` residents, spread unevenly over the eight groups."""
    ctx = _Ctx(rng=rng, today=today, place=place)
    makers = [k for k, _w in _HOUSEHOLD_KINDS]
    weights = [w for _k, w in _HOUSEHOLD_KINDS]
    group_weights = [rng.uniform(0.7, 1.3) for _unused in GROUP_NAMES]
    drafts: list[tuple[int, list[DemoPerson]]] = []
    total = 0
    while total < target:
        members = rng.choices(makers, weights=weights)[0](ctx)[:7]
        group = rng.choices(range(len(GROUP_NAMES)), weights=group_weights)[0]
        drafts.append((group, members))
        total += len(members)
    drafts.sort(key=lambda d: d[0])  # stable: order inside a group stays the order of drawing
    _ensure_unregistered_infant(ctx, drafts)
    _ensure_rare_names(ctx, drafts)
    households: list[DemoHousehold] = []
    width = max(4, len(str(len(drafts))))
    door: dict[int, int] = {}
    for i, (group, members) in enumerate(drafts, start=1):
        door[group] = door.get(group, 0) + rng.randint(1, 3)  # house numbers skip empty plots
        households.append(DemoHousehold(
            number=f"{i:0{width}d}", group_index=group,
            address=f"{place.village}{GROUP_NAMES[group]}{door[group]}号", members=members))
    return households


def _ensure_unregistered_infant(ctx: _Ctx, drafts: list[tuple[int, list[DemoPerson]]]) -> None:
    """At least one baby without an ID number yet, so that path is always exercised."""
    people = [p for _g, members in drafts for p in members]
    if any(p.id_number is None for p in people):
        return
    babies = [p for p in people if _age(p.birth_date, ctx.today) == 0]
    if babies:
        youngest = max(babies, key=lambda p: p.birth_date)
    else:
        young_families = [m for _g, m in drafts if m[0].relation == "户主" and len(m) < 7
                          and len(m) > 1 and m[1].relation == "配偶"
                          and _age(m[0].birth_date, ctx.today) < 40]
        if not young_families:
            return
        family = ctx.rng.choice(young_families)
        father = family[0] if family[0].sex == "男" else family[1]
        surname = _surname_of(father)
        youngest = _make_person(ctx, surname=surname, sex="男" if ctx.rng.random() < 0.52 else "女",
                               age=0, relation="子")
        youngest.relation = "子" if youngest.sex == "男" else "女"
        family.append(youngest)
    if youngest.id_number:
        ctx.used_ids.discard(youngest.id_number)
    youngest.id_number, youngest.note = None, "新生儿，尚未办理身份证"


def _ensure_rare_names(ctx: _Ctx, drafts: list[tuple[int, list[DemoPerson]]]) -> None:
    """Every village has names with an Extension A character and one beyond the BMP."""
    people = [p for _g, members in drafts for p in members]

    def has(test: Callable[[int], bool]) -> bool:
        return any(test(ord(c)) for p in people for c in p.name)

    for test, pool in ((lambda cp: 0x3400 <= cp <= 0x4DBF, {"男": ["䶮"], "女": ["㛃"]}),
                       (lambda cp: cp > 0xFFFF, {"男": ["𤩽", "𫖯"], "女": ["𬍛"]})):
        if has(test):
            continue
        young = [p for p in people if p.birth_date.year >= 1980]
        person = ctx.rng.choice(young or people)
        rare = ctx.rng.choice(pool[person.sex])
        surname = _surname_of(person)
        person.name = surname + ("玓𬍛" if rare == "𬍛" else rare)


# ---------------------------------------------------------------- roles

def current_term(rng: random.Random, today: date) -> tuple[date, date]:
    """The five-year term (2018 amendment) of the 2021, 2026, ... general elections."""
    year = 2021 + 5 * ((today.year - 2021) // 5)
    start = date(year, rng.randint(1, 5), rng.randint(1, 28))
    if start > today:
        start = start.replace(year=year - 5)
    return start, start.replace(year=start.year + 5)


def pick_roles(rng: random.Random, households: list[DemoHousehold], *, today: date) -> list[DemoRole]:
    """Cadres, group leaders and representatives; marks representatives on their person."""
    start, end = current_term(rng, today)
    people = {(hi, mi): p for hi, h in enumerate(households) for mi, p in enumerate(h.members)}
    ages = {key: _age(p.birth_date, today) for key, p in people.items()}
    taken: set[tuple[int, int]] = set()
    roles: list[DemoRole] = []

    def add(key: tuple[int, int], body: str, title: str, group: int | None = None) -> None:
        roles.append(DemoRole(person=key, body=body, title=title, group_index=group,
                              term_start=start, term_end=end))

    def choose(lo: int, hi: int, *, sex: str | None = None, party: bool = False,
               exclude: set[tuple[int, int]] | None = None, exclude_households: Collection[int] = (),
               group: int | None = None) -> tuple[int, int]:
        # Relax the wish list step by step rather than fail on a tiny or odd village.
        for relax in range(4):
            pool = [k for k, p in people.items()
                    if k not in (exclude or taken) and k[0] not in exclude_households
                    and (group is None or households[k[0]].group_index == group)
                    and (lo - 5 * relax) <= ages[k] <= (hi + 5 * relax) and ages[k] >= 18
                    and (sex is None or relax >= 2 or p.sex == sex)
                    and (not party or relax >= 3 or p.party_member)]
            if pool:
                key = rng.choice(pool)
                if party:
                    people[key].party_member = True
                return key
        raise RuntimeError(_("演示村人口太少，配不齐村干部。"))

    def wish_sex(male_share: float) -> str:
        return "男" if rng.random() < male_share else "女"

    secretary = choose(40, 60, sex=wish_sex(0.85), party=True)
    taken.add(secretary)
    add(secretary, BODY_BRANCH, "书记")
    branch = []
    for _unused in range(rng.randint(2, 3)):
        member = choose(30, 65, sex=wish_sex(0.65), party=True)
        taken.add(member)
        branch.append(member)
        add(member, BODY_BRANCH, "委员")

    # 一肩挑: in most villages the branch secretary is also the committee director.
    director = secretary if rng.random() < 0.85 else choose(35, 60, sex=wish_sex(0.85))
    taken.add(director)
    deputy = branch[0] if rng.random() < 0.5 else choose(30, 60, sex=wish_sex(0.7))
    taken.add(deputy)
    committee = [director, deputy]
    add(director, BODY_COMMITTEE, "主任")
    add(deputy, BODY_COMMITTEE, "副主任")
    for i in range(rng.randint(2, 3)):
        # The committee must have a woman among its members (Organic Law Art. 6).
        has_woman = any(people[k].sex == "女" for k in committee)
        member = choose(25, 60, sex="女" if not has_woman and i == 0 else wish_sex(0.5))
        taken.add(member)
        committee.append(member)
        add(member, BODY_COMMITTEE, "委员")

    # Committee members and their close relatives may not sit on the supervision committee (Art. 32).
    barred = {k[0] for k in committee}
    chair = choose(40, 68, party=True, exclude_households=barred)
    add(chair, BODY_SUPERVISION, "主任")
    supervisors = {chair}
    for _unused in range(2):
        member = choose(30, 70, exclude=taken | supervisors, exclude_households=barred)
        supervisors.add(member)
        add(member, BODY_SUPERVISION, "委员")
    taken |= supervisors

    for g in range(len(GROUP_NAMES)):
        leader = choose(30, 65, sex=wish_sex(0.85), group=g, exclude=set())
        add(leader, BODY_GROUP, "组长", g)

    _pick_representatives(rng, households, ages, add)
    return roles


def _pick_representatives(rng: random.Random, households: list[DemoHousehold],
                          ages: dict[tuple[int, int], int],
                          add: Callable[..., None]) -> None:
    """One representative per 5-15 households, at least a third of them women (Art. 25)."""
    for g in range(len(GROUP_NAMES)):
        in_group = [hi for hi, h in enumerate(households) if h.group_index == g]
        if not in_group:
            continue
        lo, hi = math.ceil(len(in_group) / 15), max(1, len(in_group) // 5)
        count = min(max(round(len(in_group) / rng.uniform(8, 12)), lo), hi)
        women_needed = math.ceil(count / 3)
        order = in_group[:]
        rng.shuffle(order)
        chosen: list[tuple[int, int]] = []
        used_households: set[int] = set()
        for want_woman in (True, False):
            for h in order:
                if len(chosen) >= (women_needed if want_woman else count):
                    break
                if h in used_households:
                    continue
                fits = [(h, mi) for mi, p in enumerate(households[h].members)
                        if 18 <= ages[(h, mi)] <= 75 and (not want_woman or p.sex == "女")]
                if not fits:
                    continue
                # Outside the women's quota a household usually sends its head.
                if not want_woman and fits[0] == (h, 0) and rng.random() < 0.85:
                    chosen.append((h, 0))
                else:
                    chosen.append(rng.choice(fits))
                    used_households.add(h)
        for key in chosen:
            households[key[0]].members[key[1]].representative = True
            add(key, BODY_REPRESENTATIVES, "村民代表", g)
