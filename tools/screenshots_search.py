"""Screenshot of a search with a clerk's short form for the user guide: ``python tools/screenshots_search.py``.

Builds the small demo village in a temporary directory and writes, in the main window at 1366x728
offscreen, docs/images/search-synonyms.png: the 公开事项 list after typing the search box's own example
低保, which finds the 最低生活保障 notices and says 同时查找了“最低生活保障” under the box.
``--large`` takes it in 大字模式 (search-synonyms-large.png) and ``--out DIR`` writes it elsewhere.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shotkit import SIZE, application, arguments, demo_window, save, settle  # noqa: E402


def main() -> int:
    out, large = arguments()
    app = application(large)

    from ui.disclosure.screen import NOTICES, DisclosureScreen

    with demo_window(app) as (_store, window):
        window.resize(*SIZE)
        screen = window.show_screen("disclosure")
        assert isinstance(screen, DisclosureScreen)
        panel = screen.notices
        settle(app, lambda: screen.context is not None and not panel.model.loading)
        screen.show_tab(NOTICES)
        example = panel.search_edit.placeholderText().rsplit("例如", 1)[1].strip()  # 低保
        panel.search_edit.setText(example)
        panel.apply_filters()
        settle(app, lambda: not panel.model.loading and panel.model.query is not None
               and panel.model.query.text == example)
        panel.table.selectRow(0)
        settle(app, lambda: panel.details.notice is not None)
        save(window, out / ("search-synonyms-large.png" if large else "search-synonyms.png"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
