"""Demo certificates: a few years of every kind on the approved list, some voided, some reprinted,
some pending, and refusals of kinds the village must not issue.

Everything goes through the real service functions, in date order, so the
serial numbers of the demo are what the same work would have produced.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.certificates.catalogue import ApprovedKind, load_catalogues
from app.certificates.service import (Applicant, Approval, CheckRecord, IssueRequest, complete_pending,
                                      default_approver, issue_certificate, record_print, resident_gone,
                                      role_holders, void_certificate)
from app.certificates.serials import set_start
from app.demo_registry import demo_step
from app.people.idcard import random_valid_id
from app.people.models import Household, Resident, Village, VillagerGroup

Progress = Callable[[int, int], None]
YEARS = 3

_NEGATIVE = ("死亡证明", "无犯罪记录证明", "亲属关系证明", "婚姻状况证明", "健在证明", "居民财产证明", "证件遗失证明")
REFUSED = (*_NEGATIVE, "现实表现证明", "在校证明")  # the last two are on neither list
PURPOSES: dict[str, tuple[str, ...]] = {
    "SD-01": ("办理居住证", "子女入学", "办理社会保险"), "SD-02": ("申请宅基地和建房审批",),
    "SD-03": ("申领耕地地力保护补贴", "办理土地确权登记"), "SD-04": ("集体收益分配", "征地补偿登记"),
    "SD-05": ("申请林木采伐许可",), "SD-06": ("申请最低生活保障", "申请临时救助"),
    "SD-07": ("土地经营权流转备案",),
}
VOID_REASONS = ("面积填写有误,已重新开具", "申请人用途变更,重新开具", "打印时信息有误,收回作废")


def _now(day: dt.date, rng: random.Random) -> str:
    return dt.datetime(day.year, day.month, day.day, rng.randint(8, 16), rng.randint(0, 59), rng.randint(0, 59),
                       tzinfo=dt.timezone(dt.timedelta(hours=8))).isoformat(timespec="seconds")


def field_value(kind: ApprovedKind, name: str, max_len: int, ctx: dict[str, Any], rng: random.Random) -> str:
    year = ctx["day"].year
    values: dict[str, Callable[[], str]] = {
        "address": lambda: ctx["address"] or "{g}{n}号".format(g=ctx["group"], n=rng.randint(1, 80)),
        "since": lambda: "{y}年{m}月".format(y=max(ctx["birth_year"], year - rng.randint(2, 30)), m=rng.randint(1, 12)),
        "household_size": lambda: str(ctx["household_size"]),
        "members": lambda: str(ctx["household_size"]),
        "location": lambda: rng.choice(("村东头老宅原址", "村南新规划区3排", "村北东山坡自留山", "村西河湾")),
        "area": lambda: (str(rng.choice((120, 150, 166, 200))) if kind.code == "SD-02"
                         else "{a:.1f}".format(a=rng.uniform(1.0, 9.0))),
        "discussion": lambda: "村民小组会议到会{n}户,一致同意".format(n=rng.randint(18, 40)),
        "contract_no": lambda: "HT{c}-{n:04d}".format(c=ctx["code"][-4:], n=rng.randint(1, 600)),
        "plots": lambda: str(rng.randint(1, 6)),
        "roster_no": lambda: "CY{n:05d}".format(n=rng.randint(1, 3000)),
        "species": lambda: rng.choice(("杨树", "榆树", "泡桐", "刺槐", "柳树")),
        "count": lambda: str(rng.randint(5, 80)),
        "situation": lambda: rng.choice(("主要劳动力患病,家庭无稳定收入", "老人独居,仅靠养老金生活",
                                         "因灾房屋受损,生活困难", "子女在读,一人务工收入不足")),
        "transferee": lambda: rng.choice(("绿丰种植专业合作社", "本村种粮大户", "鑫源家庭农场")),
        "term": lambda: "{a}年10月至{b}年9月".format(a=year, b=year + rng.choice((3, 5, 10))),
        "contract_date": lambda: "{y}年{m}月{d}日".format(y=year, m=ctx["day"].month, d=ctx["day"].day),
    }
    value = values.get(name, lambda: "示例")()
    return value[:max_len]


@demo_step("certificates", order=30, after=("people",))  # needs the data directory: the village key
def load_demo_certificates(session: Session, data_dir: Path, village: Any, progress: Progress | None = None, *,
                           today: dt.date | None = None) -> int:
    """Write the demo certificates; returns how many were numbered."""
    from app.keys import ensure_village_key

    today = today or dt.date.today()
    key = ensure_village_key(data_dir)
    catalogues = load_catalogues(data_dir)
    code = getattr(village, "code", None) or session.get(Village, 1).code  # type: ignore[union-attr]
    rng = random.Random(f"{code}-certificates")
    groups = {g.id: g.name for g in session.scalars(select(VillagerGroup))}
    addresses = {h.id: h.address for h in session.scalars(select(Household))}
    sizes = dict(session.execute(select(Resident.household_id, func.count()).group_by(Resident.household_id)).all())
    adults = [r for r in session.scalars(select(Resident).where(Resident.id_number.is_not(None)))
              if r.birth_date and (today - r.birth_date).days > 20 * 366 and not resident_gone(r)]
    if not adults:
        return 0
    def context(day: dt.date, person: Resident) -> dict[str, Any]:
        return {"day": day, "code": code, "group": groups.get(person.group_id or 0, ""),
                "address": addresses.get(person.household_id or 0, ""), "birth_year": person.birth_date.year,
                "household_size": sizes.get(person.household_id, 1)}

    total_people = session.scalar(select(func.count()).select_from(Resident)) or 0
    scale = 3 if total_people > 8000 else 1

    # applications and refusals for each year, then all of it in date order
    plan: list[tuple[dt.date, int, str, Any]] = []
    order = 0
    for year in range(today.year - YEARS + 1, today.year + 1):
        current = catalogues.approved_on(min(today, dt.date(year, 12, 31)))
        if current is None:
            continue
        last = min(today, dt.date(year, 12, 31))
        span = (last - dt.date(year, 1, 1)).days
        for kind in current.items:
            for _n in range(rng.randint(2, 6) * scale):
                order += 1
                plan.append((dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, span)), order, "apply", kind))
        for n in range(rng.randint(2, 4)):
            order += 1
            asked = rng.choice(_NEGATIVE) if n == 0 else rng.choice(REFUSED)
            plan.append((dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, span)), order, "refuse", asked))
    first = catalogues.approved_on(dt.date(today.year - YEARS + 1, 12, 31))
    if first is not None:
        # an office that kept a paper register continues its numbers
        kind = first.items[0]
        set_start(session, kind_code=kind.code, short=kind.short, year=today.year - YEARS + 1, start=31)
    heapq.heapify(plan)

    verifiers = role_holders(session, "委员", today) or ["文书"]
    issued: list[tuple[str, dt.date]] = []
    done, total = 0, len(plan)
    while plan:
        day, _order, action, item = heapq.heappop(plan)
        now = _now(day, rng)
        # demo cadres took office in the current term; earlier certificates carry today's director's name
        approval = default_approver(session, day) or default_approver(session, today) or Approval("村委会主任")
        check = CheckRecord(rng.choice(verifiers))
        if action == "complete":
            c = complete_pending(session, item, check=check, approval=approval, catalogues=catalogues, signer=key,
                                 today=day, now=now)
            issued.append((c.serial or "", day))
            record_print(session, c.serial or "", who=check.verifier, now=now)
            continue
        person = rng.choice(adults)
        if action == "refuse":
            issue_certificate(session, IssueRequest(kind=item, purpose="办事需要", resident_id=person.id),
                              catalogues=catalogues, signer=key, today=day, now=now)
        else:
            kind: ApprovedKind = item
            ctx = context(day, person)
            request = IssueRequest(kind=kind.code, purpose=rng.choice(PURPOSES.get(kind.code, ("办事需要",))),
                                   resident_id=person.id, check=check, approval=approval,
                                   fields={f.name: field_value(kind, f.name, f.max_len, ctx, rng)
                                           for f in kind.fields})
            if kind.allows_non_resident and kind.on_the_spot and rng.random() < 0.15:
                birth = dt.date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
                request.resident_id = None
                request.applicant = Applicant(rng.choice(("刘建军", "陈秀英", "杨帆", "周丽")),
                                              random_valid_id(rng, area="410526", birth=birth,
                                                              sex=rng.choice(("男", "女"))))
            outcome = issue_certificate(session, request, catalogues=catalogues, signer=key, today=day, now=now)
            c = outcome.certificate
            if outcome.status == "issued" and c is not None:
                issued.append((c.serial or "", day))
                record_print(session, c.serial or "", who=check.verifier, now=now)
            elif outcome.status == "pending" and c is not None and c.due_date is not None:
                finish = day + dt.timedelta(days=rng.randint(1, max(1, (c.due_date - day).days)))
                if finish < today:
                    order += 1
                    heapq.heappush(plan, (finish, order, "complete", c.id))
        done += 1
        if progress:
            progress(done, total)

    # applications taken in the last few days are still within their time limit: the home screen lists them
    current = catalogues.approved_on(today)
    waiting = [k for k in (current.items if current else ()) if not k.on_the_spot][:2]
    for back, kind in enumerate(waiting):
        day = today - dt.timedelta(days=back)
        person = rng.choice(adults)
        ctx = context(day, person)
        issue_certificate(session, IssueRequest(
            kind=kind.code, purpose=PURPOSES.get(kind.code, ("办事需要",))[0], resident_id=person.id,
            fields={f.name: field_value(kind, f.name, f.max_len, ctx, rng) for f in kind.fields}),
            catalogues=catalogues, signer=key, today=day, now=_now(day, rng))

    # about one in twenty voided and one in ten reprinted, at least one of each
    picked = rng.sample(issued, min(len(issued), max(2, round(len(issued) * 0.15))))
    cut = max(1, len(picked) // 3)
    for n, (serial, day) in enumerate(picked):
        later = _now(min(today, day + dt.timedelta(days=rng.randint(1, 20))), rng)
        if n < cut:
            void_certificate(session, serial, rng.choice(VOID_REASONS), now=later)
        else:
            record_print(session, serial, who=rng.choice(verifiers), now=later)
    return len(issued)

