"""The scenarios, in the order they run.

Each module has NAME, TARGET, UNITS and run(settings) -> list[Result].
"""

from __future__ import annotations

from types import ModuleType

from bench.scenarios import (certificates, disclosure_calendar, disclosure_search, hub_import, notice_pdf, paint,
                             preview_open, roster_import, search, signin_sheet, smoke, sync_export, sync_memory)

MODULES: dict[str, ModuleType] = {m.NAME: m for m in (smoke, roster_import, search, paint, sync_export, hub_import,
                                                    sync_memory, certificates, disclosure_search,
                                                    disclosure_calendar, notice_pdf, signin_sheet,
                                                    preview_open)}

from bench.scenarios import township_overview  # noqa: E402 - the township program's overview (ui/township)

MODULES[township_overview.NAME] = township_overview

from bench.scenarios import hub_import_projections, hub_status  # noqa: E402 - the township's projections

MODULES[hub_status.NAME] = hub_status
MODULES[hub_import_projections.NAME] = hub_import_projections

from bench.scenarios import hub_upload  # noqa: E402 - the hub as a network service (app/hub/server.py)

MODULES[hub_upload.NAME] = hub_upload

from bench.scenarios import public_pages  # noqa: E402 - the hub's public pages (app/hub/public.py)

MODULES[public_pages.NAME] = public_pages
