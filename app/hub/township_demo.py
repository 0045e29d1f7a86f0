"""``cunwu hub demo``: a township hub built from generated demo villages, to try the township mode in one command.

Every village is made the way ``cunwu demo`` makes one: people from app.demo_data, then the steps the packages
register (certificates, disclosure with its ledger, meetings), smaller than the small demo village (about 300
residents) so that ten villages build in well under a minute. Then everything goes the normal way: the hub is
made with ``init_hub``, each village gets its key and the township's public key, the hub enrols its identity
file, and a year of monthly bundles is exported with ``export_bundle`` and imported with ``import_bundles`` (the
receipts written to the village's folder as to its stick), so the hub fills its tables as it does for real sticks.

A year in a minute: a village's records are made first (they carry their own dates: three years of notices,
minutes and certificates), then its log goes to the township as twelve monthly bundles, each about a twelfth
of it. The hub's clock (the time it writes for enrolment, import and receipts) is set to the day each bundle
arrives, one month after the other, the last ones in the days before today. That clock is the only thing
that is not real, and it is set only inside this module, while the demo runs.

Some villages are made to be noticed (in this order, as far as the number of villages goes):

1. certificates refused this month (and a clerk who stopped posting disclosures when the last quarter began,
   so that quarter's disclosures are now past their deadline: overdue);
2. forked: it restored an older backup and sent a bundle that does not continue what the township holds;
3. silent: its last bundle came about two months ago;
4. enrolled but never synced (a village that has just installed the program);
5. a gap: the bundle of the last month but one stayed at home, the last one waits at the hub (待补);
and every other village after the fifth is late with its disclosures. The rest send every month on time and
post every quarter's and year's notices by the deadline (the village demo leaves a few overdue for its home
screen; here the clerk catches up); what may stay overdue is a 四议两公开 decision of the demo's matters.
The villages that send on time issue a few certificates in the month of their last bundle.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import random
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.i18n import _

DEFAULT_VILLAGES = 8
MAX_VILLAGES = 60
DEFAULT_SEED = 2026
MONTHS = 12
RESIDENTS = 300          # about this many people per village (the small demo village has 2,000)
FOLDER = "demo-villages"  # under the data directory: each village's store, its stick and identity file
MARKER = "演示乡镇.json"   # in FOLDER, written last: the demo was built whole (seed, villages, day)

REFUSALS, FORKED, SILENT, NEVER, GAP, LATE = "refusals", "forked", "silent", "never", "gap", "late"
SPECIAL_ORDER = (REFUSALS, FORKED, SILENT, NEVER, GAP)
FORK_AFTER = 9           # the forked village's log is all sent by this month; its backup is made then
SILENT_AFTER = 10        # the silent village's last bundle is this month's

Progress = Callable[[str], None]


class HubDemoError(UserError):
    """The demo hub cannot be made here; nothing was changed."""


class DemoAlreadyBuilt(HubDemoError):
    """The same demo township (seed and number of villages) is already in the data directory: nothing to do."""


@dataclass(frozen=True)
class DemoVillageInfo:
    code: str
    name: str
    kinds: tuple[str, ...]   # REFUSALS, FORKED, ... (empty: a village that sends on time every month)
    events: int              # events in the village's own log
    bundles: int             # bundles it exported


@dataclass(frozen=True)
class HubDemoInfo:
    data_dir: Path
    township: str
    villages: list[DemoVillageInfo]
    imported: int
    pending: int
    refused: int
    seconds: float


def kind_words(kinds: tuple[str, ...]) -> str:
    """What is special about a demo village, in the words the township would use."""
    words = {REFUSALS: _("本月有拒开证明"), FORKED: _("同步包分叉(恢复过旧备份)"), SILENT: _("长期未同步"),
             NEVER: _("登记后从未同步"), GAP: _("缺一个同步包(待补)"), LATE: _("村务公开逾期")}
    return "、".join(words[k] for k in kinds) or _("按月按时同步")


def village_kinds(index: int) -> tuple[str, ...]:
    """The special cases of the village at ``index`` (0-based), see the module's description."""
    kinds: list[str] = []
    if index < len(SPECIAL_ORDER):
        kinds.append(SPECIAL_ORDER[index])
    if index == 0 or (index > len(SPECIAL_ORDER) and index % 2 == 0):
        kinds.append(LATE)
    return tuple(kinds)


def stopped_posting(today: dt.date) -> dt.date:
    """The day a late village's clerk stopped posting disclosures: the first day of the latest quarter whose
    previous quarter's notices are past their deadline (the 10th or 15th of the quarter's first month) by a week."""
    start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    while start + dt.timedelta(days=22) > today:
        start = dt.date(start.year - 1, 10, 1) if start.month == 1 else start.replace(month=start.month - 3)
    return start


# ---------------------------------------------------------------- the clock


@contextmanager
def _clock(moment: dt.datetime) -> Iterator[None]:
    """The hub and the sync code write ``moment`` as the time now (app.events.now_text, as they import it)."""
    import app.events

    original = app.events.now_text
    text = moment.isoformat(timespec="seconds")
    patched = [m for name, m in list(sys.modules.items())
               if name.startswith(("app.hub", "app.sync")) and getattr(m, "now_text", None) is original]
    for module in patched:
        module.now_text = lambda: text  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module in patched:
            module.now_text = original  # type: ignore[attr-defined]


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    """A working-hours time on ``day``, in this computer's time zone (as now_text writes it)."""
    return dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.randint(0, 59))).astimezone()


# ---------------------------------------------------------------- the villages


@dataclass
class _Village:
    index: int
    demo: Any                    # app.demo_data.DemoVillage
    kinds: tuple[str, ...]
    dir: Path
    stick: Path
    identity: Path
    store: Any = None
    cuts: list[int] = field(default_factory=list)   # last event of each month's bundle
    delay: int = 0               # days after the month's day its bundle reaches the hub
    backup: Path | None = None
    bundles: int = 0
    events: int = 0


def _names(rng: random.Random, count: int) -> list[tuple[str, str | None]]:
    """Village names, none twice: the generator's villages first, then more of the same kind."""
    from app.demo_data import SURNAMES, VILLAGES

    names = list(VILLAGES)
    rng.shuffle(names)
    used = {n for n, _c in names}
    while len(names) < count:
        surname = rng.choice(SURNAMES[:40])
        name = surname + rng.choice(("庄村", "楼村", "营村", "集村", "湾村", "店村", "屯村", "寨村", "家洼村", "岗村"))
        if name not in used:
            used.add(name)
            names.append((name, surname))
    return names[:count]


def _generate(rng: random.Random, place: Any, today: dt.date, codes: set[str]) -> Any:
    from app.demo_data import GROUP_NAMES, DemoVillage, make_households, make_uscc, pick_roles

    code = make_uscc(rng, place.area_code)
    while code in codes:
        code = make_uscc(rng, place.area_code)
    codes.add(code)
    households = make_households(rng, place, round(RESIDENTS * rng.uniform(0.85, 1.15)), today)
    roles = pick_roles(rng, households, today=today)
    return DemoVillage(name=place.village, code=code, township=place.township, county=place.county,
                       groups=list(GROUP_NAMES), households=households, roles=roles, area_code=place.area_code)


def _build(v: _Village, today: dt.date, seed: int) -> None:
    """The village's store, as ``cunwu demo`` makes it (only the register for a village that never synced)."""
    from app.demo import load_steps
    from app.demo_registry import ordered_steps
    from app.keys import ensure_village_key
    from app.people.service import init_village
    from app.schema import open_store

    v.store = open_store(v.dir, create=True)
    load_steps()
    d = v.demo
    with v.store.begin("演示数据") as s:
        init_village(s, name=d.name, code=d.code, township=d.township, county=d.county, groups=d.groups)
        for step in ordered_steps():
            if NEVER in v.kinds and step.name != "people":
                continue
            params = inspect.signature(step.run).parameters
            kwargs: dict[str, Any] = {}
            if "seed" in params:
                kwargs["seed"] = seed
            if "today" in params:
                late = LATE in v.kinds and step.name == "disclosure"
                kwargs["today"] = stopped_posting(today) if late else today
            step.run(s, v.dir, d, None, **kwargs)
    ensure_village_key(v.dir)


def _refusals(v: _Village, rng: random.Random, last: dt.date, count: int = 3) -> None:
    """Certificates asked for in the month of ``last`` (up to that day) that the village may not issue (the
    refusals are recorded)."""
    from sqlalchemy import select

    from app.certificates.catalogue import load_catalogues
    from app.certificates.demo import REFUSED
    from app.certificates.service import IssueRequest, issue_certificate
    from app.keys import load_village_key
    from app.people.models import Resident

    catalogues = load_catalogues(v.dir)
    key = load_village_key(v.dir)
    first = last.replace(day=1)
    with v.store.begin("文书") as s:
        ids = list(s.scalars(select(Resident.id).where(Resident.id_number.is_not(None)).order_by(Resident.id)))
        for _n in range(count):
            day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
            issue_certificate(s, IssueRequest(kind=rng.choice(REFUSED), purpose="办事需要", resident_id=rng.choice(ids)),
                              catalogues=catalogues, signer=key, today=day,
                              now=_moment(day, rng).isoformat(timespec="seconds"))


def _certificates(v: _Village, rng: random.Random, first: dt.date, last: dt.date) -> None:
    """The month's certificates up to the village's last bundle (issued between ``first`` and ``last``, printed;
    one in two villages voids one), as the certificates demo issues them, so 本月证明 has something to count."""
    from sqlalchemy import func, select

    from app.certificates.catalogue import load_catalogues
    from app.certificates.demo import PURPOSES, VOID_REASONS, field_value
    from app.certificates.service import (Approval, CheckRecord, IssueRequest, default_approver, issue_certificate,
                                          record_print, resident_gone, role_holders, void_certificate)
    from app.keys import load_village_key
    from app.people.models import Household, Resident, VillagerGroup

    current = load_catalogues(v.dir).approved_on(last)
    kinds = [k for k in (current.items if current else ()) if k.on_the_spot]
    if not kinds or last < first:
        return
    catalogues, key = load_catalogues(v.dir), load_village_key(v.dir)
    with v.store.begin("文书") as s:
        groups = {g.id: g.name for g in s.scalars(select(VillagerGroup))}
        addresses = {h.id: h.address for h in s.scalars(select(Household))}
        sizes = dict(s.execute(select(Resident.household_id, func.count()).group_by(Resident.household_id)).all())
        adults = [r for r in s.scalars(select(Resident).where(Resident.id_number.is_not(None)).order_by(Resident.id))
                  if r.birth_date and (last - r.birth_date).days > 20 * 366 and not resident_gone(r)]
        verifiers = role_holders(s, "委员", last) or ["文书"]
        issued: list[tuple[str, dt.date]] = []
        for day in sorted(first + dt.timedelta(days=rng.randint(0, (last - first).days))
                          for _n in range(rng.randint(2, 5))):
            person, kind = rng.choice(adults), rng.choice(kinds)
            ctx = {"day": day, "code": v.demo.code, "group": groups.get(person.group_id or 0, ""),
                   "address": addresses.get(person.household_id or 0, ""), "birth_year": person.birth_date.year,
                   "household_size": sizes.get(person.household_id, 1)}
            check = CheckRecord(rng.choice(verifiers))
            request = IssueRequest(kind=kind.code, purpose=rng.choice(PURPOSES.get(kind.code, ("办事需要",))),
                                   resident_id=person.id, check=check,
                                   approval=default_approver(s, day) or Approval("村委会主任"),
                                   fields={f.name: field_value(kind, f.name, f.max_len, ctx, rng) for f in kind.fields})
            now = _moment(day, rng).isoformat(timespec="seconds")
            outcome = issue_certificate(s, request, catalogues=catalogues, signer=key, today=day, now=now)
            if outcome.status == "issued" and outcome.certificate is not None and outcome.certificate.serial:
                record_print(s, outcome.certificate.serial, who=check.verifier, now=now)
                issued.append((outcome.certificate.serial, day))
        if issued and rng.random() < 0.5:
            serial, day = issued[-1]
            void_certificate(s, serial, rng.choice(VOID_REASONS), now=_moment(day, rng).isoformat(timespec="seconds"))


def _catch_up(v: _Village, rng: random.Random, today: dt.date) -> None:
    """A clerk who keeps up: the periodic notices the village demo leaves overdue (its home screen has
    something to show) are posted, each by its deadline, as the disclosure demo posts the others."""
    from app.disclosure.calendar import OVERDUE
    from app.disclosure.demo import Clerk
    from app.disclosure.service import create_notice, draft_for_item, due_entries, village_catalogue
    from app.finance.statement import ReconciliationError
    from app.people.service import list_roles

    with v.store.begin("文书") as s:
        catalogue = village_catalogue(v.dir, today)
        approver = next((r.resident_name for r in list_roles(s, on=today)
                         if r.body == "村民委员会" and r.title == "主任"), "张主任")
        clerk = Clerk(s, rng, approver, today)
        for entry in due_entries(s, v.dir, today):
            if entry.state != OVERDUE or not entry.item.periodic:
                continue
            day = max(entry.period.end + dt.timedelta(days=1), entry.period.deadline - dt.timedelta(days=rng.randint(0, 3)))
            try:
                draft = draft_for_item(s, entry.item.code, entry.period.key, data_dir=v.dir, catalogue=catalogue)
            except ReconciliationError:
                continue
            clerk.publish(create_notice(s, draft).id, day, entry.item.min_days)


def _house_visits(v: _Village, rng: random.Random, day: dt.date, count: int = 3) -> None:
    """A month's small work: a few residents' notes after a house visit (入户核实)."""
    from sqlalchemy import select

    from app.people.models import Resident
    from app.people.service import ResidentInput, get_resident, update_resident

    with v.store.begin("文书") as s:
        ids = list(s.scalars(select(Resident.id).where(Resident.status.is_(None)).order_by(Resident.id)))
        for rid in rng.sample(ids, min(count, len(ids))):
            row = get_resident(s, rid)
            data = ResidentInput(**{f.name: getattr(row, f.name) for f in fields(ResidentInput)})
            update_resident(s, rid, replace(data, note="{y}年{m}月入户核实".format(y=day.year, m=day.month)))


def _head(store: Any) -> int:
    from sqlalchemy import func, select

    from app.events import Event

    with store.read() as s:
        return int(s.scalar(select(func.max(Event.seq))) or 0)


# ---------------------------------------------------------------- the demo


def create_hub_demo(data_dir: Path, *, villages: int = DEFAULT_VILLAGES, seed: int = DEFAULT_SEED,
                    today: dt.date | None = None, progress: Progress | None = None) -> HubDemoInfo:
    """Make the township hub in ``data_dir`` (``data_dir/hub``) with ``villages`` demo villages and a year of
    their monthly bundles. The same seed (on the same day) gives the same villages, records and bundles."""
    from app.hub.service import hub_dir

    started = time.monotonic()
    say = progress or (lambda _text: None)
    if not 1 <= villages <= MAX_VILLAGES:
        raise HubDemoError(_("演示乡镇的村数请在 1 到 {n} 之间(默认 {d} 个)。").format(n=MAX_VILLAGES, d=DEFAULT_VILLAGES))
    data_dir = Path(data_dir).expanduser()
    folder = data_dir / FOLDER
    made = built_demo(data_dir)
    if made is not None and made.get("seed") == seed and made.get("villages") == villages:
        raise DemoAlreadyBuilt(_("{path} 里已经有这个演示乡镇({name},{n} 个村,{day} 生成),没有重新生成。"
                                 "要重新生成,请用 --data-dir 指定一个新目录。").format(
            path=data_dir, name=made.get("township", ""), n=villages, day=made.get("built", "")))
    if hub_dir(data_dir).exists() and any(hub_dir(data_dir).iterdir()):
        raise HubDemoError(_("{path} 里已经有乡镇数据中心,演示乡镇只能建在没有乡镇数据中心的目录里。"
                             "请用 --data-dir 指定一个新目录。").format(path=data_dir))
    if folder.exists() and any(folder.iterdir()):
        raise HubDemoError(_("{path} 里已经有演示村的数据,请用 --data-dir 指定一个新目录。").format(path=folder))
    try:
        return _create(data_dir, folder, villages=villages, seed=seed, today=today or dt.date.today(), say=say,
                       started=started)
    except BaseException:
        # half a township is no demo: take back what this run made, so running it again works
        for made_here in (hub_dir(data_dir), folder):
            shutil.rmtree(made_here, ignore_errors=True)
        raise


def built_demo(data_dir: Path) -> dict[str, Any] | None:
    """What ``cunwu hub demo`` built in ``data_dir`` (seed, villages, township, day), or None."""
    try:
        made = json.loads((Path(data_dir) / FOLDER / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return made if isinstance(made, dict) else None


def _create(data_dir: Path, folder: Path, *, villages: int, seed: int, today: dt.date, say: Progress,
            started: float) -> HubDemoInfo:
    from app.demo_data import DemoPlace, pick_place
    from app.files import write_atomic
    from app.hub.service import IMPORTED, PENDING, REFUSED, enroll, import_bundles, init_hub
    from app.keys import trust_township, write_identity_file, write_township_file

    rng = random.Random(seed)
    place = pick_place(rng)
    first_day = today - dt.timedelta(days=30 * MONTHS)
    with _clock(_moment(first_day - dt.timedelta(days=10), rng)):
        hub = init_hub(data_dir, place.township)
    plan: list[_Village] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        key_file = folder / "乡镇公钥.json"
        write_township_file(hub.secrets.public, key_file)
        codes: set[str] = set()
        for index, (name, clan) in enumerate(_names(rng, villages)):
            here = DemoPlace(county=place.county, area_code=place.area_code, neighbours=place.neighbours,
                             township=place.township, village=name, clan=clan)
            vdir = folder / "{n:02d}-{name}".format(n=index + 1, name=name)
            v = _Village(index, _generate(rng, here, today, codes), village_kinds(index), vdir, vdir / "U盘",
                         folder / "{n:02d}-{name}-身份文件.json".format(n=index + 1, name=name))
            v.delay = rng.randint(1, 5)
            plan.append(v)

        for v in plan:
            say(_("生成第 {i}/{n} 个村:{name}({what})……").format(i=v.index + 1, n=len(plan), name=v.demo.name,
                                                             what=kind_words(v.kinds)))
            _build(v, today, seed + v.index)
            # this month's work, up to the day its last bundle of the year leaves (the gap village: the first
            # of its last three), or in the month before when that day is before the month began
            sent = today - dt.timedelta(days=10 if GAP in v.kinds else v.delay)
            if not set(v.kinds) & {NEVER, LATE}:
                _catch_up(v, random.Random(f"{seed}-{v.demo.code}-catch-up"), today)
            if not set(v.kinds) & {NEVER, SILENT, FORKED}:
                _certificates(v, random.Random(f"{seed}-{v.demo.code}-month"), sent.replace(day=1), sent)
            if REFUSALS in v.kinds:
                _refusals(v, random.Random(f"{seed}-{v.demo.code}-refusals"), sent)
            trust_township(v.dir, key_file)
            v.stick.mkdir()
            write_identity_file(v.dir, v.identity, code=v.demo.code, name=v.demo.name, township=v.demo.township)
            joined = today - dt.timedelta(days=20) if NEVER in v.kinds else first_day - dt.timedelta(days=3)
            with _clock(_moment(joined, rng)):
                enroll(hub, v.identity)
            head = _head(v.store)
            months = FORK_AFTER if FORKED in v.kinds else MONTHS
            v.cuts = [-(-head * k // months) for k in range(1, months + 1)]

        counts = {IMPORTED: 0, PENDING: 0, REFUSED: 0}
        for month in range(1, MONTHS + 1):
            month_day = today - dt.timedelta(days=30 * (MONTHS - month))
            say(_("第 {m}/{n} 个月({y}年{mm}月):各村导出同步包,乡镇导入……").format(
                m=month, n=MONTHS, y=month_day.year, mm=month_day.month))
            for v in plan:
                for day, bundle, brought in _month(v, month, month_day - dt.timedelta(days=v.delay), today, rng):
                    v.bundles += 1
                    if not brought:
                        continue
                    with _clock(_moment(day, rng)):
                        outcomes, _receipts = import_bundles(hub, [bundle], receipts=v.stick)
                    for o in outcomes:
                        if o.status in counts:
                            counts[o.status] += 1
                        if o.status == REFUSED and FORKED not in v.kinds:
                            raise HubDemoError(o.message)  # only the forked village's bundle is meant to be refused
        info = [DemoVillageInfo(v.demo.code, v.demo.name, v.kinds, _head(v.store), v.bundles) for v in plan]
    finally:
        for v in plan:
            if v.store is not None:
                v.store.close()
        hub.close()
    write_atomic(folder / MARKER, json.dumps({"seed": seed, "villages": villages, "township": place.township,
                                              "built": today.isoformat()}, ensure_ascii=False).encode("utf-8"))
    say(_("演示乡镇已建好:{name},{n} 个村,用时 {s:.0f} 秒。").format(name=place.township, n=len(plan),
                                                            s=time.monotonic() - started))
    return HubDemoInfo(data_dir=data_dir, township=place.township, villages=info, imported=counts[IMPORTED],
                       pending=counts[PENDING], refused=counts[REFUSED], seconds=time.monotonic() - started)


def _month(v: _Village, month: int, day: dt.date, today: dt.date,
           rng: random.Random) -> list[tuple[dt.date, Path, bool]]:
    """What the village does in ``month`` (its clerk working on ``day``): the bundles it exports, each with the
    day it is exported and whether the stick reaches the township."""
    from app.backup import make_backup
    from app.config import DB_NAME
    from app.restore import restore
    from app.schema import open_store

    if NEVER in v.kinds or (SILENT in v.kinds and month > SILENT_AFTER):
        return []
    out: list[tuple[dt.date, Path, bool]] = []

    def export(on: dt.date, upto: int | None = None, *, brought: bool = True) -> None:
        from app.sync.export import export_bundle

        with _clock(_moment(on, rng)):
            result = export_bundle(v.store, v.stick, upto=upto)
        if result.path is not None:
            out.append((on, result.path, brought))

    if FORKED in v.kinds and month > FORK_AFTER:
        # after its log has gone to the township, a few house visits a month
        last = today - dt.timedelta(days=10) if month == MONTHS else day
        _house_visits(v, rng, last)
        export(last)
        if month == MONTHS:
            # then the computer broke; the clerk restored the backup made after the FORK_AFTER-th month's bundle,
            # did the house visits again (not quite the same) and brought the new bundle: it forks
            assert v.backup is not None
            v.store.close()
            restore(v.dir, v.backup)
            v.store = open_store(v.dir)
            again = today - dt.timedelta(days=3)
            _house_visits(v, rng, again)
            export(again)
        return out
    if GAP in v.kinds and month == MONTHS:
        export(today - dt.timedelta(days=10), v.cuts[month - 1])
        _house_visits(v, rng, today - dt.timedelta(days=6))
        export(today - dt.timedelta(days=6), brought=False)  # the stick with this one stayed at home
        _house_visits(v, rng, today - dt.timedelta(days=2))
        export(today - dt.timedelta(days=2))  # this one waits at the township for the one before it
        return out
    export(day, v.cuts[month - 1])
    if FORKED in v.kinds and month == FORK_AFTER:
        v.backup = make_backup(v.dir / DB_NAME, v.dir / "备份", now=_moment(day, rng).replace(tzinfo=None)).path
    return out
