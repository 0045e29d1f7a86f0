"""What the frozen builds leave out, shared by build.spec and the start-up floor of bench/frozen.py (so the
floor is built the same way): Python packages and Qt modules the program never uses, Qt plugins other than
the window system, input methods, pictures and printing, Qt's translations other than Chinese, and on Linux the
system's own libraries (the .deb depends on them instead).

Used inside a PyInstaller spec: ``trim(analysis.binaries)`` and ``trim(analysis.datas)`` after Analysis.
"""

import re
import sys

# Qt modules the program never imports; PyInstaller would otherwise follow the PySide6 package into them
qt_unused = [
    "QtWebEngineCore", "QtWebEngineWidgets", "QtWebEngineQuick", "QtWebChannel", "QtWebSockets", "Qt3DCore",
    "QtMultimedia", "QtMultimediaWidgets", "QtQuick", "QtQuickWidgets", "QtQuick3D", "QtQml", "QtCharts",
    "QtDataVisualization", "QtBluetooth", "QtNetworkAuth", "QtSql", "QtTest", "QtNetwork", "QtOpenGL",
    "QtOpenGLWidgets", "QtSvg", "QtSvgWidgets", "QtPdf", "QtPdfWidgets", "QtDBus", "QtDesigner", "QtHelp",
    "QtUiTools", "QtXml", "QtConcurrent", "QtStateMachine", "QtSerialPort", "QtPositioning", "QtLocation",
    "QtSensors", "QtRemoteObjects", "QtScxml", "QtSpatialAudio", "QtTextToSpeech", "QtHttpServer", "QtAxContainer",
]
EXCLUDES = ["PySide6." + m for m in qt_unused] + [
    "tkinter", "_tkinter", "pytest", "_pytest", "hypothesis", "pytestqt", "pypdf", "IPython", "matplotlib",
    "scipy", "pyarrow", "numexpr", "bottleneck", "tables", "sqlite3.test", "unittest", "pydoc_data",
    "psycopg", "psycopg_binary", "psycopg2",  # the hub's PostgreSQL driver: a township server installs it with pip
    # the hub's network service (cunwu hub serve): a township server installs it with pip ("cunwu[server]");
    # in the build, hub serve says so
    "uvicorn", "starlette", "anyio", "h11", "click", "jinja2", "httptools", "uvloop", "websockets", "watchfiles",
    "PyInstaller",
    # sqlalchemy and Pillow use numpy when it is there; the program computes no arrays. reportlab needs Pillow
    # (PIL.Image), but not its AVIF, WebP, colour-management or Tk parts
    "numpy", "pandas", "PIL._avif", "PIL._webp", "PIL._imagingcms", "PIL._imagingtk", "PIL.ImageTk", "PIL.ImageQt",
    "PIL.AvifImagePlugin", "PIL.WebPImagePlugin", "PIL.ImageCms",
    # a terminal's line editing and the codecs of Japanese and Korean text: rosters are in GBK or UTF-8
    "readline", "curses", "_codecs_jp", "_codecs_kr", "_codecs_iso2022", "lib2to3", "pydoc", "xmlrpc",
    # the program runs no process pools; in the build, PyInstaller's hook would import it at every start (5-7 ms)
    "multiprocessing",
    # ReportLab's self-tests only (under ``if __name__ == "__main__"``); with them go runpy and pkgutil, which
    # PyInstaller's pkgutil hook would also import at every start
    "doctest", "pdb",
]

# Qt plugins kept, by folder: the window system (xcb on Linux, windows on Windows, offscreen for
# --smoke on a machine without a screen), the Chinese input methods (ibus, fcitx), pictures, printing
keep_plugins = {
    "platforms": ("qxcb", "qoffscreen", "qminimal", "qwindows"),
    "platforminputcontexts": None,
    "imageformats": ("qjpeg", "qgif", "qico"),  # PNG is built into QtGui
    "printsupport": None,
    "xcbglintegrations": None,
    "platformthemes": ("xdgdesktopportal",),
    "styles": None,
}
# Qt libraries only the dropped plugins and modules use
qt_unused_libs = ("Network", "Qml", "Quick", "Pdf", "Svg", "Wayland", "WlShell", "OpenGL", "VirtualKeyboard",
                  "Designer", "EglFs", "EglFS", "Multimedia", "WebEngine", "Positioning", "Sql", "Test")


def _plugin_kept(dest: str) -> bool:
    parts = dest.replace("\\", "/").split("/")
    if "plugins" not in parts:
        return True
    i = parts.index("plugins")
    if len(parts) < i + 3:
        return True
    folder, name = parts[i + 1], parts[i + 2]
    if folder not in keep_plugins:
        return False
    wanted = keep_plugins[folder]
    return wanted is None or name.split(".")[0].removeprefix("lib") in wanted


def _lib_kept(dest: str) -> bool:
    name = dest.replace("\\", "/").rsplit("/", 1)[-1]
    if not re.match(r"(lib)?Qt6", name):
        return True
    return not any(name.startswith(("libQt6" + u, "Qt6" + u)) for u in qt_unused_libs)


# Linux system libraries the package depends on (scripts/build-deb.sh, Depends) instead of carrying copies
# made on the build machine: the X11/xcb window system, fonts, GLib, D-Bus, CUPS and what these pull in.
# The Python's own (libssl, libsqlite3, libffi, libz, libbz2, liblzma, libexpat, libstdc++) stay in.
system_libs = (
    "libX", "libxcb", "libxkbcommon", "libICE", "libSM", "libfontconfig", "libfreetype", "libglib-2.0", "libgio-2.0",
    "libgobject-2.0", "libgmodule-2.0", "libgthread-2.0", "libdbus-1", "libcups", "libgnutls", "libkrb5", "libk5crypto",
    "libgssapi", "libcom_err", "libkeyutils", "libavahi", "libsystemd", "libselinux", "libgcrypt", "libgpg-error",
    "libcap", "libblkid", "libmount", "libpcre2", "libatk", "libatspi", "libcairo", "libpango", "libgdk", "libgtk",
    "libharfbuzz",
    "libthai", "libdatrie", "libfribidi", "libpixman", "libgraphite2", "libpng16", "libjpeg", "libtasn1",
    "libunistring", "libidn2", "libp11-kit", "libhogweed", "libnettle", "libgmp", "libbrotli", "libbsd", "libmd.",
    "libuuid", "libzstd", "liblz4", "libwayland", "libepoxy", "libdrm", "libgbm", "libEGL", "libGL", "libOpenGL",
)


def _system_lib(dest: str) -> bool:
    return sys.platform.startswith("linux") and "/" not in dest and dest.startswith(system_libs)


def _translation_kept(dest: str) -> bool:
    d = dest.replace("\\", "/")
    if "/Qt/translations/" not in d and not d.startswith("PySide6/translations/"):
        return True
    return d.endswith("_zh_CN.qm") and d.rsplit("/", 1)[-1].startswith("qtbase_")


def trim(toc):
    return [e for e in toc if _plugin_kept(e[0]) and _lib_kept(e[0]) and _translation_kept(e[0])
            and not _system_lib(e[0])]
