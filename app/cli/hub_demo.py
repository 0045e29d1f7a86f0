"""``cunwu hub demo``: build a township hub from generated demo villages (app.hub.township_demo)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.i18n import _


def add_demo_parser(hub_sub: Any) -> None:
    from app.hub.township_demo import DEFAULT_SEED, DEFAULT_VILLAGES, MAX_VILLAGES

    a = hub_sub.add_parser(
        "demo", help=_("生成一个演示乡镇(虚构的村和一年的同步包),用来试用乡镇模式"),
        description=_("在数据目录里建立乡镇数据中心,生成 N 个演示村(每村约 300 人、三年的公开、会议和证明),"
                      "按月导出一年的同步包并导入乡镇:有的村公开逾期,一个村同步包分叉(恢复过旧备份),一个村长期未同步,"
                      "一个村登记后从未同步,一个村缺一个同步包(待补),一个村本月有拒开证明。同一个 --seed 生成同样的村。"
                      "默认 {d} 个村,在普通的双核电脑上约半分钟(每个村约 3 秒)。").format(d=DEFAULT_VILLAGES))
    a.add_argument("--villages", type=int, default=DEFAULT_VILLAGES, metavar="N",
                   help=_("村的个数,1 到 {n}(默认 {d},约半分钟)").format(n=MAX_VILLAGES, d=DEFAULT_VILLAGES))
    a.add_argument("--seed", type=int, default=DEFAULT_SEED, help=_("随机种子:同样的种子生成同样的村"))
    a.add_argument("--data-dir", default=argparse.SUPPRESS,
                   help=_("建在这个数据目录里(也可写在 hub 前面;默认在用户数据目录)"))


def hub_demo(data_dir: Path, args: argparse.Namespace) -> int:
    from app.cli import CliError
    from app.hub.township_demo import DemoAlreadyBuilt, HubDemoError, create_hub_demo, kind_words

    def say(text: str) -> None:
        print(text, flush=True)

    try:
        info = create_hub_demo(data_dir, villages=args.villages, seed=args.seed, progress=say)
    except DemoAlreadyBuilt as exc:  # the README's line run a second time: open what is there
        print(str(exc))
        return 0
    except HubDemoError as exc:
        raise CliError(str(exc)) from exc
    for v in info.villages:
        print(_("  {name}(村代码 {code}):{what}").format(name=v.name, code=v.code, what=kind_words(v.kinds)))
    print(_("共导入同步包 {a} 个,暂存待补 {p} 个,拒收 {r} 个。数据目录 {dir}").format(
        a=info.imported, p=info.pending, r=info.refused, dir=info.data_dir))
    print(_("查看各村:cunwu --data-dir {dir} hub villages").format(dir=info.data_dir))
    sys.stdout.flush()
    return 0
