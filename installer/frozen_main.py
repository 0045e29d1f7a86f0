"""The entry of the frozen program on Linux (build.spec): one executable serves as both programs, chosen by
the name it was started by. ``cunwu-desktop`` is the executable, ``cunwu`` a link to it: the command line
never loads Qt, and the folder carries one copy of the program's Python code instead of two.
(Windows needs two executables, one with a console window and one without; build.spec makes those.)"""

import os
import sys


def input_method() -> None:
    """Chinese input with fcitx (UOS, Kylin): Qt only talks to an input method through a plugin of its own
    build, and fcitx's plugin is built against the system's Qt, so the build cannot carry it. With
    QT_IM_MODULE=fcitx and no such plugin a Qt program gets no input method at all; fcitx 5 also answers on
    the IBus protocol, whose plugin the build carries, so that is asked for instead. ibus itself is untouched."""
    wanted = os.environ.get("QT_IM_MODULE", "")
    if wanted.startswith("fcitx"):
        plugins = os.path.join(getattr(sys, "_MEIPASS", ""), "PySide6", "Qt", "plugins", "platforminputcontexts")
        if not any(name.startswith("libfcitx") for name in _listdir(plugins)):
            os.environ["QT_IM_MODULE"] = "ibus"


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def main() -> int:
    if os.path.basename(sys.argv[0]).startswith("cunwu-desktop"):
        input_method()
        from ui.app import main as program
    else:
        from app.cli import main as program
    return program()


if __name__ == "__main__":
    raise SystemExit(main())
