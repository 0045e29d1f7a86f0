"""Demo disclosure: a ledger and three years of notices, so the calendar and the list show something real.

Everything goes through the real code: the ledger is written to a CSV file and
imported with ``import_ledger``; each notice is drafted from its catalogue item
(finances from the ledger's statement), reviewed, approved and posted through the
service functions, in date order. Most periods were posted on time, a few late,
the last months leave some items overdue; older notices are archived; there are
drafts, a notice waiting for review, one returned with comments, corrections and
villagers' questions with answers.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.demo_registry import demo_step
from app.disclosure.view import NoticeTable
from app.masking import mask_id  # noqa: F401 - the demo's ID numbers are printed only through masking

Progress = Callable[[int, int], None]
YEARS = 3
SEED = 2026

_INCOME = [("发包及上交收入", "鱼塘承包费", 3000, 30000), ("发包及上交收入", "果园承包费", 2000, 20000),
           ("补助收入", "上级转移支付", 10000, 80000), ("补助收入", "村级运转经费", 5000, 30000),
           ("经营收入", "集体厂房租金", 2000, 15000), ("投资收益", "合作社分红", 1000, 20000),
           ("其他收入", "捐款", 200, 5000)]
_EXPENSE = [("管理费用", "办公用品", 80, 1500), ("管理费用", "村干部误工补贴", 1500, 9000),
            ("管理费用", "电费", 100, 900), ("公益支出", "村道维修", 800, 30000), ("公益支出", "路灯维护", 200, 3000),
            ("公益支出", "垃圾清运", 300, 2500), ("经营支出", "厂房维修", 500, 8000), ("其他支出", "慰问困难群众", 200, 4000)]
_QUESTIONS = [("赵大爷", "第三项支出村道维修花了多少?", "村道维修共支出 12,360 元,发票已交镇经管站审核。"),
              ("钱大娘", "我家为什么不在名单里?", "您家人均收入超过当年标准,可以在下季度重新申请。"),
              ("孙师傅", "路灯什么时候修好?", "已于本月完成维修,共更换灯具 6 套。"),
              ("李婶", "鱼塘承包费是不是按合同收齐了?", "")]
_PROJECTS = ["村东主干道硬化", "党群服务中心屋面维修", "村内排水沟清淤", "文化广场健身器材安装"]


def _ledger_rows(rng: random.Random, start: dt.date, end: dt.date) -> list[list[str]]:
    balance = Decimal("186542.30")
    rows = [[start.isoformat(), "", "上年结转", "", "", "", f"{balance:.2f}"]]
    day, voucher = start, 0
    while day <= end:
        for _n in range(rng.randint(2, 6)):
            income = rng.random() < 0.35
            category, summary, low, high = rng.choice(_INCOME if income else _EXPENSE)
            amount = Decimal(rng.randint(low * 100, high * 100)) / 100
            if not income and amount > balance:
                continue
            voucher += 1
            balance += amount if income else -amount
            when = min(end, day + dt.timedelta(days=rng.randint(0, 27)))
            rows.append([when.isoformat(), f"记-{voucher:03d}", summary, category,
                         f"{amount:,.2f}" if income else "", "" if income else f"{amount:,.2f}", f"{balance:.2f}"])
        day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    rows[1:] = sorted(rows[1:], key=lambda r: (r[0], r[1]))
    running = Decimal(rows[0][6])  # the vouchers were drawn month by month; re-run the balance in date order
    for r in rows[1:]:
        running += Decimal(r[4].replace(",", "") or 0) - Decimal(r[5].replace(",", "") or 0)
        r[6] = f"{running:.2f}"
    return rows


def _import_year(session: Session, rng: random.Random, year: int, today: dt.date) -> None:
    from app.finance.service import import_ledger

    rows = _ledger_rows(rng, dt.date(year, 1, 1), min(today, dt.date(year, 12, 31)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{year}年总账.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["日期", "凭证号", "摘要", "科目", "收入", "支出", "余额"])
            w.writerows(rows)
        report = import_ledger(session, path, year=year)
    if report.errors:
        raise RuntimeError(f"demo ledger {year} did not import: {report.errors[:3]}")


class Clerk:
    def __init__(self, session: Session, rng: random.Random, approver: str, today: dt.date) -> None:
        self.s, self.rng, self.approver, self.today = session, rng, approver, today
        self._reviewers: dict[dt.date, list[str]] = {}

    def reviewers(self, day: dt.date) -> list[str]:
        """The supervision committee in office on ``day``: only they may review (app.people.roles)."""
        from app.people.roles import members_on

        if day not in self._reviewers:
            names = [m.name for m in members_on(self.s, day)]
            if not names:
                raise RuntimeError(f"the demo village has no supervision committee member in office on {day}")
            self._reviewers[day] = names
        return self._reviewers[day]

    def review_and_approve(self, nid: int, day: dt.date) -> None:
        from app.disclosure.service import approve, record_review, submit_for_review

        submit_for_review(self.s, nid)
        members = self.reviewers(day)
        names = self.rng.sample(members, k=min(2, len(members)))
        record_review(self.s, nid, reviewers=names, date=day, opinion="内容真实完整,同意公开。")
        approve(self.s, nid, approver=self.approver, date=day)

    def publish(self, nid: int, day: dt.date, min_days: int) -> None:
        from app.disclosure.service import archive, post_notice

        self.review_and_approve(nid, day - dt.timedelta(days=1))
        until = day + dt.timedelta(days=max(min_days, 10) - 1 + self.rng.randint(0, 10))
        post_notice(self.s, nid, posted_from=day, posted_until=until, min_days=min_days)
        if day < self.today - dt.timedelta(days=90):  # the last quarter's notices are still on the board
            archive(self.s, nid, today=self.today)


def _earlier_supervisors(session: Session, since: dt.date) -> None:
    """The supervision committee of the term before the current one (the same people, re-elected), where
    the demo's reviews reach back before the current term began. The meetings demo adds the other bodies'
    earlier term and leaves these alone."""
    from sqlalchemy import select

    from app.people.models import Role
    from app.people.roles import SUPERVISION
    from app.people.service import assign_role

    roles = list(session.scalars(select(Role).where(Role.body == SUPERVISION).order_by(Role.id)))
    for role in roles:
        start = role.term_start
        if start is None or start <= since:
            continue
        before = start.replace(year=start.year - 5) if (start.month, start.day) != (2, 29) else \
            start.replace(year=start.year - 5, day=28)
        if any(r.resident_id == role.resident_id and r.term_end == start - dt.timedelta(days=1) for r in roles):
            continue
        assign_role(session, resident_id=role.resident_id, body=role.body, title=role.title, group_id=role.group_id,
                    term_start=before, term_end=start - dt.timedelta(days=1))
    session.flush()


def _names(village: Any) -> list[tuple[str, str]]:
    people = [(m.name, m.id_number) for h in village.households for m in h.members if getattr(m, "id_number", None)]
    return people or [("张三", "")]


@demo_step("disclosure", order=40, after=("people",))
def load_demo_disclosure(session: Session, data_dir: Path, village: Any, progress: Progress | None = None, *,
                         today: dt.date | None = None, seed: int = SEED) -> int:
    """Returns how many notices were made."""
    from app.disclosure.calendar import periods
    from app.disclosure.service import (NoticeDraft, add_feedback, answer_feedback, create_notice, draft_for_item,
                                        list_notices, start_correction, update_notice, village_catalogue)
    from app.finance.statement import ReconciliationError
    from app.people.service import list_roles

    today = today or dt.date.today()
    rng = random.Random(seed)
    first_year = today.year - YEARS + 1
    for year in range(first_year, today.year + 1):
        _import_year(session, rng, year, today)
    catalogue = village_catalogue(data_dir, today)
    settings = catalogue.settings
    roles = list_roles(session, on=today)
    _earlier_supervisors(session, dt.date(first_year, 1, 1))
    approver = next((r.resident_name for r in roles if r.body == "村民委员会" and r.title == "主任"), "张主任")
    clerk = Clerk(session, rng, approver, today)
    people = _names(village)

    # 1. every periodic item: posted on time mostly, a few late, the newest few left overdue or in progress
    work: list[tuple[dt.date, Any, Any]] = []
    for item in catalogue.items:
        if item.frequency == "event" or not item.applies_under(settings):
            continue
        for year in range(first_year, today.year + 1):
            for period in periods(item, year):
                if period.end < today:
                    work.append((period.end, item, period))
    work.sort(key=lambda w: (w[0], w[1].code))
    made, total = 0, len(work) + 12
    left_undone = 0
    for end, item, period in work:
        recent = (today - period.deadline).days < 60
        if recent and left_undone < 3 and rng.random() < 0.5:
            left_undone += 1  # overdue or still due: the home screen has something to show
            continue
        late = rng.random() < 0.08
        day = period.deadline + dt.timedelta(days=rng.randint(1, 12)) if late else \
            end + dt.timedelta(days=rng.randint(1, max(1, item.deadline_days)))
        if day >= today:
            continue
        try:
            draft = draft_for_item(session, item.code, period.key, data_dir=data_dir, catalogue=catalogue)
        except ReconciliationError:
            continue
        if item.name.find("低保") >= 0 or item.name.find("救助") >= 0:
            chosen = rng.sample(people, k=min(len(people), rng.randint(4, 9)))
            draft.tables = [NoticeTable("保障对象名单", ["序号", "姓名", "身份证号", "保障人数", "月保障金(元)"],
                                        [[str(i), n, idn, str(rng.randint(1, 4)), f"{rng.randint(3, 9) * 100:,}.00"]
                                         for i, (n, idn) in enumerate(chosen, start=1)], frozenset({0, 3, 4}))]
        nid = create_notice(session, draft).id
        clerk.publish(nid, day, item.min_days)
        made += 1
        if progress and made % 20 == 0:
            progress(made, total)

    # 2. matters that happen when they happen: projects and their results
    event_items = [i for i in catalogue.items if i.frequency == "event" and i.category == "村务"]
    for k, project in enumerate(_PROJECTS):
        if not event_items:
            break
        item = event_items[k % len(event_items)]
        day = today - dt.timedelta(days=rng.randint(40, 700))
        body = (f"经村民代表会议决议,实施{project}项目。\n\n## 项目概况\n- 预算:{rng.randint(5, 40)} 万元\n"
                f"- 施工单位:经公开比选确定\n- 工期:{rng.randint(20, 90)} 天\n\n欢迎村民监督。")
        nid = create_notice(session, NoticeDraft(title=f"{project}项目公示", category="村务", body=body,
                                                 item_code=item.code, period_key=f"E{day:%Y%m%d}",
                                                 period_label=f"{day.year}年{day.month}月",
                                                 catalogue_version=catalogue.version)).id
        clerk.publish(nid, day, item.min_days)
        made += 1

    published = list_notices(session)
    posted = [n for n in published if n.state in ("posted", "archived")]
    # 3. villagers' questions, most answered
    for n, (asker, question, answer) in zip(rng.sample(posted, k=min(len(posted), len(_QUESTIONS))), _QUESTIONS):
        asked = n.posted_from + dt.timedelta(days=rng.randint(1, 5)) if n.posted_from else today
        asked = min(asked, today)
        f = add_feedback(session, n.id, asker=asker, question=question, asked_on=asked)
        if answer:
            answer_feedback(session, f.id, answer=answer, answered_by=approver,
                            answered_on=min(today, asked + dt.timedelta(days=rng.randint(1, 6))))

    # 4. a correction, posted; and one just started
    finance = [n for n in posted if n.category == "财务"]
    if len(finance) >= 2:  # newest first
        fixed = start_correction(session, finance[1].id, reason="原公告中一笔金额抄写有误,以本更正为准。")
        day = (finance[1].posted_from or today) + dt.timedelta(days=4)
        if day < today:
            clerk.publish(fixed.id, day, catalogue.item(fixed.item_code).min_days if fixed.item_code else 7)
            made += 1
        start_correction(session, finance[0].id, reason="期末余额抄写错误,以本更正为准。")
        made += 1

    # 5. work in progress: drafts, one waiting for review, one returned with comments, one approved
    from app.disclosure.service import record_review, submit_for_review

    drafts = [("村集体经济合作社年度分红方案(征求意见稿)", "村务", "分红方案如下,请各户提出意见。\n\n- 每股分红 120 元\n- 分红日期另行通知"),
              ("关于发展党员的公示", "党务", "经支部委员会研究,拟确定以下同志为发展对象,公示期 5 个工作日。"),
              ("村东主干道硬化项目实施结果公开", "村务", "项目已完工,经验收合格。\n\n## 资金使用\n- 决算金额 31.6 万元"),
              ("第四季度党费收缴情况", "党务", "本季度应缴党费 1,860.00 元,实缴 1,860.00 元。"),
              ("冬季村内道路清雪安排", "村务", "入冬后遇降雪,各村民小组按划定路段清扫积雪。\n\n- 主干道:村委会组织\n- 巷道:各户门前")]
    ids = [create_notice(session, NoticeDraft(title=t, category=c, body=b)).id for t, c, b in drafts]
    made += len(ids)
    submit_for_review(session, ids[1])
    submit_for_review(session, ids[2])
    record_review(session, ids[2], reviewers=clerk.reviewers(today - dt.timedelta(days=1))[:1],
                  date=today - dt.timedelta(days=1),
                  opinion="请附上验收报告的照片,并写明结余资金去向。", passed=False)
    update_notice(session, ids[2], NoticeDraft(title=drafts[2][0], category="村务",
                                               body=drafts[2][2] + "\n- 结余资金 0.9 万元转入村级公益金"))
    clerk.review_and_approve(ids[3], today - dt.timedelta(days=1))
    submit_for_review(session, ids[4])  # reviewed, waiting for the director's approval
    record_review(session, ids[4], reviewers=clerk.reviewers(today)[:2], date=today, opinion="同意公开。")
    if progress:
        progress(total, total)
    return made
