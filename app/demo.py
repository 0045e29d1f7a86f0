"""``cunwu demo``: load a synthetic village into an empty store.

The generator (app.demo_data) makes plain data; the packages write it through their real code, each
in the steps it registers with ``@app.demo_registry.demo_step`` (the register, then certificates,
disclosure with its ledger, meetings). This module imports the modules that register (``load_steps``)
and runs every step in order inside one write transaction: all or nothing. It names no capability's
function, as ``cunwu check`` names no capability's verifier.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.demo_registry import Progress, ordered_steps
from app.errors import UserError
from app.i18n import _
from app.people.service import get_village, init_village
from app.storage import Store

__all__ = ["DemoError", "DemoInfo", "Progress", "create_demo", "load_steps"]


class DemoError(UserError):
    pass


@dataclass(frozen=True)
class DemoInfo:
    name: str
    residents: int
    households: int
    groups: int


def load_steps() -> None:
    """Import every module that registers a demo step (app.demo_registry.demo_step), as
    app.schema.load_verifiers does for the checks of ``cunwu check``."""
    import app.people.demo  # noqa: F401 - the register and its roles; probationary party members
    import app.certificates.demo  # noqa: F401 - three years of certificates, voids, reprints, refusals
    import app.disclosure.demo  # noqa: F401 - the ledger and three years of notices
    import app.meetings.demo  # noqa: F401 - minutes and the 四议两公开 matters (drafts notices: after disclosure)


def create_demo(store: Store, *, size: str = "small", seed: int = 2026, progress: Progress | None = None) -> DemoInfo:
    from app.demo_data import generate_village

    with store.read() as s:
        if get_village(s) is not None:
            raise DemoError(_("这个数据目录里已经有村庄数据,演示村只能生成在空目录里。请用 --data-dir 指定一个新目录。"))
    village = generate_village(size, seed)
    load_steps()
    steps = ordered_steps()
    with store.begin("演示数据") as s:
        init_village(s, name=village.name, code=village.code, township=village.township, county=village.county,
                     groups=village.groups)
        for step in steps:
            step.run(s, store.data_dir, village, progress)
    from app.keys import ensure_village_key

    ensure_village_key(store.data_dir)
    return DemoInfo(
        name=village.name, residents=sum(len(h.members) for h in village.households),
        households=len(village.households), groups=len(village.groups),
    )
