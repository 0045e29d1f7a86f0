"""The entry of the frozen program on Linux (build.spec): one executable serves as both programs, chosen by
the name it was started by. ``cunwu-desktop`` is the executable, ``cunwu`` a link to it: the command line
never loads Qt, and the folder carries one copy of the program's Python code instead of two.
(Windows needs two executables, one with a console window and one without; build.spec makes those.)"""

import os
import sys


def main() -> int:
    if os.path.basename(sys.argv[0]).startswith("cunwu-desktop"):
        from ui.app import main as program
    else:
        from app.cli import main as program
    return program()


if __name__ == "__main__":
    raise SystemExit(main())
