"""Notice search as the 村务公开 screen runs it, over ten years of notices.

The village posts about 25 notices a month (finances, 低保, projects, party
affairs, 四议两公开 results...), so ten years is about 3,000 notices with bodies
and tables. Each measurement is what the list asks for when a clerk types into
the search box: the first page of matches (list_notices, limit 100) and how
many there are (count_notices), in one read session. Queries are one, two and
four characters long, drawn from words that occur in the notices and a few
that do not. The target is absolute (95th percentile ≤ 30 ms per length); the
floor column is a reference: the bare full-text match of the same query (first
page of ids and the count) through plain sqlite3, with no filters or sorting.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sqlite3
import time
from typing import Any

from bench.core import Result, Settings, failed, percentile, ratio_of

NAME = "disclosure-search"
TARGET = "≤ 30 ms"
UNITS = "ms"
LIMIT_MS = 30.0
PAGE = 100
YEARS = 10
PER_MONTH = 25

_WORDS = ["低保", "道路", "硬化", "村道", "路灯", "自来水", "党费", "补助", "土地", "征收", "补偿", "宅基地", "审批",
          "合同", "发包", "鱼塘", "果园", "集体", "资产", "公益", "项目", "验收", "资金", "救助", "临时", "医疗",
          "教育", "困难", "群众", "收入", "支出", "管理", "费用", "办公", "维修", "水渠", "桥梁", "卫生", "环境",
          "整治", "垃圾", "清运", "绿化", "党员", "发展", "培训", "会议", "决议", "实施", "结果", "评议", "监督"]
_TITLES = ["{y}年{m}月财务收支公开", "{y}年第{q}季度村务公开", "{y}年{m}月低保对象公示", "村道硬化工程{w}公示",
           "{y}年{m}月党费收缴情况", "宅基地审批结果公示({w})", "{w}项目实施结果公开", "{y}年{m}月临时救助发放情况"]
_NAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林高罗"
_GIVEN = "建国秀英志强桂兰德明春华海燕玉梅文军丽红永福淑珍"


def _sentence(rng: random.Random) -> str:
    return "".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 10))) + rng.choice("。,;")


def make_notices(seed: int = 2026, years: int = YEARS, per_month: int = PER_MONTH):  # type: ignore[no-untyped-def]
    from app.disclosure.service import NoticeDraft
    from app.disclosure.view import NoticeTable

    rng = random.Random(seed)
    start = dt.date.today().year - years + 1
    for year in range(start, start + years):
        for month in range(1, 13):
            for _i in range(per_month):
                title = rng.choice(_TITLES).format(y=year, m=month, q=(month - 1) // 3 + 1, w=rng.choice(_WORDS))
                body = "\n".join(_sentence(rng) for _ in range(rng.randint(3, 12)))
                rows = [[rng.choice(_NAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN), rng.choice(_WORDS),
                         f"{rng.randint(100, 99999)}.{rng.randint(0, 99):02d}"] for _ in range(rng.randint(0, 30))]
                tables = [NoticeTable("明细", ["姓名", "事项", "金额(元)"], rows, frozenset({2}))] if rows else []
                yield NoticeDraft(title=title[:60], category=rng.choice(["党务", "村务", "财务"]), body=body,
                                  period_key=f"{year}-{month:02d}", period_label=f"{year}年{month}月", tables=tables)


def build_store(settings: Settings) -> Any:
    from app.disclosure.service import create_notice
    from app.people.service import init_village
    from app.people.uscc import make_uscc
    from app.schema import open_store

    data = settings.cache_dir / "disclosure-search-v1"
    per_month = 3 if settings.quick else PER_MONTH
    marker = data / f"ready-{per_month}"
    if not marker.exists():
        shutil.rmtree(data, ignore_errors=True)
        store = open_store(data)
        with store.begin("bench") as s:
            init_village(s, name="基准村", code=make_uscc(random.Random(1), area="371426"), township="基准镇", groups=["第一村民小组"])
            for draft in make_notices(per_month=per_month):
                create_notice(s, draft)
        store.close()
        marker.write_text("ok")
    work = settings.work_dir / "disclosure-search"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(data, work)
    return open_store(work)


def _queries(rng: random.Random) -> dict[int, list[str]]:
    chars = sorted({c for w in _WORDS for c in w})
    return {1: rng.sample(chars, 20),
            2: rng.sample(_WORDS, 20) + ["飞机", "手机"],
            4: [a + b for a, b in zip(rng.sample(_WORDS, 20), rng.sample(_WORDS, 20))] + ["村道硬化", "低保对象"]}


def run(settings: Settings) -> list[Result]:
    from app.disclosure import search
    from app.disclosure.service import NoticeQuery, count_notices, list_notices

    try:
        store = build_store(settings)
    except Exception as exc:  # noqa: BLE001 - reported as a failed row
        return [failed(NAME, TARGET, UNITS, f"could not build the store: {exc!r}")]
    try:
        rng = random.Random(7)
        results = []
        with store.read() as s:
            total = count_notices(s)
        raw = sqlite3.connect(store.db_path)
        for length, queries in _queries(rng).items():
            times, hits, floor = [], [], []
            rounds = 1 if settings.quick else 5
            for _r in range(rounds):
                for q in queries:
                    t0 = time.perf_counter()
                    with store.read() as s:
                        rows = list_notices(s, NoticeQuery(text=q), limit=PAGE)
                        n = count_notices(s, NoticeQuery(text=q))
                    times.append((time.perf_counter() - t0) * 1000)
                    hits.append(n)
                    assert len(rows) == min(n, PAGE)
                    expr = search.match_expression(q)
                    t0 = time.perf_counter()
                    raw.execute(search.matching_ids_sql().replace(":fts", "?") + f" LIMIT {PAGE}", (expr,)).fetchall()
                    raw.execute("SELECT count(*) FROM (" + search.matching_ids_sql().replace(":fts", "?") + ")",
                                (expr,)).fetchone()
                    floor.append((time.perf_counter() - t0) * 1000)
            p95, floor95 = percentile(times, 95), percentile(floor, 95)
            results.append(Result(f"{NAME}-{length}char", p95, floor95, ratio_of(p95, floor95), TARGET,
                                  p95 <= LIMIT_MS, UNITS,
                                  {"notices": total, "queries": len(queries), "samples": len(times),
                                   "median_hits": sorted(hits)[len(hits) // 2], "max_ms": max(times)}))
        raw.close()
        return results
    finally:
        store.close()
