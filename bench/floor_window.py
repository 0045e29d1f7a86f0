"""The floor for start-up: the least a PySide6 program can do to show a window.

One QMainWindow holding one QLabel, rendered once with grab(), then exit 0.
``cunwu-desktop --smoke`` is compared with this, started the same way.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


def main() -> int:
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setCentralWidget(QLabel("村务"))
    window.resize(1024, 700)
    window.show()
    app.processEvents()
    if window.grab().isNull():
        return 1
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
